import { WfoWorkflowsPage } from '@orchestrator-ui/orchestrator-ui-components';

/** Metadata opens on the workflows Baton serves (products and blocks: no model in Baton). */
export default WfoWorkflowsPage;
