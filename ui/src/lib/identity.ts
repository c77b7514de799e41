/**
 * Who is signed in (`GET /api/me`: name and roles as the API sees them, after any group-to-role
 * mapping) and what that allows. The rules are the service's own (`src/domain/access/roles.ts`),
 * so the page disables exactly what the API would refuse, and says why.
 */
import { createContext, useContext } from 'react';
import { hasRole, mayConfirm } from '../../../src/domain/access/roles';

export interface Identity {
  name: string | null;
  roles: string[];
}

export const IdentityContext = createContext<Identity | null>(null);
export const useIdentity = () => useContext(IdentityContext);

export type Permission = { allowed: true } | { allowed: false; reason: string };
const ALLOWED: Permission = { allowed: true };

const yourRoles = (who: Identity) =>
  who.roles.length > 0 ? `your roles: ${who.roles.join(', ')}` : 'you have no role';

/** Starting, retrying and aborting need the operator role. Unknown identity: the API decides. */
export const mayOperate = (who: Identity | null): Permission =>
  !who || hasRole({ name: who.name ?? '', roles: who.roles }, 'operator')
    ? ALLOWED
    : { allowed: false, reason: `Needs the operator role (${yourRoles(who)}).` };

/** Confirming a step also needs one of the step's roles, when it names any. */
export const mayConfirmStep = (
  who: Identity | null,
  form: { assignee: string; roles: string[] | null },
): Permission => {
  const operate = mayOperate(who);
  if (!operate.allowed || !who) return operate;
  if (mayConfirm({ name: who.name ?? '', roles: who.roles }, form.roles ?? undefined))
    return ALLOWED;
  return {
    allowed: false,
    reason: `Assigned to ${form.assignee}: only ${form.roles!.join(' or ')} may confirm this step (${yourRoles(who)}).`,
  };
};
