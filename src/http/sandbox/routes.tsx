/**
 * The chat simulator at /sandbox: simulated groups (and private chats with the bot), each
 * with its conversation, a form to write as a person, replies to bot messages and buttons.
 * Messages go through the sandbox adapter into the same core and outbox as real platforms.
 *
 * Open to anyone when the sandbox is the only channel (a local demo reaches no real person, and
 * the server then listens on 127.0.0.1 unless HOST says otherwise); behind the dashboard login
 * when real platforms are configured too (SANDBOX=1), because the simulated organizer group
 * could otherwise broadcast to real groups.
 *
 * Each visitor (a random id in a cookie) sees the demo's shared groups and only the private
 * chats and groups they made themselves: one visitor never reads another's private answers.
 */
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { bodyLimit } from 'hono/body-limit';
import type { SandboxAdapter, SandboxChat, SandboxMessage } from '../../../bots/sandbox/index';
import type { AppContext } from '../../app-context';
import type { OutboundMessage } from '../../core/channel';
import { fold } from '../../core/text/normalize';
import { formatTime } from '../../core/time/format';
import type { SandboxGroup } from '../../demo/load-demo';
import { d, sb } from '../../messages/dashboard';
import { newCode } from '../../core/codes';
import {
  CSRF_FIELD,
  csrfMatches,
  currentSession,
  preSessionCookie,
  preSessionCsrf,
  secureCookies,
  type Session,
} from '../dashboard/auth';
import { render, type Form } from '../dashboard/kit';
import { CsrfField, ErrorNotice, Layout } from '../dashboard/layout';
import { MessagePage } from '../dashboard/pages/login';

export interface SandboxRouteOptions {
  adapter: SandboxAdapter;
  /** The simulated groups shown first, in this order. */
  groups: SandboxGroup[];
  /** Require a dashboard session (real platforms are configured too). */
  requireSession: boolean;
}

const KEY_RE = /^[a-z0-9-]{1,80}$/;
const MAX_TEXT = 4000;

export const chatKey = (id: string) => id.replace(/^sandbox:/, '');
const chatIdOf = (key: string) => `sandbox:${key}`;

/** The simulator's visitor: a random id kept in a cookie; their own chats' keys start `v<id>-`. */
export const VISITOR_COOKIE = 'dp_visitor';
const VISITOR_SHAPE = /^[a-z2-9]{16}$/;
const VISITOR_MAX_AGE = 30 * 86_400;

/** A private chat's key: `dm-<person>`, or `v<visitor>-dm-<person>`. */
const isPrivateKey = (key: string) => /^(v[a-z2-9]{16}-)?dm-/.test(key);

