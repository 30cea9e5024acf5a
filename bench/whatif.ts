/**
 * What-if for figure 1 (run when the inbound aim is missed): the database side of one
 * registration reply, replayed with node-postgres alone (no HTTP, Kysely or parser) as named
 * prepared statements on the inbound schema, in two shapes:
 *
 *   today    — what handleInbound + the invitation handler send: BEGIN, one CTE for update key,
 *              chat, person, membership and unit that also reads the replied-to event and
 *              registration, one CTE for attendees, registration, audit and the reply's outbox
 *              row, COMMIT;
 *   oneWrite — the floor of any design that keeps exactly-once: one read (duplicate check, chat,
 *              person, unit, event, registration) and one autocommit write that claims the update
 *              key (a plain INSERT: a duplicate fails the whole statement) with every effect as a
 *              CTE. No BEGIN/COMMIT round trips.
 *
 * Both over TCP like the service, and oneWrite also over the local Unix socket. Same rows touched,
 * same concurrency and pool size as the service. Beside raw single-row inserts in the same run,
 * they bound what any rewrite of the hot path could reach on this machine.
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

const q = (c: pg.PoolClient, name: string, text: string, values: unknown[]) =>
  c.query({ name, text, values });

/** The replied-to invitation's event and the unit's registration, in one join (SQL for each input). */
const target = (chat: string, message: string, unit: string) =>
  `SELECT e.id AS event_id, e.title, e.starts_at, e.registration_deadline, e.quota_per_unit, e.status, r.id AS reg_id, r.late
  FROM outbox o
  JOIN events e ON e.id = split_part(o.ref, ':', 2)::int
  JOIN registrations r ON r.event_id = e.id AND r.unit_id = ${unit}
  WHERE o.platform = 'telegram' AND o.chat_external_id = ${chat} AND o.platform_message_id = ${message} AND o.ref LIKE 'event:%'`;

/** The registration's effects as CTEs: attendees replaced, registration updated, audit row. */
const EFFECTS = `del AS (DELETE FROM attendees WHERE registration_id = $1),
  ins AS (INSERT INTO attendees (registration_id, position, name, title, phone)
          SELECT $1, a.position, a.name, a.title, a.phone FROM jsonb_to_recordset($2::jsonb) AS a(position int, name text, title text, phone text)),
  upd AS (UPDATE registrations SET status = 'registered', late = false, updated_by = $3, updated_at = now() WHERE id = $1),
  aud AS (INSERT INTO audit_log (actor, action, details) VALUES ($4, 'registration', $5))`;
const REPLY_ROW = `INSERT INTO outbox (platform, chat_external_id, chat_id, payload, purpose, ref, priority) VALUES ('telegram', $6, $7, $8, 'reply', $9, 0) RETURNING id`;

function effectValues(
  t: Target,
  user: { id: string; name: string },
  head: { chat_id: number; code: string },
  target: { event_id: number; reg_id: number },
): unknown[] {
  return [
    target.reg_id,
    JSON.stringify(ATTENDEES),
    user.name,
    `telegram:${user.id}`,
    JSON.stringify({ event: target.event_id, unit: head.code, count: 2, mode: 'replace' }),
    t.chatId,
    head.chat_id,
    JSON.stringify(REPLY),
    `event:${target.event_id}`,
  ];
}

function todayShape(): Shape {
  return async (c, t, user, key) => {
    await c.query('BEGIN');
    try {
      const head = (
        await q(
          c,
          'whatif-today-head',
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
             ON CONFLICT (chat_id, person_id) DO UPDATE SET last_seen_at = now()
               WHERE chat_members.last_seen_at < now() - interval '1 hour')
           SELECT chat.id AS chat_id, chat.role, chat.active, person.id AS person_id, u.id AS unit_id, u.code, u.name,
                  x.event_id, x.reg_id
           FROM chat CROSS JOIN person LEFT JOIN units u ON u.id = chat.unit_id
           LEFT JOIN LATERAL (${target('$2', "'1'", 'u.id')}) x ON true`,
          [key, t.chatId, t.title, user.id, user.name],
        )
      ).rows[0] as
        | { chat_id: number; unit_id: number; code: string; event_id: number; reg_id: number }
        | undefined;
      if (!head) throw new Error('duplicate update in what-if');
      await q(
        c,
        'whatif-today-register',
        `WITH ${EFFECTS} ${REPLY_ROW}`,
        effectValues(t, user, head, head),
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    }
  };
}

function oneWriteShape(): Shape {
  return async (c, t, user, key) => {
    // Read: was it handled, who is speaking, where, and what the reply answers.
    const head = (
      await q(
        c,
        'whatif-one-read',
        `SELECT ch.id AS chat_id, ch.title, p.id AS person_id, p.display_name, u.id AS unit_id, u.code,
                EXISTS (SELECT 1 FROM processed_updates WHERE platform = 'telegram' AND update_key = $1) AS seen,
                x.event_id, x.reg_id
           FROM chats ch
           JOIN people p ON p.platform = 'telegram' AND p.external_id = $3
           LEFT JOIN units u ON u.id = ch.unit_id
           LEFT JOIN LATERAL (${target('$2', "'1'", 'u.id')}) x ON true
          WHERE ch.platform = 'telegram' AND ch.external_id = $2`,
        [key, t.chatId, user.id],
      )
    ).rows[0] as
      | {
          chat_id: number;
          person_id: number;
          code: string;
          seen: boolean;
          event_id: number;
          reg_id: number;
        }
      | undefined;
    if (!head || head.seen) throw new Error('unknown chat or duplicate update in what-if');
    // Write: the claim (a duplicate key fails the whole statement) and every effect, atomically.
    await q(
      c,
      'whatif-one-write',
      `WITH claimed AS (INSERT INTO processed_updates (platform, update_key) VALUES ('telegram', $10)),
       seen AS (UPDATE people SET last_seen_at = now() WHERE id = $11),
       ${EFFECTS} ${REPLY_ROW}`,
      [...effectValues(t, user, head, head), key, head.person_id],
    );
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
    nodeSystemCpuMsPerTransaction: round(cpu.system / 1000 / o.count, 3),
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
  const today = await replay(o.url, o.schema, todayShape(), 'today', o);
  const oneWrite = await replay(o.url, o.schema, oneWriteShape(), 'one-write', o);
  const unix = unixSocketUrl(o.url);
  const oneWriteUnix = unix
    ? await replay(unix, o.schema, oneWriteShape(), 'one-write-unix', o)
    : null;
  return {
    what: 'database side of one registration reply, replayed with node-postgres only (no HTTP, Kysely, parser) as prepared statements; same rows, same concurrency and pool',
    concurrency: o.concurrency,
    poolSize: o.poolSize,
    today,
    oneWrite,
    oneWriteOverUnixSocket: oneWriteUnix,
  };
}
