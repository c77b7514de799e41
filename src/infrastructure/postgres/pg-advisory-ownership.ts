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
 *
 * The session can also die without a word (a network black hole, a failover, the server ending
 * it while the socket sees nothing): then the locks are gone but no error arrives for minutes.
 * So the session proves it is alive every `heartbeatMs`, by a query that must answer within
 * `heartbeatTimeoutMs`; a late answer, or any failed round, counts as the session lost. And
 * since even that leaves a window, taking a lock also raises the work's epoch (a fencing token,
 * see application/ownership/write-fence.ts) which every write of the owner is checked against.
 */
import { Logger } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { Client, Pool, QueryResult, QueryResultRow } from 'pg';
import {
  OwnershipListener,
  RoleListener,
  WorkOwnership,
} from '../../application/ports/work-ownership';
import {
  COUNT_MEMBERS_SQL,
  MEMBER_CLASS,
  PARTITION_CLASS,
  ROLE_CLASS,
  TAKE_SQL,
} from './pg-ownership-sql';
import { SessionHeartbeat } from './pg-session-heartbeat';
import { DEFAULT_PARTITIONS, shardOf } from '../../application/ownership/partitions';
import { Fence, partitionFenceName, roleFenceName } from '../../application/ownership/write-fence';

export interface PgOwnershipOptions {
  partitionCount?: number;
  /** How often to look for free partitions and dead members; bounds a takeover. */
  checkEveryMs?: number;
  /** How often the session proves it is alive, and how long an answer may take. */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Connection settings for the dedicated session (defaults to the pool's). */
  connection?: ConstructorParameters<typeof Client>[0];
}

export class PgAdvisoryOwnership implements WorkOwnership {
  private readonly logger = new Logger(PgAdvisoryOwnership.name);
  readonly partitionCount: number;
  private readonly checkEveryMs: number;
  private readonly memberKey = randomInt(0, 2 ** 31 - 1);
  /** Partitions held, with the epoch each was taken at. */
  private readonly held = new Map<number, number>();
  private readonly roles = new Map<
    string,
    { listener: RoleListener; held: boolean; epoch: number }
  >();
  private readonly heartbeat: SessionHeartbeat;
  private client?: Client;
  private listener?: OwnershipListener;
  private timer?: NodeJS.Timeout;
  private round: Promise<void> = Promise.resolve();
  private queries: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    options: PgOwnershipOptions = {},
  ) {
    this.partitionCount = options.partitionCount ?? DEFAULT_PARTITIONS;
    this.checkEveryMs = options.checkEveryMs ?? 2000;
    this.heartbeat = new SessionHeartbeat({
      everyMs: options.heartbeatMs ?? 1000,
      timeoutMs: options.heartbeatTimeoutMs ?? 2500,
      ping: () => {
        const client = this.client;
        return client && (() => this.run(client, 'SELECT 1'));
      },
      silent: (error) => {
        if (this.client) this.onSessionLost(this.client, error);
      },
    });
    this.connection = options.connection;
  }
  private readonly connection?: ConstructorParameters<typeof Client>[0];

  holds(partition: number): boolean {
    return this.held.has(partition);
  }

  fenceOf(partition: number): Fence | undefined {
    const epoch = this.held.get(partition);
    return epoch === undefined ? undefined : { name: partitionFenceName(partition), epoch };
  }

  roleFence(role: string): Fence | undefined {
    const entry = this.roles.get(role);
    return entry?.held ? { name: roleFenceName(role), epoch: entry.epoch } : undefined;
  }

  async start(listener: OwnershipListener): Promise<void> {
    this.listener = listener;
    await this.schedule();
    this.loop();
    this.heartbeat.start();
  }

