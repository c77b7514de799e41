import { Field, Float, ID, Int, InterfaceType, ObjectType } from '@nestjs/graphql';
import { StepStatus } from '../../../application/queries/process-detail';
import { CallbackActivityKind } from '../../../application/ports/process-summaries';
import { ListedStatus } from '../../../application/queries/read-model-queries';
import { TokenStatus } from '../../../domain/process/state';
import { CallbackActivityEnum, ProcessStatusEnum, StepStatusEnum, TokenStatusEnum } from './enums';
import { JsonScalar, TimestampScalar } from './scalars';

/**
 * What every view of a process has: the list's row (`ProcessSummary`, from the read model) and
 * the detail (`Process`, folded from the stream). Fields resolved from elsewhere (callbacks,
 * the workflow definition) are declared on this interface once, for both.
 */
@InterfaceType('ProcessHeader', {
  resolveType: (value: { steps?: unknown }) => (value.steps ? 'Process' : 'ProcessSummary'),
})
export abstract class ProcessHeaderType {
  @Field(() => ID) id!: string;
  @Field() workflow!: string;
  @Field(() => Int) workflowVersion!: number;
  @Field(() => ProcessStatusEnum) status!: ListedStatus;
  @Field(() => String, { nullable: true, description: 'Step the process is at.' })
  currentStep!: string | null;
  @Field(() => String, { nullable: true, description: 'Who must act on the pending form.' })
  assignee!: string | null;
  @Field(() => String, { nullable: true }) failedReason!: string | null;
  @Field(() => Int, { description: 'Revision of the last event reflected here.' })
  revision!: number;
  @Field(() => TimestampScalar) startedAt!: string;
  @Field(() => TimestampScalar) updatedAt!: string;
}

@ObjectType('ProcessSummary', {
  implements: () => [ProcessHeaderType],
  description: 'A row of the process list (read model: may trail the event store briefly).',
})
export class ProcessSummaryType extends ProcessHeaderType {
  @Field(() => TimestampScalar, {
    nullable: true,
    description: 'When the runner looks at the process again by itself (retry, deadline).',
  })
  wakeAt!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "The workflow's description of this process (customer, sites, …).",
  })
  description!: string | null;
  @Field(() => TimestampScalar, { nullable: true, description: 'Time of the last callback event.' })
  lastCallbackAt!: string | null;
  @Field(() => CallbackActivityEnum, { nullable: true })
  lastCallbackKind!: CallbackActivityKind | null;
}

@ObjectType('StepError')
export class StepErrorType {
  @Field() message!: string;
  @Field(() => JsonScalar, { nullable: true }) details!: unknown;
  @Field() retryable!: boolean;
}

@ObjectType('Step')
export class StepType {
  @Field(() => Int) index!: number;
  @Field() name!: string;
  @Field() kind!: string;
  @Field(() => StepStatusEnum) status!: StepStatus;
  @Field(() => JsonScalar, { nullable: true, description: 'What the step changed in the state.' })
  delta!: Record<string, unknown> | null;
  @Field(() => TimestampScalar, { nullable: true }) startedAt!: string | null;
  @Field(() => TimestampScalar, { nullable: true }) completedAt!: string | null;
  @Field(() => Float, { nullable: true }) durationMs!: number | null;
  @Field(() => StepErrorType, { nullable: true }) error!: StepErrorType | null;
}

@ObjectType('ProcessForm', { description: 'The form a suspended process waits for.' })
export class ProcessFormType {
  @Field() step!: string;
  @Field() assignee!: string;
  @Field() title!: string;
  @Field(() => JsonScalar, { description: 'JSON Schema of the expected input.' })
  schema!: Record<string, unknown>;
  @Field(() => JsonScalar) values!: Record<string, unknown>;
}

@ObjectType('CurrentCallback', { description: 'The latest callback token (never the token).' })
export class CurrentCallbackType {
  @Field(() => ID) tokenId!: string;
  @Field() step!: string;
  @Field(() => TokenStatusEnum) status!: TokenStatus;
  @Field(() => TimestampScalar, { nullable: true }) expiresAt!: string | null;
  @Field() actionCompleted!: boolean;
  @Field(() => JsonScalar, { nullable: true }) lastProgress!: unknown;
}

@ObjectType('ProcessFailure')
export class ProcessFailureType {
  @Field() step!: string;
  @Field() message!: string;
  @Field(() => JsonScalar, { nullable: true }) details!: unknown;
  @Field() retryable!: boolean;
  @Field(() => TimestampScalar, { nullable: true }) retryAt!: string | null;
}

@ObjectType('Process', {
  implements: () => [ProcessHeaderType],
  description: 'One process in full, folded from its event stream (never stale).',
})
export class ProcessType extends ProcessHeaderType {
  @Field(() => [StepType]) steps!: StepType[];
  @Field(() => JsonScalar, { description: 'The process state (what the steps built).' })
  state!: Record<string, unknown>;
  @Field(() => ProcessFormType, { nullable: true }) form!: ProcessFormType | null;
  @Field(() => CurrentCallbackType, { nullable: true }) callback!: CurrentCallbackType | null;
  @Field(() => ProcessFailureType, { nullable: true }) failure!: ProcessFailureType | null;
}
