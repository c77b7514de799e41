/**
 * Read models trail the store by a batch (tens of milliseconds; more on a busy instance). A
 * reader that has just seen a process at a new revision (the operator UI, told of a change by
 * the event feed, refetches the process and then its callbacks) would otherwise often be shown
 * the rows from before that change, and nothing tells it to ask again. It can name the revision
 * it has seen: the answer then waits, for a bounded time, until the read model has applied that
 * revision's event.
 */
import { Injectable, Optional } from '@nestjs/common';
import { isUuid } from '../../domain/uuid';
import { ProcessRepository } from '../process/process-repository';
import { ProjectionRunner } from '../projections/projection-runner';

/** Longest an answer waits for a read model to catch up; after that it shows what it has. */
export const READ_MODEL_WAIT_MS = 5_000;

@Injectable()
export class ReadModelFreshness {
  constructor(
    private readonly repository: ProcessRepository,
    @Optional() private readonly runner?: ProjectionRunner,
  ) {}

  /**
   * Resolves once read model `projection` has applied the process's event at `revision` (or its
   * newest event, if it has fewer), or after READ_MODEL_WAIT_MS. An unknown process does not wait.
   */
  async showsRevision(projection: string, processId: string, revision: number): Promise<void> {
    if (this.runner === undefined || !isUuid(processId)) return;
    const { events } = await this.repository.loadAtLeast(processId, revision);
    const last = events[events.length - 1];
    if (last === undefined) return;
    const seen = events[revision]?.revision === revision ? events[revision] : last;
    await this.runner.reached(projection, seen.position, READ_MODEL_WAIT_MS);
  }
}
