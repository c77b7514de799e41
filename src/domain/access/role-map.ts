/**
 * Maps what an identity provider says about a person (group paths such as Keycloak's `/noc`,
 * directory group names, app roles) to Baton's roles. Written in OIDC_ROLE_MAP as
 * `claim value=role[+role…]` entries separated by commas or new lines, for example
 * `/network/noc=operator+noc,/audit=auditor`. The last `=` separates the value from its roles, so
 * a group name may itself hold one.
 *
 * With a map, only mapped values grant anything: a group that happens to be called `admin` in
 * the directory does not make its members Baton admins unless the map says so.
 */
import { ROLE_NAME } from './roles';

export type RoleMap = ReadonlyMap<string, readonly string[]>;

export const parseRoleMap = (text: string, source: string): RoleMap => {
  const map = new Map<string, string[]>();
  const entries = text
    .split(/[\n,]/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  entries.forEach((entry, i) => {
    const at = entry.lastIndexOf('=');
    const value = entry.slice(0, at).trim();
    const roles = entry
      .slice(at + 1)
      .split('+')
      .map((r) => r.trim())
      .filter((r) => r.length > 0);
    if (at <= 0 || value.length === 0)
      throw new Error(`${source}, entry ${i + 1}: expected "claim value=role[+role]"`);
    if (roles.length === 0 || !roles.every((r) => ROLE_NAME.test(r)))
      throw new Error(
        `${source}, entry ${i + 1} (${value}): roles must be like admin, operator, auditor or a lower-case team name`,
      );
    map.set(value, [...new Set([...(map.get(value) ?? []), ...roles])]);
  });
  if (map.size === 0) throw new Error(`${source} is set but maps nothing`);
  return map;
};

/**
 * The roles a token's claim values grant: through the map when there is one, else each value
 * that is itself a role name (unknown shapes grant nothing).
 */
export const rolesFor = (values: readonly string[], map: RoleMap | null): string[] => {
  const roles = map
    ? values.flatMap((v) => map.get(v) ?? [])
    : values.filter((v) => ROLE_NAME.test(v));
  return [...new Set(roles)];
};
