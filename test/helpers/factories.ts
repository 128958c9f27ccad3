/**
 * Factories over the public API with unique codes per call, so tests never depend on shared seeds.
 * Unit codes and names come from Hanoi's real 2025 units (../shared/data) where a test wants realism.
 */
import type { ApiClient } from './http.js';

let n = 0;
export const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36).slice(-4)}${(n++).toString(36)}`.toUpperCase();

export async function createUnit(
  admin: ApiClient,
  input: { code?: string; name?: string; level: string; parentCode?: string; [k: string]: unknown },
) {
  const code = input.code ?? unique('U');
  const r = await admin.post('/api/v1/units', { name: `Đơn vị ${code}`, ...input, code });
  if (r.status !== 201) throw new Error(`createUnit ${code}: ${r.status} ${r.text}`);
  return r.body as { id: string; code: string; level: string; parentCode: string | null };
}

export const TEST_PASSWORD = 'mật-khẩu-thử-nghiệm';

export async function createUser(
  admin: ApiClient,
  roles: { role: string; unitCode: string }[],
  opts: { username?: string; displayName?: string } = {},
) {
  const username = opts.username ?? unique('user').toLowerCase();
  const r = await admin.post('/api/v1/users', {
    username,
    password: TEST_PASSWORD,
    displayName: opts.displayName ?? `Người dùng ${username}`,
    roles,
  });
  if (r.status !== 201) throw new Error(`createUser ${username}: ${r.status} ${r.text}`);
  const client = await admin.withToken(undefined).login(username, TEST_PASSWORD);
  return { user: r.body as { id: string; username: string }, client };
}
