import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ReceiverPolicy } from '../../application/ports/webhook-store';
import { ValidationError } from '../../domain/errors';
import { refusedAddress, refusedHostName } from './receiver-addresses';

const refuse = (message: string) =>
  new ValidationError('Invalid webhook subscription', [
    { property: 'url', constraints: { receiver: message } },
  ]);

/**
 * Checked when a subscription is made, so an admin hears about a forbidden receiver at once.
 * The transport checks again at every connection (a name can be re-pointed later).
 */
export const receiverPolicy = (allowLinkLocal: boolean): ReceiverPolicy => ({
  async check(raw) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse('must be an absolute http or https URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw refuse('must be an http or https URL');
    // Credentials in a URL end up in logs and views; the signature is the credential.
    if (url.username || url.password) throw refuse('must not carry a user name or password');
    if (raw.length > 2000) throw refuse('must be at most 2000 characters');
    if (allowLinkLocal) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const named = refusedHostName(host);
    if (named) throw refuse(`points to ${named}; refused (server-side request forgery)`);
    const addresses =
      isIP(host) !== 0
        ? [host]
        : await lookup(host, { all: true }).then(
            (found) => found.map((a) => a.address),
            // Not resolvable now: accepted; every delivery checks the address it connects to.
            () => [],
          );
    for (const address of addresses) {
      const why = refusedAddress(address);
      if (why) throw refuse(`resolves to ${why}; refused (server-side request forgery)`);
    }
  },
});
