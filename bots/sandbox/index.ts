/**
 * The sandbox: a fourth channel that lives in memory. Its sender keeps what the bot sends,
 * per simulated chat and in order; its inbound side turns what a person types into the chat
 * simulator into the same InboundMessage the real platforms produce, so everything goes
 * through the core and the outbox exactly as on Telegram or Zalo.
 *
 * Like every adapter it holds no Vietnamese text and no business rules: chat titles and
 * which unit a simulated group belongs to come from the caller (src/demo, src/http/sandbox).
 */
import { randomBytes } from 'node:crypto';
import type {
  Button,
  ChannelSender,
  InboundMessage,
  InboundSink,
  OutboundMessage,
  SendResult,
} from '../../src/core/channel';
import type { ChannelAdapter } from '../adapter';

export const SANDBOX_PLATFORM = 'sandbox' as const;
/** The simulated bot's username, for "/lenh@bot" and mentions. */
export const SANDBOX_BOT_USERNAME = 'dieuphoi_bot';
/** Messages kept per chat; older ones are dropped (the simulator is for trying things out). */
export const SANDBOX_MAX_MESSAGES = 500;

export interface SandboxChat {
  /** `sandbox:<slug>` */
  id: string;
  type: 'group' | 'private';
  title: string;
}

export interface SandboxDocument {
  fileName: string;
  mimeType: string;
  base64: string;
}

export interface SandboxMessage {
  id: string;
  chatId: string;
  /** Order of creation across all chats. */
  seq: number;
  /** Bumped on every change (new or edited): what pollers ask "since". */
  version: number;
  from: 'bot' | 'user';
  senderId?: string;
  senderName?: string;
  text: string;
  replyToMessageId?: string;
  buttons?: Button[][];
  document?: SandboxDocument;
  /** For user messages: the button pressed ("callback") rather than typed text. */
  callbackData?: string;
  at: Date;
  edited: boolean;
  /** Deleted by the bot (a message that carried a join code): shown as a placeholder, text gone. */
  deleted?: boolean;
}

/** In-memory conversations of the simulated chats. */
export class SandboxStore {
  private readonly chats = new Map<string, SandboxChat>();
  private readonly messages = new Map<string, SandboxMessage[]>();
  private readonly failing = new Set<string>();
  private ids = 0;
  private order = 0;
  private version = 0;
  private waiters = new Set<() => void>();
  /** A per-process prefix keeps message ids unique across restarts (old outbox rows keep theirs). */
  private readonly boot = randomBytes(3).toString('hex');

  nextId(): string {
    return `${this.boot}-${++this.ids}`;
  }

  get currentVersion(): number {
    return this.version;
  }

  /** Registers a chat (or updates its title/type); returns it. */
  ensureChat(chat: SandboxChat): SandboxChat {
    const existing = this.chats.get(chat.id);
    const merged = existing ? { ...existing, ...chat } : chat;
    this.chats.set(chat.id, merged);
    if (!this.messages.has(chat.id)) this.messages.set(chat.id, []);
    return merged;
  }

  chat(id: string): SandboxChat | undefined {
    return this.chats.get(id);
  }

  listChats(): SandboxChat[] {
    return [...this.chats.values()];
  }

  messagesOf(chatId: string): SandboxMessage[] {
    return [...(this.messages.get(chatId) ?? [])];
  }

  message(chatId: string, id: string): SandboxMessage | undefined {
    return this.messages.get(chatId)?.find((m) => m.id === id);
  }

  /** Messages added or edited after `version`, oldest first. */
  changedSince(version: number): SandboxMessage[] {
    const out: SandboxMessage[] = [];
    for (const list of this.messages.values())
      for (const m of list) if (m.version > version) out.push(m);
    return out.sort((a, b) => a.seq - b.seq);
  }

  setFailing(chatId: string, failing: boolean): void {
    if (failing) this.failing.add(chatId);
    else this.failing.delete(chatId);
    this.bump();
  }

  isFailing(chatId: string): boolean {
    return this.failing.has(chatId);
  }

  add(
    m: Omit<SandboxMessage, 'seq' | 'version' | 'edited' | 'id'> & { id?: string },
  ): SandboxMessage {
    if (!this.chats.has(m.chatId))
      this.ensureChat({
        id: m.chatId,
        type: /^sandbox:(v[a-z2-9]{16}-)?dm-/.test(m.chatId) ? 'private' : 'group',
        title: m.chatId,
      });
    const full: SandboxMessage = {
      ...m,
      id: m.id ?? this.nextId(),
      seq: ++this.order,
      version: ++this.version,
      edited: false,
    };
    const list = this.messages.get(m.chatId)!;
    list.push(full);
    if (list.length > SANDBOX_MAX_MESSAGES) list.splice(0, list.length - SANDBOX_MAX_MESSAGES);
    this.notify();
    return full;
  }

  edit(chatId: string, id: string, text: string, buttons: Button[][] | undefined): boolean {
    const m = this.message(chatId, id);
    if (!m) return false;
    m.text = text;
    m.buttons = buttons;
    m.edited = true;
    m.version = ++this.version;
    this.notify();
    return true;
  }

  /** The bot deleted the message: its text is dropped and viewers are told. */
  remove(chatId: string, id: string): boolean {
    const m = this.message(chatId, id);
    if (!m) return false;
    m.text = '';
    m.buttons = undefined;
    m.document = undefined;
    m.deleted = true;
    m.version = ++this.version;
    this.notify();
    return true;
  }

