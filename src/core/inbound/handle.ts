import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Chat, Unit } from '../../db/schema';
import { fromJsonRow, type JsonRow } from '../../db/json-rows';
import { t } from '../../messages/vi';
import { DomainError } from '../errors';
import type { InboundMessage } from '../channel';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { cleanText } from '../text/normalize';
import { parseCommand } from './command';
import { Turn, type Arrival } from './turn';
import { route } from '../router';
import { repliedEventSql, type EventJson } from '../events/registering';

export type HandleResult = 'handled' | 'duplicate';

export interface InboundOptions {
  /** The bot's @username on this platform, for "/lenh@bot" and mentions. */
  botUsername?: string | null;
}

/** Claims the update key inside the transaction: a second delivery (or a second instance) finds it taken. */
export async function claimUpdate(trx: Trx, platform: string, key: string): Promise<boolean> {
  const row = await trx
    .insertInto('processed_updates')
    .values({ platform, update_key: key })
    .onConflict((oc) => oc.columns(['platform', 'update_key']).doNothing())
    .returning('update_key')
    .executeTakeFirst();
  return row !== undefined;
}

interface Head {
  chat: Chat;
  personId: number;
  unit: Unit | null;
  arrival: Arrival;
}

interface PromptJson {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
}

/**
 * A membership's last message is kept to the hour: it only decides who is dormant (days), and
 * rewriting the row on every message was one of the hot path's four row versions per update.
 */
const SEEN_PRECISION_MS = 3_600_000;

const CHAT_DATES = ['linked_at', 'created_at'] as const satisfies ReadonlyArray<keyof Chat>;
const UNIT_DATES = ['created_at', 'updated_at'] as const satisfies ReadonlyArray<keyof Unit>;

/**
 * One statement for what every message needs before it is routed: its update key claimed, its
 * chat and sender recorded (a private chat remembered for login links), the sender's membership,
 * the chat's unit, the bot's message it replies to and the question open in the chat. No row
 * back means the update was handled before.
 */
async function claimAndLoad(trx: Trx, msg: InboundMessage, now: Date): Promise<Head | null> {
  const title = msg.chat.title ? cleanText(msg.chat.title) : null;
  const privateChat = msg.chat.type === 'private' ? msg.chat.id : null;
  const isGroup = msg.chat.type === 'group';
  const result = await sql<{
    chat: JsonRow<Chat>;
    person_id: number;
    unit: JsonRow<Unit> | null;
    replied: { ref: string | null } | null;
    prompt: PromptJson | null;
    replied_event: EventJson | null;
  }>`
    WITH claimed AS (
      INSERT INTO processed_updates (platform, update_key) VALUES (${msg.platform}, ${msg.updateKey})
      ON CONFLICT (platform, update_key) DO NOTHING RETURNING 1),
    chat AS (
      INSERT INTO chats (platform, external_id, title) SELECT ${msg.platform}, ${msg.chat.id}, ${title}::text WHERE EXISTS (SELECT 1 FROM claimed)
      ON CONFLICT (platform, external_id) DO UPDATE SET title = coalesce(excluded.title, chats.title) RETURNING *),
    person AS (
      INSERT INTO people (platform, external_id, display_name, private_chat_id)
      SELECT ${msg.platform}, ${msg.sender.id}, ${cleanText(msg.sender.name) || msg.sender.id}, ${privateChat}::text WHERE EXISTS (SELECT 1 FROM claimed)
      ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name,
        private_chat_id = coalesce(excluded.private_chat_id, people.private_chat_id), last_seen_at = ${now}
      RETURNING id),
    member AS (
      INSERT INTO chat_members (chat_id, person_id) SELECT chat.id, person.id FROM chat, person WHERE ${isGroup}
      ON CONFLICT (chat_id, person_id) DO UPDATE SET last_seen_at = ${now}
        WHERE chat_members.last_seen_at < ${new Date(now.getTime() - SEEN_PRECISION_MS)})
    SELECT row_to_json(chat.*) AS chat, person.id AS person_id,
      CASE WHEN chat.role = 'unit' THEN row_to_json(u.*) END AS unit,
      CASE WHEN rep.found THEN json_build_object('ref', rep.ref) END AS replied,
      (SELECT json_build_object('id', p.id, 'kind', p.kind, 'payload', p.payload) FROM pending_prompts p
        WHERE p.chat_id = chat.id AND p.expires_at > ${now} ORDER BY p.id DESC LIMIT 1) AS prompt,
      CASE WHEN chat.role = 'unit' THEN ${repliedEventSql(sql`rep.ref`, sql`chat.unit_id`)} END AS replied_event
    FROM chat CROSS JOIN person LEFT JOIN units u ON u.id = chat.unit_id
    LEFT JOIN LATERAL (SELECT true AS found, o.ref FROM outbox o
        WHERE o.platform = ${msg.platform} AND o.chat_external_id = ${msg.chat.id}
          AND o.platform_message_id = ${msg.replyToMessageId ?? null}::text LIMIT 1) rep ON true`.execute(
    trx,
  );
  const row = result.rows[0];
  if (!row) return null;
  return {
    chat: fromJsonRow(row.chat, CHAT_DATES),
    personId: row.person_id,
    unit: row.unit ? fromJsonRow(row.unit, UNIT_DATES) : null,
    arrival: { replied: row.replied, prompt: row.prompt, repliedEvent: row.replied_event },
  };
}

/**
 * The one entry point for every platform's messages. Effects and replies commit in one
 * transaction with the update's key, so a repeated delivery has no second effect.
 */
export async function handleInbound(
  ctx: AppContext,
  raw: InboundMessage,
  options: InboundOptions = {},
): Promise<HandleResult> {
  // Adapters map what platforms send, but a platform (or a forged request) may still send odd types.
  const msg: InboundMessage = {
    ...raw,
    text: typeof raw.text === 'string' ? cleanText(raw.text).slice(0, 20_000).toWellFormed() : '',
  };
  if (msg.sender.isBot) return 'handled';
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const head = await claimAndLoad(trx, msg, ctx.clock());
      if (!head) return 'duplicate';
      const turn = new Turn(
        ctx,
        trx,
        msg,
        head.chat,
        head.unit,
        head.personId,
        options.botUsername ?? null,
        head.arrival,
      );
      await route(turn, parseCommand(msg.text, options.botUsername));
      await turn.flush();
      return 'handled';
    });
  } catch (e) {
    if (isConnectionError(e)) throw e; // let the webhook answer 5xx so the platform redelivers
    // A caller's mistake is answered with its own message; anything else is a bug, logged.
    const mistake = e instanceof DomainError;
    if (!mistake)
      ctx.log.error(
        { err: e, platform: msg.platform, update: msg.updateKey },
        'inbound handler failed',
      );
    // The failed turn rolled back; record the update and answer so the user is not left in silence.
    return ctx.db.transaction().execute(async (trx) => {
      if (!(await claimUpdate(trx, msg.platform, msg.updateKey))) return 'duplicate';
      await enqueue(
        trx,
        [{ platform: msg.platform, chatExternalId: msg.chat.id }],
        { text: mistake ? e.message : t.internalError(), replyToMessageId: msg.messageId },
        { purpose: 'reply' },
      );
      return 'handled';
    });
  }
}

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  const message = e instanceof Error ? e.message : '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P01|57P02|57P03|08\d\d\d)$/.test(code) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|not queryable|is not currently accepting connections|the database system is (starting up|shutting down)/i.test(
      message,
    )
  );
}
