import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Chat, Unit } from '../../db/schema';
import type { InboundMessage, OutboundMessage } from '../channel';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import type { Prompt } from '../prompts/prompts';
import type { EventJson } from '../events/registering';

/** What was read with the update's claim, in the same statement, so handlers need not ask again. */
export interface Arrival {
  /** The bot's message this one replies to (with what it was about), or null. */
  replied: { ref: string | null } | null;
  /** The newest question the bot had open in this chat when the message arrived. */
  prompt: Prompt<Record<string, unknown>> | null;
  /**
   * When the message replies to an invitation in a unit's group: that event with the unit's
   * registration, as the claim's statement saw them. Taken once (see `eventWithRegistrations`).
   */
  repliedEvent?: EventJson | null;
}

interface AuditRow {
  actor: string;
  action: string;
  details: string;
}

/**
 * One inbound message being handled inside one transaction: everything a handler changes and
 * every message it causes commit together, or not at all.
 */
export class Turn {
  /** Audit rows wait for the next reply (or the end of the turn) to share its round trip. */
  private audits: AuditRow[] = [];
  /** Writes whose result nothing in the turn reads, waiting the same way (see `defer`). */
  private deferred: Array<{ key: string; write: RawBuilder<unknown> }> = [];

  constructor(
    readonly ctx: AppContext,
    readonly trx: Trx,
    readonly msg: InboundMessage,
    readonly chat: Chat,
    readonly unit: Unit | null,
    readonly personId: number,
    readonly botUsername: string | null,
    readonly arrival: Arrival = { replied: null, prompt: null },
  ) {}

  get now(): Date {
    return this.ctx.clock();
  }

  get isOrganizerChat(): boolean {
    return this.chat.role === 'organizer' && this.chat.active;
  }

  /** What the bot's message this one replies to was about ("event:5"), or null. */
  get repliedRef(): string | null {
    return this.arrival.replied?.ref ?? null;
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
      {
        purpose: purpose ?? 'reply',
        ref: ref ?? null,
        ...(sensitive ? { sensitive } : {}),
        along: this.takeWaiting(),
      },
    );
  }

  async audit(action: string, details: Record<string, unknown>): Promise<void> {
    this.audits.push({
      actor: `${this.msg.platform}:${this.msg.sender.id}`,
      action,
      details: JSON.stringify(details),
    });
  }

  /**
   * A data-modifying statement run as a CTE of the turn's next reply (or at the end of the turn):
   * one round trip fewer. Only for writes nothing later in the turn reads back, since a statement
   * does not see its own CTEs' changes. `key` names what is written ("reg_5_added"): a second write
   * under a waiting key (the same rows twice) first sends what waits, so the two never share a
   * statement. The CTE itself is named by its place, so the statement's text (and its prepared
   * plan) is the same whichever rows it writes. Written as SQL, not built: this statement is on
   * every reply, and building it with Kysely cost more than the rest of sending it.
   */
  async defer(key: string, write: RawBuilder<unknown>): Promise<void> {
    if (this.deferred.some((w) => w.key === key)) await this.flush();
    this.deferred.push({ key, write });
  }

  /** Writes what still waits; the turn's transaction calls it before committing. */
  async flush(): Promise<void> {
    const along = this.takeWaiting();
    if (!along) return;
    await sql`${along} SELECT 1`.execute(this.trx);
  }

  /** What waits, as the `WITH …` that goes before the next statement. */
  private takeWaiting(): RawBuilder<unknown> | undefined {
    if (!this.audits.length && !this.deferred.length) return undefined;
    const ctes = this.deferred.map((w, i) => sql`${sql.raw(`w${i}`)} AS (${w.write})`);
    if (this.audits.length)
      ctes.push(
        sql`audited AS (INSERT INTO audit_log (actor, action, details) VALUES ${sql.join(
          this.audits.map((a) => sql`(${a.actor}, ${a.action}, ${a.details})`),
        )})`,
      );
    this.audits = [];
    this.deferred = [];
    return sql`WITH ${sql.join(ctes)}`;
  }
}
