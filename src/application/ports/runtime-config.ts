/** What the application layer needs to know about its deployment. */
export interface RuntimeConfig {
  /** Base URL remote services use to reach this service (callback URLs start with it). */
  publicUrl: string;
  /** Settings workflows may read through `ctx.settings` (ANSIBLE_PROXY_URL, …). */
  workflowSettings: Record<string, string | undefined>;
  /** How often the runner looks for due timers (retry backoff, callback timeouts). */
  timerPollMs: number;
  /** Workflow name → shared secret its runner signs callbacks with (X-Baton-Signature). */
  callbackSecrets?: Record<string, string>;
  /** Refused callback attempts allowed per window, per process and per client address. */
  callbackRefusalLimits?: { perProcess: number; perAddress: number; windowMs: number };
  /** Set while the bundled LSO simulator stands in for a runner (it runs no playbook). */
  simulatorUrl?: string | null;
  /** Heartbeat comments on idle event streams (SSE), in ms; 0 sends none. Default 15 s. */
  feedHeartbeatMs?: number;
}
export const RUNTIME_CONFIG = Symbol('RuntimeConfig');

export const DEFAULT_CALLBACK_REFUSAL_LIMITS = { perProcess: 20, perAddress: 60, windowMs: 60_000 };
