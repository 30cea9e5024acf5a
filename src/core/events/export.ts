import type { EventRow } from '../../db/schema';
import type { RegistrationSheetInput } from '../../export/registrations';
import { formatDateTime } from '../time/format';
import type { RegistrationView } from './types';

/** The registration list as the spreadsheet/CSV builders want it, in the plan's order. */
export function registrationSheet(
  e: EventRow,
  regs: RegistrationView[],
  tz: string,
): RegistrationSheetInput {
  return {
    title: e.title,
    subtitle: `${formatDateTime(e.starts_at, tz)}${e.venue ? ` — ${e.venue}` : ''}`,
    rows: regs.map((r) => ({
      category: r.unit.category,
      order: r.unit.order,
      unitName: r.unit.name,
      status: r.status,
      late: r.late,
      parentName: r.unit.parent,
      declineReason: r.declineReason,
      attendees: r.attendees,
    })),
  };
}
