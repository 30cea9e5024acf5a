/**
 * Our own small port in front of zca-js (unofficial Zalo personal-account API).
 * The rest of the code sees ONLY these types; zca-js is confined to zca-real.ts (and the
 * login CLI). The in-memory fake (fake-zca.ts) implements the same port for tests and the
 * sandbox.
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
  /** uids mentioned (`-1` means @All). */
  mentionIds: string[];
  attachment?: ZaloAttachment;
  /** Server time in ms since the epoch. */
  ts: number;
  raw: unknown;
}

export interface ZaloListenHandlers {
  onGroupMessage(m: ZaloGroupMessage): void;
  /** The listener has stopped for good (after zca-js' own retries); re-login or restart it. */
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

export interface ZaloSession {
  ownId(): string;
  /** Sends to a group. A quote is attached only if the quoted message is still known to the session. */
  sendGroupText(groupId: string, text: string, quoteMsgId?: string): Promise<{ msgId: string }>;
  startListening(handlers: ZaloListenHandlers): void;
  /** Stops the listener without calling onClosed. */
  stopListening(): void;
  /** Groups this account belongs to. */
  listGroups(): Promise<ZaloGroupSummary[]>;
}

export interface ZaloConnector {
  login(): Promise<ZaloSession>;
}

/**
 * A failed zca-js call, sanitized (never carries cookies or request bodies).
 * `code` is Zalo's error_code when it gave one.
 */
export class ZaloSessionError extends Error {
  readonly code: number | null;
  constructor(message: string, code: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ZaloSessionError';
    this.code = code;
  }
}

/** zca-js `API` members we call (checked against the real package by tests/bots/zalo/zca-contract.test.ts). */
export const ZCA_METHODS_USED = [
  'sendMessage',
  'getOwnId',
  'getGroupInfo',
  'getAllGroups',
] as const;
/** Methods of `api.listener` (a Node EventEmitter subclass) we call. */
export const ZCA_LISTENER_METHODS_USED = ['on', 'off', 'start', 'stop'] as const;
/** Listener events we subscribe to. */
export const ZCA_LISTENER_EVENTS_USED = [
  'message',
  'closed',
  'disconnected',
  'error',
  'connected',
] as const;
