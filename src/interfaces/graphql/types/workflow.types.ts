import { Field, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from './scalars';

@ObjectType('WorkflowStep')
export class WorkflowStepType {
  @Field() name!: string;
  @Field({ description: 'step, callback, input, ...' }) kind!: string;
}

@ObjectType('Workflow', { description: 'One version of a workflow definition.' })
export class WorkflowType {
  @Field() name!: string;
  @Field() description!: string;
  @Field() target!: string;
  @Field(() => Int) version!: number;
  @Field(() => JsonScalar, {
    nullable: true,
    description: 'JSON Schema of the form that starts a process.',
  })
  initialForm!: Record<string, unknown> | null;
  @Field(() => [WorkflowStepType]) steps!: WorkflowStepType[];
}
