/**
 * Issue #17's acceptance: with a digest saved before tampering, `audit verify` proves an
 * untouched store (exit 0) and, for each way of rewriting history with SQL on the real
 * PostgreSQL, exits 3 naming the event. A digest signed by another key is refused. Every
 * scenario starts again from the untouched events (a copy taken before the first).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { verifyProcess } from '../../src/application/history/audit-report';
import { hashEvent } from '../../src/application/history/event-chain';
import { RecordedEvent } from '../../src/application/ports/event-store';
import { signDigest } from '../../src/application/ledger/signed-digest';
import { PgEventStore } from '../../src/infrastructure/postgres/pg-event-store';
import { PgLedgerStore } from '../../src/infrastructure/postgres/pg-ledger-store';
import { runCli } from '../../src/interfaces/cli/run-cli';
import { TEST_LEDGER_KEY } from '../support/ledger';
import {
  FIXTURES,
  RunningLedger,
  appendHashed,
  cloneFixture,
  fixtureEvents,
  ledgerReaches,
  startLedger,
} from '../support/ledger-seed';
import { PgFixture, startPgFixture } from '../support/pg-app';

jest.setTimeout(300_000);

describe('audit verify against a digest kept before tampering (real PostgreSQL)', () => {
  let pg: PgFixture;
  let store: PgEventStore;
  let ledgerStore: PgLedgerStore;
  let ledger: RunningLedger;
  let dir: string;
  let keptFile: string;
  let target: RecordedEvent[];
  const env = () => ({ DATABASE_URL: pg.db.connectionString, LOG_LEVEL: 'error' });
  const sql = (text: string, values: unknown[] = []) => pg.db.pool.query(text, values);

  const audit = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await runCli(['audit', ...argv], {
      env: env(),
      out: (t) => out.push(t),
      err: (t) => out.push(t),
    });
    return { code, text: out.join('\n') };
  };

  /** Export as the server has it now, then verify against the kept digest. */
  const exportAndVerify = async (...exportArgs: string[]) => {
    const bundle = path.join(dir, `bundle-${randomUUID()}.ndjson`);
    expect((await audit('export', '--from-database', '--out', bundle, ...exportArgs)).code).toBe(0);
    return audit('verify', '--digest', keptFile, bundle);
  };

  beforeAll(async () => {
    pg = await startPgFixture();
    store = new PgEventStore(pg.db.pool, { idlePollMs: 50 });
    ledgerStore = new PgLedgerStore(pg.db.pool);
    dir = await mkdtemp(path.join(os.tmpdir(), 'baton-ledger-'));
    ledger = await startLedger(store, ledgerStore, {
      signingKey: TEST_LEDGER_KEY,
      digestEveryEvents: 1,
      digestEverySeconds: 0,
    });
    // A stream written before hashing existed: the ledger seals it.
    const legacy = fixtureEvents(FIXTURES[0]);
    await store.append(
      legacy[0].streamId,
      legacy.map(({ type, data, metadata }) => ({ type, data, metadata })),
      'no_stream',
    );
    let count = legacy.length;
    let targetId = '';
    for (let i = 0; i < 6; i++) {
      const { processId, events } = cloneFixture(FIXTURES[i % 2]);
      await appendHashed(store, processId, events);
      count += events.length;
      if (i === 1) targetId = processId;
    }
    const kept = await ledgerReaches(ledgerStore, count);
    keptFile = path.join(dir, 'kept-digest.json');
    await writeFile(keptFile, JSON.stringify(kept));
    // History goes on after the auditor kept their digest.
    for (let i = 0; i < 2; i++) {
      const { processId, events } = cloneFixture(FIXTURES[i % 2]);
      await appendHashed(store, processId, events, 3);
      count += events.length;
    }
    await ledgerReaches(ledgerStore, count);
    await ledger.stop();
    target = await store.readStream(`process-${targetId}`);
    expect(target.length).toBeGreaterThan(5);
    await sql('CREATE TABLE events_untouched AS SELECT * FROM events');
  });

  afterEach(async () => {
    await sql('TRUNCATE events');
    await sql('INSERT INTO events SELECT * FROM events_untouched');
  });

  afterAll(async () => {
    await ledger?.stop();
    await store?.close();
    await pg?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const stream = () => target[0].streamId;

  it('proves the untouched store: exit 0, every process replayed', async () => {
    const { code, text } = await exportAndVerify();
    expect(text).toMatch(/^PROVEN: \d+ events/);
    expect(text).toMatch(/replayed 9 processes/);
    expect(code).toBe(0);
  });

  it.each([
    [
      'editing one event’s data',
      /does not match/,
      async () => {
        await sql(
          `UPDATE events SET data = jsonb_set(data, '{name}', '"forged"') WHERE stream_id = $1 AND revision = 2`,
          [stream()],
        );
        return target[2].eventId;
      },
    ],
    [
      'editing one event and re-hashing every later event of its stream',
      /edited \(its hash recomputed to match\)/,
      async () => {
        const events = await store.readStream(stream());
        let previous = events[1].metadata.hash as string;
        for (const event of events.slice(2)) {
          if (event.revision === 2) event.data = { ...event.data, name: 'forged' };
          const hash = hashEvent(previous, event);
          previous = hash;
          await sql('UPDATE events SET data = $1, metadata = $2 WHERE event_id = $3', [
            event.data,
            { ...event.metadata, hash },
            event.eventId,
          ]);
        }
        return target[2].eventId;
      },
    ],
    [
      'deleting the last event of a stream',
      /was deleted/,
      async () => {
        await sql('DELETE FROM events WHERE event_id = $1', [target[target.length - 1].eventId]);
        return target[target.length - 1].eventId;
      },
    ],
    [
      'deleting a whole stream',
      /was deleted/,
      async () => {
        await sql('DELETE FROM events WHERE stream_id = $1', [stream()]);
        return target[0].eventId;
      },
    ],
    [
      'moving a stream’s events to another stream id',
      /moved from stream/,
      async () => {
        await sql('UPDATE events SET stream_id = $1 WHERE stream_id = $2', [
          `process-${randomUUID()}`,
          stream(),
        ]);
        return target[0].eventId;
      },
    ],
    [
      'reordering two events',
      /reordered/,
      async () => {
        await sql('UPDATE events SET revision = 100000 WHERE event_id = $1', [target[1].eventId]);
        await sql('UPDATE events SET revision = 1 WHERE event_id = $1', [target[2].eventId]);
        await sql('UPDATE events SET revision = 2 WHERE event_id = $1', [target[1].eventId]);
        return target[1].eventId;
      },
    ],
    [
      'stripping every hash of a stream',
      /hash was stripped|lost its hash/,
      async () => {
        await sql(
          `UPDATE events SET metadata = metadata - 'hash' - 'hashVersion' WHERE stream_id = $1`,
          [stream()],
        );
        return target[0].eventId;
      },
    ],
    [
      'inserting a forged event in the middle',
      /inserted after the fact/,
      async () => {
        const forged = randomUUID();
        const [p1, p2] = [target[1].position, target[2].position];
        expect(p2 - p1).toBeGreaterThan(1); // separate appends: room between them
        await sql(
          'UPDATE events SET revision = revision + 100000 WHERE stream_id = $1 AND revision >= 2',
          [stream()],
        );
        await sql(
          'UPDATE events SET revision = revision - 99999 WHERE stream_id = $1 AND revision >= 100000',
          [stream()],
        );
        await sql(
          `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata)
           VALUES ($1, $2, $3, 2, 'StepCompleted', $4, $5)`,
          [
            p1 + 1,
            forged,
            stream(),
            {
              index: 1,
              name: 'forged',
              delta: { approved: true },
              removedKeys: [],
              startedAt: target[1].metadata.at,
              durationMs: 1,
            },
            target[1].metadata,
          ],
        );
        return forged;
      },
    ],
  ])('exits 3 naming the event after %s', async (_name, reason, tamper) => {
    const eventId = await tamper();
    const { code, text } = await exportAndVerify();
    const first = text.split('\n')[0];
    expect(first).toMatch(/^TAMPERED: /);
    expect(first).toContain(eventId);
    expect(first).toMatch(reason);
    expect(code).toBe(3);
  });

  it('makes GET /api/processes/{id}/verify see what the chain alone cannot (the ledger left alone)', async () => {
    const processId = stream().replace('process-', '');
    const check = () => verifyProcess(store, processId, ledgerStore);
    expect(await check()).toMatchObject({ intact: true, ledger: { intact: true } });
    const restore = async () => {
      await sql('TRUNCATE events');
      await sql('INSERT INTO events SELECT * FROM events_untouched');
    };
    await sql(
      `UPDATE events SET metadata = metadata - 'hash' - 'hashVersion' WHERE stream_id = $1`,
      [stream()],
    );
    expect(await check()).toMatchObject({
      intact: false,
      ledger: {
        firstBadRevision: 0,
        problems: expect.arrayContaining([{ revision: 0, problem: 'differs_from_ledger' }]),
      },
    });
    await restore();
    await sql('DELETE FROM events WHERE event_id = $1', [target[target.length - 1].eventId]);
    expect(await check()).toMatchObject({
      intact: false,
      ledger: { problems: [{ revision: target.length - 1, problem: 'deleted' }] },
    });
  });

  it('proves one process with inclusion proofs, and names an edited event of it', async () => {
    const processId = stream().replace('process-', '');
    const clean = await exportAndVerify('--process', processId);
    expect(clean.text).toMatch(/^PROVEN/);
    expect(clean.code).toBe(0);
    await sql(
      `UPDATE events SET data = jsonb_set(data, '{name}', '"forged"') WHERE event_id = $1`,
      [target[3].eventId],
    );
    const tampered = await exportAndVerify('--process', processId);
    expect(tampered.text.split('\n')[0]).toContain(target[3].eventId);
    expect(tampered.code).toBe(3);
  });

  it('refuses a digest signed by another key', async () => {
    const bundleFile = path.join(dir, 'other-key.ndjson');
    expect((await audit('export', '--from-database', '--out', bundleFile)).code).toBe(0);
    const lines = (await readFile(bundleFile, 'utf8')).split('\n');
    const header = JSON.parse(lines[0]);
    const other = generateKeyPairSync('ed25519').privateKey;
    header.digest = signDigest(header.digest, other);
    await writeFile(bundleFile, [JSON.stringify(header), ...lines.slice(1)].join('\n'));
    const forged = await audit('verify', '--digest', keptFile, bundleFile);
    expect(forged.text).toMatch(
      /^TAMPERED: the bundle's digest is not signed by the key you trust/,
    );
    expect(forged.code).toBe(3);

    // A kept digest from another key, against the key the auditor pinned.
    const kept = JSON.parse(await readFile(keptFile, 'utf8'));
    const otherKept = path.join(dir, 'other-kept.json');
    await writeFile(otherKept, JSON.stringify(signDigest(kept, other)));
    const pinned = path.join(dir, 'pinned.pem');
    await writeFile(pinned, kept.publicKey);
    const refused = await audit(
      'verify',
      '--digest',
      otherKept,
      '--public-key',
      pinned,
      bundleFile,
    );
    expect(refused.text).toMatch(/not signed by the key you trust/);
    expect(refused.code).toBe(3);
  });

  it('exports against an older digest with --until, and proves it', async () => {
    const kept = JSON.parse(await readFile(keptFile, 'utf8'));
    const bundle = path.join(dir, 'until.ndjson');
    const exported = await audit('export', '--from-database', '--until', keptFile, '--out', bundle);
    expect(exported.code).toBe(0);
    const header = JSON.parse((await readFile(bundle, 'utf8')).split('\n')[0]);
    expect(header.digest.treeSize).toBe(kept.treeSize);
    const verified = await audit('verify', '--digest', keptFile, bundle);
    expect(verified.text).toMatch(new RegExp(`^PROVEN: ${kept.treeSize} events`));
    expect(verified.code).toBe(0);
    const unknown = await audit('export', '--from-database', '--until', '7', '--out', bundle);
    expect(unknown.text).toMatch(/No digest of tree size 7/);
    expect(unknown.code).toBe(2);
  });

  it('answers usage errors with exit 2', async () => {
    expect((await audit('verify', 'bundle.ndjson')).code).toBe(2);
    expect((await audit('verify', '--digest', keptFile)).code).toBe(2);
    expect((await audit('verify', '--digest', path.join(dir, 'nope.json'), 'x')).code).toBe(2);
    expect((await audit('export', '--from-database', '--process', 'not-an-id')).code).toBe(2);
    expect((await audit('frobnicate')).code).toBe(2);
  });
});
