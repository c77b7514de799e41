/**
 * Runs `run` at most once per `intervalMs`: a call when nothing ran lately runs at once; calls
 * during the interval are folded into one run at its end, so the last change is never missed.
 * (Plain TypeScript without the DOM, so the unit tests drive it with Jest's fake timers.)
 */
export interface Throttled {
  (): void;
  cancel(): void;
}

export const throttle = (
  run: () => void,
  intervalMs: number,
  now: () => number = Date.now,
): Throttled => {
  let lastRun = -Infinity;
  let trailing: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    trailing = undefined;
    lastRun = now();
    run();
  };
  const throttled = () => {
    if (trailing !== undefined) return; // a run is already due at the interval's end
    const wait = lastRun + intervalMs - now();
    if (wait <= 0) fire();
    else trailing = setTimeout(fire, wait);
  };
  throttled.cancel = () => {
    clearTimeout(trailing);
    trailing = undefined;
  };
  return throttled;
};

/**
 * Runs `run` once, `quietMs` after the last call (each call moves the run later). The live pages
 * use it for a last refetch once a feed goes quiet: the refetch a change triggers at once can be
 * answered from a cache its writer has not updated yet (the event is published as it commits,
 * the writer's cache is updated when its append returns), and without another event nothing
 * would correct the page.
 */
export const afterQuiet = (run: () => void, quietMs: number): Throttled => {
  let due: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(due);
    due = setTimeout(() => {
      due = undefined;
      run();
    }, quietMs);
  };
  schedule.cancel = () => {
    clearTimeout(due);
    due = undefined;
  };
  return schedule;
};
