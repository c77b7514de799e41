import { WfoWorkflowsPage } from '@orchestrator-ui/orchestrator-ui-components';

export default WfoWorkflowsPage;
