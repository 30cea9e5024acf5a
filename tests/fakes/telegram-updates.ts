/**
 * Builders of Telegram `Update` JSON exactly as the Bot API sends it (field names, optional
 * fields left out rather than null, `date` in unix seconds, entity offsets in UTF-16 code units).
 *
 *   const tg = createTelegramUpdates({ botUsername: 'dieuphoi_bot' });
 *   const group = tg.group({ title: 'Sở Y tế' });
 *   const alice = tg.user({ first_name: 'An' });
 *   const u1 = tg.command(group, alice, '/lienket', 'ABC123');       // "/lienket@dieuphoi_bot ABC123" with {mention:true}
 *   const u2 = tg.text(group, alice, 'Ông Nguyễn Văn An - PGĐ', { replyTo: invitationMessage });
 *   const [added, joined] = tg.botAdded(group, alice);
 *
 * update_id, user ids, chat ids and message_id (per chat) auto-increment per factory.
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'group' | 'supergroup' | 'private';
  title?: string;
  first_name?: string;
  last_name?: string;
  username?: string;
  all_members_are_administrators?: boolean;
}

export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  user?: TgUser;
  url?: string;
}

export interface TgDocument {
  file_name?: string;
  mime_type?: string;
  file_id: string;
  file_unique_id: string;
  file_size?: number;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  width: number;
  height: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  sender_chat?: TgChat;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: TgEntity[];
  caption?: string;
  caption_entities?: TgEntity[];
  reply_to_message?: TgMessage;
  document?: TgDocument;
  photo?: TgPhotoSize[];
  new_chat_members?: TgUser[];
  new_chat_member?: TgUser;
  new_chat_participant?: TgUser;
  left_chat_member?: TgUser;
  left_chat_participant?: TgUser;
  group_chat_created?: true;
  migrate_to_chat_id?: number;
  migrate_from_chat_id?: number;
  reply_markup?: unknown;
  [key: string]: unknown;
}

export interface TgChatMember {
  user: TgUser;
  status: 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
  until_date?: number;
  [key: string]: unknown;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: {
    id: string;
    from: TgUser;
    message?: TgMessage;
    inline_message_id?: string;
    chat_instance: string;
    data?: string;
  };
  chat_member?: {
    chat: TgChat;
    from: TgUser;
    date: number;
    old_chat_member: TgChatMember;
    new_chat_member: TgChatMember;
  };
  my_chat_member?: {
    chat: TgChat;
    from: TgUser;
    date: number;
    old_chat_member: TgChatMember;
    new_chat_member: TgChatMember;
  };
  [key: string]: unknown;
}

export interface MessageOptions {
  /** The message this one replies to (kept as Telegram nests it: without its own reply_to_message). */
  replyTo?: TgMessage;
  messageId?: number;
  /** unix seconds, or a Date. Default: now. */
  date?: number | Date;
  /** Extra entities (e.g. text_mention); bot_command and @mention entities are detected automatically. */
  entities?: TgEntity[];
}

export interface TelegramUpdatesOptions {
  /** First update_id (default 100000001). */
  startUpdateId?: number;
  /** The bot as Telegram describes it (getMe). */
  bot?: Partial<TgUser>;
  now?: () => number;
}

/** Entities Telegram detects by itself: bot commands, @mentions, URLs. Offsets in UTF-16 units (JS string indices). */
export function detectEntities(text: string): TgEntity[] {
  const out: TgEntity[] = [];
  const re =
    /(^|[\s(])(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@/])|(^|[^A-Za-z0-9_@])(@[A-Za-z0-9_]{5,32})(?![A-Za-z0-9_])|(https?:\/\/[^\s<>"]+)/g;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (m[2] !== undefined) {
      out.push({ type: 'bot_command', offset: at + (m[1]?.length ?? 0), length: m[2].length });
    } else if (m[4] !== undefined) {
      out.push({ type: 'mention', offset: at + (m[3]?.length ?? 0), length: m[4].length });
    } else if (m[5] !== undefined) {
      out.push({ type: 'url', offset: at, length: m[5].length });
    }
  }
  return out;
}

