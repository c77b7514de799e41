import { HttpClient } from '../../application/ports/http-client';

/**
 * Outbound JSON over fetch. A step must never hang a process: every request has a deadline
 * (10 s by default, as orchestrator-core's example uses).
 */
export const fetchHttpClient = (timeoutMs = 10_000): HttpClient => ({
  async post(url, body, options = {}) {
    const deadline = AbortSignal.timeout(timeoutMs);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(body),
      signal: options.signal ? AbortSignal.any([deadline, options.signal]) : deadline,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text so a failure can show what the remote said
    }
    return { status: response.status, body: parsed };
  },
});
