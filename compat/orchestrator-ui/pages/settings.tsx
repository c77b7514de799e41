import { WfoSettingsPage } from '@orchestrator-ui/orchestrator-ui-components';

export default WfoSettingsPage;
