import { sql } from 'kysely';
import type { Trx } from '../../db/types';
import { cleanText } from '../text/normalize';
import type { Mention, OutboundMessage } from '../channel';

/**
 * A unit's focal points (đầu mối) in one of its chats: the people who answered for the unit
 * there before (registered, declined, reported), most recent first. A chase or an invitation
 * that tags them reaches their phone even when the group is muted.
 */
export interface FocalPoint {
  userId: string;
  name: string;
}

/** Actions that show a person answers for the unit (written by the registration and report use cases). */
const ANSWERED = ['registration', 'registration.declined', 'report.submitted'];
/** Tagging more than a few people reads as spam. */
export const MAX_FOCAL_POINTS = 3;

/** Focal points per chat (chats.id), for the chats that are linked to a unit. */
export async function focalPoints(trx: Trx, chatIds: number[]): Promise<Map<number, FocalPoint[]>> {
  const out = new Map<number, FocalPoint[]>();
  if (chatIds.length === 0) return out;
  const rows = await sql<{ chat_id: number; user_id: string; name: string }>`
    SELECT c.id AS chat_id, p.external_id AS user_id, p.display_name AS name
    FROM chats c
    JOIN units u ON u.id = c.unit_id
    JOIN chat_members cm ON cm.chat_id = c.id
    JOIN people p ON p.id = cm.person_id AND p.platform = c.platform
    JOIN audit_log a ON a.actor = p.platform || ':' || p.external_id
      AND a.action IN (${sql.join(ANSWERED)}) AND a.details->>'unit' = u.code
    WHERE c.id IN (${sql.join(chatIds)})
    GROUP BY c.id, p.id
    ORDER BY c.id, max(a.at) DESC`.execute(trx);
  for (const r of rows.rows) {
    const list = out.get(r.chat_id) ?? [];
    if (list.length < MAX_FOCAL_POINTS) list.push({ userId: r.user_id, name: r.name });
    out.set(r.chat_id, list);
  }
  return out;
}

/**
 * The message with its focal points tagged on a first line ("@Nguyễn Văn An @Lê Thị Bình"),
 * each mention pointing at its "@name" in the text.
 */
export function withMentions(message: OutboundMessage, people: FocalPoint[]): OutboundMessage {
  if (people.length === 0) return message;
  const mentions: Mention[] = [];
  let line = '';
  for (const p of people) {
    const tag = `@${cleanText(p.name).replace(/\s+/g, ' ').trim() || p.userId}`;
    if (line) line += ' ';
    mentions.push({ userId: p.userId, offset: line.length, length: tag.length });
    line += tag;
  }
  return { ...message, text: `${line}\n${message.text}`, mentions };
}

/** Purposes whose messages tag the unit's focal points, where the platform can tag people. */
export const TAGGED_PURPOSES: ReadonlySet<string> = new Set(['chase', 'invite', 'reminder']);

/**
 * The outbox hook: targets of one platform grouped by the message each should get, those with
 * focal points getting the tagged version. Targets without a chat row id are left untagged.
 */
export async function tagFocalPoints<T extends { chatId?: number | null }>(
  trx: Trx,
  targets: T[],
  message: OutboundMessage,
): Promise<Array<{ targets: T[]; message: OutboundMessage }>> {
  const ids = [...new Set(targets.flatMap((t) => (t.chatId ? [t.chatId] : [])))];
  const people = await focalPoints(trx, ids);
  if (people.size === 0) return [{ targets, message }];
  const plain: T[] = [];
  const out: Array<{ targets: T[]; message: OutboundMessage }> = [];
  for (const t of targets) {
    const list = t.chatId ? people.get(t.chatId) : undefined;
    if (list?.length) out.push({ targets: [t], message: withMentions(message, list) });
    else plain.push(t);
  }
  if (plain.length) out.unshift({ targets: plain, message });
  return out;
}
