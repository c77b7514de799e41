import { parseRoleMap, rolesFor } from '../../src/domain/access/role-map';

describe('mapping provider groups to Baton roles', () => {
  const map = parseRoleMap('/ops/noc=operator+noc,/audit=auditor,/a=b=admin', 'OIDC_ROLE_MAP');

  it('grants the roles of every mapped value, once each', () => {
    expect(rolesFor(['/ops/noc', '/audit', '/ops/noc'], map).sort()).toEqual([
      'auditor',
      'noc',
      'operator',
    ]);
  });

  it('grants nothing for unmapped values, even ones named like a role', () => {
    expect(rolesFor(['admin', 'operator', '/elsewhere'], map)).toEqual([]);
  });

  it('splits value from roles at the last "=", so a group name may contain one', () => {
    expect(rolesFor(['/a=b'], map)).toEqual(['admin']);
  });

  it('without a map, takes values that are role names and drops the rest', () => {
    expect(rolesFor(['operator', 'noc', '/ops/noc', 'Offline Access'], null)).toEqual([
      'operator',
      'noc',
    ]);
  });

  it('merges repeated entries for one value', () => {
    expect(Object.fromEntries(parseRoleMap('g=operator\ng=noc', 'X'))).toEqual({
      g: ['operator', 'noc'],
    });
  });

  it('refuses an empty map', () => {
    expect(() => parseRoleMap(' , ', 'OIDC_ROLE_MAP')).toThrow('maps nothing');
  });
});
