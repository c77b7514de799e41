import { toFeedEvent } from '../feed/feed-event';
import { RecordedEvent } from '../ports/event-store';
import {
  DELIVERY_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signDelivery,
} from './webhook-signature';

/**
 * The body a receiver gets: the event as the feed shows it, its global position, and an id that
 * stays the same across retries (the event's id) so a receiver can drop a duplicate. Signed
 * afresh on every try, since the timestamp is part of what is signed.
 */
export const deliveryHeaders = (
  subscriptionId: string,
  event: RecordedEvent,
  secret: string,
  now: Date,
  extra: Record<string, string>,
): { body: string; headers: Record<string, string> } => {
  const body = JSON.stringify({
    id: event.eventId,
    subscriptionId,
    position: event.position,
    event: toFeedEvent(event),
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    body,
    headers: {
      ...extra,
      'content-type': 'application/json',
      'user-agent': 'Baton-Webhooks/1',
      [DELIVERY_ID_HEADER]: event.eventId,
      [EVENT_TYPE_HEADER]: event.type,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signDelivery(secret, timestamp, body),
    },
  };
};
