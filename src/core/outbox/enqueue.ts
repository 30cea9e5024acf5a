import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/types';
import { capabilitiesOf, type OutboundMessage, type Platform } from '../channel';
import { TAGGED_PURPOSES, tagFocalPoints } from '../chats/focal-points';
import { deferRows } from './batch';

export interface OutboxTarget {
  platform: Platform | string;
  chatExternalId: string;
  chatId?: number | null;
}

export interface EnqueueOptions {
  purpose: string;
  /** What this message is about, so a reply to it can be understood: "event:5", "campaign:3". */
  ref?: string | null;
  broadcastId?: number | null;
  notBefore?: Date;
  /** The text holds a secret (a login link): the outbox blanks it once the platform has it. */
  sensitive?: boolean;
  /** Interactive answers jump ahead of broadcasts and reminders. Default: replies 0, others 1. */
  priority?: number;
  /** Other writes (a `WITH …` of CTEs) sent with the first insert, to save a round trip. */
  along?: RawBuilder<unknown>;
}

/** Characters per message each platform accepts; longer texts become several rows. */
export const MAX_TEXT: Record<string, number> = {
  telegram: 4096,
  zalo: 2000,
  'zalo-bot': 2000,
  sandbox: 100_000,
};

/** Writes outbound messages as outbox rows, inside the caller's transaction. */
export async function enqueue(
  trx: Trx,
  targets: OutboxTarget[],
  message: OutboundMessage,
  options: EnqueueOptions,
): Promise<number[]> {
  if (targets.length === 0) {
    if (options.along) await sql`${options.along} SELECT 1`.execute(trx);
    return [];
  }
  const ids: number[] = [];
  // The first statement carries `along`; the rest go as they are.
  let along = options.along;
  const takeAlong = (): RawBuilder<unknown> => {
    const q = along ?? sql.raw('');
    along = undefined;
    return q;
  };
  const byPlatform = new Map<string, OutboxTarget[]>();
  for (const t of targets) byPlatform.set(t.platform, [...(byPlatform.get(t.platform) ?? []), t]);
  for (const [platform, all] of byPlatform) {
    // Chases, invitations and reminders tag the unit's focal points where the platform can.
    const groups =
      capabilitiesOf(platform).mentions && TAGGED_PURPOSES.has(options.purpose)
        ? await tagFocalPoints(trx, all, message)
        : [{ targets: all, message }];
    for (const { targets: list, message: m } of groups) {
      const parts = splitText(m.text, MAX_TEXT[platform] ?? 2000);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        // Only the last part carries buttons/document; only the first quotes and tags.
        const partMessage: OutboundMessage = {
          ...m,
          text: part,
          replyToMessageId: i === 0 ? m.replyToMessageId : undefined,
          mentions: i === 0 ? m.mentions : undefined,
          buttons: last ? m.buttons : undefined,
          document: last ? m.document : undefined,
        };
        ids.push(...(await insertRows(trx, takeAlong, list, partMessage, options)));
      }
    }
  }
  return ids;
}

async function insertRows(
  trx: Trx,
  takeAlong: () => RawBuilder<unknown>,
  targets: OutboxTarget[],
  message: OutboundMessage,
  options: EnqueueOptions,
): Promise<number[]> {
  const payload = JSON.stringify(message);
  const ids: number[] = [];
  const priority = options.priority ?? (options.purpose === 'reply' ? 0 : 1);
  const all = targets.map((t) => ({
    platform: t.platform,
    chat_external_id: t.chatExternalId,
    chat_id: t.chatId ?? null,
    payload,
    purpose: options.purpose,
    ref: options.ref ?? null,
    broadcast_id: options.broadcastId ?? null,
    priority,
    ...(options.sensitive ? { sensitive: true } : {}),
    ...(options.notBefore ? { not_before: options.notBefore } : {}),
  }));
  if (deferRows(trx, all)) return ids;
  // Written as SQL, not built: a reply's insert is on every message's path (see Turn.defer).
  for (let i = 0; i < all.length; i += 1000) {
    const values = all.slice(i, i + 1000).map(
      (r) =>
        sql`(${r.platform}, ${r.chat_external_id}, ${r.chat_id}, ${r.payload}, ${r.purpose}, ${r.ref},
            ${r.broadcast_id}, ${r.priority}, ${r.sensitive ?? false}, coalesce(${r.not_before ?? null}::timestamptz, now()))`,
    );
    const { rows } = await sql<{ id: number }>`${takeAlong()} INSERT INTO outbox
      (platform, chat_external_id, chat_id, payload, purpose, ref, broadcast_id, priority, sensitive, not_before)
      VALUES ${sql.join(values)} RETURNING id`.execute(trx);
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * Splits a long text at line boundaries (then at spaces) so each part fits the platform's limit.
 * Never cuts inside a word when a line boundary or a space is available.
 */
export function splitText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) parts.push(current.replace(/\n+$/, ''));
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    flush();
    let rest = line;
    while (rest.length > max) {
      let cut = rest.lastIndexOf(' ', max);
      if (cut <= max / 2) cut = max;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    current = rest;
  }
  flush();
  return parts;
}
