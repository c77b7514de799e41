/**
 * A pass-through in front of LSO that remembers each playbook request and LSO's answer. Baton
 * stores only token hashes, so this is how the test learns a callback URL to replay later.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedJob {
  request: { callback?: string; progress?: string; [key: string]: unknown };
  status: number;
  answer: { job_id?: string; [key: string]: unknown };
}

export interface RecordingProxy {
  url: string;
  jobs: RecordedJob[];
  close(): Promise<void>;
}

export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const jobs: RecordedJob[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      void fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      })
        .then(async (answer) => {
          const text = await answer.text();
          if (req.method === 'POST' && req.url === '/api/playbook/') {
            jobs.push({
              request: JSON.parse(body.toString()),
              status: answer.status,
              answer: text ? JSON.parse(text) : {},
            });
          }
          res.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          res.end(text);
        })
        .catch((error: Error) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ detail: error.message }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jobs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
