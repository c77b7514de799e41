/**
 * The ledger's HTTP API (issue #17 point 3) on a running app: the public key, the latest signed
 * digest, an inclusion proof and a consistency proof that check out with the RFC 9162
 * algorithms alone, bad parameters refused with 400, and `baton audit verify --url` proving
 * what the service serves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { computeLeaf } from '../../src/application/ledger/ledger-leaf';
import { verifyConsistency, verifyInclusion } from '../../src/application/ledger/merkle';
import { SignedDigest, verifyDigest } from '../../src/application/ledger/signed-digest';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { runCli } from '../../src/interfaces/cli/run-cli';
import { L2VPN_INPUT, api, call } from '../support/api';
import { TEST_KEYS } from '../support/auth';
import { TestApp, startTestApp } from '../support/test-app';

jest.setTimeout(120_000);

describe('ledger API', () => {
  let t: TestApp;
  let dir: string;
  const auditor = (url: string) => call('GET', url, undefined, {}, { key: TEST_KEYS.auditor });

  const digestOf = async (size: number): Promise<SignedDigest> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { status, body } = await auditor(`${t.url}/api/ledger/digest`);
      if (status === 200 && body.treeSize >= size) return body as SignedDigest;
      if (Date.now() > deadline) throw new Error(`no digest of ${size} events`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-ledger-api-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the public key to anyone, and signed digests to auditors only', async () => {
    const keys = await call('GET', `${t.url}/api/ledger/keys`, undefined, {}, { key: null });
    expect(keys.status).toBe(200);
    expect(keys.body.keys[0]).toMatchObject({ algorithm: 'Ed25519' });
    const { body: started } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).awaitingCallback(started.id);
    const digest = await digestOf(1);
    expect(verifyDigest(digest, keys.body.keys[0].publicKey)).toBe(true);
    const anonymous = await call('GET', `${t.url}/api/ledger/digest`, undefined, {}, { key: null });
    expect(anonymous.status).toBe(401);
  });

  it('proves an event is in a digest, and that a later digest extends an earlier one', async () => {
    const { body: started } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).awaitingCallback(started.id);
    const { body: events } = await api(t.url).events(started.id);
    const all: RecordedEvent[] = events.events ?? events;
    const older = await digestOf(1);
    const { body: more } = await api(t.url).start('create_l2vpn', L2VPN_INPUT);
    await api(t.url).awaitingCallback(more.id);
    const newer = await digestOf(older.treeSize + 1);

    const event = all[1];
    const proof = await auditor(
      `${t.url}/api/ledger/proof?event=${event.eventId}&digest=${newer.treeSize}`,
    );
    expect(proof.status).toBe(200);
    const { leafHash } = computeLeaf(all[0].metadata.hash as string, event);
    expect(leafHash.toString('hex')).toBe(proof.body.leafHash);
    expect(
      verifyInclusion(
        leafHash,
        proof.body.leaf,
        newer.treeSize,
        proof.body.proof.map((h: string) => Buffer.from(h, 'hex')),
        Buffer.from(newer.rootHash, 'hex'),
      ),
    ).toBe(true);

    const consistency = await auditor(
      `${t.url}/api/ledger/consistency?from=${older.treeSize}&to=${newer.treeSize}`,
    );
    expect(consistency.status).toBe(200);
    expect(
      verifyConsistency(
        older.treeSize,
        Buffer.from(older.rootHash, 'hex'),
        newer.treeSize,
        Buffer.from(newer.rootHash, 'hex'),
        consistency.body.proof.map((h: string) => Buffer.from(h, 'hex')),
      ),
    ).toBe(true);
  });

  it.each([
    '/api/ledger/proof',
    '/api/ledger/proof?event=nope',
    '/api/ledger/proof?event=00000000-0000-0000-0000-000000000000&digest=-1',
    '/api/ledger/proof?event=00000000-0000-0000-0000-000000000000&digest=1&digest=2',
    '/api/ledger/consistency?from=1',
    '/api/ledger/consistency?from=2&to=1',
    '/api/ledger/consistency?from=x&to=1',
    '/api/ledger/bundle?process=nope',
    '/api/ledger/bundle?until=1.5',
  ])('answers 400 to %s', async (url) => {
    const { status, body } = await auditor(`${t.url}${url}`);
    expect(status).toBe(400);
    expect(body.statusCode).toBe(400);
  });

  it('answers 404 for an event or digest the ledger does not have', async () => {
    const unknown = await auditor(
      `${t.url}/api/ledger/proof?event=00000000-0000-0000-0000-000000000000`,
    );
    expect(unknown.status).toBe(404);
    expect(
      (
        await auditor(
          `${t.url}/api/ledger/proof?event=00000000-0000-0000-0000-000000000000&digest=999999`,
        )
      ).status,
    ).toBe(404);
    expect((await auditor(`${t.url}/api/ledger/consistency?from=1&to=999999`)).status).toBe(404);
  });

  it('lets `baton audit verify --url` prove what the service serves', async () => {
    const kept = await digestOf(1);
    const keptFile = path.join(dir, 'kept.json');
    await writeFile(keptFile, JSON.stringify(kept));
    const out: string[] = [];
    const code = await runCli(['audit', 'verify', '--digest', keptFile, '--url', t.url], {
      env: { BATON_API_KEY: TEST_KEYS.auditor },
      out: (text) => out.push(text),
      err: (text) => out.push(text),
    });
    expect(out.join('\n')).toMatch(/^PROVEN: /);
    expect(code).toBe(0);
  });
});
