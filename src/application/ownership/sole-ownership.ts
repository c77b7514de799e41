/**
 * One instance owns everything: the in-memory store (tests) and anything that cannot share its
 * database. Partitions are still used, so the runner works the same way as with several.
 */
import { OwnershipListener, RoleListener, WorkOwnership } from '../ports/work-ownership';
import { DEFAULT_PARTITIONS } from './partitions';

export class SoleOwnership implements WorkOwnership {
  private listener?: OwnershipListener;
  private readonly roles: RoleListener[] = [];
  private running = false;
  /** Everything is held until stop(): there is nobody else to drive it. */
  private stopped = false;

  constructor(readonly partitionCount = DEFAULT_PARTITIONS) {}

  holds(): boolean {
    return !this.stopped;
  }

  /** Nobody else can take the work, so there is nothing to fence. */
  fenceOf(): undefined {
    return undefined;
  }

  roleFence(): undefined {
    return undefined;
  }

  async start(listener: OwnershipListener): Promise<void> {
    this.listener = listener;
    this.running = true;
    await listener.acquired(this.all());
    for (const role of this.roles) await role.acquired();
  }

  watchRole(_role: string, listener: RoleListener): void {
    this.roles.push(listener);
    if (this.running) void listener.acquired();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await this.listener?.releasing(this.all());
    for (const role of this.roles) await role.released();
    this.running = false;
    this.stopped = true;
  }

  private all(): number[] {
    return Array.from({ length: this.partitionCount }, (_, i) => i);
  }
}
