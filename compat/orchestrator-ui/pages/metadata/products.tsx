import { WfoProductsPage } from '@orchestrator-ui/orchestrator-ui-components';

/** Kept so the menu entry leads somewhere; Baton has no product model (see the docs). */
export default WfoProductsPage;
