/**
 * Work ownership by PostgreSQL session advisory locks, held on one dedicated connection per
 * instance. A lock lives exactly as long as that connection: when an instance dies (SIGKILL,
 * crash, host gone) PostgreSQL ends its session and every lock it held is free at once, so no
 * lease expiry has to pass and no clock has to agree. If this instance loses the connection it
 * stops driving at once (`lost`), because another instance may take its partitions right away.
 *
 * Every round (`checkEveryMs`) each instance counts the live members (each holds one member
 * lock), takes free partitions up to its fair share ceil(partitions / members), and hands back
 * (after finishing their work) those above it, so a new instance gets its share within two
 * rounds and a dead one's partitions are taken within one.
 */
import { Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Client, Pool } from 'pg';
import {
  OwnershipListener,
  RoleListener,
  WorkOwnership,
} from '../../application/ports/work-ownership';
import { DEFAULT_PARTITIONS, shardOf } from '../../application/ownership/partitions';

/** First key of the two-key advisory locks: one class per kind, fixed for every instance. */
const PARTITION_CLASS = 0x42a70001;
const MEMBER_CLASS = 0x42a70002;
const ROLE_CLASS = 0x42a70003;

export interface PgOwnershipOptions {
  partitionCount?: number;
  /** How often to look for free partitions and dead members; bounds a takeover. */
  checkEveryMs?: number;
  /** Connection settings for the dedicated session (defaults to the pool's). */
  connection?: ConstructorParameters<typeof Client>[0];
}

export class PgAdvisoryOwnership implements WorkOwnership {
  private readonly logger = new Logger(PgAdvisoryOwnership.name);
  readonly partitionCount: number;
  private readonly checkEveryMs: number;
  private readonly memberKey = randomInt(0, 2 ** 31 - 1);
  private readonly held = new Set<number>();
  private readonly roles = new Map<string, { listener: RoleListener; held: boolean }>();
  private client?: Client;
  private listener?: OwnershipListener;
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    options: PgOwnershipOptions = {},
  ) {
    this.partitionCount = options.partitionCount ?? DEFAULT_PARTITIONS;
    this.checkEveryMs = options.checkEveryMs ?? 2000;
    this.connection = options.connection;
  }
  private readonly connection?: ConstructorParameters<typeof Client>[0];

  holds(partition: number): boolean {
    return this.held.has(partition);
  }

  async start(listener: OwnershipListener): Promise<void> {
    this.listener = listener;
    await this.schedule();
    this.loop();
  }

  watchRole(role: string, listener: RoleListener): void {
    this.roles.set(role, { listener, held: false });
    if (this.listener) void this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    const partitions = [...this.held];
    if (partitions.length > 0) await this.listener?.releasing(partitions);
    for (const role of this.roles.values()) if (role.held) await role.listener.released();
    this.held.clear();
    // Ending the session frees every lock it holds, partitions, roles and membership alike.
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private loop(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.schedule().finally(() => this.loop());
    }, this.checkEveryMs);
    this.timer.unref();
  }

  /** Rounds never overlap. */
  private schedule(): Promise<void> {
    this.round = this.round
      .then(() => this.balance())
      .catch((error: Error) => {
        this.logger.warn(`ownership round failed, will try again: ${error.message}`);
      });
    return this.round;
  }

  private async balance(): Promise<void> {
    if (this.stopped) return;
    const client = await this.session();
    const members = await this.countMembers(client);
    const share = Math.ceil(this.partitionCount / Math.max(1, members));
    if (this.held.size > share) await this.handBack(client, this.held.size - share);
    if (this.held.size < share) await this.take(client, share - this.held.size);
    for (const [role, entry] of this.roles) {
      if (entry.held) continue;
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS ok',
        [ROLE_CLASS, shardOf(role)],
      );
      if (!rows[0].ok) continue;
      entry.held = true;
      try {
        await entry.listener.acquired();
      } catch (error) {
        // Could not start it: let it go, so this or another instance tries again.
        entry.held = false;
        await client.query('SELECT pg_advisory_unlock($1, $2)', [ROLE_CLASS, shardOf(role)]);
        throw error;
      }
    }
  }

  private async take(client: Client, wanted: number): Promise<void> {
    const taken: number[] = [];
    // Start somewhere different on every instance, so joiners do not all race for partition 0.
    const offset = this.memberKey % this.partitionCount;
    for (let i = 0; i < this.partitionCount && taken.length < wanted; i++) {
      const partition = (offset + i) % this.partitionCount;
      if (this.held.has(partition)) continue;
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS ok',
        [PARTITION_CLASS, partition],
      );
      if (rows[0].ok) taken.push(partition);
    }
    if (taken.length === 0) return;
    for (const partition of taken) this.held.add(partition);
    this.logger.log(`now driving partitions ${taken.join(', ')} (${this.held.size} held)`);
    await this.listener?.acquired(taken);
  }

  private async handBack(client: Client, count: number): Promise<void> {
    const partitions = [...this.held].sort((a, b) => b - a).slice(0, count);
    await this.listener?.releasing(partitions);
    for (const partition of partitions) {
      this.held.delete(partition);
      await client.query('SELECT pg_advisory_unlock($1, $2)', [PARTITION_CLASS, partition]);
    }
    this.logger.log(`handed back partitions ${partitions.join(', ')} (${this.held.size} held)`);
  }

  private async countMembers(client: Client): Promise<number> {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks
       WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [MEMBER_CLASS],
    );
    return Number(rows[0].n);
  }

  /** The dedicated session, (re)connected with its member lock when needed. */
  private async session(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client(this.connection ?? this.pool.options);
    client.on('error', (error) => this.onSessionLost(client, error));
    client.on('end', () => this.onSessionLost(client, new Error('connection ended')));
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1, $2)', [MEMBER_CLASS, this.memberKey]);
    this.client = client;
    return client;
  }

  private onSessionLost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const partitions = [...this.held];
    this.held.clear();
    this.logger.error(
      `ownership session lost (${error.message}): stopped driving ${partitions.length} partitions`,
    );
    if (partitions.length > 0) this.listener?.lost(partitions);
    for (const role of this.roles.values()) {
      if (!role.held) continue;
      role.held = false;
      void role.listener.released();
    }
  }
}
