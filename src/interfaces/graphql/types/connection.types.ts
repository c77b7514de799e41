import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { ListedStatus } from '../../../application/queries/read-model-queries';
import { ProcessStatusEnum } from './enums';
import { ProcessSummaryType } from './process.types';

@InputType('ProcessFilter', { description: 'All given conditions must hold.' })
export class ProcessFilterInput {
  @Field(() => ProcessStatusEnum, { nullable: true })
  status?: ListedStatus;

  @Field({ nullable: true, description: 'Workflow name.' })
  workflow?: string;

  @Field({ nullable: true, description: 'Who must act on the pending form (e.g. SYSTEM).' })
  assignee?: string;

  @Field({
    nullable: true,
    description:
      'Words (letters and digits) that must each begin a word of the workflow name or the ' +
      'process description, case-insensitive.',
  })
  q?: string;
}

@ObjectType('ProcessEdge')
export class ProcessEdgeType {
  @Field(() => ProcessSummaryType) node!: ProcessSummaryType;
  @Field({ description: 'Pass as `after` to continue after this process.' }) cursor!: string;
}

@ObjectType('PageInfo')
export class PageInfoType {
  @Field() hasNextPage!: boolean;
  @Field({ description: 'True when the page was asked for `after` a cursor.' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType('ProcessConnection', { description: 'A page of processes, newest first (Relay).' })
export class ProcessConnectionType {
  @Field(() => [ProcessEdgeType]) edges!: ProcessEdgeType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}
