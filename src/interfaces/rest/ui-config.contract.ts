/** The answer of `GET /api/ui/config`; the operator UI imports this type, so keep it plain. */
export interface UiConfig {
  /** Set when people sign in to the UI through the organisation's OpenID provider. */
  oidc: { issuer: string; clientId: string; scopes: string[]; audience: string } | null;
  /** Whether an API key can be entered instead (keys are configured). */
  apiKeys: boolean;
}
