import { Pool } from 'pg';

/**
 * Fewest milliseconds between two NOTIFYs: wake-ups for other processes, not a message bus. Other
 * processes follow Baton's events up to this much later; this process is woken in-process.
 */
const MIN_INTERVAL_MS = 20;

/**
 * Wakes subscribers in other processes after appends, outside the appending transactions: a
 * transaction that NOTIFYs takes a database-wide lock at commit, which would put every append
 * back in single file. Bursts coalesce into one NOTIFY per interval. A NOTIFY lost to a crash or
 * an outage costs other processes latency only: their subscribers also poll.
 */
export class PgNotifier {
  private inFlight: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  poke(): void {
    if (this.closed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = this.send().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.again = false;
    await this.inFlight;
  }

  private async send(): Promise<void> {
    try {
      await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, '']);
    } catch {
      // Only a shortcut: pollers catch up without it, and the store reports real outages.
    }
    await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS).unref());
  }
}
