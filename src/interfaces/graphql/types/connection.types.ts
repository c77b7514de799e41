import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { ProcessStatus } from '../../../domain/process/state';
import { ProcessStatusEnum } from './enums';
import { ProcessSummaryType } from './process.types';

@InputType('ProcessFilter', { description: 'All given conditions must hold.' })
export class ProcessFilterInput {
  @Field(() => ProcessStatusEnum, { nullable: true })
  status?: ProcessStatus;

  @Field({ nullable: true, description: 'Workflow name.' })
  workflow?: string;
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
