/**
 * How a delivery is signed: HMAC-SHA256 with the subscription's secret over
 * `<timestamp>.<body>`, hex, sent as `Baton-Signature: v1=<hex>` next to
 * `Baton-Timestamp: <unix seconds>`. Covering the timestamp lets a receiver refuse a replayed
 * delivery (one whose timestamp is too old) without keeping every id it has seen.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'baton-signature';
export const TIMESTAMP_HEADER = 'baton-timestamp';
export const DELIVERY_ID_HEADER = 'baton-delivery-id';
export const EVENT_TYPE_HEADER = 'baton-event-type';

export const signDelivery = (secret: string, timestamp: number, body: string): string =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/** What a receiver does (docs/webhooks.md shows the same in a few lines). */
export const verifyDelivery = (
  secret: string,
  headers: { signature?: string; timestamp?: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean => {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return false;
  const expected = Buffer.from(signDelivery(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
