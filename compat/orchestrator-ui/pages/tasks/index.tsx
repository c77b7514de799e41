import { WfoTasksListPage } from '@orchestrator-ui/orchestrator-ui-components';

/** Kept so the menu entry leads somewhere; Baton has no tasks, so the list is empty. */
export default WfoTasksListPage;
