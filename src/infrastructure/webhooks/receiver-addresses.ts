/**
 * Where webhook receivers may not be (server-side request forgery): link-local addresses,
 * which is where cloud metadata services answer (169.254.169.254 and friends) and which no
 * legitimate receiver uses, the unspecified address, and the metadata hosts' names. Loopback
 * and private networks stay allowed: receivers inside one's own network are the common case.
 * `WEBHOOK_ALLOW_LINK_LOCAL=true` lifts the refusal (a receiver on a link-local lab network).
 */
import { isIP } from 'node:net';

const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
/** Metadata endpoints outside 169.254/16 (Alibaba Cloud, AWS over IPv6). */
const METADATA_ADDRESSES = new Set(['100.100.100.200', 'fd00:ec2::254']);

/** An IPv4 address, also when written as IPv4-mapped IPv6 (`::ffff:a9fe:a9fe` is 169.254.169.254). */
const ipv4Parts = (address: string): number[] | null => {
  const dotted = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return isIP(dotted[1]) === 4 ? dotted[1].split('.').map(Number) : null;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
};

/** Why an address is refused, or null when it may be called. */
export const refusedAddress = (address: string): string | null => {
  const lower = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (METADATA_ADDRESSES.has(lower)) return 'a cloud metadata address';
  const v4 = ipv4Parts(lower);
  if (v4) {
    if (v4[0] === 169 && v4[1] === 254) return 'a link-local address (cloud metadata lives there)';
    if (v4[0] === 0) return 'the unspecified address';
    return null;
  }
  if (isIP(lower) === 6) {
    if (/^fe[89ab]/.test(lower)) return 'a link-local address';
    if (lower === '::' || lower === '::0') return 'the unspecified address';
  }
  return null;
};

export const refusedHostName = (host: string): string | null =>
  METADATA_HOSTS.has(host.toLowerCase().replace(/\.$/, '')) ? 'a cloud metadata host' : null;
