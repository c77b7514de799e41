import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_FEED_PAGE } from '../../../application/feed/event-feed';
import { PROCESS_EVENT_TYPES } from '../../../domain/process/events';

/** `type=A,B` and `type=A&type=B` alike, as a list. */
const toList = ({ value }: { value: unknown }): unknown =>
  (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [v],
  );

export class EventFeedQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    default: 0,
    description: 'Events after this global position (exclusive); `next` of the previous page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_FEED_PAGE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_FEED_PAGE)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Only these event types (comma-separated or repeated)',
    enum: PROCESS_EVENT_TYPES,
    isArray: true,
  })
  @IsOptional()
  @Transform(toList)
  @ArrayMaxSize(PROCESS_EVENT_TYPES.length)
  @IsIn(PROCESS_EVENT_TYPES, { each: true })
  type?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the events of this process' })
  @IsOptional()
  @IsUUID()
  processId?: string;
}
