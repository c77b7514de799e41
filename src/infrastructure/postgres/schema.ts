import { MIGRATIONS, Migration } from './migrations';
import { READ_MODEL_MIGRATIONS } from './read-model-migrations';
import { WEBHOOK_MIGRATIONS } from './webhook-migrations';

/** Everything the service needs in its database: the event store, the read models, webhooks. */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS,
  ...READ_MODEL_MIGRATIONS,
  ...WEBHOOK_MIGRATIONS,
];
