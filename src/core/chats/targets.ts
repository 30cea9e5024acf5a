import { sql } from 'kysely';
import type { OutboxTarget } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { oncePerBatch, primeBatch, primed } from '../outbox/batch';

export interface UnitChatTarget extends OutboxTarget {
  unitId: number;
  chatId: number;
}

/** Active linked chats of these units themselves (a unit may have a Telegram and a Zalo group). */
export async function unitChats(trx: Trx, unitIds: number[]): Promise<UnitChatTarget[]> {
  if (unitIds.length === 0) return [];
  const rows = await trx
    .selectFrom('chats')
    .select(['id', 'platform', 'external_id', 'unit_id'])
    .where('role', '=', 'unit')
    .where('active', '=', true)
    .where('unit_id', 'in', unitIds)
    .orderBy('unit_id')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    platform: r.platform,
    chatExternalId: r.external_id,
    chatId: r.id,
    unitId: r.unit_id!,
  }));
}

/**
 * One chat a message for some units reaches, and for which of them. A unit with its own active
 * group is reached there; a unit without one (a commune) through its nearest ancestor's group
 * (the district), which then speaks for it. Each chat appears once, however many units it
 * carries, so a parent gets one message, not a copy per child.
 */
export interface Delivery extends UnitChatTarget {
  /** `unitId` is the chat's own unit; this is every unit the message is for in this chat. */
  unitIds: number[];
  /** Whether the chat's own unit is among them (else it only relays for its descendants). */
  own: boolean;
  /** The descendants this chat relays for, in the tree's order. */
  onBehalf: Array<{ id: number; name: string }>;
}

interface ReachRow {
  unit_id: number;
  unit_name: string;
  depth: number;
  chat_id: number;
  platform: string;
  external_id: string;
  chat_unit_id: number;
  seq?: number;
}

const REACH = 'deliveries.reach';

/**
 * Reads how every one of these units is reached, for a tick's batch whose jobs will each ask
 * for some of them: one statement instead of one per job.
 */
export async function primeDeliveries(trx: Trx, unitIds: number[]): Promise<void> {
  const ids = [...new Set(unitIds)];
  const byUnit = new Map<number, ReachRow[]>(ids.map((id) => [id, []]));
  // The statement's order (chat, then the tree's order) is kept as `seq` for the jobs' subsets.
  (await reachRows(trx, ids)).forEach((r, seq) => byUnit.get(r.unit_id)?.push({ ...r, seq }));
  const before = await primed<Map<number, ReachRow[]>>(trx, REACH);
  primeBatch(trx, REACH, before ? new Map([...before, ...byUnit]) : byUnit);
}

export async function deliveries(
  trx: Trx,
  unitIds: number[],
): Promise<{ deliveries: Delivery[]; unreachable: number[] }> {
  if (unitIds.length === 0) return { deliveries: [], unreachable: [] };
  const known = await primed<Map<number, ReachRow[]>>(trx, REACH);
  const rows =
    known && unitIds.every((id) => known.has(id))
      ? unitIds.flatMap((id) => known.get(id)!).sort((a, b) => a.seq! - b.seq!)
      : await reachRows(trx, unitIds);
  return groupByChat(rows, unitIds);
}

async function reachRows(trx: Trx, unitIds: number[]): Promise<ReachRow[]> {
  if (unitIds.length === 0) return [];
  const rows = await sql<ReachRow>`
    WITH RECURSIVE chain(unit_id, ancestor_id, depth) AS (
      SELECT u.id, u.id, 0 FROM units u WHERE u.id = ANY(${unitIds}::int[])
      UNION ALL
      SELECT c.unit_id, p.parent_id, c.depth + 1 FROM chain c JOIN units p ON p.id = c.ancestor_id
      WHERE p.parent_id IS NOT NULL AND c.depth < 32),
    reach AS (
      SELECT DISTINCT ON (c.unit_id) c.unit_id, c.ancestor_id, c.depth FROM chain c
      WHERE EXISTS (SELECT 1 FROM chats ch WHERE ch.unit_id = c.ancestor_id AND ch.role = 'unit' AND ch.active)
      ORDER BY c.unit_id, c.depth)
    SELECT r.unit_id, u.name AS unit_name, r.depth, ch.id AS chat_id, ch.platform, ch.external_id,
      ch.unit_id AS chat_unit_id
    FROM reach r
    JOIN chats ch ON ch.unit_id = r.ancestor_id AND ch.role = 'unit' AND ch.active
    JOIN units u ON u.id = r.unit_id
    ORDER BY ch.unit_id, ch.id, u.sort_order, u.code`.execute(trx);
  return rows.rows;
}

function groupByChat(
  rows: ReachRow[],
  unitIds: number[],
): { deliveries: Delivery[]; unreachable: number[] } {
  const byChat = new Map<number, Delivery>();
  for (const r of rows) {
    let d = byChat.get(r.chat_id);
    if (!d) {
      d = {
        platform: r.platform,
        chatExternalId: r.external_id,
        chatId: r.chat_id,
        unitId: r.chat_unit_id,
        unitIds: [],
        own: false,
        onBehalf: [],
      };
      byChat.set(r.chat_id, d);
    }
    d.unitIds.push(r.unit_id);
    if (r.depth === 0) d.own = true;
    else d.onBehalf.push({ id: r.unit_id, name: r.unit_name });
  }
  const reached = new Set(rows.map((r) => r.unit_id));
  return {
    deliveries: [...byChat.values()],
    unreachable: unitIds.filter((id) => !reached.has(id)),
  };
}

export async function organizerChats(trx: Trx): Promise<OutboxTarget[]> {
  return oncePerBatch(trx, 'organizerChats', async () => {
    const rows = await trx
      .selectFrom('chats')
      .select(['id', 'platform', 'external_id'])
      .where('role', '=', 'organizer')
      .where('active', '=', true)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ platform: r.platform, chatExternalId: r.external_id, chatId: r.id }));
  });
}
