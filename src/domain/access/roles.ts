/**
 * Who may do what. Three built-in roles nest (admin ⊇ operator ⊇ auditor); any other role name
 * (a team such as `noc`) is a label an input step can require, held by whoever it is given to
 * and, like everything, by admins.
 */
export const BUILT_IN_ROLES = ['auditor', 'operator', 'admin'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

/** Role names as written in key lists, token claims and workflow definitions. */
export const ROLE_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** The authenticated caller, as recorded in events (`by`, metadata `actor`). */
export interface Actor {
  readonly name: string;
  readonly roles: readonly string[];
  /** When the credential stops being valid (epoch ms; an OIDC token's `exp`); absent = never. */
  readonly validUntil?: number;
}

const IMPLIED_BY: Record<BuiltInRole, readonly string[]> = {
  auditor: ['auditor', 'operator', 'admin'],
  operator: ['operator', 'admin'],
  admin: ['admin'],
};

export const hasRole = (actor: Actor, role: string): boolean => {
  if (actor.roles.includes('admin')) return true;
  const impliedBy = (IMPLIED_BY as Record<string, readonly string[] | undefined>)[role];
  return impliedBy ? impliedBy.some((r) => actor.roles.includes(r)) : actor.roles.includes(role);
};

/** An input step restricted to `required` roles may be confirmed by a holder of any of them. */
export const mayConfirm = (actor: Actor, required: readonly string[] | undefined): boolean =>
  !required || required.length === 0 || required.some((role) => hasRole(actor, role));
