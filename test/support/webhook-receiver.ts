/**
 * A real HTTP receiver for webhook tests: records every delivery with its headers, checks the
 * signature the way docs/webhooks.md tells receivers to, and answers as the test scripts it
 * (2xx, an error status, or no answer at all until the sender gives up).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyDelivery } from '../../src/application/webhooks/webhook-signature';

/** A status (after `delayMs`, a slow receiver), or no answer at all. */
export type Answer = { status: number; delayMs?: number } | 'hang';

export interface Delivery {
  id: string;
  position: number;
  type: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  signatureValid: boolean;
  /** What the receiver answered (null: it never answered). */
  answered: number | null;
}

export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Decides the answer to each delivery, in arrival order (default: 204). */
  answer: (delivery: Delivery, index: number) => Answer;
  /** Deliveries answered 2xx. */
  accepted(): Delivery[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (secret: string): Promise<WebhookReceiver> => {
  const hanging = new Set<http.ServerResponse>();
  const receiver: WebhookReceiver = {
    url: '',
    deliveries: [],
    answer: () => ({ status: 204 }),
    accepted: () => receiver.deliveries.filter((d) => d.answered !== null && d.answered < 300),
    async waitFor(predicate, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > until) throw new Error('webhook receiver: condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body) as { id: string; position: number; event: { type: string } };
      const delivery: Delivery = {
        id: parsed.id,
        position: parsed.position,
        type: parsed.event.type,
        body,
        headers: req.headers,
        signatureValid: verifyDelivery(
          secret,
          {
            signature: req.headers['baton-signature'] as string | undefined,
            timestamp: req.headers['baton-timestamp'] as string | undefined,
          },
          body,
          Math.floor(Date.now() / 1000),
        ),
        answered: null,
      };
      const index = receiver.deliveries.push(delivery) - 1;
      const answer = receiver.answer(delivery, index);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const respond = () => {
        delivery.answered = answer.status;
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end('receiver text that must never show up in Baton');
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
};
