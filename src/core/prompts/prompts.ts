import type { Trx } from '../../db/types';

/** A question the bot asked in a chat and is waiting an answer for (which report? confirm the broadcast?). */
export interface Prompt<P> {
  id: number;
  kind: string;
  payload: P;
}

export async function openPrompt<P extends Record<string, unknown>>(
  trx: Trx,
  chatId: number,
  kind: string,
  payload: P,
  now: Date,
  ttlMs = 60 * 60_000,
): Promise<number> {
  await trx
    .deleteFrom('pending_prompts')
    .where('chat_id', '=', chatId)
    .where('kind', '=', kind)
    .execute();
  const row = await trx
    .insertInto('pending_prompts')
    .values({
      chat_id: chatId,
      kind,
      payload: JSON.stringify(payload),
      expires_at: new Date(now.getTime() + ttlMs),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function currentPrompt<P>(
  trx: Trx,
  chatId: number,
  kind: string,
  now: Date,
): Promise<Prompt<P> | null> {
  const row = await trx
    .selectFrom('pending_prompts')
    .select(['id', 'kind', 'payload'])
    .where('chat_id', '=', chatId)
    .where('kind', '=', kind)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? { id: row.id, kind: row.kind, payload: row.payload as P } : null;
}

export async function closePrompt(trx: Trx, id: number): Promise<boolean> {
  const r = await trx.deleteFrom('pending_prompts').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** "1", "số 2", "sự kiện 3" → the number, or null; button data "p:<id>:<n>" is read by callers. */
export function numberedAnswer(folded: string): number | null {
  const m = /^(?:so|su kien|bao cao|muc)?\s*(\d{1,3})\s*[.)]?$/.exec(folded.trim());
  return m ? Number(m[1]) : null;
}

const YES = /^(?:yes|co|co a|vang|da|da vang|dung|dung roi|dong y|xac nhan|ok|oke|okay|chac chan)$/;

export function isYes(folded: string): boolean {
  return YES.test(folded.replace(/[.!]+$/, '').trim());
}
