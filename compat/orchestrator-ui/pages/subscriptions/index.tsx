import { WfoSubscriptionsListPage } from '@orchestrator-ui/orchestrator-ui-components';

/** Kept so the menu entry leads somewhere; Baton has no subscription model (see the docs). */
export default WfoSubscriptionsListPage;
