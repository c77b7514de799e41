/**
 * A reader that names the process revision it has seen (`?revision=` on the callback audit and
 * the step log) is answered once the read model shows it, not with the rows from before it.
 * The operator UI depends on this: told of a new progress line, it refetches the process and
 * then its callbacks at once, while the read model still trails by a batch. Here the read model
 * is held back on purpose (an exclusive turn on the projection, as an online rebuild takes).
 */
import { ProjectionRunner } from '../../src/application/projections/projection-runner';
import { L2VPN_INPUT, api, call } from '../support/api';
import { startPgTestApp } from '../support/pg-app';

type PgTestApp = Awaited<ReturnType<typeof startPgTestApp>>;

describe('read models answer at the revision the reader has seen', () => {
  let t: PgTestApp;
  let client: ReturnType<typeof api>;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);
    runner = t.app.get(ProjectionRunner);
  });
  afterAll(() => t.close());

  /** Holds projection `name` (no batch applied) until the returned release is called. */
  const holdBack = async (name: string) => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const done = runner.exclusive(name, async () => {
      held();
      await released;
    });
    await Promise.race([holding, done]); // done first: the turn was refused (it throws)
    return async () => {
      release();
      await done;
    };
  };

  const progressLines = (body: unknown) =>
    (body as Array<{ progress: Array<{ progress: unknown }> }>).flatMap((entry) =>
      entry.progress.map((p) => p.progress),
    );

  it('waits for the callback audit to show the progress line the detail already shows', async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const id = body.id as string;
    await client.awaitingCallback(id);
    const url = await t.remote.callbackUrl();

    const release = await holdBack('callback-audit');
    const posted = await call('POST', `${url}/progress`, { task: 'configure', pct: 50 });
    expect(posted.status).toBeLessThan(300);
    const events = (await client.events(id)).body as Array<{ type: string; revision: number }>;
    const last = events[events.length - 1];
    expect(last.type).toBe('CallbackProgressReported');
    const revision = last.revision;

    // Without the revision: the rows from before the line (the race the UI used to lose).
    const plain = await call('GET', `${t.url}/api/processes/${id}/callbacks`);
    expect(plain.status).toBe(200);
    expect(progressLines(plain.body)).toEqual([]);

    // With it: no answer while the read model is held, then the line.
    let answered = false;
    const fresh = call('GET', `${t.url}/api/processes/${id}/callbacks?revision=${revision}`).then(
      (answer) => {
        answered = true;
        return answer;
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    await release();
    const answer = await fresh;
    expect(answer.status).toBe(200);
    expect(progressLines(answer.body)).toEqual([{ task: 'configure', pct: 50 }]);
  });

  it('waits for the step log the same way', async () => {
    const release = await holdBack('step-log');
    let fresh: ReturnType<typeof call> | undefined;
    try {
      const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
      const id = body.id as string;
      const detail = await client.awaitingCallback(id);
      const plain = await call('GET', `${t.url}/api/processes/${id}/steps`);
      expect(plain).toEqual({ status: 200, body: [] }); // the read model has nothing of it yet
      fresh = call('GET', `${t.url}/api/processes/${id}/steps?revision=${detail.revision}`);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await release();
    }
    const answer = await fresh!;
    expect(answer.status).toBe(200);
    expect((answer.body as unknown[]).length).toBeGreaterThan(0);
  });

  it('answers with what it has once the wait is over, and at once for a revision it shows', async () => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const id = body.id as string;
    const detail = await client.awaitingCallback(id);
    // Caught up: answered without waiting for anything.
    expect(await runner.reached('callback-audit', 0, 10)).toBe(true);
    const release = await holdBack('callback-audit');
    try {
      // Far ahead of anything applied: the wait ends at its bound.
      expect(await runner.reached('callback-audit', Number.MAX_SAFE_INTEGER, 100)).toBe(false);
    } finally {
      await release();
    }
    const answer = await call(
      'GET',
      `${t.url}/api/processes/${id}/callbacks?revision=${detail.revision}`,
    );
    expect(answer.status).toBe(200);
  });

  it.each(['-1', 'abc', '1.5'])('refuses ?revision=%s with 400', async (revision) => {
    const { body } = await client.start('create_l2vpn', L2VPN_INPUT);
    const answer = await call(
      'GET',
      `${t.url}/api/processes/${body.id as string}/callbacks?revision=${revision}`,
    );
    expect(answer.status).toBe(400);
  });

  it('answers 404 for an unknown process with a revision, without waiting', async () => {
    const answer = await call(
      'GET',
      `${t.url}/api/processes/00000000-0000-4000-8000-000000000000/callbacks?revision=3`,
    );
    expect(answer.status).toBe(404);
  });
});
