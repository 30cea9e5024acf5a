import { sql, type Kysely } from 'kysely';

/**
 * Plans imported as drafts (reviewed, then applied once: each applied item is recorded), the
 * tasks they assign with their lead/coordinating units and the units' progress reports, and the
 * files units send, fetched from the platform after the message and kept in Postgres below a
 * size limit (FILE_STORE_MAX_BYTES) for the organizers' zip.
 */
const up_statements = [
  `CREATE TABLE plan_drafts (
     id serial PRIMARY KEY,
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'applied')),
     source_kind text NOT NULL CHECK (source_kind IN ('text', 'docx', 'pdf')),
     file_name text,
     source_text text NOT NULL,
     content jsonb NOT NULL,
     created_by text,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     applied_at timestamptz)`,

  `CREATE TABLE plan_applied_items (
     plan_id integer NOT NULL REFERENCES plan_drafts(id) ON DELETE CASCADE,
     item_key text NOT NULL,
     kind text NOT NULL CHECK (kind IN ('unit', 'event', 'requirement', 'task')),
     target_id integer,
     created boolean NOT NULL,
     detail jsonb NOT NULL DEFAULT '{}',
     applied_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (plan_id, item_key))`,

  `CREATE TABLE tasks (
     id serial PRIMARY KEY,
     plan_id integer REFERENCES plan_drafts(id) ON DELETE SET NULL,
     title text NOT NULL,
     source text,
     source_plan text,
     due_at timestamptz,
     due_text text,
     recurrence jsonb,
     standing boolean NOT NULL DEFAULT false,
     progress integer CHECK (progress BETWEEN 0 AND 100),
     completed_at timestamptz,
     last_report_at timestamptz,
     status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX tasks_plan_idx ON tasks (plan_id)`,

  `CREATE TABLE task_units (
     task_id integer NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
     unit_id integer NOT NULL REFERENCES units(id) ON DELETE CASCADE,
     role text NOT NULL CHECK (role IN ('lead', 'support')),
     PRIMARY KEY (task_id, unit_id))`,
  `CREATE INDEX task_units_unit_idx ON task_units (unit_id)`,

  `CREATE TABLE task_reports (
     id serial PRIMARY KEY,
     task_id integer NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
     unit_id integer REFERENCES units(id) ON DELETE SET NULL,
     chat_id integer REFERENCES chats(id) ON DELETE SET NULL,
     sender_name text,
     text text,
     progress integer CHECK (progress BETWEEN 0 AND 100),
     done boolean NOT NULL DEFAULT false,
     document_number text,
     files jsonb NOT NULL DEFAULT '[]',
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX task_reports_task_idx ON task_reports (task_id, created_at)`,

  `CREATE TABLE stored_files (
     id serial PRIMARY KEY,
     campaign_id integer REFERENCES campaigns(id) ON DELETE CASCADE,
     task_report_id integer REFERENCES task_reports(id) ON DELETE CASCADE,
     unit_id integer REFERENCES units(id) ON DELETE SET NULL,
     platform text NOT NULL,
     file_id text NOT NULL,
     file_name text,
     mime_type text,
     size bigint,
     state text NOT NULL DEFAULT 'pending'
       CHECK (state IN ('pending', 'stored', 'too_large', 'failed', 'unavailable')),
     data bytea,
     attempts integer NOT NULL DEFAULT 0,
     error text,
     created_at timestamptz NOT NULL DEFAULT now(),
     fetched_at timestamptz,
     CHECK ((campaign_id IS NULL) <> (task_report_id IS NULL)))`,
  `CREATE UNIQUE INDEX stored_files_campaign_uniq ON stored_files (campaign_id, unit_id, file_id)
     WHERE campaign_id IS NOT NULL`,
  `CREATE UNIQUE INDEX stored_files_report_uniq ON stored_files (task_report_id, file_id)
     WHERE task_report_id IS NOT NULL`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const s of up_statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'stored_files',
    'task_reports',
    'task_units',
    'tasks',
    'plan_applied_items',
    'plan_drafts',
  ])
    await sql.raw(`DROP TABLE IF EXISTS ${t}`).execute(db);
}
