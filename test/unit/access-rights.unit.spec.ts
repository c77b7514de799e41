/**
 * Who may confirm and who may call back, as decider specs: a confirmation by the wrong role and
 * a callback without the workflow's signature are refused, and only the latter is recorded.
 */
import { hasRole, mayConfirm } from '../../src/domain/access/roles';
import { ForbiddenError, UnauthenticatedError } from '../../src/domain/errors';
import { ProcessEvent } from '../../src/domain/process/events';
import { inputStep } from '../../src/domain/workflow/dsl';
import { given } from '../support/given';
import { awaiting, inputRequested, received, started } from './process-fixtures';

const restricted = (roles: string[]): ProcessEvent => {
  const event = inputRequested(0);
  return { ...event, data: { ...event.data, roles } } as ProcessEvent;
};

const confirmAs = (by: string, roles: string[]) =>
  ({ type: 'GiveConfirmation', index: 0, by, roles, input: {}, at: 'T' }) as const;

describe('roles', () => {
  it('nest: admin ⊇ operator ⊇ auditor, and admins hold every team role', () => {
    const as = (...roles: string[]) => ({ name: 'x', roles });
    expect(hasRole(as('auditor'), 'auditor')).toBe(true);
    expect(hasRole(as('auditor'), 'operator')).toBe(false);
    expect(hasRole(as('operator'), 'auditor')).toBe(true);
    expect(hasRole(as('operator'), 'admin')).toBe(false);
    expect(hasRole(as('admin'), 'operator')).toBe(true);
    expect(hasRole(as('admin'), 'noc')).toBe(true);
    expect(hasRole(as('operator', 'noc'), 'noc')).toBe(true);
    expect(hasRole(as('operator'), 'noc')).toBe(false);
    expect(mayConfirm(as('operator'), undefined)).toBe(true);
    expect(mayConfirm(as('operator'), ['noc', 'change-manager'])).toBe(false);
    expect(mayConfirm(as('operator', 'change-manager'), ['noc', 'change-manager'])).toBe(true);
  });

  it('inputStep keeps its roles as data and refuses a malformed role name', () => {
    const form = () => undefined;
    expect(inputStep('Confirm', { assignee: 'NOC', roles: ['noc'] }, form)).toMatchObject({
      assignee: 'NOC',
      roles: ['noc'],
    });
    expect(inputStep('Confirm', { assignee: 'SYSTEM' }, form)).not.toHaveProperty('roles');
    expect(() => inputStep('Confirm', { assignee: 'NOC', roles: ['No C'] }, form)).toThrow(
      'invalid role name',
    );
  });
});

describe('process decider: confirmation rights', () => {
  it('refuses a confirmation from someone without the step roles, appending nothing', () => {
    given([started(), restricted(['noc'])])
      .when(confirmAs('bob', ['operator']))
      .thenThrows(ForbiddenError);
  });

  it('accepts the step role, or an admin, and records who confirmed', () => {
    for (const [name, roles] of [
      ['carol', ['operator', 'noc']],
      ['root', ['admin']],
    ] as const) {
      const state = given([started(), restricted(['noc'])])
        .when(confirmAs(name, [...roles]))
        .then([
          { type: 'ConfirmationGiven', data: { index: 0, name: 'step 0', by: name, input: {} } },
          {
            type: 'StepCompleted',
            data: {
              index: 0,
              name: 'step 0',
              delta: {},
              removedKeys: [],
              startedAt: 'T',
              durationMs: 0,
            },
          },
        ]);
      expect(state.status).toBe('running');
    }
  });

  it('lets any operator confirm a step without roles (histories written before roles existed)', () => {
    given([started(), inputRequested(0)])
      .when(confirmAs('dave', ['operator']))
      .then([
        { type: 'ConfirmationGiven', data: { index: 0, name: 'step 0', by: 'dave', input: {} } },
        {
          type: 'StepCompleted',
          data: {
            index: 0,
            name: 'step 0',
            delta: {},
            removedKeys: [],
            startedAt: 'T',
            durationMs: 0,
          },
        },
      ]);
  });
});

describe('process decider: signed callbacks', () => {
  const signedBadly = (payloadHash: string) =>
    ({
      type: 'ReceiveCallback',
      tokenId: 't1',
      payload: { return_code: 0 },
      payloadHash,
      payloadError: null,
      signatureError: 'signature does not match the body',
    }) as const;
  const rejectedUnsigned: ProcessEvent = {
    type: 'CallbackRejected',
    data: {
      tokenId: 't1',
      reason: 'invalid_signature',
      detail: 'signature does not match the body',
    },
  };

  it('refuses an open token with a bad signature (401) and records the attempt', () => {
    given(awaiting()).when(signedBadly('h1')).thenRefuses(UnauthenticatedError, [rejectedUnsigned]);
  });

  it('does not even answer duplicate to an unsigned re-delivery', () => {
    given([...awaiting(), received('t1', { return_code: 0 }, 'h1')])
      .when(signedBadly('h1'))
      .thenRefuses(UnauthenticatedError, [rejectedUnsigned]);
  });

  it('refuses an unsigned progress report the same way', () => {
    given(awaiting())
      .when({
        type: 'ReportProgress',
        tokenId: 't1',
        progress: 'x',
        signatureError: 'signature missing',
      })
      .thenRefuses(UnauthenticatedError, [
        {
          type: 'CallbackRejected',
          data: { tokenId: 't1', reason: 'invalid_signature', detail: 'signature missing' },
        },
      ]);
  });
});
