import { Pool, PoolClient } from 'pg';
import { ChangeSignal } from '../event-store/change-signal';
import { checkOut } from './pg-client';

/**
 * One LISTEN connection per store, shared by all of its subscriptions, that turns NOTIFYs into
 * wake-ups. Notifications are only a shortcut: subscribers also poll, so a lost notification or
 * a dropped LISTEN connection costs latency, never events.
 */
export class PgChangeFeed {
  readonly changes = new ChangeSignal();
  private listening: Listening | undefined;
  private connecting: Promise<void> | undefined;
  private users = 0;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A subscription starts using the feed; connects on first use. */
  retain(): void {
    this.users += 1;
    this.ensureListening();
  }

  /** A subscription stopped; the last one out closes the LISTEN connection. */
  async release(): Promise<void> {
    this.users -= 1;
    if (this.users === 0) await this.disconnect();
  }

  /**
   * (Re)connects if needed without waiting. Subscribers call it before every read, so after an
   * outage listening resumes at the pace of their (backed-off) retries, with no loop of its own.
   */
  ensureListening(): void {
    if (this.listening !== undefined || this.connecting !== undefined || this.users === 0) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  private async connect(): Promise<void> {
    // Listening from the hand-over on (see checkOut); Listening's own listener takes over below.
    // An error in between leaves the client unqueryable, so the LISTEN fails and is reported.
    const untilListening = (): void => undefined;
    let client: PoolClient;
    try {
      client = await checkOut(this.pool, untilListening);
    } catch (error) {
      this.report(error);
      return;
    }
    const listening: Listening = new Listening(
      client,
      () => this.changes.notify(),
      (error) => {
        if (this.listening === listening) this.listening = undefined;
        void listening.end(error);
        this.report(error);
        this.changes.notify(); // make subscribers re-read, which also reconnects
      },
    );
    client.removeListener('error', untilListening);
    try {
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      await listening.end(error);
      this.report(error);
      return;
    }
    if (this.users === 0) {
      await listening.end();
      return;
    }
    this.listening = listening;
    // Appends may have committed while nobody was listening: make everyone re-read once.
    this.changes.notify();
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // Reporting must not break the feed: subscribers would stop being woken.
    }
  }

  private async disconnect(): Promise<void> {
    await this.connecting;
    if (this.users > 0) return; // someone subscribed again while we waited
    const listening = this.listening;
    this.listening = undefined;
    await listening?.end();
  }
}

/** A checked-out client subscribed to the channel, handed back exactly once however it ends. */
class Listening {
  private ended = false;

  constructor(
    private readonly client: PoolClient,
    private readonly onNotification: () => void,
    private readonly onError: (error: Error) => void,
  ) {
    client.on('notification', onNotification);
    client.on('error', onError);
  }

  async end(failure?: unknown): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.client.removeListener('notification', this.onNotification);
    let error = failure;
    if (error === undefined) {
      // A healthy connection goes back to the pool, but not still subscribed to the channel.
      try {
        await this.client.query('UNLISTEN *');
      } catch (unlistenError) {
        error = unlistenError;
      }
    }
    this.client.removeListener('error', this.onError);
    if (error === undefined) {
      this.client.release();
      return;
    }
    this.client.on('error', () => undefined); // late socket errors on a dead client are expected
    this.client.release(true);
  }
}
