import { MIGRATIONS, Migration } from './migrations';
import { READ_MODEL_MIGRATIONS } from './read-model-migrations';

/** Everything the service needs in its database: the event store, then the read models. */
export const ALL_MIGRATIONS: readonly Migration[] = [...MIGRATIONS, ...READ_MODEL_MIGRATIONS];
