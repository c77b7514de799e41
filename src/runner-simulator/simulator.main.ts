/** `npm run simulator`: the LSO runner SIMULATOR on its own (SIMULATOR_PORT, default 8081). */
import { startRunnerSimulator } from './lso-runner-simulator';

const port = Number(process.env.SIMULATOR_PORT ?? 8081);
startRunnerSimulator({
  port,
  delayMs: Number(process.env.SIMULATOR_DELAY_MS ?? 1500),
  fail: process.env.SIMULATOR_FAIL === 'true',
  log: (m) => console.log(`[lso-simulator] ${m}`),
})
  .then((sim) =>
    console.log(`[lso-simulator] SIMULATED Ansible runner (LSO API) listening on ${sim.url}`),
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
