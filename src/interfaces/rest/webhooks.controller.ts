import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { WebhookAdmin } from '../../application/webhooks/webhook-admin';
import { AuthenticatedRequest, Roles } from '../auth/access';
import { CreateWebhookDto, ReplayWebhookDto } from './dto/webhook.dto';
import { ErrorDto } from './dto/process.dto';
import { requestContext } from './request-context';
import { dtoValidation } from './validation';
import { CreatedWebhookJson, WebhookDetailJson, WebhookJson } from './webhooks.contract';

/** Webhook subscriptions for downstream services (docs/webhooks.md). Admins only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Roles('admin')
@Controller('api/webhooks')
@UsePipes(dtoValidation)
export class WebhooksController {
  constructor(private readonly webhooks: WebhookAdmin) {}

  @Post()
  @ApiOperation({
    summary:
      'Subscribe a receiver URL to events; the answer carries the secret once if Baton made it',
  })
  @ApiResponse({ status: 201, description: 'The subscription (and `secret` when made by Baton)' })
  @ApiResponse({
    status: 400,
    type: ErrorDto,
    description: '{validationErrors}; a refused receiver address',
  })
  create(
    @Body() body: CreateWebhookDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<CreatedWebhookJson> {
    return this.webhooks.create(body, requestContext(req).actor.name);
  }

  @Get()
  @ApiOperation({ summary: 'Subscriptions with their checkpoint, lag and failures' })
  list(): Promise<WebhookJson[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription with its latest delivery attempts' })
  @ApiResponse({ status: 404, type: ErrorDto })
  detail(@Param('id') id: string): Promise<WebhookDetailJson> {
    return this.webhooks.detail(id);
  }

  @Put(':id/pause')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop delivering (the checkpoint stays)' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async pause(@Param('id') id: string) {
    await this.webhooks.pause(id);
  }

  @Put(':id/resume')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deliver again from the checkpoint (the failing event first)' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async resume(@Param('id') id: string) {
    await this.webhooks.resume(id);
  }

  @Post(':id/replay')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Move the checkpoint: deliver every event at or after fromPosition, and resume',
  })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async replay(@Param('id') id: string, @Body() body: ReplayWebhookDto) {
    await this.webhooks.replay(id, body.fromPosition);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the subscription and its attempts' })
  @ApiResponse({ status: 404, type: ErrorDto })
  async remove(@Param('id') id: string) {
    await this.webhooks.remove(id);
  }
}