function stripReply(m: TgMessage): TgMessage {
  const { reply_to_message: _drop, ...rest } = m;
  return rest;
}

export function createTelegramUpdates(opts: TelegramUpdatesOptions = {}) {
  let updateId = opts.startUpdateId ?? 100_000_001;
  let userSeq = 0;
  let groupSeq = 0;
  let callbackSeq = 0;
  let fileSeq = 0;
  const messageIds = new Map<number, number>();
  const now = opts.now ?? Date.now;
  // Only User fields (a getMe result also carries can_join_groups… which updates never show).
  const b = opts.bot ?? {};
  const bot: TgUser = {
    id: b.id ?? 7_000_000_001,
    is_bot: true,
    first_name: b.first_name ?? 'Điều phối',
  };
  if (b.last_name !== undefined) bot.last_name = b.last_name;
  bot.username = b.username ?? 'dieuphoi_bot';

  const unix = (d?: number | Date): number =>
    d instanceof Date ? Math.floor(d.getTime() / 1000) : (d ?? Math.floor(now() / 1000));
  const nextMessageId = (chatId: number, explicit?: number): number => {
    const last = messageIds.get(chatId) ?? 0;
    const id = explicit ?? last + 1;
    messageIds.set(chatId, Math.max(last, id));
    return id;
  };
  const fileId = (prefix: string): { file_id: string; file_unique_id: string } => {
    fileSeq++;
    const n = String(fileSeq).padStart(6, '0');
    return {
      file_id: `${prefix}AAMCAgADGQEAAg${n}ZmFrZV9maWxl${n}`,
      file_unique_id: `AgAD${n}Fake`,
    };
  };
  const update = <T extends Omit<TgUpdate, 'update_id'>>(body: T): TgUpdate & T => ({
    update_id: updateId++,
    ...body,
  });

  function baseMessage(chat: TgChat, from: TgUser, o: MessageOptions = {}): TgMessage {
    const m: TgMessage = {
      message_id: nextMessageId(chat.id, o.messageId),
      from,
      chat,
      date: unix(o.date),
    };
    if (o.replyTo) m.reply_to_message = stripReply(o.replyTo);
    return m;
  }

  function withText(
    m: TgMessage,
    text: string,
    extra: TgEntity[] | undefined,
    field: 'text' | 'caption',
  ): TgMessage {
    m[field] = text;
    const entities = [...detectEntities(text), ...(extra ?? [])].sort(
      (a, b) => a.offset - b.offset,
    );
    if (entities.length > 0) m[field === 'text' ? 'entities' : 'caption_entities'] = entities;
    return m;
  }

  return {
    bot,
    /** The update_id the next builder call will use. */
    peekUpdateId: (): number => updateId,

    user(o: Partial<TgUser> = {}): TgUser {
      userSeq++;
      return {
        id: 500_000_000 + userSeq,
        is_bot: false,
        first_name: `User${userSeq}`,
        language_code: 'vi',
        ...o,
      };
    },

    /** A basic group (negative id). */
    group(o: Partial<TgChat> = {}): TgChat {
      groupSeq++;
      return {
        id: -(4_000_000_000 + groupSeq),
        title: `Nhóm ${groupSeq}`,
        type: 'group',
        all_members_are_administrators: true,
        ...o,
      };
    },

    /** A supergroup (-100… id). */
    supergroup(o: Partial<TgChat> = {}): TgChat {
      groupSeq++;
      return {
        id: -(1_002_000_000_000 + groupSeq),
        title: `Nhóm ${groupSeq}`,
        type: 'supergroup',
        ...o,
      };
    },

    privateChat(user: TgUser): TgChat {
      const c: TgChat = { id: user.id, first_name: user.first_name, type: 'private' };
      if (user.last_name !== undefined) c.last_name = user.last_name;
      if (user.username !== undefined) c.username = user.username;
      return c;
    },

    /** A plain text message; entities detected from the text. */
    text(
      chat: TgChat,
      from: TgUser,
      text: string,
      o: MessageOptions = {},
    ): TgUpdate & { message: TgMessage } {
      return update({ message: withText(baseMessage(chat, from, o), text, o.entities, 'text') });
    },

    /**
     * A command: `command('/dangky', 'args')`. In groups the command is addressed to the bot
     * (`/dangky@bot`) unless `addressed: false`.
     */
    command(
      chat: TgChat,
      from: TgUser,
      command: string,
      args = '',
      o: MessageOptions & { addressed?: boolean } = {},
    ): TgUpdate & { message: TgMessage } {
      const cmd = command.startsWith('/') ? command : `/${command}`;
      const addressed = o.addressed ?? chat.type !== 'private';
      const head = addressed && bot.username ? `${cmd}@${bot.username}` : cmd;
      const text = args ? `${head} ${args}` : head;
      return update({ message: withText(baseMessage(chat, from, o), text, o.entities, 'text') });
    },

    /** An edited message (same message_id, edit_date set). */
    edited(
      original: TgMessage,
      newText: string,
      o: { date?: number | Date } = {},
    ): TgUpdate & { edited_message: TgMessage } {
      const { entities: _e, ...rest } = original;
      const m: TgMessage = { ...rest, edit_date: unix(o.date) };
      return update({ edited_message: withText(m, newText, undefined, 'text') });
    },

    document(
      chat: TgChat,
      from: TgUser,
      doc: { fileName: string; mimeType?: string; size?: number; caption?: string },
      o: MessageOptions = {},
    ): TgUpdate & { message: TgMessage } {
      const m = baseMessage(chat, from, o);
      const d: TgDocument = { file_name: doc.fileName, ...fileId('BQACAgUAAxkBAAI') };
      if (doc.mimeType !== undefined) d.mime_type = doc.mimeType;
      d.file_size = doc.size ?? 48_213;
      // Telegram orders keys file_name, mime_type, file_id, file_unique_id, file_size.
      m.document = {
        ...(d.file_name !== undefined ? { file_name: d.file_name } : {}),
        ...(d.mime_type !== undefined ? { mime_type: d.mime_type } : {}),
        file_id: d.file_id,
        file_unique_id: d.file_unique_id,
        file_size: d.file_size,
      };
      if (doc.caption !== undefined) withText(m, doc.caption, o.entities, 'caption');
      return update({ message: m });
    },

    /** A photo: Telegram sends several sizes, smallest first. */
    photo(
      chat: TgChat,
      from: TgUser,
      p: { caption?: string; width?: number; height?: number } = {},
      o: MessageOptions = {},
    ): TgUpdate & { message: TgMessage } {
      const m = baseMessage(chat, from, o);
      const w = p.width ?? 1280;
      const h = p.height ?? 960;
      const base = fileId('AgACAgUAAxkBAAI');
      const sizes: Array<[number, number]> = [
        [90, Math.round((90 * h) / w)],
        [320, Math.round((320 * h) / w)],
        [800, Math.round((800 * h) / w)],
        [w, h],
      ];
      m.photo = sizes.map(([sw, sh], i) => ({
        file_id: `${base.file_id}${i}`,
        file_unique_id: `${base.file_unique_id}${i}`,
        file_size: Math.round(sw * sh * 0.09),
        width: sw,
        height: sh,
      }));
      if (p.caption !== undefined) withText(m, p.caption, o.entities, 'caption');
      return update({ message: m });
    },

    /** A press on an inline button of `message` (usually one the bot sent). */
    callbackQuery(
      from: TgUser,
      message: TgMessage,
      data: string,
    ): TgUpdate & { callback_query: NonNullable<TgUpdate['callback_query']> } {
      callbackSeq++;
      const id = (BigInt(from.id) * 1_000_000n + BigInt(callbackSeq)).toString();
      return update({
        callback_query: {
          id,
          from,
          message,
          chat_instance: String(-(BigInt(message.chat.id) * 7919n) % 9_000_000_000_000_000_000n),
          data,
        },
      });
    },

    /** my_chat_member: the bot's status changes (removed: 'left' | 'kicked', added: 'member'). */
    myChatMember(
      chat: TgChat,
      by: TgUser,
      from: TgChatMember['status'],
      to: TgChatMember['status'],
      o: { date?: number | Date } = {},
    ): TgUpdate & { my_chat_member: NonNullable<TgUpdate['my_chat_member']> } {
      const member = (status: TgChatMember['status']): TgChatMember =>
        status === 'kicked' ? { user: bot, status, until_date: 0 } : { user: bot, status };
      return update({
        my_chat_member: {
          chat,
          from: by,
          date: unix(o.date),
          old_chat_member: member(from),
          new_chat_member: member(to),
        },
      });
    },

    /** The bot was removed from a group: my_chat_member member → left (or kicked). */
    botRemoved(
      chat: TgChat,
      by: TgUser,
      status: 'left' | 'kicked' = 'left',
    ): TgUpdate & { my_chat_member: NonNullable<TgUpdate['my_chat_member']> } {
      return this.myChatMember(chat, by, 'member', status);
    },

    /** The bot was added to a group: Telegram sends my_chat_member (left → member) and a new_chat_members service message. */
    botAdded(chat: TgChat, by: TgUser): [TgUpdate, TgUpdate & { message: TgMessage }] {
      const first = this.myChatMember(chat, by, 'left', 'member');
      const m = baseMessage(chat, by);
      m.new_chat_participant = bot;
      m.new_chat_member = bot;
      m.new_chat_members = [bot];
      return [first, update({ message: m })];
    },

    /**
     * chat_member: another user's status changes (Telegram sends it only where the bot is an
     * administrator, and only when "chat_member" is in allowed_updates).
     */
    chatMember(
      chat: TgChat,
      by: TgUser,
      user: TgUser,
      from: TgChatMember['status'],
      to: TgChatMember['status'],
      o: { date?: number | Date } = {},
    ): TgUpdate & { chat_member: NonNullable<TgUpdate['chat_member']> } {
      const member = (status: TgChatMember['status']): TgChatMember =>
        status === 'kicked'
          ? { user, status, until_date: 0 }
          : status === 'restricted'
            ? { user, status, is_member: to !== 'left' }
            : { user, status };
      return update({
        chat_member: {
          chat,
          from: by,
          date: unix(o.date),
          old_chat_member: member(from),
          new_chat_member: member(to),
        },
      });
    },

    /** The service message a group shows when a member leaves (by = the user) or is removed. */
    memberLeft(chat: TgChat, user: TgUser, by: TgUser = user): TgUpdate & { message: TgMessage } {
      const m = baseMessage(chat, by);
      m.left_chat_participant = user;
      m.left_chat_member = user;
      return update({ message: m });
    },

    /** Other users joining. */
    newChatMembers(chat: TgChat, by: TgUser, members: TgUser[]): TgUpdate & { message: TgMessage } {
      const m = baseMessage(chat, by);
      if (members[0]) {
        m.new_chat_participant = members[0];
        m.new_chat_member = members[0];
      }
      m.new_chat_members = members;
      return update({ message: m });
    },

    /**
     * A group upgraded to a supergroup: the old group gets `migrate_to_chat_id`, the new
     * supergroup gets `migrate_from_chat_id` (Telegram sends both).
     */
    migrated(
      chat: TgChat,
      by: TgUser,
      newChatId?: number,
    ): [TgUpdate & { message: TgMessage }, TgUpdate & { message: TgMessage }] {
      const newId = newChatId ?? -(1_000_000_000_000 - chat.id);
      const to = baseMessage(chat, by);
      to.migrate_to_chat_id = newId;
      const superChat: TgChat = { id: newId, type: 'supergroup' };
      if (chat.title !== undefined) superChat.title = chat.title;
      const fromMsg = baseMessage(superChat, {
        id: 1_087_968_824,
        is_bot: true,
        first_name: 'Group',
        username: 'GroupAnonymousBot',
      });
      fromMsg.sender_chat = superChat;
      fromMsg.migrate_from_chat_id = chat.id;
      return [update({ message: to }), update({ message: fromMsg })];
    },
  };
}

export type TelegramUpdates = ReturnType<typeof createTelegramUpdates>;
