/**
 * The one way the UI talks to Baton's API: adds the operator's credential (API key or access
 * token), turns every refusal into an ApiError with a message a person can read, and ends the
 * session when the API asks for a sign-in.
 */
import { endSession } from './auth';
import { bearer } from './session';

export interface FieldError {
  property: string;
  constraints: Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly validationErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

export const authHeaders = (): Record<string, string> => {
  const token = bearer();
  return token ? { authorization: `Bearer ${token}` } : {};
};

const STATUS_HINTS: Record<number, string> = {
  401: 'Sign-in required',
  403: 'You are not allowed to do this',
  404: 'Not found',
  409: 'Refused: the process has moved on since this page was loaded',
  503: 'The service is unavailable right now (nothing was written); try again in a moment',
};

const describe = (status: number, body: unknown): ApiError => {
  const b = (body ?? {}) as { message?: unknown; validationErrors?: FieldError[] };
  const serverMessage = typeof b.message === 'string' ? b.message : '';
  const hint = STATUS_HINTS[status];
  const message =
    hint && serverMessage
      ? `${hint}: ${serverMessage}`
      : hint || serverMessage || `Request failed (HTTP ${status})`;
  return new ApiError(status, message, Array.isArray(b.validationErrors) ? b.validationErrors : []);
};

export const request = async <T>(
  method: string,
  path: string,
  body?: unknown,
  init: RequestInit = {},
): Promise<T> => {
  let response: Response;
  const credentialSent = bearer() !== null;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-cache',
      ...init,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders(),
        ...(init.headers as Record<string, string> | undefined),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the Baton service; check that it is running');
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  // The sign-in page takes over, at the same address: signing in again comes back here.
  if (response.status === 401) endSession(credentialSent ? 'refused' : 'required');
  if (!response.ok) throw describe(response.status, parsed);
  return parsed as T;
};

export const get = <T>(path: string) => request<T>('GET', path);

/** For endpoints other helpers are still adding: null when the API does not have them (yet). */
export const getOptional = async <T>(path: string): Promise<T | null> => {
  try {
    return await get<T>(path);
  } catch (error) {
    if (error instanceof ApiError && [400, 404, 405, 501].includes(error.status)) return null;
    throw error;
  }
};
