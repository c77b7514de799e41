/**
 * Issue #16 item 7: the example workflow put `site_a`/`site_b` into the Ansible inventory as they
 * came, so a newline added hosts or host variables (`ams-r1\nevil ansible_host=…`). Users copy
 * examples: the initial form itself refuses anything that is not a host name, with 400, before
 * anything is written.
 */
import { L2VPN_INPUT, api, call } from '../support/api';
import { TestApp, startTestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

const start = (input: unknown) => call('POST', `${t.url}/api/processes/create_l2vpn`, input);

describe('create_l2vpn host names', () => {
  it.each([
    ['a newline and another host', 'ams-r1\nevil-host'],
    ['a newline and host variables', 'ams-r1\nams-r1 ansible_host=10.0.0.66 ansible_user=root'],
    ['a space and a variable', 'ams-r1 ansible_connection=local'],
    ['an inventory group header', '[all:vars]'],
    ['a carriage return', 'ams-r1\r'],
    ['a leading hyphen', '-ams-r1'],
    ['an empty label', 'ams..r1'],
    ['a label over 63 characters', `${'a'.repeat(64)}.example`],
  ])('refuses %s with 400 and writes nothing', async (_name, site) => {
    const before = t.remote.requests.length;
    for (const field of ['site_a', 'site_b']) {
      const answer = await start({ ...L2VPN_INPUT, [field]: site });
      expect(answer.status).toBe(400);
      expect(answer.body.validationErrors.map((e: { property: string }) => e.property)).toEqual([
        field,
      ]);
    }
    expect(t.remote.requests.length).toBe(before);
  });

  it.each(['ams-r1', 'lon-r2.core.example.net', 'R1', '10-0-0-1'])(
    'accepts the host name %s',
    async (site) => {
      const answer = await start({ ...L2VPN_INPUT, site_a: site, site_b: site });
      expect(answer.status).toBe(201);
      await api(t.url).awaitingCallback(answer.body.id);
      const sent = t.remote.requests[t.remote.requests.length - 1].body;
      expect(sent.inventory).toBe(`${site}\n${site}`);
    },
  );

  it('publishes the rule in the form schema', async () => {
    const { body } = await call('GET', `${t.url}/api/workflows`);
    const form = body.find((w: { name: string }) => w.name === 'create_l2vpn').initialForm;
    expect(form.properties.site_a.pattern).toEqual(expect.any(String));
    expect(new RegExp(form.properties.site_a.pattern).test('ams-r1\nevil')).toBe(false);
  });
});
