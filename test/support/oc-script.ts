/**
 * A script the way an orchestrator-core user writes one against OC's REST API (usually in
 * Python with `requests`; here with fetch, line for line): start a workflow by posting the form
 * pages, poll `last_status`, resume the suspended process with its form. It knows nothing of
 * Baton: only a base URL (`…/api` of an OC, `…/oc/api` of Baton) and a bearer token.
 */
export interface OcScriptLog {
  processId: string;
  /** Every answer's status code, in order, with what was asked. */
  calls: Array<{ what: string; status: number }>;
  statuses: string[];
  firstPage: any;
  confirmPage: any;
  validationErrors: any[];
}

export const runCreateL2vpnScript = async (
  base: string,
  token: string,
  answers: Record<string, unknown>,
): Promise<OcScriptLog> => {
  const log: OcScriptLog = {
    processId: '',
    calls: [],
    statuses: [],
    firstPage: null,
    confirmPage: null,
    validationErrors: [],
  };
  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    log.calls.push({ what: `${method} ${path}`, status: response.status });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  };
  const pollUntil = async (id: string, wanted: string[]) => {
    for (let i = 0; i < 600; i++) {
      const { json } = await http('GET', `/processes/${id}`);
      if (log.statuses[log.statuses.length - 1] !== json.last_status)
        log.statuses.push(json.last_status);
      if (wanted.includes(json.last_status)) return json;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`process ${id} never reached ${wanted.join('/')}`);
  };

  // 1. Ask for the first page (an empty list of answers): the server answers 510 with it.
  const first = await http('POST', '/processes/create_l2vpn', []);
  if (first.status !== 510) throw new Error(`expected the first form page, got ${first.status}`);
  log.firstPage = first.json;
  // 2. A wrong answer first (as a user typing VLAN 5000), then the right one.
  const wrong = await http('POST', '/processes/create_l2vpn', [{ ...answers, vlan: 5000 }]);
  if (wrong.status !== 400) throw new Error(`expected validation errors, got ${wrong.status}`);
  log.validationErrors = wrong.json.validation_errors;
  const started = await http('POST', '/processes/create_l2vpn', [answers]);
  if (started.status !== 201) throw new Error(`start failed: ${started.status}`);
  const id: string = started.json.id;
  log.processId = id;
  // 3. Poll until it needs someone, then answer its form the same way.
  const suspended = await pollUntil(id, ['suspended', 'failed', 'completed']);
  if (suspended.last_status !== 'suspended') throw new Error(`${suspended.last_status}`);
  const page = await http('PUT', `/processes/${id}/resume`, []);
  if (page.status !== 510) throw new Error(`expected the confirm page, got ${page.status}`);
  log.confirmPage = page.json;
  const defaults = Object.fromEntries(
    Object.entries(page.json.form.properties as Record<string, { default?: unknown }>)
      .filter(([, p]) => 'default' in p)
      .map(([name, p]) => [name, p.default]),
  );
  const resumed = await http('PUT', `/processes/${id}/resume`, [defaults]);
  if (resumed.status !== 204) throw new Error(`resume failed: ${resumed.status}`);
  await pollUntil(id, ['completed', 'failed']);
  return log;
};
