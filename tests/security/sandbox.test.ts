/**
 * Finding: the open sandbox handed out dashboard sessions to the network. `npm start` bound
 * 0.0.0.0; from another machine one could post /dashboard in the simulator's private chat, read
 * the login link (every visitor saw every private chat) and keep a 12-hour session that survived
 * a restart with a real Telegram token. Replayed over HTTP against the running service.
 */
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxAdapter } from '../../bots/sandbox/index';
import { loadConfig } from '../../src/config';
import { dl } from '../../src/messages/dashboard';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { openTestDb, type TestDb } from '../helpers/db';
import { SECRET, TOKEN } from '../helpers/telegram-harness';
import { Jar, csrfIn, get, loginWithToken, postForm } from './browser';

const ADMIN = 'sandbox-admin-token-0123456789';

/** An address of this machine that is not 127.0.0.1 (127.0.0.2 is loopback but not 127.0.0.1). */
function otherAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.2';
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function capture(): { lines: Array<Record<string, unknown>>; stream: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, stream };
}

let db: TestDb;
let dataDir: string;
let sandbox: RunningService;
let base: string;
const log = capture();

beforeAll(async () => {
  db = await openTestDb();
  dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-sec-sandbox-'));
  // What `npm start` does on a fresh machine: no platform, so the simulator is open.
  sandbox = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: ADMIN }), {
    db,
    log: createLogger('info', log.stream),
    scheduler: false,
  });
  base = `http://127.0.0.1:${sandbox.port}`;
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  await db?.close();
});

describe('the open sandbox stays on this machine', () => {
  it('listens on 127.0.0.1 only, and says so', async () => {
    expect(sandbox.host).toBe('127.0.0.1');
    expect(await reachable('127.0.0.1', sandbox.port)).toBe(true);
    expect(await reachable(otherAddress(), sandbox.port)).toBe(false);
    const listening = log.lines.find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ host: '127.0.0.1', port: sandbox.port, openSandbox: true });
  });

  it('HOST opens it on purpose; with a platform configured the default is every interface', async () => {
    const wide = await startService(
      loadConfig({ PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: ADMIN, HOST: '0.0.0.0' }),
      { db, log: createLogger('silent'), scheduler: false, workers: false, demo: false },
    );
    try {
      expect(await reachable(otherAddress(), wide.port)).toBe(true);
    } finally {
      await wide.stop();
    }
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).host).toBe('0.0.0.0');
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(() => loadConfig({ HOST: 'not a host!' })).toThrow(/HOST/);
  });
});

describe('simulated people never get a dashboard link, and visitors see only their own chats', () => {
  const alice = new Jar();
  const bob = new Jar();
  let csrfA: string;

  it('a visitor playing an organizer asks /dashboard in private: refused, no link anywhere', async () => {
    const page = await get(base, alice, '/sandbox');
    expect(page.status).toBe(200);
    csrfA = csrfIn(await page.text())!;
    // As in the audit: write in the organizers' group first, then ask privately.
    const inGroup = await postForm(
      base,
      alice,
      '/sandbox/chats/ban-to-chuc/messages',
      { _csrf: csrfA, name: 'Nguyễn Lan', text: 'Chào cả nhóm' },
      { accept: 'application/json' },
    );
    expect(inGroup.status).toBe(200);
    const res = await postForm(base, alice, '/sandbox/private', {
      _csrf: csrfA,
      name: 'Nguyễn Lan',
      text: '/dashboard',
    });
    expect(res.status).toBe(303);
    await postForm(
      base,
      alice,
      '/sandbox/chats/ban-to-chuc/messages',
      { _csrf: csrfA, name: 'Nguyễn Lan', text: '/dashboard' },
      { accept: 'application/json' },
    );
    await sandbox.workers.get('sandbox')!.drain(5000);
    const store = (sandbox.adapters.find((a) => a.platform === 'sandbox') as SandboxAdapter).store;
    const dm = store.listChats().find((c) => c.type === 'private')!;
    expect(store.messagesOf(dm.id).at(-1)!.text).toBe(dl.sandboxRefused());
    const everything = store
      .listChats()
      .flatMap((c) => store.messagesOf(c.id))
      .map((m) => m.text);
    expect(everything.filter((x) => x.includes('/login/'))).toEqual([]);
    const tokens = await db.db.selectFrom('login_tokens').selectAll().execute();
    expect(tokens).toEqual([]);
  });

  it("another visitor sees the demo's groups but not the first one's private chat", async () => {
    const page = await (await get(base, bob, '/sandbox')).text();
    expect(page).toContain('Ban tổ chức (mô phỏng)');
    expect(page).not.toContain('Tin nhắn riêng: Nguyễn Lan');
    const updates = (await (await get(base, bob, '/sandbox/updates.json?v=0')).json()) as {
      messages: Array<{ chatKey: string; html: string }>;
    };
    expect(updates.messages.length).toBeGreaterThan(0);
    expect(updates.messages.filter((m) => m.chatKey.includes('dm-'))).toEqual([]);
    // Nor can they write into it, by guessing its key.
    const aliceChat = (await (await get(base, alice, '/sandbox')).text()).match(
      /id="chat-(v[a-z2-9]{16}-dm-[a-z0-9-]+)"/,
    )![1]!;
    const csrfB = csrfIn(page)!;
    const intrusion = await postForm(
      base,
      bob,
      `/sandbox/chats/${aliceChat}/messages`,
      { _csrf: csrfB, name: 'Nguyễn Lan', text: '/huongdan' },
      { accept: 'application/json' },
    );
    expect(intrusion.status).toBe(404);
    // The owner still can.
    const own = await postForm(
      base,
      alice,
      `/sandbox/chats/${aliceChat}/messages`,
      { _csrf: csrfA, name: 'Nguyễn Lan', text: '/huongdan' },
      { accept: 'application/json' },
    );
    expect(own.status).toBe(200);
  });
});

