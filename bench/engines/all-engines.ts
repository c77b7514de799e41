import { batonLauncher, dbosLauncher, EngineLauncher, restateLauncher } from './launchers';
import { orchestratorCoreLauncher } from './orchestrator-core-launcher';

/** Every peer of `npm run bench`, in the order they run. */
export const ALL_ENGINES: EngineLauncher[] = [
  batonLauncher,
  dbosLauncher,
  restateLauncher,
  orchestratorCoreLauncher,
];
