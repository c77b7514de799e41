/**
 * The lines a simulated playbook run prints, grouped per Ansible event the way ansible-runner
 * hands them to LSO (lso/tasks.py: one progress report per event with stdout). Shaped after a
 * real run of interop/playbooks/playbook.yml, colour codes left out.
 */
const banner = (title: string) => `${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;

/** The inventory as LSO accepts it: newline-separated host names or a YAML-shaped object. */
export const inventoryHosts = (inventory: unknown): string[] => {
  if (typeof inventory === 'string')
    return inventory
      .split('\n')
      .map((h) => h.trim())
      .filter(Boolean);
  const hosts = (inventory as { all?: { hosts?: Record<string, unknown> } })?.all?.hosts;
  return hosts ? Object.keys(hosts) : [];
};

/** Events of one run; a failing run stops at the first task with a fatal error per host. */
export const simulatedRunEvents = (
  playbook: string,
  hosts: string[],
  fail: boolean,
): string[][] => {
  const events: string[][] = [[banner(`PLAY [${playbook}]`)]];
  events.push([banner('TASK [Check the interface names]')]);
  if (fail) {
    for (const host of hosts)
      events.push([`fatal: [${host}]: FAILED! => {"msg": "simulated failure"}`]);
  } else {
    for (const host of hosts) events.push([`ok: [${host}]`]);
    events.push([banner('TASK [Render the site configuration]')]);
    for (const host of hosts) events.push([`changed: [${host}]`]);
  }
  const recap = hosts.map(
    (host) =>
      `${host.padEnd(26)} : ok=${fail ? 0 : 2}    changed=${fail ? 0 : 1}    unreachable=0    failed=${fail ? 1 : 0}    skipped=0    rescued=0    ignored=0`,
  );
  events.push([banner('PLAY RECAP'), ...recap]);
  return events;
};
