/**
 * The operator's confirmation form for a real LSO 5.2 callback. ansible-runner keeps Ansible's
 * terminal colours in stdout, so LSO's `output` lines carry ANSI escape codes (seen in the
 * interop test); the form is read by a person and must show the text, not the codes.
 */
import { InputStep } from '../../src/domain/workflow/dsl';
import { buildWorkflowRegistry } from '../support/l2vpn-registry';

const confirm = buildWorkflowRegistry()
  .get('create_l2vpn', 1)
  .steps.find((s) => s.name === 'Confirm provisioning proxy results') as InputStep;

const subscription = { product: { name: 'L2VPN' } };

/** Recorded from LSO 5.2 running interop/playbooks/playbook.yml. */
const LSO_PAYLOAD = {
  status: 'successful',
  job_id: 'c93ca425-f97d-4e5b-a193-3cc9ada7924c',
  output: [
    'TASK [Render the site configuration] *******************************************',
    '\u001b[0;33mchanged: [lon-r2]\u001b[0m',
    '\u001b[0;33mams-r1\u001b[0m                     : \u001b[0;32mok=3   \u001b[0m \u001b[0;33mchanged=2   \u001b[0m unreachable=0    failed=0',
  ],
  return_code: 0,
};

describe('create_l2vpn confirmation form', () => {
  it('shows LSO output lines without terminal colour codes', () => {
    const values = confirm.form({ subscription, callback_result: LSO_PAYLOAD })!.values!;
    expect(values.run_status).toBe('successful');
    expect(values.run_results).not.toContain('\u001b');
    expect(JSON.parse(String(values.run_results))).toEqual({
      ...LSO_PAYLOAD,
      output: [
        'TASK [Render the site configuration] *******************************************',
        'changed: [lon-r2]',
        'ams-r1                     : ok=3    changed=2    unreachable=0    failed=0',
      ],
    });
  });

  it('keeps a runner that sends output as one string working', () => {
    const payload = { ...LSO_PAYLOAD, output: '\u001b[0;32mok: [ams-r1]\u001b[0m\nPLAY RECAP' };
    const values = confirm.form({ subscription, callback_result: payload })!.values!;
    expect(JSON.parse(String(values.run_results)).output).toBe('ok: [ams-r1]\nPLAY RECAP');
  });
});
