import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PROCESS_STATUSES, ProcessStatus } from '../../../domain/process/state';

export const STATUSES: ProcessStatus[] = [...PROCESS_STATUSES];

export class ListProcessesQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: ProcessStatus;

  @ApiPropertyOptional({ description: 'Workflow name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  workflow?: string;

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