  /** Resolves when something changes after `version`, or after `timeoutMs`. */
  waitForChange(version: number, timeoutMs: number): Promise<void> {
    if (this.version > version) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private bump(): void {
    this.version++;
    this.notify();
  }

  private notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }
}

/** What a person types into a simulated chat. */
export interface SandboxPost {
  chat: SandboxChat;
  sender: { id: string; name: string };
  text: string;
  /** Id of the (bot) message this one answers. */
  replyToMessageId?: string;
}

/** A button pressed under a bot message. */
export interface SandboxPress {
  chat: SandboxChat;
  sender: { id: string; name: string };
  messageId: string;
  data: string;
}

export interface SandboxAdapter extends ChannelAdapter {
  platform: 'sandbox';
  store: SandboxStore;
  /** Stores the person's message and hands it to the core; resolves once the core has handled it. */
  post(input: SandboxPost): Promise<SandboxMessage>;
  press(input: SandboxPress): Promise<void>;
}

export interface SandboxAdapterOptions {
  sink: InboundSink;
  store?: SandboxStore;
  /** Overall sends per second (0: no limit). Default 20, so a broadcast's progress can be watched. */
  perSecond?: number;
}

function mentions(text: string): boolean {
  return new RegExp(`@${SANDBOX_BOT_USERNAME}\\b`, 'i').test(text);
}

export function sandboxSender(store: SandboxStore, perSecond = 20): ChannelSender {
  return {
    platform: SANDBOX_PLATFORM,
    maxTextLength: 100_000,
    limits: { perSecond, perChatPerMinute: 0 },
    async send(chatId: string, message: OutboundMessage): Promise<SendResult> {
      if (store.isFailing(chatId))
        return {
          ok: false,
          kind: 'permanent',
          reason: 'Bad Request: simulated delivery failure (sandbox)',
        };
      if (message.deleteMessageId) {
        store.remove(chatId, message.deleteMessageId);
        return { ok: true };
      }
      if (message.editMessageId) {
        return store.edit(chatId, message.editMessageId, message.text, message.buttons)
          ? { ok: true, messageId: message.editMessageId }
          : { ok: false, kind: 'permanent', reason: 'Bad Request: message to edit not found' };
      }
      const m = store.add({
        chatId,
        from: 'bot',
        text: message.text,
        replyToMessageId: message.replyToMessageId,
        buttons: message.buttons,
        document: message.document,
        at: new Date(),
      });
      return { ok: true, messageId: m.id };
    },
  };
}

export function createSandboxAdapter(opts: SandboxAdapterOptions): SandboxAdapter {
  const store = opts.store ?? new SandboxStore();
  let lastUpdateAt: string | null = null;

  function inbound(
    chat: SandboxChat,
    sender: SandboxPost['sender'],
    extra: Partial<InboundMessage> & { messageId: string; text: string },
  ): InboundMessage {
    lastUpdateAt = new Date().toISOString();
    return {
      platform: SANDBOX_PLATFORM,
      updateKey: store.nextId(),
      chat: {
        id: chat.id,
        type: chat.type,
        ...(chat.type === 'group' ? { title: chat.title } : {}),
      },
      sender: { id: sender.id, name: sender.name },
      sentAt: new Date(),
      ...extra,
    };
  }

  return {
    platform: SANDBOX_PLATFORM,
    store,
    sender: sandboxSender(store, opts.perSecond),
    botUsername: () => SANDBOX_BOT_USERNAME,
    async post(input) {
      store.ensureChat(input.chat);
      const replyTo =
        input.replyToMessageId && store.message(input.chat.id, input.replyToMessageId)
          ? input.replyToMessageId
          : undefined;
      const m = store.add({
        chatId: input.chat.id,
        from: 'user',
        senderId: input.sender.id,
        senderName: input.sender.name,
        text: input.text,
        replyToMessageId: replyTo,
        at: new Date(),
      });
      await opts.sink.message(
        inbound(input.chat, input.sender, {
          messageId: m.id,
          text: input.text,
          replyToMessageId: replyTo,
          mentionsBot: mentions(input.text),
          raw: { sandbox: 'message', chat: input.chat.id },
        }),
      );
      return m;
    },
    async press(input) {
      store.ensureChat(input.chat);
      const pressed = store.message(input.chat.id, input.messageId);
      if (!pressed || pressed.from !== 'bot') return;
      const button = pressed.buttons?.flat().find((b) => b.data === input.data);
      if (!button) return;
      // Shown in the conversation so the simulator reads like a log of what happened.
      store.add({
        chatId: input.chat.id,
        from: 'user',
        senderId: input.sender.id,
        senderName: input.sender.name,
        text: button.text,
        callbackData: input.data,
        replyToMessageId: input.messageId,
        at: new Date(),
      });
      await opts.sink.message(
        inbound(input.chat, input.sender, {
          messageId: input.messageId,
          text: '',
          callbackData: input.data,
          callbackId: store.nextId(),
          raw: { sandbox: 'callback', chat: input.chat.id },
        }),
      );
    },
    async start() {},
    async stop() {},
    health: () => ({ chats: store.listChats().length, lastUpdateAt }),
  };
}
