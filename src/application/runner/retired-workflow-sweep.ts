/**
 * At start-up, parks every unfinished process whose workflow version this deployment does not
 * register (removed, renamed, or a version dropped while processes still ran on it), with a
 * reason that says so. Without it, a process waiting for a callback, a confirmation or a retry
 * timer on such a version would sit there silently until someone touched it; a running one is
 * parked by the runner (WorkflowNotDeployedError) as soon as it is driven.
 */
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { WorkflowRegistry } from '../../domain/workflow/registry';
import { PROCESS_SUMMARY_STORE, ProcessSummaryStore } from '../ports/process-summaries';
import { ListedStatus } from '../queries/read-model-queries';
import { ProcessParker } from './process-parker';
import { WorkflowNotDeployedError } from './process-driver';

/** Resting states a process can wait in without the runner looking at it. */
const WAITING_STATUSES: ListedStatus[] = ['running', 'awaiting_callback', 'suspended', 'waiting'];
const PAGE = 200;

@Injectable()
export class RetiredWorkflowSweep implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetiredWorkflowSweep.name);

  constructor(
    private readonly registry: WorkflowRegistry,
    @Inject(PROCESS_SUMMARY_STORE) private readonly summaries: ProcessSummaryStore,
    private readonly parker: ProcessParker,
  ) {}

  onApplicationBootstrap(): void {
    // In the background: start-up does not wait for a scan of the process list.
    this.sweep().catch((error: Error) =>
      this.logger.error(`looking for processes on retired workflows failed: ${error.message}`),
    );
  }

  /** Parks what it finds; resolves with how many processes it parked. */
  async sweep(): Promise<number> {
    const { byWorkflow } = await this.summaries.counts();
    let parked = 0;
    for (const { workflow } of byWorkflow) {
      const deployed = this.registry.versionsOf(workflow);
      for (const status of WAITING_STATUSES) {
        let cursor: string | undefined;
        do {
          const page = await this.summaries.list({ workflow, status, limit: PAGE, cursor });
          for (const process of page.items) {
            if (deployed.includes(process.workflowVersion)) continue;
            const reason = new WorkflowNotDeployedError(
              workflow,
              process.workflowVersion,
              deployed,
            );
            await this.parker.park(process.processId, reason, 0);
            parked += 1;
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
      }
    }
    if (parked > 0)
      this.logger.warn(`parked ${parked} process(es) whose workflow version is not registered`);
    return parked;
  }
}
