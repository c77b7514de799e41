import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar, TimestampScalar } from './scalars';

@ObjectType('EventMetadata')
export class EventMetadataType {
  @Field(() => TimestampScalar) at!: string;
  @Field() actor!: string;
  @Field() correlationId!: string;
  @Field(() => String, { nullable: true }) causationId!: string | null;
  @Field(() => Int) schemaVersion!: number;
  @Field(() => String, {
    nullable: true,
    description: 'Tamper evidence: SHA-256 chained over the stream (null before hashing began).',
  })
  hash?: string;
}

@ObjectType('ProcessEvent', { description: 'One recorded event of a process, as stored.' })
export class ProcessEventType {
  @Field(() => ID) eventId!: string;
  @Field(() => ID) processId!: string;
  @Field({ description: 'Stable event type name, such as CallbackReceived.' }) type!: string;
  @Field(() => Int, { description: '0-based place in the process stream.' }) revision!: number;
  @Field(() => Float, {
    description: 'Place in the global order: increasing, unique, not consecutive (exact integer).',
  })
  position!: number;
  @Field(() => JsonScalar) data!: Record<string, unknown>;
  @Field(() => EventMetadataType) metadata!: EventMetadataType;
}
