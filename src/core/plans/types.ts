/**
 * What the extractor reads out of a plan: the draft an organizer reviews before anything is sent.
 * Instants are ISO strings (the draft is stored and served as JSON); dates of the document are
 * local date keys 'YYYY-MM-DD'. Every item carries a `key` (stable within its draft, so an edit or
 * an apply can name it) and the `source` sentence it was read from.
 */
import type { Recurrence } from '../time/recurrence';

export interface PlanDocument {
  /** "45/KH-UBND"; null when the plan leaves the number blank. */
  number: string | null;
  title: string | null;
  /** The issuing body as the plan names it ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP", "UBND thị xã Đức Phổ"). */
  issuer: string | null;
  /** 'YYYY-MM-DD'; null when the day is left blank. */
  issuedOn: string | null;
  /** "Đức Phổ" in "Đức Phổ, ngày 12 tháng 4 năm 2024". */
  place: string | null;
}

export interface DraftUnit {
  key: string;
  name: string;
  category: string | null;
  /** The unit this one belongs to ("… thuộc Tỉnh ủy"), by name. */
  parent: string | null;
  /** Code of the existing unit this name matches, when exactly one does. */
  existingCode: string | null;
  /** A collective ("Các sở, ban, ngành", "UBND các xã, phường") rather than one unit. */
  collective: boolean;
}

export interface DraftAgendaItem {
  startsAt: string;
  endsAt: string | null;
  title: string;
  presenter: string | null;
  isBreak: boolean;
}

export interface DraftEvent {
  key: string;
  title: string;
  /** Null when the plan gives no day ("Quý I năm 2022"): it cannot be created until one is set. */
  startsAt: string | null;
  endsAt: string | null;
  venue: string | null;
  mode: string | null;
  onlinePoints: string | null;
  agenda: DraftAgendaItem[];
  registrationDeadline: string | null;
  /** Invited units, by name. */
  units: string[];
  source: string;
}

export interface DraftRequirement {
  key: string;
  title: string;
  /** The (first) deadline; for a recurring requirement the first one after the plan's date. */
  deadline: string | null;
  /** The words the deadline was read from ("trước ngày 10/11/2024"). */
  deadlineText: string | null;
  recurrence: Recurrence | null;
  /** Units that must report, by name. */
  units: string[];
  /** Whom the report goes to ("Sở Thông tin và Truyền thông"). */
  to: string | null;
  source: string;
}

export interface DraftTask {
  key: string;
  title: string;
  /** Lead (chủ trì) units, by name. */
  lead: string[];
  /** Coordinating (phối hợp) units, by name. */
  support: string[];
  due: string | null;
  dueText: string | null;
  /** A repeating task ("hằng năm") or the check-in cadence of a standing one ("thường xuyên"). */
  recurrence: Recurrence | null;
  /** "Thường xuyên": no deadline, a periodic check-in. */
  standing: boolean;
  source: string;
}

export interface PlanContent {
  document: PlanDocument;
  units: DraftUnit[];
  events: DraftEvent[];
  requirements: DraftRequirement[];
  tasks: DraftTask[];
  warnings: string[];
}

export type DraftItemKind = 'unit' | 'event' | 'requirement' | 'task';
