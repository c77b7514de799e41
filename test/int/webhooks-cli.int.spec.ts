/** `baton webhooks …` against a running app: the CLI is a thin client of /api/webhooks. */
import { runCli } from '../../src/interfaces/cli/run-cli';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';

describe('baton webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const baton = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
      env: {
        BATON_URL: t.url,
        BATON_API_KEY: TEST_KEYS.admin,
        RECEIVER_SECRET: 'a-secret-from-the-env',
      },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('creates, lists, shows, pauses, resumes, replays and deletes a subscription', async () => {
    const created = await baton(
      'webhooks',
      'create',
      'http://127.0.0.1:9/hooks',
      '--event',
      'ProcessCompleted,ProcessAborted',
      '--json',
    );
    expect(created.code).toBe(0);
    const body = JSON.parse(created.out) as { id: string; secret: string; eventTypes: string[] };
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.eventTypes).toEqual(['ProcessCompleted', 'ProcessAborted']);

    const own = await baton(
      'webhooks',
      'create',
      'http://127.0.0.1:9/b',
      '--secret-env',
      'RECEIVER_SECRET',
    );
    expect(own.code).toBe(0);
    expect(own.out).not.toContain('a-secret-from-the-env');
    expect(own.out).not.toContain('signing secret');

    const listed = await baton('webhooks', 'list');
    expect(listed.out).toContain(`${body.id}  ACTIVE  http://127.0.0.1:9/hooks`);
    expect(listed.out).toContain('events: ProcessCompleted, ProcessAborted');
    expect((await baton('webhooks', 'pause', body.id)).code).toBe(0);
    expect((await baton('webhooks', 'show', body.id)).out).toContain('PAUSED');
    expect((await baton('webhooks', 'resume', body.id)).code).toBe(0);
    expect((await baton('webhooks', 'replay', body.id, '--from', '0')).code).toBe(0);
    expect((await baton('webhooks', 'show', body.id)).out).toMatch(/ACTIVE[\s\S]*position 0 of/);
    expect((await baton('webhooks', 'delete', body.id)).code).toBe(0);
    const gone = await baton('webhooks', 'show', body.id);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('404');
  });

  it('answers a bad position with a usage error and a refused receiver with exit 1', async () => {
    expect((await baton('webhooks', 'replay', 'x', '--from', '-3')).code).toBe(2);
    const refused = await baton('webhooks', 'create', 'http://169.254.169.254/');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/server-side request forgery/);
  });
});
