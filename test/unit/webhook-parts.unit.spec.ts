/**
 * The pure parts of webhook delivery: signatures a receiver can verify (and replays it can
 * refuse), back-off bounds, the receiver address refusals (SSRF), sealed secrets, settings.
 */
import { retryDelayMs } from '../../src/application/webhooks/backoff';
import { signDelivery, verifyDelivery } from '../../src/application/webhooks/webhook-signature';
import { AesSecretBox } from '../../src/infrastructure/webhooks/aes-secret-box';
import {
  refusedAddress,
  refusedHostName,
} from '../../src/infrastructure/webhooks/receiver-addresses';
import { tracingConfig, webhookConfig } from '../../src/integrations-config';

describe('delivery signatures', () => {
  const body = '{"id":"e1","position":7}';
  const now = 1_800_000_000;

  it('verifies a signature over timestamp and body, and nothing else', () => {
    const signature = signDelivery('s3cret-s3cret-s3cret', now, body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const headers = { signature, timestamp: String(now) };
    expect(verifyDelivery('s3cret-s3cret-s3cret', headers, body, now)).toBe(true);
    expect(verifyDelivery('another-secret-here', headers, body, now)).toBe(false);
    expect(verifyDelivery('s3cret-s3cret-s3cret', headers, `${body} `, now)).toBe(false);
    expect(
      verifyDelivery('s3cret-s3cret-s3cret', { signature, timestamp: String(now + 1) }, body, now),
    ).toBe(false);
  });

  it('lets a receiver refuse an old delivery replayed later', () => {
    const signature = signDelivery('s3cret-s3cret-s3cret', now, body);
    const headers = { signature, timestamp: String(now) };
    expect(verifyDelivery('s3cret-s3cret-s3cret', headers, body, now + 299)).toBe(true);
    expect(verifyDelivery('s3cret-s3cret-s3cret', headers, body, now + 301)).toBe(false);
  });
});

describe('retry back-off', () => {
  it('doubles from the base with jitter between half and all, and stays under the cap', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(retryDelayMs(40, 1000, 60_000, () => 1)).toBe(60_000);
    expect(retryDelayMs(40, 1000, 60_000, () => 0)).toBe(30_000);
  });
});

describe('receiver addresses', () => {
  it.each([
    '169.254.169.254',
    '169.254.0.1',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '[fe80::1]',
    'fe80::abcd',
    'fd00:ec2::254',
    '100.100.100.200',
    '0.0.0.0',
    '::',
  ])('refuses %s', (address) => expect(refusedAddress(address)).not.toBeNull());

  it.each(['127.0.0.1', '10.1.2.3', '192.168.1.1', '::1', '2001:db8::1', '8.8.8.8'])(
    'allows %s',
    (address) => expect(refusedAddress(address)).toBeNull(),
  );

  it('refuses metadata host names', () => {
    expect(refusedHostName('metadata.google.internal.')).not.toBeNull();
    expect(refusedHostName('cmdb.example.com')).toBeNull();
  });
});

describe('sealed secrets', () => {
  const key = Buffer.alloc(32, 3);

  it('opens what it sealed, with a fresh nonce each time, and only with its key', () => {
    const box = new AesSecretBox(key);
    const a = box.seal('whsec_abc');
    expect(a).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc')).not.toBe(a);
    expect(box.open(a)).toBe('whsec_abc');
    expect(() => new AesSecretBox(Buffer.alloc(32, 4)).open(a)).toThrow(/cannot be opened/);
  });

  it('reads keys as base64 or hex, and refuses anything not 32 bytes', () => {
    expect(AesSecretBox.parseKey(key.toString('base64'), 'K')).toEqual(key);
    expect(AesSecretBox.parseKey(key.toString('hex'), 'K')).toEqual(key);
    expect(() => AesSecretBox.parseKey('short', 'WEBHOOK_SECRET_KEY')).toThrow(
      /WEBHOOK_SECRET_KEY/,
    );
  });
});

describe('integration settings', () => {
  it('webhooks: defaults, bad values named, one key source only', () => {
    expect(webhookConfig({})).toMatchObject({
      maxAttempts: 8,
      timeoutMs: 10_000,
      allowLinkLocal: false,
    });
    expect(() => webhookConfig({ WEBHOOK_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_MAX_ATTEMPTS/);
    expect(() => webhookConfig({ WEBHOOK_ALLOW_LINK_LOCAL: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_LINK_LOCAL/,
    );
    expect(() => webhookConfig({ WEBHOOK_SECRET_KEY: 'a', WEBHOOK_SECRET_KEY_FILE: '/x' })).toThrow(
      /only one/,
    );
  });

  it('tracing: off unless asked for or an endpoint is set; OTEL_SDK_DISABLED wins', () => {
    expect(tracingConfig({}, 'i').enabled).toBe(false);
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'i').enabled).toBe(true);
    expect(tracingConfig({ TRACING: 'otlp' }, 'i').enabled).toBe(true);
    expect(
      tracingConfig({ TRACING: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' }, 'i').enabled,
    ).toBe(false);
    expect(tracingConfig({ TRACING: 'otlp', OTEL_SDK_DISABLED: 'true' }, 'i').enabled).toBe(false);
    expect(() => tracingConfig({ TRACING: 'jaeger' }, 'i')).toThrow(/TRACING/);
  });
});
