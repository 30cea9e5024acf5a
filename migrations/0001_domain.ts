import { sql, type Kysely } from 'kysely';

/**
 * The whole domain of DESIGN.md in one migration. Plain SQL (one statement per entry) so
 * it reads like the schema it is and runs the same on PGlite and Postgres.
 */
const up_statements = [
  `CREATE TABLE settings (
     key text PRIMARY KEY,
     value jsonb NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now())`,

  `CREATE TABLE units (
     id serial PRIMARY KEY,
     code text NOT NULL UNIQUE,
     name text NOT NULL,
     name_key text NOT NULL,
     category text,
     sort_order integer NOT NULL DEFAULT 0,
     join_code text NOT NULL UNIQUE,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX units_category_idx ON units (category, sort_order)`,

  `CREATE TABLE chats (
     id serial PRIMARY KEY,
     platform text NOT NULL,
     external_id text NOT NULL,
     title text,
     role text CHECK (role IN ('unit', 'organizer')),
     unit_id integer REFERENCES units(id) ON DELETE SET NULL,
     active boolean NOT NULL DEFAULT true,
     linked_at timestamptz,
     linked_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (platform, external_id),
     CHECK ((role = 'unit') = (unit_id IS NOT NULL)))`,
  `CREATE INDEX chats_unit_idx ON chats (unit_id) WHERE active`,

  `CREATE TABLE people (
     id serial PRIMARY KEY,
     platform text NOT NULL,
     external_id text NOT NULL,
     display_name text NOT NULL,
     private_chat_id text,
     last_seen_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (platform, external_id))`,

  `CREATE TABLE chat_members (
     chat_id integer NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
     person_id integer NOT NULL REFERENCES people(id) ON DELETE CASCADE,
     last_seen_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (chat_id, person_id))`,

  `CREATE TABLE events (
     id serial PRIMARY KEY,
     title text NOT NULL,
     starts_at timestamptz NOT NULL,
     ends_at timestamptz,
     venue text,
     mode text,
     online_points text,
     registration_deadline timestamptz NOT NULL,
     quota_per_unit integer,
     remind_day_before text,
     remind_morning_of text,
     remind_before_session text,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,

  `CREATE TABLE agenda_items (
     id serial PRIMARY KEY,
     event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
     position integer NOT NULL,
     starts_at timestamptz NOT NULL,
     ends_at timestamptz,
     title text NOT NULL,
     presenter text,
     place text,
     is_break boolean NOT NULL DEFAULT false)`,
  `CREATE INDEX agenda_items_event_idx ON agenda_items (event_id, position)`,

  `CREATE TABLE registrations (
     id serial PRIMARY KEY,
     event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
     unit_id integer NOT NULL REFERENCES units(id) ON DELETE CASCADE,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'registered', 'declined')),
     late boolean NOT NULL DEFAULT false,
     note text,
     updated_by text,
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (event_id, unit_id))`,

  `CREATE TABLE attendees (
     id serial PRIMARY KEY,
     registration_id integer NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
     position integer NOT NULL,
     name text NOT NULL,
     title text,
     phone text)`,
  `CREATE INDEX attendees_registration_idx ON attendees (registration_id, position)`,

  `CREATE TABLE campaigns (
     id serial PRIMARY KEY,
     series_id integer REFERENCES campaigns(id),
     title text NOT NULL,
     source_plan text,
     period_label text,
     deadline timestamptz NOT NULL,
     recurrence jsonb,
     remind_before jsonb NOT NULL,
     chase_every text,
     at_time text NOT NULL DEFAULT '08:00',
     working_days_only boolean NOT NULL DEFAULT true,
     quiet_hours jsonb,
     max_chases integer,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed', 'cancelled')),
     created_at timestamptz NOT NULL DEFAULT now())`,

  `CREATE TABLE campaign_units (
     campaign_id integer NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
     unit_id integer NOT NULL REFERENCES units(id) ON DELETE CASCADE,
     extended_until timestamptz,
     excused boolean NOT NULL DEFAULT false,
     excuse_note text,
     chase_count integer NOT NULL DEFAULT 0,
     PRIMARY KEY (campaign_id, unit_id))`,

  `CREATE TABLE submissions (
     id serial PRIMARY KEY,
     campaign_id integer NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
     unit_id integer NOT NULL REFERENCES units(id) ON DELETE CASCADE,
     submitted_at timestamptz NOT NULL,
     late boolean NOT NULL,
     text text,
     files jsonb NOT NULL DEFAULT '[]',
     sender_name text,
     chat_id integer REFERENCES chats(id) ON DELETE SET NULL,
     revisions integer NOT NULL DEFAULT 1,
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (campaign_id, unit_id))`,

  `CREATE TABLE broadcasts (
     id serial PRIMARY KEY,
     text text NOT NULL,
     target jsonb NOT NULL,
     status text NOT NULL DEFAULT 'sending' CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
     created_by text,
     organizer_chat_id integer REFERENCES chats(id) ON DELETE SET NULL,
     progress_message_id text,
     created_at timestamptz NOT NULL DEFAULT now(),
     confirmed_at timestamptz)`,

  `CREATE TABLE outbox (
     id bigserial PRIMARY KEY,
     platform text NOT NULL,
     chat_external_id text NOT NULL,
     chat_id integer REFERENCES chats(id) ON DELETE SET NULL,
     payload jsonb NOT NULL,
     purpose text NOT NULL,
     ref text,
     broadcast_id integer REFERENCES broadcasts(id) ON DELETE SET NULL,
     state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
     priority smallint NOT NULL DEFAULT 1,
     attempts integer NOT NULL DEFAULT 0,
     not_before timestamptz NOT NULL DEFAULT now(),
     lease_until timestamptz,
     locked_by text,
     platform_message_id text,
     error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     sent_at timestamptz)`,
  `CREATE INDEX outbox_due_idx ON outbox (platform, priority, not_before, id) WHERE state IN ('queued', 'sending')`,
  `CREATE INDEX outbox_broadcast_idx ON outbox (broadcast_id) WHERE broadcast_id IS NOT NULL`,
  `CREATE INDEX outbox_reply_idx ON outbox (platform, chat_external_id, platform_message_id) WHERE platform_message_id IS NOT NULL`,

  `CREATE TABLE processed_updates (
     platform text NOT NULL,
     update_key text NOT NULL,
     processed_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (platform, update_key))`,

  `CREATE TABLE scheduled_jobs (
     id bigserial PRIMARY KEY,
     key text NOT NULL UNIQUE,
     kind text NOT NULL,
     event_id integer REFERENCES events(id) ON DELETE CASCADE,
     campaign_id integer REFERENCES campaigns(id) ON DELETE CASCADE,
     due_at timestamptz NOT NULL,
     payload jsonb NOT NULL DEFAULT '{}',
     state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'skipped', 'cancelled')),
     done_at timestamptz,
     note text,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX scheduled_jobs_due_idx ON scheduled_jobs (due_at) WHERE state = 'pending'`,

  `CREATE TABLE pending_prompts (
     id serial PRIMARY KEY,
     chat_id integer NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
     kind text NOT NULL,
     payload jsonb NOT NULL,
     expires_at timestamptz NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX pending_prompts_chat_idx ON pending_prompts (chat_id, kind)`,

  `CREATE TABLE leases (
     name text PRIMARY KEY,
     holder text NOT NULL,
     expires_at timestamptz NOT NULL)`,

  `CREATE TABLE login_tokens (
     token_hash text PRIMARY KEY,
     person_label text NOT NULL,
     expires_at timestamptz NOT NULL,
     used_at timestamptz)`,

  `CREATE TABLE sessions (
     id_hash text PRIMARY KEY,
     csrf text NOT NULL,
     label text NOT NULL,
     expires_at timestamptz NOT NULL)`,

  `CREATE TABLE calendar_overrides (
     date_key text PRIMARY KEY,
     kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
     note text)`,

  `CREATE TABLE attempts (
     key text NOT NULL,
     at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX attempts_key_idx ON attempts (key, at)`,

  `CREATE TABLE audit_log (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     actor text NOT NULL,
     action text NOT NULL,
     details jsonb NOT NULL DEFAULT '{}')`,
];

const tables = [
  'audit_log',
  'attempts',
  'calendar_overrides',
  'sessions',
  'login_tokens',
  'leases',
  'pending_prompts',
  'scheduled_jobs',
  'processed_updates',
  'outbox',
  'broadcasts',
  'submissions',
  'campaign_units',
  'campaigns',
  'attendees',
  'registrations',
  'agenda_items',
  'events',
  'chat_members',
  'people',
  'chats',
  'units',
  'settings',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of tables) await sql.raw(`DROP TABLE IF EXISTS ${table} CASCADE`).execute(db);
}
