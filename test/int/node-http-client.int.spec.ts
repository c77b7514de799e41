/**
 * The outbound client steps use (`ctx.http.post`): JSON out with the caller's headers, the
 * answer's status and body back (text when it is not JSON), connections kept alive, and never a
 * hang: a deadline and the step's signal both end a request that gets no answer.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { nodeHttpClient } from '../../src/infrastructure/http/node-http-client';

interface Seen {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socketPort?: number;
}

describe('nodeHttpClient', () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          socketPort: req.socket.remotePort,
        });
        answer(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('posts JSON with the caller headers and returns the parsed answer, on one kept-alive connection', async () => {
    answer = (_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job_id: 'j1' }));
    };
    const client = nodeHttpClient();
    const first = await client.post(
      `${base}/api/playbook/?x=1`,
      { a: 1, b: 'é' },
      {
        headers: { traceparent: '00-abc-def-01' },
      },
    );
    const second = await client.post(`${base}/api/playbook/`, { a: 2 });
    expect(first).toEqual({ status: 201, body: { job_id: 'j1' } });
    expect(second.status).toBe(201);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/playbook/?x=1',
      body: '{"a":1,"b":"é"}',
    });
    expect(seen[0].headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      traceparent: '00-abc-def-01',
    });
    expect(seen[1].socketPort).toBe(seen[0].socketPort);
  });

  it('returns a body that is not JSON as text, and error statuses as answers', async () => {
    answer = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    };
    expect(await nodeHttpClient().post(`${base}/x`, {})).toEqual({
      status: 502,
      body: 'bad gateway',
    });
  });

  it('gives up after its deadline when the remote does not answer', async () => {
    answer = () => undefined; // never answers
    const started = Date.now();
    await expect(nodeHttpClient(200).post(`${base}/slow`, {})).rejects.toThrow(
      /timed out after 200 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('stops when the step signal aborts', async () => {
    answer = () => undefined;
    const step = new AbortController();
    const posted = nodeHttpClient().post(`${base}/slow`, {}, { signal: step.signal });
    setTimeout(() => step.abort(new Error('step deadline')), 50);
    await expect(posted).rejects.toThrow();
  });

  it('refuses a URL that is not http(s), and a refused connection is an error', async () => {
    await expect(nodeHttpClient().post('ftp://example.test/x', {})).rejects.toThrow(/protocol/);
    await expect(nodeHttpClient().post('not a url', {})).rejects.toThrow();
    await expect(nodeHttpClient().post('http://127.0.0.1:1/x', {})).rejects.toThrow();
  });
});
