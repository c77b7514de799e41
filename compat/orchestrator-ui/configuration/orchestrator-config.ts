/**
 * The UI's view of Baton, read from the environment of the Next.js server on every request
 * (through _app's getInitialProps), never baked into the build. Defaults point at a Baton on
 * localhost:8080 with its orchestrator-core compatible API under /oc/api.
 */
import { Environment, OrchestratorConfig } from '@orchestrator-ui/orchestrator-ui-components';

const isTrue = (value: string | undefined, fallback: boolean) =>
  value === undefined || value === '' ? fallback : value.toLowerCase() === 'true';

export const orchestratorConfigFromEnv = (): OrchestratorConfig => {
  // Read per call, on the server: process.env here is the running server's, not the build's.
  const env = process.env;
  const apiHost = env.ORCHESTRATOR_API_HOST || 'http://localhost:8080';
  const graphqlHost = env.ORCHESTRATOR_GRAPHQL_HOST || apiHost;
  return {
    environmentName: env.ENVIRONMENT_NAME || Environment.DEVELOPMENT,
    orchestratorApiBaseUrl: `${apiHost}${env.ORCHESTRATOR_API_PATH || '/oc/api'}`,
    graphqlEndpointCore: `${graphqlHost}${env.ORCHESTRATOR_GRAPHQL_PATH || '/oc/api/graphql'}`,
    orchestratorWebsocketUrl:
      env.ORCHESTRATOR_WEBSOCKET_URL || `${apiHost.replace(/^http/, 'ws')}/oc/api/ws/events`,
    // Without the websocket the UI never refreshes on its own; Baton serves it, so it is on.
    useWebSockets: isTrue(env.USE_WEB_SOCKETS, true),
    // The UI does not sign in itself: a proxy in front of Baton authenticates each request and
    // adds Baton's credential (docs/orchestrator-core-compat.md), so no token lives in the browser.
    authActive: false,
    useThemeToggle: false,
    workflowInformationLinkUrl: '',
    showWorkflowInformationLink: false,
    showWorkflowUserGuide: false,
    enableSupportMenuItem: false,
    supportMenuItemUrl: '',
    enableAoStackStatus: false,
    aoStackStatusUrl: '',
    startWorkflowFilters: undefined,
  };
};
