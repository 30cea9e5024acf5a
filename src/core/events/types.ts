import type { RegistrationStatus } from '../../db/schema';
import type { Attendee } from '../attendees/parse';

/** Units an event, a requirement or a broadcast is for; `withChildren` names parents with every unit below. */
export type UnitSelector =
  'all' | string[] | { categories?: string[]; codes?: string[]; withChildren?: string[] };

export interface AgendaInput {
  startsAt: Date;
  endsAt?: Date | null;
  title: string;
  presenter?: string | null;
  place?: string | null;
  isBreak?: boolean;
}

export interface EventInput {
  title: string;
  startsAt: Date;
  endsAt?: Date | null;
  venue?: string | null;
  mode?: string | null;
  onlinePoints?: string | null;
  registrationDeadline: Date;
  units: UnitSelector;
  quotaPerUnit?: number | null;
  agenda: AgendaInput[];
  /** The agenda table pasted from the plan (Phụ lục 2), placed on the event's day. */
  agendaText?: string;
  /** Local "HH:mm" the day before, or null for none. Default "17:00". */
  remindDayBefore?: string | null;
  /** Local "HH:mm" on the day, or null. Default "06:30". */
  remindMorningOf?: string | null;
  /** ISO duration before each session that is not a break, or null. Default "PT15M". */
  remindBeforeSession?: string | null;
}

export interface RegistrationView {
  unit: {
    code: string;
    name: string;
    category: string | null;
    order: number;
    /** The parent unit's name, when units form a tree. */
    parent: string | null;
  };
  status: RegistrationStatus;
  /** Why the unit declined, as it wrote it. */
  declineReason: string | null;
  late: boolean;
  attendees: Attendee[];
  updatedAt: string;
}
