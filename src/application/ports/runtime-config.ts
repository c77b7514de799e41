/** What the application layer needs to know about its deployment. */
export interface RuntimeConfig {
  /** Base URL remote services use to reach this service (callback URLs start with it). */
  publicUrl: string;
  /** Settings workflows may read through `ctx.settings` (ANSIBLE_PROXY_URL, …). */
  workflowSettings: Record<string, string | undefined>;
  /** How often the runner looks for due timers (retry backoff, callback timeouts). */
  timerPollMs: number;
  /** Readiness fails when a projection trails the store by more than this (ms; default 30 s). */
  maxProjectionLagMs?: number;
  /** Longest a unit of workflow code may run before it fails (retryable) and its signal aborts. */
  stepTimeoutMs?: number;
  /** Failed drives (or timer firings) of one process, other than outages, before it is parked. */
  maxDriveFailures?: number;
  /** On shutdown, how long running steps may take to finish before they are abandoned. */
  shutdownGraceMs?: number;
  /**
   * After a callback step's action returns, how long (ms) a callback already on its way may go
   * first, before the action's return is recorded; 0 records it at once. Unset: 0.
   */
  callbackGraceMs?: number;
  /** Workflow name → shared secret its runner signs callbacks with (X-Baton-Signature). */
  callbackSecrets?: Record<string, string>;
  /** Refused callback attempts allowed per window, per process and per client address. */
  callbackRefusalLimits?: { perProcess: number; perAddress: number; windowMs: number };
  /** Set while the bundled LSO simulator stands in for a runner (it runs no playbook). */
  simulatorUrl?: string | null;
  /** Heartbeat comments on idle event streams (SSE), in ms; 0 sends none. Default 15 s. */
  feedHeartbeatMs?: number;
  /** Live event streams (SSE and GraphQL subscriptions together) one credential may hold open at once; past it, 429. */
  feedStreamsPerCredential?: number;
  /** Progress reports accepted per callback token, by count and by bytes; past either, 429. */
  progressLimits?: ProgressLimits;
  /** Which of the instance's worker processes this is (WORKERS > 1), 1-based; null when alone. */
  worker?: { index: number; of: number } | null;
}

export interface ProgressLimits {
  maxReports: number;
  /** Sum of the reports' sizes (their text, or their JSON) on one token. */
  maxBytes: number;
}
export const RUNTIME_CONFIG = Symbol('RuntimeConfig');

export const DEFAULT_STEP_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_DRIVE_FAILURES = 5;
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_CALLBACK_REFUSAL_LIMITS = { perProcess: 20, perAddress: 60, windowMs: 60_000 };
export const DEFAULT_PROGRESS_LIMITS: ProgressLimits = {
  maxReports: 2000,
  maxBytes: 8 * 1024 * 1024,
};
export const DEFAULT_FEED_STREAMS_PER_CREDENTIAL = 5;
