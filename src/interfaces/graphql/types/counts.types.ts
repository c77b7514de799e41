import { Field, Int, ObjectType } from '@nestjs/graphql';
import {
  ListedStatus,
  ProcessCounts,
  StatusCounts,
} from '../../../application/queries/read-model-queries';
import { ProcessStatusEnum } from './enums';

@ObjectType('StatusCount')
export class StatusCountType {
  @Field(() => ProcessStatusEnum) status!: ListedStatus;
  @Field(() => Int) count!: number;
}

@ObjectType('WorkflowCounts')
export class WorkflowCountsType {
  @Field() workflow!: string;
  @Field(() => Int) total!: number;
  @Field(() => [StatusCountType]) byStatus!: StatusCountType[];
}

@ObjectType('ProcessCounts', {
  description: 'How many processes there are, by status and workflow.',
})
export class ProcessCountsType {
  @Field(() => Int) total!: number;
  @Field(() => [StatusCountType], { description: 'Statuses with at least one process.' })
  byStatus!: StatusCountType[];
  @Field(() => [WorkflowCountsType]) byWorkflow!: WorkflowCountsType[];
}

const statusList = (counts: StatusCounts): StatusCountType[] =>
  (Object.entries(counts) as Array<[ListedStatus, number | undefined]>)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([status, count]) => ({ status, count: count ?? 0 }));

/** The application's maps become lists: GraphQL has no map type. */
export const toCountsType = (counts: ProcessCounts): ProcessCountsType => ({
  total: counts.total,
  byStatus: statusList(counts.byStatus),
  byWorkflow: counts.byWorkflow.map((w) => ({
    workflow: w.workflow,
    total: w.total,
    byStatus: statusList(w.byStatus),
  })),
});