describe('a broadcast drafted in the simulator', () => {
  it('is sent by its author pressing Gửi, whatever name they wrote under', async () => {
    const jar = new Jar();
    const csrf = csrfIn(await (await get(base, jar, '/sandbox')).text())!;
    const say = (text: string) =>
      postForm(
        base,
        jar,
        '/sandbox/chats/ban-to-chuc/messages',
        { _csrf: csrf, name: 'Trần Thị Lan', text },
        { accept: 'application/json' },
      );
    expect((await say('/thongbao Họp trực tuyến lúc 14h00.')).status).toBe(200);
    await sandbox.workers.get('sandbox')!.drain(5000);
    const store = (sandbox.adapters.find((a) => a.platform === 'sandbox') as SandboxAdapter).store;
    const preview = store
      .messagesOf('sandbox:ban-to-chuc')
      .findLast((m) => m.from === 'bot' && m.buttons?.length)!;
    expect(preview.text).toContain('Họp trực tuyến');
    const press = await postForm(
      base,
      jar,
      '/sandbox/chats/ban-to-chuc/press',
      { _csrf: csrf, messageId: preview.id, data: preview.buttons![0]![0]!.data },
      { accept: 'application/json' },
    );
    expect(press.status).toBe(200);
    const sent = await db.db
      .selectFrom('broadcasts')
      .select('status')
      .where('text', 'like', '%Họp trực tuyến%')
      .executeTakeFirstOrThrow();
    expect(sent.status).toBe('sending');
  });
});

describe('sessions made while the sandbox was open', () => {
  it('end when a platform is configured; sessions made then survive restarts', async () => {
    const jar = new Jar();
    expect((await loginWithToken(base, jar, ADMIN)).status).toBe(303);
    expect((await get(base, jar, '/units')).status).toBe(200);
    await sandbox.stop();

    const fake = new FakeTelegramApi({ token: TOKEN });
    await fake.start();
    const withTelegram = () =>
      startService(
        loadConfig({
          PORT: '0',
          DATA_DIR: dataDir,
          ADMIN_TOKEN: ADMIN,
          TELEGRAM_BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: fake.url,
          TELEGRAM_WEBHOOK_SECRET: SECRET,
          PUBLIC_URL: 'http://127.0.0.1:9',
        }),
        { db, log: createLogger('silent'), scheduler: false, workers: false },
      );
    let real = await withTelegram();
    try {
      const realBase = `http://127.0.0.1:${real.port}`;
      const old = await get(realBase, jar, '/units');
      expect(old.status).toBe(303);
      expect(old.headers.get('location')).toBe('/?next=%2Funits');
      // A session made now is a real one, and outlives a restart.
      const fresh = new Jar();
      expect((await loginWithToken(realBase, fresh, ADMIN)).status).toBe(303);
      await real.stop();
      real = await withTelegram();
      expect((await get(`http://127.0.0.1:${real.port}`, fresh, '/units')).status).toBe(200);
    } finally {
      await real.stop();
      await fake.stop();
    }
  }, 60_000);
});
