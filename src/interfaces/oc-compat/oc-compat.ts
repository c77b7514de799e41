/**
 * The orchestrator-core compatible API under `/oc/api`: a thin translation of Baton's own
 * commands and queries into OC's routes, shapes and statuses (docs/orchestrator-core-compat.md).
 */
import { OcGraphqlController } from './graphql/oc-graphql.controller';
import { OcEventsSocket } from './oc-events.socket';
import { OcProcessesController } from './oc-processes.controller';
import { OcSettingsController } from './oc-settings.controller';

export const OC_COMPAT_CONTROLLERS = [
  OcSettingsController,
  OcProcessesController,
  OcGraphqlController,
];

/** Providers of the compatible API that are not routes: the events websocket. */
export const OC_COMPAT_PROVIDERS = [OcEventsSocket];
