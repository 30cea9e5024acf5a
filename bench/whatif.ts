/**
 * What-if for figure 1 (run when the inbound aim is missed): the database side of one
 * registration reply, replayed with node-postgres alone (no HTTP, Kysely or parser) on the
 * inbound schema, in two shapes:
 *
 *   current  — the statements handleInbound + register send today (BEGIN, 13 statements, COMMIT),
 *              as sent today and as named prepared statements (parsed and planned once per connection);
 *   proposed — the same effects in BEGIN + 3 statements + COMMIT: one CTE for update key, chat,
 *              person, membership and unit; one join for replied-to event and registration; one
 *              CTE for attendees, registration, audit and the reply's outbox row; plain, as named
 *              prepared statements, and (prepared), when Postgres is local, over its Unix socket.
 *
 * Same rows touched, same concurrency and pool size as the service. The gap between the two is
 * what collapsing round trips in src/core/inbound/handle.ts and src/core/events/chat.ts buys.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { cpuBetween, cpuSnapshot, round, summarize } from './lib';

interface Target {
  chatId: string;
  title: string;
  unitId: number;
  users: Array<{ id: string; name: string }>;
}

export interface WhatIfInput {
  url: string;
  schema: string;
  targets: Target[];
  count: number;
  concurrency: number;
  poolSize: number;
}

const ATTENDEES = [
  { position: 1, name: 'Nguyễn Văn An', title: 'Phó Giám đốc Sở', phone: null },
  { position: 2, name: 'Lê Thị Bình', title: 'Trưởng phòng Nghiệp vụ Y', phone: '0912345678' },
];
const REPLY = {
  text: '✅ Đã ghi nhận 2 đại biểu của đơn vị:\n1. Nguyễn Văn An — Phó Giám đốc Sở\n2. Lê Thị Bình — Trưởng phòng Nghiệp vụ Y, 0912345678\nGửi lại danh sách để thay thế.',
  replyToMessageId: '2',
};

type Shape = (
  c: pg.PoolClient,
  t: Target,
  user: { id: string; name: string },
  key: string,
) => Promise<void>;

/** Today's statements, as handleInbound + register send them (Kysely compiles the same SQL). */
function currentShape(prepared: boolean): Shape {
  const names = new Map<string, string>();
  const nameOf = (text: string) =>
    names.get(text) ?? (names.set(text, `inbound-current-${names.size}`), names.get(text)!);
  const q = (c: pg.PoolClient, text: string, values: unknown[]) =>
    prepared ? c.query({ name: nameOf(text), text, values }) : c.query(text, values);
  return async (c, t, user, key) => {
    const now = new Date();
    await c.query('BEGIN');
    try {
      await q(
        c,
        `INSERT INTO processed_updates (platform, update_key) VALUES ('telegram', $1) ON CONFLICT (platform, update_key) DO NOTHING RETURNING update_key`,
        [key],
      );
      const chat = (
        await q(
          c,
          `INSERT INTO chats (platform, external_id, title, role, unit_id) VALUES ('telegram', $1, $2, NULL, NULL)
           ON CONFLICT (platform, external_id) DO UPDATE SET title = coalesce(excluded.title, chats.title) RETURNING *`,
          [t.chatId, t.title],
        )
      ).rows[0] as { id: number; unit_id: number };
      const person = (
        await q(
          c,
          `INSERT INTO people (platform, external_id, display_name, private_chat_id) VALUES ('telegram', $1, $2, NULL)
           ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name,
             private_chat_id = coalesce(excluded.private_chat_id, people.private_chat_id), last_seen_at = $3 RETURNING id`,
          [user.id, user.name, now],
        )
      ).rows[0] as { id: number };
      await q(
        c,
        `INSERT INTO chat_members (chat_id, person_id) VALUES ($1, $2) ON CONFLICT (chat_id, person_id) DO UPDATE SET last_seen_at = $3`,
        [chat.id, person.id, now],
      );
      const unit = (await q(c, `SELECT * FROM units WHERE id = $1`, [chat.unit_id])).rows[0] as {
        id: number;
        code: string;
      };
      const ref = (
        await q(
          c,
          `SELECT ref FROM outbox WHERE platform = 'telegram' AND chat_external_id = $1 AND platform_message_id = $2`,
          [t.chatId, '1'],
        )
      ).rows[0] as { ref: string };
      const eventId = Number(ref.ref.slice(6));
      await q(c, `SELECT * FROM events WHERE id = $1`, [eventId]);
      const reg = (
        await q(c, `SELECT * FROM registrations WHERE event_id = $1 AND unit_id = $2`, [
          eventId,
          unit.id,
        ])
      ).rows[0] as { id: number };
      await q(c, `DELETE FROM attendees WHERE registration_id = $1`, [reg.id]);
      await q(
        c,
        `INSERT INTO attendees (registration_id, position, name, title, phone) VALUES ($1, 1, $2, $3, $4), ($1, 2, $5, $6, $7)`,
        [
          reg.id,
          ATTENDEES[0]!.name,
          ATTENDEES[0]!.title,
          ATTENDEES[0]!.phone,
          ATTENDEES[1]!.name,
          ATTENDEES[1]!.title,
          ATTENDEES[1]!.phone,
        ],
      );
      await q(
        c,
        `UPDATE registrations SET status = 'registered', late = $2, updated_by = $3, updated_at = $4 WHERE id = $1`,
        [reg.id, false, user.name, now],
      );
      await q(c, `INSERT INTO audit_log (actor, action, details) VALUES ($1, 'registration', $2)`, [
        `telegram:${user.id}`,
        JSON.stringify({ event: eventId, unit: unit.code, count: 2, mode: 'replace' }),
      ]);
      await q(
        c,
        `INSERT INTO outbox (platform, chat_external_id, chat_id, payload, purpose, ref, broadcast_id, priority) VALUES ('telegram', $1, $2, $3, 'reply', $4, NULL, 0) RETURNING id`,
        [t.chatId, chat.id, JSON.stringify(REPLY), `event:${eventId}`],
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
  };
}

function proposedShape(prepared: boolean): Shape {
  const q = (c: pg.PoolClient, name: string, text: string, values: unknown[]) =>
    prepared ? c.query({ name, text, values }) : c.query(text, values);
  return async (c, t, user, key) => {
    await c.query('BEGIN');
    try {
      const head = (
        await q(
          c,
          'inbound-head',
          `WITH claimed AS (
             INSERT INTO processed_updates (platform, update_key) VALUES ('telegram', $1) ON CONFLICT (platform, update_key) DO NOTHING RETURNING 1),
           chat AS (
             INSERT INTO chats (platform, external_id, title) SELECT 'telegram', $2, $3 WHERE EXISTS (SELECT 1 FROM claimed)
             ON CONFLICT (platform, external_id) DO UPDATE SET title = coalesce(excluded.title, chats.title) RETURNING *),
           person AS (
             INSERT INTO people (platform, external_id, display_name) SELECT 'telegram', $4, $5 WHERE EXISTS (SELECT 1 FROM claimed)
             ON CONFLICT (platform, external_id) DO UPDATE SET display_name = excluded.display_name, last_seen_at = now() RETURNING id),
           member AS (
             INSERT INTO chat_members (chat_id, person_id) SELECT chat.id, person.id FROM chat, person
             ON CONFLICT (chat_id, person_id) DO UPDATE SET last_seen_at = now())
           SELECT chat.id AS chat_id, chat.role, chat.active, person.id AS person_id, u.id AS unit_id, u.code, u.name
           FROM chat CROSS JOIN person LEFT JOIN units u ON u.id = chat.unit_id`,
          [key, t.chatId, t.title, user.id, user.name],
        )
      ).rows[0] as { chat_id: number; unit_id: number; code: string } | undefined;
      if (!head) throw new Error('duplicate update in what-if');
      const target = (
        await q(
          c,
          'inbound-target',
          `SELECT e.id AS event_id, e.title, e.starts_at, e.registration_deadline, e.quota_per_unit, e.status, r.id AS reg_id, r.late
           FROM outbox o
           JOIN events e ON e.id = split_part(o.ref, ':', 2)::int
           JOIN registrations r ON r.event_id = e.id AND r.unit_id = $3
           WHERE o.platform = 'telegram' AND o.chat_external_id = $1 AND o.platform_message_id = $2 AND o.ref LIKE 'event:%'`,
          [t.chatId, '1', head.unit_id],
        )
      ).rows[0] as { event_id: number; reg_id: number };
      await q(
        c,
        'inbound-register',
        `WITH del AS (DELETE FROM attendees WHERE registration_id = $1),
         ins AS (INSERT INTO attendees (registration_id, position, name, title, phone)
                 SELECT $1, a.position, a.name, a.title, a.phone FROM jsonb_to_recordset($2::jsonb) AS a(position int, name text, title text, phone text)),
         upd AS (UPDATE registrations SET status = 'registered', late = false, updated_by = $3, updated_at = now() WHERE id = $1),
         aud AS (INSERT INTO audit_log (actor, action, details) VALUES ($4, 'registration', $5))
         INSERT INTO outbox (platform, chat_external_id, chat_id, payload, purpose, ref, priority) VALUES ('telegram', $6, $7, $8, 'reply', $9, 0) RETURNING id`,
        [
          target.reg_id,
          JSON.stringify(ATTENDEES),
          user.name,
          `telegram:${user.id}`,
          JSON.stringify({ event: target.event_id, unit: head.code, count: 2, mode: 'replace' }),
          t.chatId,
          head.chat_id,
          JSON.stringify(REPLY),
          `event:${target.event_id}`,
        ],
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
  };
}

async function replay(url: string, schema: string, shape: Shape, name: string, o: WhatIfInput) {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.poolSize,
    options: `-c search_path=${schema}`,
  });
  await Promise.all(Array.from({ length: o.poolSize }, () => pool.query('SELECT 1')));
  let statements = 0;
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    statements++;
    return original.apply(this, a);
  };
  let next = 0;
  const lat = new Float64Array(o.count);
  const cpu0 = process.cpuUsage();
  const snap0 = cpuSnapshot([]);
  const t0 = performance.now();
  try {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= o.count) return;
          const t = o.targets[i % o.targets.length]!;
          const user = t.users[Math.floor(i / o.targets.length) % t.users.length]!;
          const s = performance.now();
          const c = await pool.connect();
          try {
            await shape(c, t, user, `whatif:${name}:${Date.now()}:${i}`);
          } finally {
            c.release();
          }
          lat[i] = performance.now() - s;
        }
      }),
    );
  } finally {
    proto.query = original;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const c = cpuBetween(snap0, cpuSnapshot([]), {});
  await pool.end();
  const l = summarize(lat);
  return {
    transactions: o.count,
    statementsPerTransaction: round(statements / o.count, 1),
    transactionsPerSecond: round(o.count / (ms / 1000), 0),
    latencyMs: { p50: l.p50, p99: l.p99 },
    nodeCpuMsPerTransaction: round((cpu.user + cpu.system) / 1000 / o.count, 3),
    postgresCpuMsPerTransaction: round((c.postgresBackendsOfBenchDbCores! * ms) / o.count, 3),
    otherLoadCores: c.otherLoadCores,
  };
}