export function slugify(s: string): string {
  return fold(s)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

/** A simulated person: the same name typed by the same visitor is the same person. */
function personOf(visitor: string, name: string): { id: string; name: string } {
  return { id: `u-${visitor}-${slugify(name) || 'an-danh'}`, name };
}

interface ChatView {
  chat: SandboxChat;
  key: string;
  role: 'organizer' | 'unit' | null;
  unitName: string | null;
  active: boolean;
  failing: boolean;
  messages: SandboxMessage[];
}

function excerpt(text: string, n = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

export function MessageItem(p: {
  m: SandboxMessage;
  chatKey: string;
  quoted?: SandboxMessage;
  tz: string;
  replyLink: boolean;
  csrf: string;
}) {
  const m = p.m;
  const isPress = m.from === 'user' && m.callbackData !== undefined;
  return (
    <li id={`m-${m.id}`} class={`from-${m.from}${isPress ? ' press' : ''}`} data-from={m.from}>
      <span class="who-line">
        {m.from === 'bot' ? sb.bot : m.senderName} · {formatTime(m.at, p.tz)}
        {m.edited ? ` ${sb.edited}` : ''}
      </span>
      <div class="bubble">
        {p.quoted && !isPress ? (
          <div class="quote">{sb.replyTo(excerpt(p.quoted.text))}</div>
        ) : null}
        {isPress ? (
          <span>{sb.pressed(m.senderName ?? '', m.text)}</span>
        ) : m.deleted ? (
          <p class="muted small">{sb.deleted}</p>
        ) : (
          <pre class="msg">{m.text}</pre>
        )}
        {m.document ? (
          <p class="small">
            <a href={`/sandbox/files/${p.chatKey}/${m.id}`} download={m.document.fileName}>
              {sb.document(m.document.fileName)}
            </a>
          </p>
        ) : null}
        {m.buttons?.length ? (
          <div class="btns">
            {m.buttons.flat().map((b) => (
              <form method="post" action={`/sandbox/chats/${p.chatKey}/press`} data-ajax>
                <CsrfField token={p.csrf} />
                <input type="hidden" name="messageId" value={m.id} />
                <input type="hidden" name="data" value={b.data} />
                <button type="submit" class="small secondary">
                  {b.text}
                </button>
              </form>
            ))}
          </div>
        ) : null}
        {m.from === 'bot' && p.replyLink ? (
          <p class="small">
            <a
              href={`/sandbox?chat=${p.chatKey}&reply=${m.id}#chat-${p.chatKey}`}
              data-reply={m.id}
              data-chat={p.chatKey}
              data-excerpt={excerpt(m.text, 60)}
              aria-label={`${sb.reply}: ${excerpt(m.text, 60)}`}
            >
              {sb.reply}
            </a>
          </p>
        ) : null}
      </div>
    </li>
  );
}

function ChatCard(p: {
  v: ChatView;
  csrf: string;
  tz: string;
  replyTo?: SandboxMessage;
  name: string;
}) {
  const { v } = p;
  const byId = new Map(v.messages.map((m) => [m.id, m]));
  const roleLine =
    v.role === 'organizer'
      ? sb.roleOrganizer
      : v.role === 'unit'
        ? sb.roleUnit(v.unitName ?? '')
        : v.chat.type === 'private'
          ? sb.private
          : sb.roleNone;
  return (
    <section class="chat" id={`chat-${v.key}`} aria-labelledby={`chat-h-${v.key}`}>
      <header>
        <h2 id={`chat-h-${v.key}`}>{v.chat.title}</h2>
        <p class="small muted">
          {roleLine}
          {v.active ? '' : ` · ${sb.inactive}`}
          {v.failing ? ` · ${sb.failing}` : ''}
        </p>
        {v.chat.type === 'group' ? (
          <form method="post" action={`/sandbox/chats/${v.key}/failing`} class="inline">
            <CsrfField token={p.csrf} />
            <input type="hidden" name="failing" value={v.failing ? '0' : '1'} />
            <button
              type="submit"
              class="small secondary"
              aria-label={`${v.failing ? sb.failOff : sb.failOn}: ${v.chat.title}`}
              title={sb.failLabel}
            >
              {v.failing ? sb.failOff : sb.failOn}
            </button>
          </form>
        ) : null}
      </header>
      <div role="log" aria-label={v.chat.title}>
        <ol class="log" id={`log-${v.key}`} tabindex={0}>
          {v.messages.length === 0 ? <li class="empty muted small">{sb.empty}</li> : null}
          {v.messages.map((m) => (
            <MessageItem
              m={m}
              chatKey={v.key}
              quoted={m.replyToMessageId ? byId.get(m.replyToMessageId) : undefined}
              tz={p.tz}
              replyLink
              csrf={p.csrf}
            />
          ))}
        </ol>
      </div>
      <form
        method="post"
        action={`/sandbox/chats/${v.key}/messages`}
        class="send"
        data-ajax
        data-chat={v.key}
      >
        <CsrfField token={p.csrf} />
        <input type="hidden" name="replyTo" value={p.replyTo?.id ?? ''} />
        <div class="reply-note" hidden={!p.replyTo}>
          <span>
            {sb.replyingTo} “
            <span data-excerpt>{p.replyTo ? excerpt(p.replyTo.text, 60) : ''}</span>”
          </span>
          <a href={`/sandbox#chat-${v.key}`} data-cancel-reply>
            {sb.cancelReply}
          </a>
        </div>
        <label for={`name-${v.key}`}>{sb.nameLabel}</label>
        <input
          type="text"
          id={`name-${v.key}`}
          name="name"
          required
          maxlength={100}
          value={p.name}
          autocomplete="name"
        />
        <label for={`text-${v.key}`}>{sb.textLabel(v.chat.title)}</label>
        <textarea
          id={`text-${v.key}`}
          name="text"
          required
          maxlength={MAX_TEXT}
          rows={3}
        ></textarea>
        <p class="small" data-form-status role="status"></p>
        <button type="submit">{sb.send}</button>
      </form>
    </section>
  );
}

function SandboxPage(p: {
  session: Session | null;
  csrf: string;
  chats: ChatView[];
  version: number;
  tz: string;
  replyTo?: { key: string; m: SandboxMessage };
  error?: string | null;
}) {
  return (
    <Layout title={sb.title} nav="sandbox" session={p.session} sandbox>
      <h1>{sb.heading}</h1>
      <p>{sb.intro}</p>
      <p class="help">{sb.tryHint}</p>
      <p class="help">{sb.treeHint}</p>
      <ErrorNotice message={p.error} />
      <nav aria-label={sb.jump}>
        <ul>
          {p.chats.map((v) => (
            <li>
              <a href={`#chat-${v.key}`}>{v.chat.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      <p id="sandbox-live" class="sr-only" role="status" aria-live="polite"></p>
      <div
        class="chats"
        data-sandbox
        data-version={String(p.version)}
        data-updates="/sandbox/updates.json"
      >
        {p.chats.map((v) => (
          <ChatCard
            v={v}
            csrf={p.csrf}
            tz={p.tz}
            name={sb.defaultName}
            replyTo={p.replyTo?.key === v.key ? p.replyTo.m : undefined}
          />
        ))}
      </div>
      <div class="grid">
        <section class="card" aria-labelledby="new-private-h">
          <h2 id="new-private-h">{sb.newPrivateHeading}</h2>
          <p class="help">{sb.newPrivateHelp}</p>
          <form method="post" action="/sandbox/private">
            <CsrfField token={p.csrf} />
            <label for="pv-name">{sb.nameLabel}</label>
            <input
              type="text"
              id="pv-name"
              name="name"
              required
              maxlength={100}
              value={sb.defaultName}
            />
            <label for="pv-text">{sb.textLabel(sb.private)}</label>
            <textarea id="pv-text" name="text" required maxlength={MAX_TEXT} rows={2}>
              /huongdan
            </textarea>
            <div class="actions">
              <button type="submit">{sb.send}</button>
            </div>
          </form>
        </section>
        <section class="card" aria-labelledby="new-group-h">
          <h2 id="new-group-h">{sb.newGroupHeading}</h2>
          <p class="help">{sb.newGroupHelp}</p>
          <form method="post" action="/sandbox/groups">
            <CsrfField token={p.csrf} />
            <label for="ng-title">{sb.newGroupLabel}</label>
            <input type="text" id="ng-title" name="title" required maxlength={100} />
            <div class="actions">
              <button type="submit">{sb.newGroupSubmit}</button>
            </div>
          </form>
        </section>
      </div>
    </Layout>
  );
}

export function mountSandbox(app: Hono, ctx: AppContext, opts: SandboxRouteOptions): void {
  const { adapter } = opts;
  const store = adapter.store;
  for (const g of opts.groups) store.ensureChat({ id: g.id, type: 'group', title: g.title });

  // After a restart the conversations are gone from memory; what the bot sent is still in
  // the outbox, so it comes back (with its ids, so replies to old invitations still work).
  let hydrated: Promise<void> | null = null;
  const hydrate = () =>
    (hydrated ??= (async () => {
      const known = new Set(
        store.listChats().flatMap((c) => store.messagesOf(c.id).map((m) => m.id)),
      );
      const rows = await ctx.db
        .selectFrom('outbox')
        .select(['chat_external_id', 'payload', 'platform_message_id', 'sent_at'])
        .where('platform', '=', 'sandbox')
        .where('state', '=', 'sent')
        .where('platform_message_id', 'is not', null)
        .orderBy('sent_at')
        .orderBy('id')
        .limit(5000)
        .execute();
      for (const r of rows) {
        const msg = r.payload as OutboundMessage;
        if (msg.deleteMessageId) {
          store.remove(r.chat_external_id, msg.deleteMessageId);
          continue;
        }
        if (msg.editMessageId) {
          store.edit(r.chat_external_id, msg.editMessageId, msg.text, msg.buttons);
          continue;
        }
        if (known.has(r.platform_message_id!)) continue;
        store.add({
          id: r.platform_message_id!,
          chatId: r.chat_external_id,
          from: 'bot',
          text: msg.text,
          replyToMessageId: msg.replyToMessageId,
          buttons: msg.buttons,
          document: msg.document,
          at: new Date(r.sent_at ?? Date.now()),
        });
      }
    })().catch((err: unknown) => {
      hydrated = null;
      ctx.log.warn({ err }, 'sandbox: could not restore conversations');
    }));

  /** The visitor's id from the cookie, made (and set) on the first page view. */
  function visitorOf(c: Context): string | null {
    const v = getCookie(c, VISITOR_COOKIE);
    return v && VISITOR_SHAPE.test(v) ? v : null;
  }
  function ensureVisitor(c: Context): string {
    const existing = visitorOf(c);
    if (existing) return existing;
    const v = newCode(16);
    setCookie(c, VISITOR_COOKIE, v, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/sandbox',
      secure: secureCookies(c, ctx.config),
      maxAge: VISITOR_MAX_AGE,
    });
    return v;
  }

  const shared = new Set(opts.groups.map((g) => g.id));
  /** The demo's groups are everyone's; any other chat only its maker's. */
  const visibleTo = (visitor: string | null, chatId: string) =>
    shared.has(chatId) || (visitor !== null && chatKey(chatId).startsWith(`v${visitor}-`));

  async function access(
    c: Context,
  ): Promise<
    | { ok: true; session: Session | null; visitor: string | null }
    | { ok: false; response: Response }
  > {
    const session = await currentSession(c, ctx);
    if (opts.requireSession && !session) {
      if (c.req.method === 'GET' && !c.req.path.endsWith('.json'))
        return { ok: false, response: c.redirect(`/?next=${encodeURIComponent('/sandbox')}`, 303) };
      return { ok: false, response: await deny(c, null, d.errors.loginRequired, 401) };
    }
    return { ok: true, session, visitor: visitorOf(c) };
  }

  const wantsJson = (c: Context) => (c.req.header('accept') ?? '').startsWith('application/json');
  const deny = (
    c: Context,
    session: Session | null,
    message: string,
    status: 401 | 403 | 404 | 400 = 403,
  ) =>
    wantsJson(c)
      ? c.json({ ok: false, error: message }, status)
      : render(
          c,
          <MessagePage
            title={d.errors.forbiddenTitle}
            message={message}
            session={session}
            sandbox
          />,
          status,
        );

  /** POST guard: access, body, CSRF (the session's token, or the pre-login double-submit cookie). */
  async function guardPost(
    c: Context,
  ): Promise<
    | { ok: true; session: Session | null; visitor: string; form: Form }
    | { ok: false; response: Response }
  > {
    const a = await access(c);
    if (!a.ok) return a;
    let form: Form;
    try {
      form = (await c.req.parseBody({ all: true })) as Form;
    } catch {
      return { ok: false, response: await deny(c, a.session, d.errors.forbidden) };
    }
    const token = form[CSRF_FIELD];
    const given = Array.isArray(token) ? token[0] : token;
    if (!csrfMatches(given, a.session?.csrf ?? null) && !csrfMatches(given, preSessionCookie(c))) {
      return { ok: false, response: await deny(c, a.session, d.errors.forbidden) };
    }
    // Pages set the visitor cookie; a post without one belongs to nobody.
    if (!a.visitor) return { ok: false, response: await deny(c, a.session, d.errors.forbidden) };
    return { ok: true, session: a.session, visitor: a.visitor, form };
  }

  const text = (form: Form, name: string) => {
    const v = form[name];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.trim() : '';
  };

  async function views(visitor: string): Promise<ChatView[]> {
    const rows = await ctx.db
      .selectFrom('chats')
      .leftJoin('units', 'units.id', 'chats.unit_id')
      .select(['chats.external_id', 'chats.title', 'chats.role', 'chats.active', 'units.name'])
      .where('chats.platform', '=', 'sandbox')
      .execute();
    const byId = new Map(rows.map((r) => [r.external_id, r]));
    for (const r of rows)
      if (!store.chat(r.external_id))
        store.ensureChat({
          id: r.external_id,
          type: isPrivateKey(chatKey(r.external_id)) ? 'private' : 'group',
          title: r.title ?? chatKey(r.external_id),
        });
    const order = new Map(opts.groups.map((g, i) => [g.id, i]));
    const chats = store
      .listChats()
      .filter((c) => KEY_RE.test(chatKey(c.id)) && visibleTo(visitor, c.id))
      .sort(
        (a, b) =>
          (order.get(a.id) ?? 1000) - (order.get(b.id) ?? 1000) ||
          (a.type === b.type ? 0 : a.type === 'group' ? -1 : 1),
      );
    return chats.map((chat) => {
      const row = byId.get(chat.id);
      return {
        chat,
        key: chatKey(chat.id),
        role: row?.role ?? null,
        unitName: row?.name ?? null,
        active: row?.active ?? true,
        failing: store.isFailing(chat.id),
        messages: store.messagesOf(chat.id),
      };
    });
  }

  /** Without script: wait briefly for the bot's answers so the redirected page shows them. */
  async function settle(chatId: string, ms = 2000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 60));
      const row = await ctx.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('platform', '=', 'sandbox')
        .where('chat_external_id', '=', chatId)
        .where('state', 'in', ['queued', 'sending'])
        .where('not_before', '<=', new Date(Date.now() + 1000))
        .executeTakeFirstOrThrow();
      if (Number(row.n) === 0) return;
    }
  }

  const done = async (c: Context, chatId: string, extra: Record<string, unknown> = {}) => {
    if (wantsJson(c)) return c.json({ ok: true, ...extra });
    await settle(chatId);
    return c.redirect(`/sandbox#chat-${chatKey(chatId)}`, 303);
  };

  const limit = bodyLimit({
    maxSize: 64 * 1024,
    onError: (c) => c.json({ ok: false, error: d.errors.tooLarge }, 413),
  });

  app.get('/sandbox', async (c) => {
    const a = await access(c);
    if (!a.ok) return a.response;
    await hydrate();
    const chats = await views(ensureVisitor(c));
    const replyKey = c.req.query('chat');
    const replyId = c.req.query('reply');
    const replyChat =
      replyKey && KEY_RE.test(replyKey) ? chats.find((v) => v.key === replyKey) : undefined;
    const replyMsg = replyChat && replyId ? store.message(replyChat.chat.id, replyId) : undefined;
    const csrf = a.session?.csrf ?? preSessionCsrf(c, ctx.config);
    return render(
      c,
      <SandboxPage
        session={a.session}
        csrf={csrf}
        chats={chats}
        version={store.currentVersion}
        tz={ctx.timezone}
        replyTo={replyChat && replyMsg ? { key: replyChat.key, m: replyMsg } : undefined}
      />,
    );
  });

  app.get('/sandbox/updates.json', async (c) => {
    const a = await access(c);
    if (!a.ok) return a.response;
    await hydrate();
    const since = Number(c.req.query('v')) || 0;
    const csrf = a.session?.csrf ?? preSessionCookie(c) ?? '';
    const changed = store.changedSince(since);
    const messages = [];
    for (const m of changed) {
      const key = chatKey(m.chatId);
      if (!KEY_RE.test(key) || !visibleTo(a.visitor, m.chatId)) continue;
      const quoted = m.replyToMessageId ? store.message(m.chatId, m.replyToMessageId) : undefined;
      const html = String(
        await (
          <MessageItem
            m={m}
            chatKey={key}
            quoted={quoted}
            tz={ctx.timezone}
            replyLink
            csrf={csrf}
          />
        ),
      );
      messages.push({ chatKey: key, domId: m.id, html });
    }
    return c.json(
      { version: store.currentVersion, messages, notice: messages.length ? sb.updated : '' },
      200,
      { 'cache-control': 'no-store' },
    );
  });

  app.post('/sandbox/chats/:key/messages', limit, async (c) => {
    const g = await guardPost(c);
    if (!g.ok) return g.response;
    const key = c.req.param('key');
    const chat = KEY_RE.test(key) ? store.chat(chatIdOf(key)) : undefined;
    if (!chat || !visibleTo(g.visitor, chat.id)) return deny(c, g.session, sb.noChat, 404);
    const name = text(g.form, 'name').slice(0, 100);
    const body = text(g.form, 'text').slice(0, MAX_TEXT);
    if (!name) return deny(c, g.session, sb.needName, 400);
    if (!body) return deny(c, g.session, sb.needText, 400);
    await adapter.post({
      chat,
      sender: personOf(g.visitor, name),
      text: body,
      replyToMessageId: text(g.form, 'replyTo') || undefined,
    });
    return done(c, chat.id);
  });

  app.post('/sandbox/chats/:key/press', limit, async (c) => {
    const g = await guardPost(c);
    if (!g.ok) return g.response;
    const key = c.req.param('key');
    const chat = KEY_RE.test(key) ? store.chat(chatIdOf(key)) : undefined;
    if (!chat || !visibleTo(g.visitor, chat.id)) return deny(c, g.session, sb.noChat, 404);
    // Buttons carry no name field: the presser is whoever this visitor last wrote as here (the
    // author of a broadcast preview presses its buttons as its author).
    const lastWritten = store
      .messagesOf(chat.id)
      .findLast((m) => m.from === 'user' && m.senderId?.startsWith(`u-${g.visitor}-`));
    const name = text(g.form, 'name').slice(0, 100) || lastWritten?.senderName || sb.defaultName;
    await adapter.press({
      chat,
      sender: personOf(g.visitor, name),
      messageId: text(g.form, 'messageId'),
      data: text(g.form, 'data'),
    });
    return done(c, chat.id);
  });

  app.post('/sandbox/chats/:key/failing', limit, async (c) => {
    const g = await guardPost(c);
    if (!g.ok) return g.response;
    const key = c.req.param('key');
    const chat = KEY_RE.test(key) ? store.chat(chatIdOf(key)) : undefined;
    if (!chat || !visibleTo(g.visitor, chat.id)) return deny(c, g.session, sb.noChat, 404);
    store.setFailing(chat.id, text(g.form, 'failing') === '1');
    return wantsJson(c)
      ? c.json({ ok: true, reload: true })
      : c.redirect(`/sandbox#chat-${key}`, 303);
  });

  app.post('/sandbox/groups', limit, async (c) => {
    const g = await guardPost(c);
    if (!g.ok) return g.response;
    const title = text(g.form, 'title').slice(0, 100);
    const slug = slugify(title);
    if (!slug) return deny(c, g.session, sb.needText, 400);
    const id = chatIdOf(`v${g.visitor}-g-${slug}`);
    store.ensureChat({ id, type: 'group', title });
    return c.redirect(`/sandbox#chat-${chatKey(id)}`, 303);
  });

  app.post('/sandbox/private', limit, async (c) => {
    const g = await guardPost(c);
    if (!g.ok) return g.response;
    const name = text(g.form, 'name').slice(0, 100);
    const body = text(g.form, 'text').slice(0, MAX_TEXT);
    if (!name) return deny(c, g.session, sb.needName, 400);
    if (!body) return deny(c, g.session, sb.needText, 400);
    const person = personOf(g.visitor, name);
    const chat = store.ensureChat({
      id: chatIdOf(`v${g.visitor}-dm-${slugify(name) || 'an-danh'}`),
      type: 'private',
      title: sb.privateOf(name),
    });
    await adapter.post({ chat, sender: person, text: body });
    return done(c, chat.id);
  });

  app.get('/sandbox/files/:key/:id', async (c) => {
    const a = await access(c);
    if (!a.ok) return a.response;
    const key = c.req.param('key');
    const m =
      KEY_RE.test(key) && visibleTo(a.visitor, chatIdOf(key))
        ? store.message(chatIdOf(key), c.req.param('id'))
        : undefined;
    if (!m?.document) return deny(c, a.session, d.errors.notFound, 404);
    const safeName = m.document.fileName.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'tep';
    return c.body(new Uint8Array(Buffer.from(m.document.base64, 'base64')), 200, {
      'content-type': m.document.mimeType || 'application/octet-stream',
      'content-disposition': `attachment; filename="${safeName}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
  });
}
