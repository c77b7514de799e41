/**
 * Tamper-evident history and the audit trail (issue #6, points 6-7) on the real PostgreSQL
 * store: a process run through the API verifies intact; editing one stored row (data or
 * metadata) by SQL makes verification name exactly that revision; a stream written before
 * hashing keeps working and says where its chain starts; `baton audit show` (what `npm run
 * audit` runs) prints the report of the API, and never a token.
 */
import { Pool } from 'pg';
import { NewEvent } from '../../src/application/ports/event-store';
import { processStreamId } from '../../src/domain/process/events';
import { loadConfig } from '../../src/config';
import { openCliDatabase } from '../../src/interfaces/cli/cli-database';
import { L2VPN_INPUT, SUCCESS, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { runBaton } from '../support/cli';
import { startPgTestApp } from '../support/pg-app';
import { freePort } from '../support/postgres';
import { TestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('process history: hash chain, verification and audit', () => {
  let t: TestApp & { pg: { db: { pool: Pool; connectionString: string } } };
  let client: ReturnType<typeof api>;
  let id: string;
  let token: string;

  beforeAll(async () => {
    t = await startPgTestApp();
    client = api(t.url);
    id = (await client.start('create_l2vpn', L2VPN_INPUT)).body.id;
    await client.awaitingCallback(id);
    const callbackUrl = await t.remote.callbackUrl();
    token = callbackUrl.split('/callback/')[1];
    await call('POST', `${callbackUrl}/progress`, { progress: ['PLAY [all]'] });
    expect((await client.callback(callbackUrl, SUCCESS)).status).toBe(200);
    await client.waitFor(id, (d) => d.status === 'suspended');
    await call('PUT', `${t.url}/api/processes/${id}/resume`, {}, {}, { key: TEST_KEYS.operator });
    await client.waitFor(id, (d) => d.status === 'completed');
  });
  afterAll(() => t.close());

  const verify = async (processId = id) => {
    const answer = await call('GET', `${t.url}/api/processes/${processId}/verify`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const sql = (text: string, values: unknown[]) => t.pg.db.pool.query(text, values);
  const audit = (...args: string[]) =>
    runBaton(['audit', 'show', ...args], { BATON_URL: t.url, BATON_API_KEY: TEST_KEYS.auditor });

  it('verifies an untouched history as intact, every event hashed', async () => {
    const events = (await client.events(id)).body as Array<{ metadata: { hash?: string } }>;
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash ?? ''))).toBe(true);
    expect(await verify()).toEqual({
      processId: id,
      intact: true,
      events: events.length,
      unhashedPrefix: 0,
      legacyPrefix: 0,
      sealedAt: null,
      verified: events.length,
      headHash: events[events.length - 1].metadata.hash,
      ledger: expect.objectContaining({ intact: true }),
    });
  });

  it('answers 404 for an unknown process', async () => {
    const answer = await call(
      'GET',
      `${t.url}/api/processes/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/verify`,
    );
    expect(answer.status).toBe(404);
  });

  it('names exactly the revision whose data or metadata was edited in PostgreSQL', async () => {
    const stream = processStreamId(id);
    const { rows } = await sql(
      'SELECT revision, data, metadata FROM events WHERE stream_id = $1 ORDER BY revision',
      [stream],
    );
    const stepRow = rows.find((r) => r.data.durationMs !== undefined && r.revision > 1)!;
    const restore = (revision: number, row: { data: unknown; metadata: unknown }) =>
      sql('UPDATE events SET data = $3, metadata = $4 WHERE stream_id = $1 AND revision = $2', [
        stream,
        revision,
        JSON.stringify(row.data),
        JSON.stringify(row.metadata),
      ]);

    await sql(
      `UPDATE events SET data = jsonb_set(data, '{durationMs}', '999999') WHERE stream_id = $1 AND revision = $2`,
      [stream, stepRow.revision],
    );
    expect(await verify()).toMatchObject({
      intact: false,
      firstBadRevision: stepRow.revision,
      problems: [{ revision: stepRow.revision, problem: 'hash_mismatch' }],
    });
    await restore(stepRow.revision, stepRow);
    expect((await verify()).intact).toBe(true);

    const confirmation = rows.find((r) => r.data.by === 'test-operator')!;
    await sql(
      `UPDATE events SET metadata = jsonb_set(metadata, '{actor}', '"mallory"') WHERE stream_id = $1 AND revision = $2`,
      [stream, confirmation.revision],
    );
    expect(await verify()).toMatchObject({
      intact: false,
      firstBadRevision: confirmation.revision,
      problems: [{ revision: confirmation.revision, problem: 'hash_mismatch' }],
    });
    const cli = await audit(id);
    expect(cli.code).toBe(3);
    expect(cli.out).toContain(
      `BROKEN at revision ${confirmation.revision}: revision ${confirmation.revision}: hash mismatch`,
    );
    await restore(confirmation.revision, confirmation);
    expect((await verify()).intact).toBe(true);
  });

  it('prints the audit timeline of the API, as JSON and as text, without tokens', async () => {
    const api = await call('GET', `${t.url}/api/processes/${id}/audit`);
    expect(api.status).toBe(200);
    const json = await audit(id, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(api.body);

    const text = await audit(id);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`Process ${id}`);
    expect(text.out).toContain('Workflow create_l2vpn v1, status completed');
    expect(text.out).toMatch(/Chain: INTACT: all \d+ events hashed; head hash [0-9a-f]{64}/);
    expect(text.out).toMatch(/#0 +\S+Z {2}test-admin +process started: create_l2vpn v1/);
    expect(text.out).toContain('callback issued for step 2 "Execute an ansible playbook"');
    expect(text.out).toMatch(/callback: token id [\w-]+, step "Execute an ansible playbook"/);
    expect(text.out).toContain('progress: {"progress":["PLAY [all]"]}');
    expect(text.out).toMatch(
      /test-operator +step \d+ "Confirm provisioning proxy results" confirmed by test-operator/,
    );
    expect(text.out).toContain('status suspended -> running');
    expect(text.out).toMatch(/\+ callback_result = \{.*"return_code":0/);
    expect(text.out).toContain('process completed');
    for (const output of [text.out, json.out, JSON.stringify(api.body)]) {
      expect(output).not.toContain(token);
    }
  });

  it('keeps a stream written before hashing working; the first event hashed in place seals it', async () => {
    const original = (await client.events(id)).body as Array<NewEvent & { revision: number }>;
    const legacyId = '11111111-2222-4333-8444-555555555555';
    // The first two events of a run, as an older Baton wrote them: no hash.
    const legacy = original.slice(0, 2).map((e): NewEvent => {
      const { hash: _none, hashVersion: _neither, ...metadata } = e.metadata;
      const data = e.type === 'ProcessStarted' ? { ...e.data, processId: legacyId } : e.data;
      return { type: e.type, data, metadata };
    });
    await t.adapters.eventStore.append(processStreamId(legacyId), legacy, 'no_stream');
    // The runner takes the process on from there and appends hashed events.
    await client.awaitingCallback(legacyId);
    const verdict = await verify(legacyId);
    expect(verdict).toMatchObject({ intact: true, unhashedPrefix: 2, sealedAt: 2 });
    expect(verdict.verified).toBeGreaterThan(0);
    expect(verdict.events).toBe(2 + verdict.verified);
    const cli = await audit(legacyId);
    expect(cli.out).toContain(`the first 2 predate hashing, sealed by revision 2`);
  });

  it("lets offline tools share a running service's embedded PostgreSQL, and says so when there is no database", async () => {
    const { port } = (t as unknown as { pg: { postgres: { port: number } } }).pg.postgres;
    const config = (env: NodeJS.ProcessEnv) => loadConfig({ DATA_DIR: '/nonexistent', ...env });
    // The cluster answers on the embedded port: a reader uses it instead of starting a second one.
    const shared = await openCliDatabase(config({ EMBEDDED_POSTGRES_PORT: String(port) }), 'share');
    expect(shared.connectionString).toBe(
      `postgresql://postgres:baton-local@127.0.0.1:${port}/baton`,
    );
    await shared.release();
    await expect(
      openCliDatabase(config({ EMBEDDED_POSTGRES_PORT: String(port) }), 'exclusive'),
    ).rejects.toThrow(`a PostgreSQL already answers on port ${port}`);
    await expect(
      openCliDatabase(config({ EMBEDDED_POSTGRES_PORT: String(await freePort()) }), 'share'),
    ).rejects.toThrow('no Baton database in /nonexistent/postgres');
  });

  it('refuses bad usage (exit 2) and an unknown process (exit 1)', async () => {
    const usage = await audit();
    expect(usage).toMatchObject({ code: 2, out: '' });
    expect(usage.err).toContain("missing required argument 'processId'");
    const unknown = await audit('99999999-2222-4333-8444-555555555555');
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toContain('404 Not Found: Process not found');
  });
});
