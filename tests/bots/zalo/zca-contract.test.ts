/**
 * Contract between our port (bots/zalo/zca-port.ts) and the installed zca-js: the REAL `API`
 * object is built offline from a fake logged-in context (its methods are instance properties
 * made in the constructor), and its HTTP layer (`ctx.options.polyfill`, a fetch) is stubbed,
 * so sendMessage (text, mentions, urgency, quote, a file from a Buffer), getGroupInfo,
 * getGroupChatHistory, fetchAccountInfo, getCookie and listener.requestOldMessages run their real
 * code (URL building, AES params, the upload waiting for file_done) without network.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  API,
  GroupMessage,
  ThreadType,
  UserMessage,
  type TGroupMessage,
  type TMessage,
} from 'zca-js';
import {
  ZCA_LISTENER_EVENTS_USED,
  ZCA_LISTENER_METHODS_USED,
  ZCA_METHODS_USED,
  ZaloSessionError,
  type ZaloGroupMessage,
} from '../../../bots/zalo/zca-port';
import {
  createZcaSession,
  mapZcaGroupMessage,
  readZaloCredentials,
} from '../../../bots/zalo/zca-real';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { CookieJar } from 'tough-cookie';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OWN_ID = '900000000000000001';
const GROUP_ID = '6123456789012345678';
const SENDER_ID = '4212345678901234567';

type Fetch = (url: string, init?: { method?: string; body?: unknown }) => Promise<Response>;

function offlineApi(fetchStub: Fetch) {
  const key = randomBytes(16);
  const jar = new CookieJar();
  jar.setCookieSync('zpw_sek=session-secret; Domain=chat.zalo.me; Path=/', 'https://chat.zalo.me');
  const serviceMap = new Proxy({}, { get: () => ['https://zca.invalid'] });
  const ctx = {
    API_TYPE: 30,
    API_VERSION: 685,
    uploadCallbacks: new Map(),
    options: { selfListen: false, checkUpdate: false, logging: false, polyfill: fetchStub },
    uid: OWN_ID,
    imei: 'imei-test',
    userAgent: 'Mozilla/5.0 test',
    language: 'vi',
    secretKey: key.toString('base64'),
    cookie: jar,
    zpwServiceMap: serviceMap,
    settings: {
      features: {
        sharefile: {
          max_file: 10,
          max_size_share_file_v3: 100,
          chunk_size_file: 3_145_728,
          restricted_ext_file: ['exe'],
        },
        socket: {
          retries: {},
          close_and_retry_codes: [],
          rotate_error_codes: [],
          ping_interval: 60_000,
        },
      },
      keepalive: {},
    },
    loginInfo: {},
    extraVer: {},
  };
  const api = new API(ctx as unknown as ConstructorParameters<typeof API>[0], serviceMap as never, [
    'wss://zca.invalid/ws',
  ]);
  const aes = (plain: string): string => {
    const c = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
    return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
  };
  const decrypt = (b64: string): unknown => {
    const d = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16));
    return JSON.parse(
      Buffer.concat([d.update(Buffer.from(b64, 'base64')), d.final()]).toString('utf8'),
    );
  };
  /** A Zalo answer as the server sends it: the payload AES-encrypted inside `data`. */
  const zaloOk = (data: unknown): Response =>
    new Response(
      JSON.stringify({
        error_code: 0,
        error_message: '',
        data: aes(JSON.stringify({ error_code: 0, data })),
      }),
    );
  return { api, ctx, decrypt, zaloOk };
}

function groupData(over: Partial<TGroupMessage> = {}): TGroupMessage {
  return {
    actionId: '8123456789',
    msgId: '7056912345678',
    cliMsgId: '1727412345000',
    msgType: 'webchat',
    uidFrom: SENDER_ID,
    idTo: GROUP_ID,
    dName: 'Nguyễn Văn An',
    ts: '1727412345123',
    status: 1,
    content: 'Ông Nguyễn Văn An - Phó Giám đốc Sở',
    notify: '1',
    ttl: 0,
    userId: '0',
    uin: '0',
    topOut: '0',
    topOutTimeOut: '0',
    topOutImprTimeOut: '0',
    propertyExt: { color: 0, size: 0, type: 0, subType: 0, ext: '{"shouldParseLinkOrContact":0}' },
    paramsExt: { countUnread: 1, containType: 0, platformType: 1 },
    cmd: 521,
    st: 3,
    at: 5,
    realMsgId: '0',
    quote: undefined,
    mentions: undefined,
    ...over,
  };
}

