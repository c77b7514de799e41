import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export class CreateWebhookDto {
  @ApiProperty({
    description: 'Receiver URL (http or https); link-local and metadata addresses are refused',
  })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({
    description: 'Event types to deliver (all when absent or empty)',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({
    description: 'Workflows whose processes are delivered (all when absent)',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  workflows?: string[];

  @ApiPropertyOptional({
    description:
      'Signing secret (16 to 200 characters); when absent Baton makes one and returns it once',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  secret?: string;

  @ApiPropertyOptional({ enum: ['now', 'beginning'], default: 'now' })
  @IsOptional()
  @IsIn(['now', 'beginning'])
  from?: 'now' | 'beginning';
}

export class ReplayWebhookDto {
  @ApiProperty({
    description: 'Deliver again every event at or after this global position (0: all)',
  })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  fromPosition!: number;
}
