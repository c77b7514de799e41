import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access';
import { AUTH_SETTINGS, AuthSettings } from '../auth/authenticator';
import { UiConfig } from './ui-config.contract';

/**
 * Public on purpose: the page needs it before anyone has signed in. It holds only what the
 * provider's discovery document and the UI's own redirect already show (issuer, a public client
 * id, scopes, the API's audience): no secret, no key, no user.
 */
@ApiTags('identity')
@Public()
@Controller('api/ui/config')
export class UiConfigController {
  private readonly config: UiConfig;

  constructor(@Inject(AUTH_SETTINGS) settings: AuthSettings) {
    const { oidc } = settings;
    this.config = {
      oidc:
        oidc?.ui && oidc.issuer
          ? {
              issuer: oidc.issuer,
              clientId: oidc.ui.clientId,
              scopes: [...oidc.ui.scopes],
              audience: oidc.audience,
            }
          : null,
      apiKeys: settings.apiKeys.length > 0,
    };
  }

  @Get()
  @ApiOperation({ summary: 'How the operator UI signs people in (public: no secrets)' })
  @ApiOkResponse({ description: '{oidc: {issuer, clientId, scopes, audience} | null, apiKeys}' })
  get(): UiConfig {
    return this.config;
  }
}
