import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Generated<Date>;
}

export interface UnitsTable {
  id: Generated<number>;
  code: string;
  name: string;
  name_key: string;
  category: string | null;
  /** The unit this one reports through (a commune's district); null at the top. */
  parent_id: number | null;
  sort_order: Generated<number>;
  join_code: string;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ChatsTable {
  id: Generated<number>;
  platform: string;
  external_id: string;
  title: string | null;
  role: 'unit' | 'organizer' | null;
  unit_id: number | null;
  active: Generated<boolean>;
  linked_at: Timestamp | null;
  linked_by: string | null;
  created_at: CreatedAt;
}

export interface PeopleTable {
  id: Generated<number>;
  platform: string;
  external_id: string;
  display_name: string;
  private_chat_id: string | null;
  last_seen_at: Generated<Date>;
}

export interface ChatMembersTable {
  chat_id: number;
  person_id: number;
  last_seen_at: Generated<Date>;
}

export interface EventsTable {
  id: Generated<number>;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  venue: string | null;
  mode: string | null;
  online_points: string | null;
  registration_deadline: Timestamp;
  quota_per_unit: number | null;
  remind_day_before: string | null;
  remind_morning_of: string | null;
  remind_before_session: string | null;
  status: Generated<'active' | 'cancelled'>;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface AgendaItemsTable {
  id: Generated<number>;
  event_id: number;
  position: number;
  starts_at: Timestamp;
  ends_at: Timestamp | null;
  title: string;
  presenter: string | null;
  place: string | null;
  is_break: Generated<boolean>;
}

export type RegistrationStatus = 'pending' | 'registered' | 'declined' | 'withdrawn';

export interface RegistrationsTable {
  id: Generated<number>;
  event_id: number;
  unit_id: number;
  status: Generated<RegistrationStatus>;
  late: Generated<boolean>;
  note: string | null;
  updated_by: string | null;
  updated_at: Generated<Date>;
  /** Why the unit declined ("do trùng lịch"), as it wrote it. */
  decline_reason: string | null;
  /** How many people the message said it sends ("cử 02 đ/c"), when it said so. */
  stated_count: number | null;
  /** The group the last change came from. */
  acted_from_chat_id: number | null;
  /** The unit whose group acted, when it acted for this unit (a district for its commune). */
  acting_unit_id: number | null;
}

export interface AttendeesTable {
  id: Generated<number>;
  registration_id: number;
  position: number;
  name: string;
  title: string | null;
  phone: string | null;
}

export interface CampaignsTable {
  id: Generated<number>;
  series_id: number | null;
  title: string;
  source_plan: string | null;
  period_label: string | null;
  deadline: Timestamp;
  recurrence: Json<unknown> | null;
  remind_before: Json<string[]>;
  chase_every: string | null;
  at_time: Generated<string>;
  working_days_only: Generated<boolean>;
  quiet_hours: Json<{ from: string; to: string }> | null;
  max_chases: number | null;
  status: Generated<'active' | 'closed' | 'cancelled'>;
  created_at: CreatedAt;
}

export interface CampaignUnitsTable {
  campaign_id: number;
  unit_id: number;
  extended_until: Timestamp | null;
  excused: Generated<boolean>;
  excuse_note: string | null;
  chase_count: Generated<number>;
}

export interface SubmissionFile {
  kind: string;
  fileId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
}

export interface SubmissionsTable {
  id: Generated<number>;
  campaign_id: number;
  unit_id: number;
  submitted_at: Timestamp;
  late: boolean;
  text: string | null;
  files: Json<SubmissionFile[]>;
  sender_name: string | null;
  chat_id: number | null;
  revisions: Generated<number>;
  updated_at: Generated<Date>;
  /** The document number the unit gave ("45/BC-UBND") and its date (YYYY-MM-DD). */
  doc_number: string | null;
  doc_date: string | null;
  /** The unit whose group reported, when it reported for this unit. */
  acting_unit_id: number | null;
}

export interface BroadcastsTable {
  id: Generated<number>;
  text: string;
  target: Json<unknown>;
  status: Generated<'draft' | 'sending' | 'done' | 'cancelled'>;
  created_by: string | null;
  organizer_chat_id: number | null;
  progress_message_id: string | null;
  created_at: CreatedAt;
  confirmed_at: Timestamp | null;
}

export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  platform: string;
  chat_external_id: string;
  chat_id: number | null;
  payload: Json<unknown>;
  purpose: string;
  ref: string | null;
  broadcast_id: number | null;
  state: Generated<OutboxState>;
  /** 0: answers to someone waiting in the chat; 1: scheduled and bulk messages. */
  priority: Generated<number>;
  attempts: Generated<number>;
  not_before: ColumnType<Date, Date | string | undefined, Date | string>;
  lease_until: Timestamp | null;
  locked_by: string | null;
  platform_message_id: string | null;
  error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
  /** The payload holds a secret (a login link): blanked once sent. */
  sensitive: Generated<boolean>;
}

export interface ProcessedUpdatesTable {
  platform: string;
  update_key: string;
  processed_at: Generated<Date>;
}

export type JobState = 'pending' | 'done' | 'skipped' | 'cancelled';

export interface ScheduledJobsTable {
  id: Generated<number>;
  key: string;
  kind: string;
  event_id: number | null;
  campaign_id: number | null;
  due_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  state: Generated<JobState>;
  done_at: Timestamp | null;
  note: string | null;
  created_at: CreatedAt;
}

export interface PendingPromptsTable {
  id: Generated<number>;
  chat_id: number;
  kind: string;
  payload: Json<Record<string, unknown>>;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

export interface LoginTokensTable {
  token_hash: string;
  person_label: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  csrf: string;
  label: string;
  expires_at: Timestamp;
  /** 'sandbox': made while the open sandbox ran (no platform); refused once a platform is configured. */
  mode: Generated<'platform' | 'sandbox'>;
}

export interface CalendarOverridesTable {
  date_key: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export interface AttemptsTable {
  key: string;
  at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor: string;
  action: string;
  details: Json<Record<string, unknown>>;
}

export interface ZaloGroupCursorsTable {
  account_key: string;
  group_id: string;
  last_msg_id: string;
  last_ts: Timestamp;
  updated_at: Generated<Date>;
}

export interface PlanDraftsTable {
  id: Generated<number>;
  status: Generated<'draft' | 'applied'>;
  source_kind: 'text' | 'docx' | 'pdf';
  file_name: string | null;
  source_text: string;
  content: Json<unknown>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
  applied_at: Timestamp | null;
}

export interface PlanAppliedItemsTable {
  plan_id: number;
  item_key: string;
  kind: 'unit' | 'event' | 'requirement' | 'task';
  target_id: number | null;
  created: boolean;
  detail: Json<Record<string, unknown>>;
  applied_at: Generated<Date>;
}

export interface TasksTable {
  id: Generated<number>;
  plan_id: number | null;
  title: string;
  source: string | null;
  source_plan: string | null;
  due_at: Timestamp | null;
  due_text: string | null;
  recurrence: Json<unknown> | null;
  standing: Generated<boolean>;
  progress: number | null;
  completed_at: Timestamp | null;
  last_report_at: Timestamp | null;
  status: Generated<'active' | 'cancelled'>;
  created_at: CreatedAt;
}

export interface TaskUnitsTable {
  task_id: number;
  unit_id: number;
  role: 'lead' | 'support';
}

export interface TaskReportsTable {
  id: Generated<number>;
  task_id: number;
  unit_id: number | null;
  chat_id: number | null;
  sender_name: string | null;
  text: string | null;
  progress: number | null;
  done: Generated<boolean>;
  document_number: string | null;
  files: Json<SubmissionFile[]>;
  created_at: CreatedAt;
}

export type StoredFileState = 'pending' | 'stored' | 'too_large' | 'failed' | 'unavailable';

export interface StoredFilesTable {
  id: Generated<number>;
  campaign_id: number | null;
  task_report_id: number | null;
  unit_id: number | null;
  platform: string;
  file_id: string;
  file_name: string | null;
  mime_type: string | null;
  size: ColumnType<string | number | null, number | null | undefined, number | null>;
  state: Generated<StoredFileState>;
  data: Uint8Array | null;
  attempts: Generated<number>;
  error: string | null;
  created_at: CreatedAt;
  fetched_at: Timestamp | null;
}

export interface Database {
  settings: SettingsTable;
  units: UnitsTable;
  chats: ChatsTable;
  people: PeopleTable;
  chat_members: ChatMembersTable;
  events: EventsTable;
  agenda_items: AgendaItemsTable;
  registrations: RegistrationsTable;
  attendees: AttendeesTable;
  campaigns: CampaignsTable;
  campaign_units: CampaignUnitsTable;
  submissions: SubmissionsTable;
  broadcasts: BroadcastsTable;
  outbox: OutboxTable;
  processed_updates: ProcessedUpdatesTable;
  scheduled_jobs: ScheduledJobsTable;
  pending_prompts: PendingPromptsTable;
  leases: LeasesTable;
  login_tokens: LoginTokensTable;
  sessions: SessionsTable;
  calendar_overrides: CalendarOverridesTable;
  attempts: AttemptsTable;
  audit_log: AuditLogTable;
  zalo_group_cursors: ZaloGroupCursorsTable;
  plan_drafts: PlanDraftsTable;
  plan_applied_items: PlanAppliedItemsTable;
  tasks: TasksTable;
  task_units: TaskUnitsTable;
  task_reports: TaskReportsTable;
  stored_files: StoredFilesTable;
}

export type Unit = Selectable<UnitsTable>;
export type Chat = Selectable<ChatsTable>;
export type EventRow = Selectable<EventsTable>;
export type AgendaItem = Selectable<AgendaItemsTable>;
export type Campaign = Selectable<CampaignsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type PlanDraftRow = Selectable<PlanDraftsTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewOutbox = Insertable<OutboxTable>;