  watchRole(role: string, listener: RoleListener): void {
    this.roles.set(role, { listener, held: false, epoch: 0 });
    if (this.listener) void this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round; // a round stuck on a dead session is cut by the heartbeat
    this.heartbeat.stop();
    const partitions = [...this.held.keys()];
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

  /** Rounds never overlap; a failed one means the session cannot be trusted. */
  private schedule(): Promise<void> {
    this.round = this.round
      .then(() => this.balance())
      .catch((error: Error) => {
        // Whatever failed, this session cannot show that it still holds its locks.
        if (this.client) this.onSessionLost(this.client, error);
        else this.logger.warn(`ownership round failed, will try again: ${error.message}`);
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
      const epoch = await this.tryLock(client, ROLE_CLASS, shardOf(role), roleFenceName(role));
      if (epoch === undefined) continue;
      entry.held = true;
      entry.epoch = epoch;
      try {
        await entry.listener.acquired();
      } catch (error) {
        // Could not start it: let it go, so this or another instance tries again.
        entry.held = false;
        await this.run(client, 'SELECT pg_advisory_unlock($1, $2)', [ROLE_CLASS, shardOf(role)]);
        throw error;
      }
    }
  }

  private async take(client: Client, wanted: number): Promise<void> {
    const taken: Array<[number, number]> = [];
    // Start somewhere different on every instance, so joiners do not all race for partition 0.
    const offset = this.memberKey % this.partitionCount;
    for (let i = 0; i < this.partitionCount && taken.length < wanted; i++) {
      const partition = (offset + i) % this.partitionCount;
      if (this.held.has(partition)) continue;
      const epoch = await this.tryLock(
        client,
        PARTITION_CLASS,
        partition,
        partitionFenceName(partition),
      );
      if (epoch !== undefined) taken.push([partition, epoch]);
    }
    if (taken.length === 0) return;
    for (const [partition, epoch] of taken) this.held.set(partition, epoch);
    const partitions = taken.map(([partition]) => partition);
    this.logger.log(`now driving partitions ${partitions.join(', ')} (${this.held.size} held)`);
    await this.listener?.acquired(partitions);
  }

  /**
   * Takes the lock and, only if it got it, raises the work's epoch, in one statement: the new
   * epoch exists only while this session holds the lock. Undefined when another holds it.
   */
  private async tryLock(
    client: Client,
    lockClass: number,
    key: number,
    fence: string,
  ): Promise<number | undefined> {
    const { rows } = await this.run<{ epoch: string }>(client, TAKE_SQL, [lockClass, key, fence]);
    return rows.length === 0 ? undefined : Number(rows[0].epoch);
  }

  private async handBack(client: Client, count: number): Promise<void> {
    const partitions = [...this.held.keys()].sort((a, b) => b - a).slice(0, count);
    await this.listener?.releasing(partitions);
    for (const partition of partitions) {
      this.held.delete(partition);
      await this.run(client, 'SELECT pg_advisory_unlock($1, $2)', [PARTITION_CLASS, partition]);
    }
    this.logger.log(`handed back partitions ${partitions.join(', ')} (${this.held.size} held)`);
  }

  private async countMembers(client: Client): Promise<number> {
    const { rows } = await this.run<{ n: string }>(client, COUNT_MEMBERS_SQL, [MEMBER_CLASS]);
    return Number(rows[0].n);
  }

  /** One query at a time on the session, each timed by the heartbeat. */
  private run<R extends QueryResultRow>(
    client: Client,
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    const next = this.queries.then(() => this.heartbeat.busy(() => client.query<R>(text, values)));
    this.queries = next.catch(() => undefined);
    return next;
  }

  /** The dedicated session, (re)connected with its member lock when needed. */
  private async session(): Promise<Client> {
    if (this.client) return this.client;
    // Keepalive probes let the kernel notice a dead peer too (the heartbeat is what bounds it).
    const base = this.connection ?? this.pool.options;
    const client = new Client({
      ...(typeof base === 'string' ? { connectionString: base } : base),
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
    });
    client.on('error', (error) => this.onSessionLost(client, error));
    client.on('end', () => this.onSessionLost(client, new Error('connection ended')));
    await client.connect();
    await this.run(client, 'SELECT pg_advisory_lock($1, $2)', [MEMBER_CLASS, this.memberKey]);
    this.client = client;
    return client;
  }

  private onSessionLost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    // end() waits for the server's goodbye, which a black hole never sends: cut the socket, so
    // queries still queued on it fail now and the next round starts on a new session.
    (
      client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const partitions = [...this.held.keys()];
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
