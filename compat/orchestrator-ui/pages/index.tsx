import { WfoStartPage } from '@orchestrator-ui/orchestrator-ui-components';

export default WfoStartPage;
