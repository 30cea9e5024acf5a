/**
 * Our own small port in front of zca-js (unofficial Zalo personal-account API).
 * The rest of the code sees ONLY these types; zca-js is confined to zca-real.ts (and the login
 * CLI). tests/fakes/zca.ts implements the same port, behaving as bots/zalo/README.md says the
 * real one does (socket closed every minute, uploads finished only through the listener, …).
 */

/** A file, photo or other attachment of a group message (zca-js gives a download URL, no file id). */
export interface ZaloAttachment {
  kind: 'document' | 'photo' | 'other';
  /** Download URL (zca-js `content.href`); also serves as the attachment's id. */
  url: string;
  fileName?: string;
  /** Size in bytes, when Zalo tells it. */
  size?: number;
  /** File extension without the dot (`pdf`, `xlsx`), when Zalo tells it. */
  ext?: string;
  /** zca-js `msgType` (`share.file`, `chat.photo`, …). */
  zaloType: string;
}

/** An @mention inside a text: `text.slice(pos, pos + len)` is "@name" (UTF-16 positions). */
export interface ZaloMention {
  /** The person's uid; `-1` means @All. */
  uid: string;
  pos: number;
  len: number;
}

/** One message posted in a Zalo group, flattened. */
export interface ZaloGroupMessage {
  /** Global message id (zca-js `data.msgId`); what quotes refer to. */
  msgId: string;
  groupId: string;
  /** Known only when the session has looked the group up (filled from a cache, never awaited). */
  groupName?: string;
  senderId: string;
  senderName: string;
  /** The text; for a photo its caption; '' for a file or anything without text. */
  text: string;
  /** Global id of the quoted message (zca-js `quote.globalMsgId`), when this is a reply. */
  quoteMsgId?: string;
  mentions: ZaloMention[];
  attachment?: ZaloAttachment;
  /** Server time in ms since the epoch. */
  ts: number;
  raw: unknown;
}

export interface ZaloListenHandlers {
  onGroupMessage(m: ZaloGroupMessage): void;
  /** The socket closed for good (after zca-js' own retries): start the listener again. */
  onClosed(code: number, reason: string): void;
  onError(e: unknown): void;
  onConnected?(): void;
  /** The socket dropped; zca-js may reconnect on its own (retryOnClose). Informational. */
  onDisconnected?(code: number, reason: string): void;
}

export interface ZaloGroupSummary {
  id: string;
  name: string;
}

/** A text for a group, with what Zalo can add to it. */
export interface ZaloOutgoing {
  text: string;
  /** Quote this message (only if the session still knows it). */
  quoteMsgId?: string;
  /** Tag people: Zalo notifies them even when the group is muted. */
  mentions?: ZaloMention[];
  /** Zalo's urgency flag (zca-js `Urgency.Urgent`). */
  urgent?: boolean;
}

export interface ZaloFile {
  fileName: string;
  data: Uint8Array;
}

export interface ZaloSession {
  ownId(): string;
  sendGroup(groupId: string, message: ZaloOutgoing): Promise<{ msgId: string }>;
  /**
   * Uploads and posts a file. A non-image upload completes only when this session's listener
   * receives Zalo's `file_done`, so call it where the listener runs; without one it never settles:
   * callers put a timeout on it.
   */
  sendGroupFile(groupId: string, file: ZaloFile): Promise<{ msgId: string }>;
  /** Starts the listener; after onClosed it may be started again on the same session. */
  startListening(handlers: ZaloListenHandlers): void;
  /** Stops the listener without calling onClosed. */
  stopListening(): void;
  /**
   * Recent group messages of the whole account, asked for over the listener's socket
   * (zca-js `listener.requestOldMessages`), newest batch first; `before` pages further back.
   * Resolves [] when Zalo does not answer in time.
   */
  oldGroupMessages(before: string | null): Promise<ZaloGroupMessage[]>;
  /** Recent messages of one group over HTTP (zca-js `getGroupChatHistory`). */
  groupHistory(groupId: string, count: number): Promise<ZaloGroupMessage[]>;
  /** One cheap authenticated call: is the session (its cookies) still accepted? */
  checkSession(): Promise<'valid' | 'invalid' | 'unknown'>;
  /** Writes the session's current cookies back where they came from (ZALO_CREDENTIALS). */
  saveCredentials(): Promise<void>;
  /** Groups this account belongs to. */
  listGroups(): Promise<ZaloGroupSummary[]>;
}

export interface ZaloConnector {
  /** Logs in with the stored credentials. A ZaloSessionError with sessionInvalid needs a new QR login. */
  login(): Promise<ZaloSession>;
  /** Changes when someone stores new credentials (`npm run zalo:login`): worth logging in again. */
  credentialsVersion?(): Promise<string | null>;
}

/**
 * A failed zca-js call, sanitized (never carries cookies or request bodies).
 * `code` is Zalo's error_code when it gave one; `sessionInvalid` means the stored session is no
 * longer accepted and only a new QR login helps.
 */
export class ZaloSessionError extends Error {
  readonly code: number | null;
  readonly sessionInvalid: boolean;
  constructor(
    message: string,
    code: number | null = null,
    options?: { cause?: unknown; sessionInvalid?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ZaloSessionError';
    this.code = code;
    this.sessionInvalid = options?.sessionInvalid ?? false;
  }
}

/** zca-js `API` members we call (checked against the real package by tests/bots/zalo/zca-contract.test.ts). */
export const ZCA_METHODS_USED = [
  'sendMessage',
  'getOwnId',
  'getGroupInfo',
  'getAllGroups',
  'getGroupChatHistory',
  'fetchAccountInfo',
  'getCookie',
] as const;
/** Methods of `api.listener` (a Node EventEmitter subclass) we call. */
export const ZCA_LISTENER_METHODS_USED = [
  'on',
  'off',
  'start',
  'stop',
  'requestOldMessages',
] as const;
/** Listener events we subscribe to. */
export const ZCA_LISTENER_EVENTS_USED = [
  'message',
  'old_messages',
  'closed',
  'disconnected',
  'error',
  'connected',
] as const;