/** The same database over the local Unix socket, when Postgres is on this machine. */
export function unixSocketUrl(url: string): string | null {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost'].includes(u.hostname)) return null;
  if (!existsSync(`/var/run/postgresql/.s.PGSQL.${u.port || 5432}`)) return null;
  return `postgres://${u.username}@%2Fvar%2Frun%2Fpostgresql:${u.port || 5432}${u.pathname}`;
}

export async function whatIfTransactionShape(o: WhatIfInput) {
  const cur = await replay(o.url, o.schema, currentShape(false), 'current', o);
  const curPrepared = await replay(o.url, o.schema, currentShape(true), 'current-prepared', o);
  const prop = await replay(o.url, o.schema, proposedShape(false), 'proposed', o);
  const prepared = await replay(o.url, o.schema, proposedShape(true), 'proposed-prepared', o);
  const unix = unixSocketUrl(o.url);
  const propUnix = unix
    ? await replay(unix, o.schema, proposedShape(true), 'proposed-prepared-unix', o)
    : null;
  return {
    what: 'database side of one registration reply, replayed with node-postgres only (no HTTP, Kysely, parser), same rows, same concurrency and pool',
    concurrency: o.concurrency,
    poolSize: o.poolSize,
    current: cur,
    currentPreparedStatements: curPrepared,
    proposed: prop,
    proposedPreparedStatements: prepared,
    proposedPreparedOverUnixSocket: propUnix,
    speedupCurrentPrepared: round(curPrepared.transactionsPerSecond / cur.transactionsPerSecond, 2),
    speedupProposed: round(prop.transactionsPerSecond / cur.transactionsPerSecond, 2),
    speedupProposedPrepared: round(prepared.transactionsPerSecond / cur.transactionsPerSecond, 2),
  };
}
