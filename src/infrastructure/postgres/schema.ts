import { MIGRATIONS, Migration } from './migrations';
import { LEDGER_MIGRATIONS } from './ledger-migrations';
import { READ_MODEL_MIGRATIONS } from './read-model-migrations';
import { WEBHOOK_MIGRATIONS } from './webhook-migrations';

/** Everything the service needs in its database: the event store, the read models, the ledger,
 * webhooks. */
export const ALL_MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS,
  ...READ_MODEL_MIGRATIONS,
  ...LEDGER_MIGRATIONS,
  ...WEBHOOK_MIGRATIONS,
];
