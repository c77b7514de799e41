import { CheckpointStore } from '../../application/ports/checkpoint-store';

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(name: string): Promise<number> {
    return this.positions.get(name) ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, position);
  }

  /** Only one instance can use memory, so there is no other owner to fence out. */
  async saveMany(positions: ReadonlyMap<string, number>): Promise<{ fencedOut: number }> {
    for (const [name, position] of positions) this.positions.set(name, position);
    return { fencedOut: 0 };
  }
}
