import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { SUMMARY_SORTS, SummarySort } from '../../../application/ports/process-summaries';
import { ListedStatus } from '../../../application/queries/read-model-queries';

/** What the list can be filtered by: every status, and `parked` (the runner gave up on it). */
export const STATUSES: ListedStatus[] = [
  'created',
  'running',
  'awaiting_callback',
  'suspended',
  'waiting',
  'failed',
  'aborted',
  'completed',
  'parked',
];

export class ListProcessesQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ListedStatus;

  @ApiPropertyOptional({ description: 'Workflow name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  workflow?: string;

  @ApiPropertyOptional({ description: 'Who must act on the pending form (exact match)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignee?: string;

  @ApiPropertyOptional({
    description:
      'Text search: every word must begin a word of the workflow name or the description',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: SUMMARY_SORTS, default: '-startedAt' })
  @IsOptional()
  @IsIn(SUMMARY_SORTS)
  sort?: SummarySort;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class AbortProcessDto {
  @ApiPropertyOptional({ description: 'Why the process is aborted (kept in the history)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class StateAtRevisionQueryDto {
  @ApiProperty({ minimum: 0, description: 'Stream revision (0 = ProcessStarted)' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  revision!: number;
}

/** `?revision=`: read-model endpoints answer once they show the revision the caller has seen. */
export class SeenRevisionQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    description:
      'The process revision you have seen (from its detail): the answer waits (at most 5 s) until this read model shows it',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  revision?: number;
}

export class StartedProcessDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
}

export class CallbackAnswerDto {
  @ApiProperty({ enum: ['accepted', 'duplicate'] })
  status!: 'accepted' | 'duplicate';
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'Per-field problems for 400 answers' })
  validationErrors?: Array<{ property: string; constraints: Record<string, string> }>;
}
