/**
 * What a unit says about a task in chat: "đã hoàn thành nhiệm vụ 3", "nhiệm vụ số 5 đang triển
 * khai, đạt 70%", "NV 12: xong", "#4 hoàn thành", with the report's number ("Báo cáo số
 * 45/BC-UBND"). Pure, linear, on folded text.
 */
import { fold } from '../text/normalize';

export interface TaskUpdate {
  /** The task number the message names, if any. */
  taskNumber: number | null;
  done: boolean;
  progress: number | null;
  /** "đang triển khai", "đang thực hiện": in progress without a figure. */
  working: boolean;
  /** The message says "nhiệm vụ"/"NV": it is about a task even without a number. */
  aboutTask: boolean;
}

const NUMBER =
  /(?<![a-z])(?:nhiem vu|nv|cong viec)\s*(?:so\s*)?#?\s*(\d{1,7})(?!\d)|(?:^|\s)#(\d{1,7})(?!\d)/;
const DONE =
  /(?<![a-z])(?:da|vua|em da|don vi da)\s+(?:hoan thanh|hoan tat|thuc hien xong|trien khai xong|lam xong|xong)(?![a-z])|(?<![a-z])(?:hoan thanh|xong)\s*(?:roi|100\s*%)|^(?:xong|hoan thanh)(?:\s|$)|100\s*%/;
const NOT_DONE =
  /(?<![a-z])(?:chua|chua the|khong the|se|sap|dang)\s+(?:hoan thanh|xong)(?![a-z])|\?/;
const PERCENT = /(?<![\d.,])(\d{1,3})(?:[.,]\d+)?\s*%/;
const WORKING = /(?<![a-z])dang\s+(?:trien khai|thuc hien|lam|xu ly|tien hanh|hoan thien)(?![a-z])/;

export function parseTaskUpdate(text: string): TaskUpdate {
  const f = fold(text.slice(0, 2000)).replace(/[.,;:!]+(?=\s|$)/g, ' ');
  const n = NUMBER.exec(f);
  const p = PERCENT.exec(f);
  const progress = p ? Math.min(100, Number(p[1])) : null;
  const done = (DONE.test(f) && !NOT_DONE.test(f)) || progress === 100;
  return {
    taskNumber: n ? Number(n[1] ?? n[2]) : null,
    done,
    progress: done ? 100 : progress,
    working: WORKING.test(f),
    aboutTask: /(?<![a-z])(?:nhiem vu|nv)(?![a-z])/.test(f),
  };
}

/** "Báo cáo số 45/BC-UBND", "CV số 123/UBND-VX", "số: 12/BC-PVHTT" → the document number. */
export function documentNumberIn(text: string): string | null {
  const m =
    /(?:^|[\s(])(?:số|so)\s*:?\s*(\d{1,6}\s*\/\s*[\p{L}\d]+(?:\s*[-–.]\s*[\p{L}\d]+){0,4})/iu.exec(
      text.slice(0, 2000),
    );
  return m ? m[1]!.replace(/\s+/g, '').replace(/–/g, '-') : null;
}

/** "ngày 12/11/2024", "ngày 12 tháng 11 năm 2024" → 'YYYY-MM-DD' of the document, if stated. */
export function documentDateIn(text: string): string | null {
  const f = fold(text.slice(0, 2000));
  const m =
    /ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})/.exec(f) ??
    /ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})/.exec(f);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 2000 || y > 2100) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
