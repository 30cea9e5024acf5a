import type { AppContext } from '../../app-context';
import type { Chat, Unit } from '../../db/schema';
import type { InboundMessage, OutboundMessage } from '../channel';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';

/**
 * One inbound message being handled inside one transaction: everything a handler changes and
 * every message it causes commit together, or not at all.
 */
export class Turn {
  constructor(
    readonly ctx: AppContext,
    readonly trx: Trx,
    readonly msg: InboundMessage,
    readonly chat: Chat,
    readonly unit: Unit | null,
    readonly personId: number,
    readonly botUsername: string | null,
  ) {}

  get now(): Date {
    return this.ctx.clock();
  }

  get isOrganizerChat(): boolean {
    return this.chat.role === 'organizer' && this.chat.active;
  }

  /** Replies in the same chat, quoting the message being answered. */
  async reply(
    text: string,
    extra: Partial<OutboundMessage> & { ref?: string; purpose?: string; sensitive?: boolean } = {},
  ): Promise<void> {
    const { ref, purpose, sensitive, ...message } = extra;
    await enqueue(
      this.trx,
      [{ platform: this.msg.platform, chatExternalId: this.msg.chat.id, chatId: this.chat.id }],
      { text, replyToMessageId: this.msg.messageId, ...message },
      { purpose: purpose ?? 'reply', ref: ref ?? null, ...(sensitive ? { sensitive } : {}) },
    );
  }

  async audit(action: string, details: Record<string, unknown>): Promise<void> {
    await this.trx
      .insertInto('audit_log')
      .values({
        actor: `${this.msg.platform}:${this.msg.sender.id}`,
        action,
        details: JSON.stringify(details),
      })
      .execute();
  }
}