describe('zca-js API surface we depend on', () => {
  const { api } = offlineApi(async () => {
    throw new Error('no network in this test');
  });

  it.each(ZCA_METHODS_USED)('API has method %s', (name) => {
    expect(typeof (api as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  it.each(ZCA_LISTENER_METHODS_USED)('api.listener has %s', (name) => {
    expect(typeof (api.listener as unknown as Record<string, unknown>)[name]).toBe('function');
  });

  it('getOwnId returns the logged-in uid; ThreadType.Group is 1', () => {
    expect(api.getOwnId()).toBe(OWN_ID);
    expect(ThreadType.Group).toBe(1);
    expect(ThreadType.User).toBe(0);
  });

  it('the listener is an EventEmitter delivering the events we subscribe to', () => {
    const seen: string[] = [];
    for (const ev of ZCA_LISTENER_EVENTS_USED)
      api.listener.on(ev as 'connected', () => seen.push(ev));
    for (const ev of ZCA_LISTENER_EVENTS_USED) api.listener.emit(ev as 'connected');
    expect(seen).toEqual([...ZCA_LISTENER_EVENTS_USED]);
    api.listener.removeAllListeners();
  });
});

describe('mapZcaGroupMessage', () => {
  it('maps a text message', () => {
    const m = mapZcaGroupMessage(new GroupMessage(OWN_ID, groupData()), OWN_ID);
    expect(m).toEqual<ZaloGroupMessage>({
      msgId: '7056912345678',
      groupId: GROUP_ID,
      senderId: SENDER_ID,
      senderName: 'Nguyễn Văn An',
      text: 'Ông Nguyễn Văn An - Phó Giám đốc Sở',
      mentions: [],
      ts: 1727412345123,
      raw: expect.anything(),
    });
  });

  it('maps a reply (quote.globalMsgId) with mentions', () => {
    const data = groupData({
      content: '@Điều phối dạ em gửi ạ',
      quote: {
        ownerId: OWN_ID,
        cliMsgId: 1727412000000,
        globalMsgId: 7056900000001,
        cliMsgType: 1,
        ts: 1727412000100,
        msg: 'Mời đăng ký',
        attach: '',
        fromD: 'Điều phối',
        ttl: 0,
      },
      mentions: [{ uid: OWN_ID, pos: 0, len: 10, type: 0 }],
    });
    const m = mapZcaGroupMessage(new GroupMessage(OWN_ID, data), OWN_ID, () => 'Sở Y tế');
    expect(m).toMatchObject({
      quoteMsgId: '7056900000001',
      mentions: [{ uid: OWN_ID, pos: 0, len: 10 }],
      groupName: 'Sở Y tế',
      text: '@Điều phối dạ em gửi ạ',
    });
  });

  it('maps a file (share.file) and a photo (chat.photo)', () => {
    const file = groupData({
      msgType: 'share.file',
      content: {
        title: 'Bao cao ket qua 2024.pdf',
        description: '',
        href: 'https://f21-zpc.zdn.vn/1234/abcdef/Bao-cao-ket-qua-2024.pdf',
        thumb: '',
        childnumber: 0,
        action: '',
        params:
          '{"fileSize":"245760","checksum":"9f2b","checksumSha":"","fileExt":"pdf","fdata":"{}","fType":1}',
        type: '',
      },
    });
    expect(mapZcaGroupMessage(new GroupMessage(OWN_ID, file), OWN_ID)).toMatchObject({
      text: '',
      attachment: {
        kind: 'document',
        url: 'https://f21-zpc.zdn.vn/1234/abcdef/Bao-cao-ket-qua-2024.pdf',
        fileName: 'Bao cao ket qua 2024.pdf',
        size: 245760,
        ext: 'pdf',
        zaloType: 'share.file',
      },
    });
    const photo = groupData({
      msgType: 'chat.photo',
      content: {
        title: 'ảnh hội nghị',
        description: '',
        href: 'https://photo-zpc.zdn.vn/jpg/abc.jpg',
        thumb: 'https://photo-zpc.zdn.vn/thumb/abc.jpg',
        childnumber: 0,
        action: '',
        params: '{"width":1280,"height":960}',
        type: '',
      },
    });
    expect(mapZcaGroupMessage(new GroupMessage(OWN_ID, photo), OWN_ID)).toMatchObject({
      text: 'ảnh hội nghị',
      attachment: { kind: 'photo', url: 'https://photo-zpc.zdn.vn/jpg/abc.jpg' },
    });
  });

  it('ignores own messages and 1:1 messages', () => {
    expect(
      mapZcaGroupMessage(new GroupMessage(OWN_ID, groupData({ uidFrom: '0' })), OWN_ID),
    ).toBeNull();
    expect(
      mapZcaGroupMessage(new GroupMessage(OWN_ID, groupData({ uidFrom: OWN_ID })), OWN_ID),
    ).toBeNull();
    const dm = new UserMessage(OWN_ID, groupData({ idTo: '0' }) as TMessage);
    expect(mapZcaGroupMessage(dm, OWN_ID)).toBeNull();
  });
});

describe('ZcaSession over the real zca-js API (HTTP stubbed)', () => {
  let historyGone = false;
  let accountRefused = false;
  function setup() {
    historyGone = false;
    accountRefused = false;
    const requests: Array<{ path: string; params: Record<string, unknown> }> = [];
    let ctl!: ReturnType<typeof offlineApi>;
    const fetchStub: Fetch = async (url, init) => {
      const u = new URL(url);
      const body = init?.body instanceof URLSearchParams ? init.body : new URLSearchParams();
      const enc = body.get('params') ?? u.searchParams.get('params');
      const params = enc ? (ctl.decrypt(enc) as Record<string, unknown>) : {};
      requests.push({ path: u.pathname, params });
      if (u.pathname.endsWith('/getmg-v2')) {
        const ids = Object.keys(JSON.parse(String(params['gridVerMap'])) as Record<string, number>);
        return ctl.zaloOk({
          removedsGroup: [],
          unchangedsGroup: [],
          gridInfoMap: Object.fromEntries(
            ids.map((id) => [id, { groupId: id, name: `Nhóm ${id.slice(-3)}` }]),
          ),
        });
      }
      if (u.pathname.endsWith('/getlg/v4'))
        return ctl.zaloOk({
          version: '1',
          gridVerMap: { [GROUP_ID]: '1', '6000000000000000002': '1' },
        });
      if (u.pathname.endsWith('/api/group/history'))
        return historyGone
          ? new Response('not found', { status: 404 })
          : ctl.zaloOk({
              lastActionId: '1',
              lastActionIdOther: '1',
              more: 0,
              groupMsgs: [groupData({ msgId: '7056900000042', content: 'Bà Lê Thị Bình - TP' })],
            });
      if (u.pathname.endsWith('/asyncfile/upload'))
        return ctl.zaloOk({ fileId: '88001', chunkId: 1, finished: 1 });
      if (u.pathname.endsWith('/asyncfile/msg')) return ctl.zaloOk({ msgId: 7057000000001 });
      if (u.pathname.endsWith('/profile/me-v2'))
        return accountRefused
          ? new Response(JSON.stringify({ error_code: -1357, error_message: 'Phiên hết hạn' }))
          : ctl.zaloOk({ profile: { userId: OWN_ID } });
      if (u.pathname.includes('/api/group/')) return ctl.zaloOk({ msgId: 7056999999999 });
      return new Response('{}', { status: 404 });
    };
    ctl = offlineApi(fetchStub);
    return { ...ctl, requests };
  }

  it('sends to a group with ThreadType.Group and returns the msgId as a string', async () => {
    const { api, requests } = setup();
    const session = createZcaSession(api);
    await expect(session.sendGroup(GROUP_ID, { text: 'Nhắc hạn báo cáo' })).resolves.toEqual({
      msgId: '7056999999999',
    });
    expect(requests[0]?.path).toBe('/api/group/sendmsg');
    expect(requests[0]?.params).toMatchObject({
      grid: GROUP_ID,
      message: 'Nhắc hạn báo cáo',
      visibility: 0,
    });
    expect(requests[0]?.params).not.toHaveProperty('toid');
    expect(session.ownId()).toBe(OWN_ID);
  });

  it('listens: maps group messages, skips others, quotes a remembered message, looks the group name up', async () => {
    const { api, requests } = setup();
    const start = vi.spyOn(api.listener, 'start').mockImplementation(() => undefined);
    const stop = vi.spyOn(api.listener, 'stop').mockImplementation(() => undefined);
    const session = createZcaSession(api);
    const got: ZaloGroupMessage[] = [];
    const closed: Array<[number, string]> = [];
    const errors: unknown[] = [];
    let connected = 0;
    session.startListening({
      onGroupMessage: (m) => got.push(m),
      onClosed: (c, r) => closed.push([c, r]),
      onError: (e) => errors.push(e),
      onConnected: () => connected++,
    });
    expect(start).toHaveBeenCalledWith({ retryOnClose: true });

    api.listener.emit('connected');
    api.listener.emit('message', new GroupMessage(OWN_ID, groupData()));
    api.listener.emit('message', new GroupMessage(OWN_ID, groupData({ uidFrom: '0', msgId: '1' })));
    api.listener.emit(
      'message',
      new UserMessage(OWN_ID, groupData({ idTo: '0', msgId: '2' }) as TMessage),
    );
    expect(connected).toBe(1);
    expect(got.map((m) => m.msgId)).toEqual(['7056912345678']);

    await vi.waitFor(() => expect(requests.some((r) => r.path.endsWith('/getmg-v2'))).toBe(true));
    await vi.waitFor(() => {
      api.listener.emit(
        'message',
        new GroupMessage(OWN_ID, groupData({ msgId: `70569123${got.length}` })),
      );
      expect(got.at(-1)?.groupName).toBe('Nhóm 678');
    });

    await session.sendGroup(GROUP_ID, { text: 'Đã ghi nhận', quoteMsgId: '7056912345678' });
    const quoteReq = requests.find((r) => r.path === '/api/group/quote');
    expect(quoteReq?.params).toMatchObject({
      grid: GROUP_ID,
      message: 'Đã ghi nhận',
      qmsgId: '7056912345678',
      qmsgCliId: '1727412345000',
      qmsgOwner: SENDER_ID,
    });
    await session.sendGroup(GROUP_ID, { text: 'không còn trong bộ nhớ', quoteMsgId: '123' });
    expect(requests.at(-1)?.path).toBe('/api/group/sendmsg');

    api.listener.emit('closed', 1006, 'abnormal');
    expect(closed).toEqual([[1006, 'abnormal']]);
    api.listener.emit('error', new Error('boom'));
    expect(errors).toHaveLength(1);

    session.stopListening();
    expect(stop).toHaveBeenCalled();
    api.listener.emit('closed', 1000, '');
    api.listener.emit('message', new GroupMessage(OWN_ID, groupData({ msgId: '99' })));
    expect(closed).toHaveLength(1);
    // An 'error' after stopping must not crash the process (EventEmitter throws without a listener).
    expect(() => api.listener.emit('error', new Error('late'))).not.toThrow();
  });

  it('tags people (mention path, mentionInfo) and flags urgency (metaData.urgency = Urgent)', async () => {
    const { api, requests } = setup();
    const session = createZcaSession(api);
    await session.sendGroup(GROUP_ID, {
      text: '@Nguyễn Văn An\nĐôn đốc báo cáo',
      mentions: [{ uid: SENDER_ID, pos: 0, len: 14 }],
      urgent: true,
    });
    const req = requests.at(-1)!;
    expect(req.path).toBe('/api/group/mention');
    expect(JSON.parse(String(req.params['mentionInfo']))).toEqual([
      { pos: 0, uid: SENDER_ID, len: 14, type: 0 },
    ]);
    expect(req.params['metaData']).toEqual({ urgency: 2 });
  });

  it('sends a file from a Buffer: the upload finishes only when the listener hands over file_done', async () => {
    const { api, ctx, requests } = setup();
    const session = createZcaSession(api);
    const data = new TextEncoder().encode('PK fake xlsx bytes');
    let settled = false;
    const sending = session
      .sendGroupFile(GROUP_ID, { fileName: 'dang-ky.xlsx', data })
      .finally(() => (settled = true));
    await vi.waitFor(() => expect(ctx.uploadCallbacks.has('88001')).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // no file_done yet: nothing more happens
    // What listen.js does on `file_done` (cmd 601, act_type file_done).
    ctx.uploadCallbacks.get('88001')({ fileUrl: 'https://f.zdn.vn/dang-ky.xlsx', fileId: '88001' });
    await expect(sending).resolves.toEqual({ msgId: '7057000000001' });
    const upload = requests.find((r) => r.path.endsWith('/asyncfile/upload'))!;
    expect(upload.params).toMatchObject({
      grid: GROUP_ID,
      fileName: 'dang-ky.xlsx',
      totalSize: data.byteLength,
    });
    const msg = requests.find((r) => r.path.endsWith('/asyncfile/msg'))!;
    expect(msg.params).toMatchObject({
      grid: GROUP_ID,
      fileName: 'dang-ky.xlsx',
      fileUrl: 'https://f.zdn.vn/dang-ky.xlsx',
    });
  });

  it('asks the socket for old group messages (requestOldMessages → old_messages) and maps them', async () => {
    const { api } = setup();
    const ask = vi.spyOn(api.listener, 'requestOldMessages').mockImplementation((type, lastId) => {
      expect(type).toBe(ThreadType.Group);
      expect(lastId).toBe('7056900000001');
      queueMicrotask(() => {
        api.listener.emit(
          'old_messages',
          [new UserMessage(OWN_ID, groupData({ idTo: '0', msgId: '5' }) as TMessage)],
          ThreadType.User,
        );
        api.listener.emit(
          'old_messages',
          [new GroupMessage(OWN_ID, groupData({ msgId: '7056900000000', content: 'tin cũ' }))],
          ThreadType.Group,
        );
      });
    });
    const old = await createZcaSession(api).oldGroupMessages('7056900000001');
    expect(ask).toHaveBeenCalledOnce();
    expect(old.map((m) => [m.msgId, m.text])).toEqual([['7056900000000', 'tin cũ']]);
    // Zalo not answering: an empty batch after the timeout, not a hang.
    vi.spyOn(api.listener, 'requestOldMessages').mockImplementation(() => undefined);
    await expect(
      createZcaSession(api, { oldMessagesTimeoutMs: 30 }).oldGroupMessages(null),
    ).resolves.toEqual([]);
  });

  it('reads a group history over HTTP (getGroupChatHistory), and reports the 404 Zalo now answers', async () => {
    const { api, requests } = setup();
    const session = createZcaSession(api);
    const msgs = await session.groupHistory(GROUP_ID, 20);
    expect(msgs.map((m) => m.text)).toEqual(['Bà Lê Thị Bình - TP']);
    expect(requests.at(-1)).toMatchObject({
      path: '/api/group/history',
      params: { grid: GROUP_ID, count: 20 },
    });
    historyGone = true;
    await expect(session.groupHistory(GROUP_ID, 20)).rejects.toThrow(/404/);
  });

  it('probes the session with fetchAccountInfo: valid, or invalid when Zalo refuses with its own code', async () => {
    const { api } = setup();
    const session = createZcaSession(api);
    await expect(session.checkSession()).resolves.toBe('valid');
    accountRefused = true;
    await expect(session.checkSession()).resolves.toBe('invalid');
  });

  it('writes the refreshed cookies (getCookie) back to the credentials file, atomically and 0600', async () => {
    const { api } = setup();
    const dir = await mkdtemp(join(tmpdir(), 'zca-cred-'));
    const path = join(dir, 'zalo-credentials.json');
    await writeFile(path, '{}', { mode: 0o644 });
    const session = createZcaSession(api, {
      credentialsPath: path,
      credentials: { imei: 'imei-test', userAgent: 'Mozilla/5.0 test', cookie: [] },
    });
    await session.saveCredentials();
    const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ imei: 'imei-test', userAgent: 'Mozilla/5.0 test' });
    expect(saved['cookie']).toEqual([
      expect.objectContaining({ key: 'zpw_sek', value: 'session-secret' }),
    ]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    // The saved form is one zca-js accepts at login.
    await expect(readZaloCredentials(path)).resolves.toMatchObject({ imei: 'imei-test' });
  });

  it('lists groups with names', async () => {
    const { api } = setup();
    await expect(createZcaSession(api).listGroups()).resolves.toEqual([
      { id: GROUP_ID, name: 'Nhóm 678' },
      { id: '6000000000000000002', name: 'Nhóm 002' },
    ]);
  });

  it('turns Zalo errors into ZaloSessionError with the code', async () => {
    const ctl = offlineApi(
      async () =>
        new Response(JSON.stringify({ error_code: 114, error_message: 'Tham số không hợp lệ' })),
    );
    const e = await createZcaSession(ctl.api)
      .sendGroup(GROUP_ID, { text: 'x' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZaloSessionError);
    expect((e as ZaloSessionError).code).toBe(114);
  });
});

describe('readZaloCredentials', () => {
  it('reads a valid file and never echoes file content in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zca-'));
    const good = join(dir, 'good.json');
    await writeFile(
      good,
      JSON.stringify({
        imei: 'i',
        userAgent: 'ua',
        cookie: [{ name: 'zpw_sek', value: 'SECRET' }],
      }),
    );
    await expect(readZaloCredentials(good)).resolves.toMatchObject({ imei: 'i', userAgent: 'ua' });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"cookie":"SECRET-COOKIE-VALUE" oops');
    const e = (await readZaloCredentials(bad).catch((x: unknown) => x)) as Error;
    expect(e).toBeInstanceOf(ZaloSessionError);
    expect(e.message).not.toContain('SECRET');
    await expect(readZaloCredentials(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
  });
});
