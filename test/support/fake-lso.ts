/** An LSO stand-in whose answers a test controls, including never answering (a hung runner). */
import http, { ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeLso {
  url: string;
  requests: Array<{
    callback: string;
    body: Record<string, unknown>;
    headers: http.IncomingHttpHeaders;
  }>;
  /** While true, playbook requests get no answer: the caller's action stays in flight. */
  hang: boolean;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const startFakeLso = async (): Promise<FakeLso> => {
  const held: ServerResponse[] = [];
  const fake: FakeLso = {
    url: '',
    requests: [],
    hang: false,
    async waitForRequests(count, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (fake.requests.length < count) {
        if (Date.now() > deadline)
          throw new Error(`fake LSO saw ${fake.requests.length} of ${count} requests`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise((resolve) => {
        held.forEach((res) => res.destroy());
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      fake.requests.push({ callback: String(body.callback), body, headers: req.headers });
      if (fake.hang) {
        held.push(res);
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ job_id: `job-${fake.requests.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
};
