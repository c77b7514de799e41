import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ProcessEventType } from './event.types';
import { TimestampScalar } from './scalars';

@ObjectType('ProcessChange', { description: 'One event appended to a process, live.' })
export class ProcessChangeType {
  @Field(() => ID) processId!: string;
  @Field({ description: 'Event type, such as StepCompleted.' }) type!: string;
  @Field(() => Int) revision!: number;
  @Field(() => Float) position!: number;
  @Field(() => TimestampScalar) at!: string;
  @Field() actor!: string;
  @Field(() => ProcessEventType) event!: ProcessEventType;
}
