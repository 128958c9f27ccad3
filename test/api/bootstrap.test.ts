import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../server/logger.js';
import { startServer } from '../../server/start.js';
import { tableCounts } from '../helpers/db.js';
import { ApiClient } from '../helpers/http.js';

const dir = mkdtempSync(join(tmpdir(), 'onestop-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>, lines: string[]) {
  return startServer({
    env: { PORT: '0', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, PASSWORD_ITERATIONS: '1000', ...env },
    logger: silentLogger,
    print: (l) => lines.push(l),
    scheduler: false,
  });
}

describe('bootstrap', () => {
  it('creates root, matrix and admin once, prints a generated password once, and a second start changes nothing', async () => {
    const first: string[] = [];
    const a = await start({ ROOT_UNIT_CODE: 'HN', ROOT_UNIT_NAME: 'Thành phố Hà Nội' }, first);
    const printed = first.join('\n').match(/password (\S+)/)?.[1];
    expect(printed, first.join('\n')).toBeTruthy();
    const admin = await new ApiClient(a.url).login('admin', printed!);
    const me = await admin.get('/api/v1/auth/me');
    expect(me.body.roles).toEqual([{ role: 'admin', unitCode: 'HN' }]);
    const units = await admin.get('/api/v1/units');
    expect(units.body.items).toMatchObject([
      { code: 'HN', name: 'Thành phố Hà Nội', level: 'city', parentCode: null },
    ]);
    const countsAfterFirst = await tableCounts(a.deps);
    await a.close();

    // Second start, different root settings and an ADMIN_PASSWORD: the existing database wins.
    const second: string[] = [];
    const b = await start({ ROOT_UNIT_CODE: 'OTHER', ADMIN_PASSWORD: 'another-password' }, second);
    expect(second.join('\n')).not.toMatch(/password/);
    const countsAfterSecond = await tableCounts(b.deps);
    // The second start wrote nothing at all.
    expect(countsAfterSecond).toEqual(countsAfterFirst);
    expect(
      (
        await new ApiClient(b.url).post('/api/v1/auth/login', {
          username: 'admin',
          password: 'another-password',
        })
      ).status,
    ).toBe(401);
    await new ApiClient(b.url).login('admin', printed!);
    const roots = await (await new ApiClient(b.url).login('admin', printed!)).get('/api/v1/units');
    expect(roots.body.items.map((u: { code: string }) => u.code)).toEqual(['HN']);
    await b.close();
  });

  it('refuses a bad configuration with a message naming the variable', async () => {
    await expect(start({ ORG_LEVELS: 'city,city' }, [])).rejects.toThrow(/ORG_LEVELS/);
    await expect(start({ AGENT_INTERVAL_SEC: '0' }, [])).rejects.toThrow(/AGENT_INTERVAL_SEC/);
    await expect(start({ DATABASE_URL: 'postgres://db/onestop' }, [])).rejects.toThrow(
      /DATABASE_URL: use file:PATH/,
    );
  });

  it('installs the levels named by ORG_LEVELS', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'onestop-boot3-'));
    const s = await startServer({
      env: {
        PORT: '0',
        DATABASE_URL: `file:${join(d2, 'db.sqlite')}`,
        ORG_LEVELS: 'city,district,commune',
        ADMIN_PASSWORD: 'admin-password',
        PASSWORD_ITERATIONS: '1000',
      },
      logger: silentLogger,
      print: () => {},
      scheduler: false,
    });
    const admin = await new ApiClient(s.url).login('admin', 'admin-password');
    const d = await admin.post('/api/v1/units', {
      code: 'HN-TX',
      name: 'Quận Thanh Xuân',
      level: 'district',
      parentCode: 'ROOT',
    });
    expect(d.status).toBe(201);
    const c = await admin.post('/api/v1/units', {
      code: 'HN-TX-KD',
      name: 'Phường Khương Đình',
      level: 'commune',
      parentCode: 'HN-TX',
    });
    expect(c.status).toBe(201);
    await s.close();
    rmSync(d2, { recursive: true, force: true });
  });
});
