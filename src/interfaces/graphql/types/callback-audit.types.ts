import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { CallbackAuditEntry } from '../../../application/queries/read-model-queries';
import { CallbackRejectionReason } from '../../../domain/process/events';
import { CallbackAuditStatusEnum, CallbackRejectionReasonEnum } from './enums';
import { JsonScalar, TimestampScalar } from './scalars';

@ObjectType('CallbackProgress')
export class CallbackProgressType {
  @Field(() => TimestampScalar) at!: string;
  @Field(() => JsonScalar, { nullable: true }) progress!: unknown;
}

@ObjectType('CallbackRejection')
export class CallbackRejectionType {
  @Field(() => TimestampScalar) at!: string;
  @Field(() => CallbackRejectionReasonEnum) reason!: CallbackRejectionReason;
  @Field() detail!: string;
}

@ObjectType('CallbackAudit', {
  description: 'Everything that happened to one callback token; never the token itself.',
})
export class CallbackAuditType {
  @Field(() => ID) tokenId!: string;
  @Field(() => ID) processId!: string;
  @Field(() => Int) stepIndex!: number;
  @Field() stepName!: string;
  @Field(() => CallbackAuditStatusEnum) status!: CallbackAuditEntry['status'];
  @Field(() => TimestampScalar) issuedAt!: string;
  @Field(() => TimestampScalar, { nullable: true }) expiresAt!: string | null;
  @Field(() => TimestampScalar, { nullable: true }) actionCompletedAt!: string | null;
  @Field(() => [CallbackProgressType]) progress!: CallbackProgressType[];
  @Field(() => TimestampScalar, { nullable: true }) receivedAt!: string | null;
  @Field(() => JsonScalar, { nullable: true, description: 'The accepted callback payload.' })
  payload!: Record<string, unknown> | null;
  @Field(() => [CallbackRejectionType]) rejections!: CallbackRejectionType[];
  @Field(() => TimestampScalar, { nullable: true }) expiredAt!: string | null;
  @Field(() => TimestampScalar, { nullable: true }) revokedAt!: string | null;
  @Field(() => String, { nullable: true }) revokedReason!: string | null;
}
