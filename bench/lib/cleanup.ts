import { stopAllChildren } from './child-processes';

/**
 * What must be undone however the bench ends (normal end, error, Ctrl-C, SIGTERM from a
 * timeout): stop every server and PostgreSQL it started and delete their temp folders.
 */
const tasks: Array<() => Promise<void>> = [];

export function onCleanup(task: () => Promise<void>): void {
  tasks.push(task);
}

let cleaning: Promise<void> | undefined;

/**
 * Once, however many ways ask for it: Ctrl-C in a terminal sends SIGINT to the bench and a
 * SIGTERM may follow from whoever started it (bench:compare stopping its run), and two cleanups
 * side by side would exit as soon as the first is done, in the middle of the other's
 * PostgreSQL stop.
 */
export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await stopAllChildren();
    // Newest first: PostgreSQL, registered first, stops after the servers that use it.
    while (tasks.length > 0) await (tasks.pop() as () => Promise<void>)().catch(() => undefined);
  })();
  return cleaning;
}

/** Runs `main`, cleaning up on every exit path, including signals. */
export function runBench(main: () => Promise<void>): void {
  const interrupted = (signal: NodeJS.Signals): void => {
    process.stderr.write(`${signal}: stopping everything the bench started\n`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  main()
    .catch((error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exitCode = 1;
    })
    .finally(() => cleanUp());
}
