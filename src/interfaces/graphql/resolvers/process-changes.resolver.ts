/**
 * `processChanged`: every event appended to processes from the moment of subscribing, live,
 * over graphql-ws. Read-only like the queries (role `auditor`).
 */
import { QueryBus } from '@nestjs/cqrs';
import { Args, ID, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { ProcessChangeFeed } from '../../../application/feed/process-change-feed';
import { RecordedEvent } from '../../../application/ports/event-store';
import { toProcessChange } from '../event-view';
import { findProcess } from '../find-process';
import { ProcessChangeType } from '../types/process-change.types';
import { ProcessType } from '../types/process.types';
import { Roles } from '../../auth/access';

@Roles('auditor')
@Resolver(() => ProcessChangeType)
export class ProcessChangesResolver {
  constructor(
    private readonly feed: ProcessChangeFeed,
    private readonly queries: QueryBus,
  ) {}

  @Subscription(() => ProcessChangeType, {
    description:
      'Each event appended from now on, of one process or (without id) of all, in order.',
    resolve: (event: RecordedEvent) => toProcessChange(event),
  })
  processChanged(
    @Args('id', { type: () => ID, nullable: true }) id?: string,
  ): Promise<AsyncIterableIterator<RecordedEvent>> {
    return this.feed.follow(id ?? undefined);
  }

  @ResolveField(() => ProcessType, {
    nullable: true,
    description: 'The process as it is when this change is sent: at this revision or later.',
  })
  process(@Parent() change: ProcessChangeType): Promise<ProcessType | null> {
    return findProcess(this.queries, change.processId, change.revision);
  }
}
