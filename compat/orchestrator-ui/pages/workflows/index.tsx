import { WfoWorkflowsListPage } from '@orchestrator-ui/orchestrator-ui-components';

/** The process list ("Workflows" in the menu): active and completed tabs. */
export default WfoWorkflowsListPage;
