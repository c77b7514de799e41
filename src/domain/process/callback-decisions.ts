/**
 * Decisions about a presented callback token (DESIGN §5): accepted, duplicate, or a refusal that
 * is itself recorded as CallbackRejected.
 */
import {
  ConflictError,
  GoneError,
  IllegalStateError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  assertNever,
} from '../errors';
import { ProcessCommand } from './commands';
import { Decision, UNKNOWN_CALLBACK, refuse } from './decision';
import { CallbackRejectionReason, ProcessEvent } from './events';
import { CallbackToken, ProcessState } from './state';

export const findToken = (s: ProcessState, tokenId: string): CallbackToken => {
  const token = s.tokens.find((t) => t.tokenId === tokenId);
  if (!token) throw new NotFoundError(UNKNOWN_CALLBACK);
  return token;
};

const rejected = (
  token: CallbackToken,
  reason: CallbackRejectionReason,
  detail: string,
): ProcessEvent => ({
  type: 'CallbackRejected',
  data: { tokenId: token.tokenId, reason, detail },
});

/** Refusals shared by callbacks and progress reports for a token that is not open. */
export const refuseClosedToken = (token: CallbackToken): Decision => {
  switch (token.status) {
    case 'revoked':
      return refuse(
        new GoneError('Callback token has been revoked'),
        rejected(token, 'revoked', 'token revoked'),
      );
    case 'expired':
      return refuse(
        new GoneError('Callback token has expired'),
        rejected(token, 'expired', 'token expired'),
      );
    case 'received':
      return refuse(
        new ConflictError('Callback token has already been used'),
        rejected(token, 'already_used', 'token already used with a different payload'),
      );
    case 'open':
      throw new Error('refuseClosedToken called with an open token');
    default:
      return assertNever(token.status);
  }
};

/**
 * A caller without the workflow's signature is not the runner, whatever the token's state: it
 * learns nothing more (not even "duplicate") and its attempt is recorded.
 */
export const refuseUnsigned = (token: CallbackToken, signatureError: string): Decision =>
  refuse(
    new UnauthenticatedError(`Callback signature rejected: ${signatureError}`),
    rejected(token, 'invalid_signature', signatureError),
  );

export const decideCallback = (
  s: ProcessState,
  cmd: Extract<ProcessCommand, { type: 'ReceiveCallback' }>,
): Decision => {
  const token = findToken(s, cmd.tokenId);
  if (cmd.signatureError) return refuseUnsigned(token, cmd.signatureError);
  if (token.status === 'received' && token.payloadHash === cmd.payloadHash) {
    return { events: [], answer: 'duplicate' }; // a remote retry of the same delivery is safe
  }
  if (token.status !== 'open') return refuseClosedToken(token);
  if (s.status !== 'awaiting_callback') {
    return refuse(
      new IllegalStateError(`Process is ${s.status}, not awaiting this callback`),
      rejected(token, 'not_awaiting', `process is ${s.status}`),
    );
  }
  if (cmd.payloadError !== null) {
    return refuse(
      new ValidationError(`Callback payload rejected: ${cmd.payloadError}`),
      rejected(token, 'invalid_payload', cmd.payloadError),
    );
  }
  const payload = cmd.payload as Record<string, unknown>;
  return {
    events: [
      {
        type: 'CallbackReceived',
        data: { tokenId: token.tokenId, payload, payloadHash: cmd.payloadHash },
      },
    ],
    answer: 'accepted',
  };
};
