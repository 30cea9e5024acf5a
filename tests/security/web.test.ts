/**
 * The audit's smaller web findings, replayed over HTTP against the running service:
 * - an open redirect after login (`?next=/%09/evil.example/x` and friends);
 * - the login rate limit trusting any X-Forwarded-For: spoofed addresses escaped it, and an
 *   attacker naming the admin's address locked the admin out; no overall ceiling; no pruning;
 * - the session cookie's Secure flag taken from X-Forwarded-Proto rather than PUBLIC_URL.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { LOGIN_ATTEMPTS, LOGIN_GLOBAL_ATTEMPTS } from '../../src/http/dashboard/routes';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import { TestClock } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';
import { Jar, csrfIn, get, loginWithToken, postForm } from './browser';

const ADMIN = 'security-admin-token-0123456789';

async function service(
  db: TestDb,
  env: Record<string, string>,
  clock = new TestClock(new Date('2026-03-02T02:00:00Z')),
): Promise<RunningService> {
  return startService(
    loadConfig({
      PORT: '0',
      DATA_DIR: await mkdtemp(join(tmpdir(), 'dieu-phoi-sec-web-')),
      ADMIN_TOKEN: ADMIN,
      SANDBOX: '0',
      ...env,
    }),
    {
      db,
      clock: clock.now,
      log: createLogger('silent'),
      scheduler: false,
      workers: false,
    },
  );
}

const base = (s: RunningService) => `http://127.0.0.1:${s.port}`;

describe('redirect after login stays on this site', () => {
  let db: TestDb;
  let s: RunningService;
  beforeAll(async () => {
    db = await openTestDb();
    s = await service(db, {});
  });
  afterAll(async () => {
    await s.stop();
    await db.close();
  });

  const ATTACKS = [
    '/\t/evil.example/x',
    '/\n/evil.example',
    '//evil.example/x',
    '/\\evil.example',
    '/\\/evil.example',
    'https://evil.example/',
    'http:evil.example',
    '\\\\evil.example',
    ' //evil.example',
    '/login/abc',
  ];

  for (const next of ATTACKS) {
    it(`next=${JSON.stringify(next)} lands on / after login`, async () => {
      const res = await loginWithToken(base(s), new Jar(), ADMIN, { next });
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      // As a browser resolves it: tabs and newlines dropped, backslashes as slashes.
      const seen = new URL(location.replace(/[\t\n\r]/g, '').replace(/\\/g, '/'), base(s));
      expect(seen.origin).toBe(base(s));
      expect(location).toBe('/');
    });
  }

  it('the login page never echoes a foreign next; a path on this site survives the login', async () => {
    // The audit's link: the query decodes to a tab, which a browser drops from the Location.
    for (const q of ['/%09/evil.example/x', '//evil.example', '/%5Cevil.example']) {
      const page = await get(base(s), new Jar(), `/?next=${q}`);
      expect(await page.text()).not.toContain('evil.example');
    }
    const res = await loginWithToken(base(s), new Jar(), ADMIN, { next: '/events?tab=1' });
    expect(res.headers.get('location')).toBe('/events?tab=1');
  });
});

describe('failed logins are counted per real peer, with a ceiling, and pruned', () => {
  let db: TestDb;
  let direct: RunningService;
  let proxied: RunningService;
  const clock = new TestClock(new Date('2026-03-02T02:00:00Z'));

  beforeAll(async () => {
    db = await openTestDb();
    direct = await service(db, {}, clock);
    proxied = await service(db, { TRUST_PROXY: 'loopback' }, clock);
  });
  afterAll(async () => {
    await direct.stop();
    await proxied.stop();
    await db.close();
  });

  async function wrong(s: RunningService, xff?: string): Promise<number> {
    const headers: Record<string, string> = xff ? { 'x-forwarded-for': xff } : {};
    const res = await loginWithToken(base(s), new Jar(), 'sai-ma-quan-tri-0123456789', {
      headers,
    });
    return res.status;
  }

  it('a client inventing X-Forwarded-For addresses is still one client without a trusted proxy', async () => {
    await db.db.deleteFrom('attempts').execute();
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS + 2; i++) statuses.push(await wrong(direct, `10.9.${i}.1`));
    expect(statuses.slice(0, LOGIN_ATTEMPTS).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(LOGIN_ATTEMPTS)).toEqual([429, 429]);
  });

  it("behind a trusted proxy, an attacker naming the admin's address does not lock the admin out", async () => {
    clock.advance(16 * 60_000);
    const admin = '203.0.113.7';
    const attacker = '198.51.100.9';
    // The proxy appends the address it saw; what the attacker wrote stays to the left.
    for (let i = 0; i < LOGIN_ATTEMPTS; i++)
      expect(await wrong(proxied, `${admin}, ${attacker}`)).toBe(401);
    expect(await wrong(proxied, `${admin}, ${attacker}`)).toBe(429);
    const ok = await loginWithToken(base(proxied), new Jar(), ADMIN, {
      headers: { 'x-forwarded-for': admin },
    });
    expect(ok.status).toBe(303);
  });

  it('many addresses together meet an overall ceiling', async () => {
    clock.advance(16 * 60_000);
    let refused = 0;
    for (let i = 0; i < LOGIN_GLOBAL_ATTEMPTS; i++) {
      const status = await wrong(proxied, `198.18.${i >> 8}.${i & 255}`);
      if (status === 429) refused++;
    }
    expect(refused).toBe(0);
    expect(await wrong(proxied, '192.0.2.200')).toBe(429);
    // The real admin is refused too while the ceiling holds (one-time chat links still work)…
    const res = await loginWithToken(base(proxied), new Jar(), ADMIN, {
      headers: { 'x-forwarded-for': '192.0.2.201' },
    });
    expect(res.status).toBe(429);
    // …and not after the window.
    clock.advance(16 * 60_000);
    const later = await loginWithToken(base(proxied), new Jar(), ADMIN, {
      headers: { 'x-forwarded-for': '192.0.2.201' },
    });
    expect(later.status).toBe(303);
  });

  it('old attempts are pruned when a new failure is written', async () => {
    clock.advance(16 * 60_000);
    const before = await db.db
      .selectFrom('attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(before.n)).toBeGreaterThanOrEqual(LOGIN_GLOBAL_ATTEMPTS);
    await wrong(proxied, '192.0.2.50');
    const after = await db.db.selectFrom('attempts').select(['key', 'at']).execute();
    expect(after).toHaveLength(1);
    expect(after[0]!.key).toBe('dashboard-login:192.0.2.50');
  });
});

describe('Secure cookies follow PUBLIC_URL, not a header anyone can send', () => {
  let db: TestDb;
  let https: RunningService;
  let plain: RunningService;
  beforeAll(async () => {
    db = await openTestDb();
    https = await service(db, { PUBLIC_URL: 'https://dieuphoi.example.vn' });
    plain = await service(db, {});
  });
  afterAll(async () => {
    await https.stop();
    await plain.stop();
    await db.close();
  });

  const flags = (res: Response, name: string) =>
    res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`)) ?? '';

  it('PUBLIC_URL https: the session and CSRF cookies are Secure even on a request without X-Forwarded-Proto', async () => {
    const jar = new Jar();
    const page = await get(base(https), jar, '/');
    expect(flags(page, 'dp_csrf')).toMatch(/;\s*Secure/i);
    const res = await postForm(base(https), jar, '/login', {
      _csrf: csrfIn(await page.text())!,
      token: ADMIN,
    });
    expect(res.status).toBe(303);
    expect(flags(res, 'dp_session')).toMatch(/;\s*Secure/i);
    expect(flags(res, 'dp_session')).toMatch(/HttpOnly/i);
    expect(flags(res, 'dp_session')).toMatch(/SameSite=Lax/i);
  });

  it('no PUBLIC_URL: a forged X-Forwarded-Proto does not change the cookie', async () => {
    const res = await loginWithToken(base(plain), new Jar(), ADMIN, {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.status).toBe(303);
    expect(flags(res, 'dp_session')).not.toMatch(/;\s*Secure/i);
  });
});
