import { ApiKeyVerifier, hashApiKey } from '../../src/interfaces/auth/api-keys';

describe('ApiKeyVerifier', () => {
  const admin = 'baton_admin-key-for-this-test';
  const reader = 'baton_reader-key-for-this-test';
  const verifier = () =>
    new ApiKeyVerifier([
      { name: 'ops', roles: ['admin'], hash: hashApiKey(admin) },
      { name: 'viewer', roles: ['reader'], hash: hashApiKey(reader) },
    ]);

  it('answers the same owner for a key presented again (from its cache of verified keys)', () => {
    const keys = verifier();
    expect(keys.verify(admin)).toEqual({ name: 'ops', roles: ['admin'] });
    expect(keys.verify(admin)).toEqual({ name: 'ops', roles: ['admin'] });
    expect(keys.verify(reader)).toEqual({ name: 'viewer', roles: ['reader'] });
  });

  it('hands out a fresh actor each time, so a caller changing it changes nothing cached', () => {
    const keys = verifier();
    const first = keys.verify(admin)!;
    (first.roles as string[]).push('intruder');
    expect(keys.verify(admin)).toEqual({ name: 'ops', roles: ['admin'] });
  });

  it('refuses a wrong key every time, also after a right one was cached', () => {
    const keys = verifier();
    keys.verify(admin);
    expect(keys.verify(`${admin}x`)).toBeNull();
    expect(keys.verify(`${admin}x`)).toBeNull();
    expect(keys.verify(admin.slice(0, -1))).toBeNull();
  });

  it('keeps verifying once many different keys have filled the cache', () => {
    const many = Array.from({ length: 100 }, (_, i) => `baton_key-${i}`);
    const keys = new ApiKeyVerifier(
      many.map((key, i) => ({ name: `n${i}`, roles: ['reader'], hash: hashApiKey(key) })),
    );
    for (const key of many) expect(keys.verify(key)?.name).toBe(`n${many.indexOf(key)}`);
    for (const key of many) expect(keys.verify(key)?.name).toBe(`n${many.indexOf(key)}`);
  });
});
