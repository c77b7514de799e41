import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, Roles } from '../auth/access';

/** Who the caller is, as authenticated: the operator UI shows it in its header. */
@ApiTags('identity')
@Controller('api/me')
export class MeController {
  @Get()
  @Roles('auditor')
  @ApiOperation({ summary: 'The authenticated caller: name and roles' })
  @ApiOkResponse({ description: '{name, roles}' })
  me(@Req() req: AuthenticatedRequest) {
    return { name: req.actor?.name ?? null, roles: req.actor?.roles ?? [] };
  }
}
