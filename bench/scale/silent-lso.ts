import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { sendJson } from '../lib/http-json';

/** An LSO that accepts playbooks and never calls back: the template process stays waiting. */
export async function startSilentLso(port: number): Promise<() => Promise<void>> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => sendJson(res, 201, { job_id: randomUUID() }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return () => new Promise((resolve) => server.close(() => resolve()));
}
