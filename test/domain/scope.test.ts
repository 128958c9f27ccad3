import { describe, expect, it } from 'vitest';
import { allowed, type Grant, inScope, scopeOf } from '../../server/domain/scope.js';

const unit = (id: string, path: string) => ({ id, path });
const HN = unit('hn', '/hn/');
const D1 = unit('d1', '/hn/d1/');
const C1 = unit('c1', '/hn/d1/c1/');
const C2 = unit('c2', '/hn/d2/c2/');
const g = (role: Grant['role'], u: { id: string; path: string }): Grant => ({
  role,
  unitId: u.id,
  unitCode: u.id.toUpperCase(),
  unitPath: u.path,
});

describe('allowed', () => {
  const table: [string, Grant[], Parameters<typeof allowed>[1], { id: string; path: string }, boolean][] = [
    ['admin at root writes a commune', [g('admin', HN)], 'unit.write', C1, true],
    ['district IT reaches its commune', [g('it_staff', D1)], 'ticket.work', C1, true],
    ['district IT does not reach the neighbour', [g('it_staff', D1)], 'ticket.work', C2, false],
    ['district IT does not reach its parent', [g('it_staff', D1)], 'ticket.read', HN, false],
    ['unit head reads its unit', [g('unit_head', C1)], 'ticket.read', C1, true],
    ['unit head of a district does not reach its communes', [g('unit_head', D1)], 'ticket.read', C1, false],
    ['viewer cannot work tickets', [g('viewer', HN)], 'ticket.work', C1, false],
    ['IT staff cannot create users', [g('it_staff', HN)], 'user.write', C1, false],
    ['no grants, nothing', [], 'unit.read', C1, false],
    ['path prefix is not a string prefix of ids', [g('it_staff', unit('hn', '/h/'))], 'unit.read', HN, false],
  ];
  for (const [name, grants, perm, u, want] of table)
    it(name, () => expect(allowed(grants, perm, u)).toBe(want));
});

describe('scopeOf', () => {
  it('drops subtrees inside other subtrees and unit-head units already covered', () => {
    const s = scopeOf([g('viewer', D1), g('it_staff', HN), g('unit_head', C2)], 'ticket.read');
    expect(s).toEqual({ subtrees: ['/hn/'], units: [] });
  });
  it('keeps a unit head unit outside every subtree', () => {
    const s = scopeOf([g('viewer', D1), g('unit_head', C2)], 'ticket.read');
    expect(s).toEqual({ subtrees: ['/hn/d1/'], units: ['c2'] });
    expect(inScope(s, C1)).toBe(true);
    expect(inScope(s, C2)).toBe(true);
    expect(inScope(s, HN)).toBe(false);
  });
  it('is empty for a permission none of the roles has', () => {
    expect(scopeOf([g('viewer', HN)], 'user.write')).toEqual({ subtrees: [], units: [] });
  });
});
