/**
 * The heading block of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): issuing
 * body, "Số: 45/KH-UBND", "Đức Phổ, ngày 12 tháng 4 năm 2024", the document kind ("KẾ HOẠCH")
 * and its title ("Tổ chức lớp tập huấn …").
 */
import { toDateKey, daysInMonth } from '../time/format';
import type { PlanDocument } from './types';
import { type Line, trimPhrase, unspaced } from './text';

/** The line "KẾ HOẠCH" (or "KẾ HOẠCH <title>" in capitals), or -1 when the document is not a plan. */
export function planHeadingIndex(lines: Line[]): number {
  let khNumber: boolean | null = null;
  let romanAfter: number[] | null = null;
  for (const l of lines) {
    if (l.kind !== 'para') continue;
    const f = unspaced(l.fold);
    if (f === 'ke hoach' || f === 'kehoach') {
      // "KẾ HOẠCH" in capitals is the heading. Typed "Kế hoạch" (Word's capitals are a style)
      // it is one only in a document built like a plan: a "…/KH-…" number or sections I., II.
      if (l.text === l.text.toLocaleUpperCase('vi')) return l.index;
      khNumber ??= lines.some((x) => /(?:^|\s)so\s*:\s*[\d.]*\s*\/\s*kh/.test(x.fold));
      if (!romanAfter) {
        romanAfter = new Array<number>(lines.length + 1).fill(0);
        for (let i = lines.length - 1; i >= 0; i--)
          romanAfter[i] = romanAfter[i + 1]! + (lines[i]!.kind === 'roman' ? 1 : 0);
      }
      if (khNumber || romanAfter[l.index + 1]! >= 2) return l.index;
      continue;
    }
    if (/^ke hoach(?![a-z])/.test(f)) {
      // "KẾ HOẠCH HÀNH ĐỘNG …" in capitals is the heading; "Kế hoạch này…" in a sentence is not.
      const head = l.text.slice(0, 8);
      if (head === head.toLocaleUpperCase('vi') && l.text.length <= 300) return l.index;
    }
  }
  return -1;
}

const NATIONAL = /cong hoa xa hoi chu nghia viet nam|doc lap\s*-?\s*tu do\s*-?\s*hanh phuc/;
const LEVEL_START = /^(tinh|huyen|thi xa|thanh pho|quan|xa|phuong|thi tran|tp)(?![a-z])/;
/** Lines that open the preamble or the body, never the title ("Căn cứ…", "Thực hiện Kế hoạch số…"). */
const PREAMBLE =
  /^(?:can cu|\(|theo |tren co so|nham |de |qua |so\s*:|[ivx]+\.\s|phan [ivx]|(?:thuc hien|trien khai) (?:ke hoach|quyet dinh|van ban|chi thi|cong van|thong tu|nghi quyet|nghi dinh|chuong trinh|huong dan|y kien|chi dao|ket luan)[^,]{0,40}\bso\b|(?:uy ban nhan dan|ubnd|so|ban|phong)[^.]{0,80}\bban hanh ke hoach)/;

function isCaps(s: string): boolean {
  const letters = s.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toLocaleUpperCase('vi');
}

/** "41/KH - UBND" → "41/KH-UBND"; null when it has no number ("Số: /KH-UBND"). */
function readNumber(lines: Line[]): { number: string | null; raw: string | null } {
  for (const l of lines) {
    const m = /(?:^|\s)so\s*:\s*/.exec(l.fold);
    if (!m) continue;
    const rest = l.text.slice(m.index + m[0].length, m.index + m[0].length + 60);
    // "45/KH-UBND", "41/KH - UBND", "/KH-UBND" (left blank), "12/2024/KH-UBND"; never past a tab.
    const n =
      /^([\d.]*)[ ]*\/[ ]*((?:\d{4}[ ]*\/[ ]*)?[\p{L}\d]+(?:[ ]*[-–][ ]*[\p{L}\d]+){0,4})/u.exec(
        rest,
      );
    if (!n) continue;
    const compact = `${n[1]}/${n[2]!.replace(/[ ]*([/–-])[ ]*/g, '$1').replace(/–/g, '-')}`;
    return { number: n[1] ? compact : null, raw: compact };
  }
  return { number: null, raw: null };
}

/** "Đức Phổ, ngày 12 tháng 4 năm 2024" (day or month may be blank in a draft). */
function readPlaceDate(lines: Line[]): {
  place: string | null;
  issuedOn: string | null;
  year: number | null;
  month: number | null;
} {
  for (const l of lines) {
    const m = /(?:^|\s)ngay\s*(\d{1,2})?\s*thang\s*(\d{1,2})?\s*nam\s*(\d{4})/.exec(l.fold);
    if (!m) continue;
    const comma = l.text.lastIndexOf(',', m.index + 1);
    let place: string | null = null;
    if (comma > 0) {
      place = trimPhrase(l.text.slice(0, comma));
      // The heading block flattened on one line: keep the words after the motto.
      const motto = /hanh phuc/.exec(l.fold.slice(0, comma));
      if (motto) place = trimPhrase(l.text.slice(motto.index + motto[0].length, comma));
      if (!place || place.length > 40 || /\d/.test(place)) place = null;
    }
    const year = Number(m[3]);
    const month = m[2] ? Number(m[2]) : null;
    const day = m[1] ? Number(m[1]) : null;
    const issuedOn =
      day && month && month <= 12 && day <= daysInMonth(year, month)
        ? toDateKey(year, month, day)
        : null;
    return { place, issuedOn, year, month };
  }
  return { place: null, issuedOn: null, year: null, month: null };
}

/** Capitals above "Số:" and the national motto: "ỦY BAN NHÂN DÂN" + "TỈNH ĐỒNG THÁP" is one body. */
function readIssuerBlock(lines: Line[]): string | null {
  const bodies: string[] = [];
  for (const l of lines) {
    if (/(?:^|\s)so\s*:/.test(l.fold) || /ngay.*thang.*nam/.test(l.fold)) break;
    if (NATIONAL.test(l.fold)) continue;
    if (!isCaps(l.text) || l.text.length > 120) continue;
    const f = l.fold.trim();
    if (bodies.length && LEVEL_START.test(f)) bodies[bodies.length - 1] += ` ${l.text}`;
    else bodies.push(l.text);
  }
  return bodies.length ? bodies[bodies.length - 1]!.replace(/\s+/g, ' ').trim() : null;
}

/** The issuer as the body says it: "Trên đây là Kế hoạch … của UBND thị xã Đức Phổ", "UBND tỉnh X ban hành Kế hoạch". */
function issuerFromBody(lines: Line[], place: string | null): string | null {
  for (const l of lines) {
    if (!/^tren day la ke hoach/.test(l.bodyFold)) continue;
    const m =
      /\scua\s+((?:uy ban nhan dan|ubnd|so|ban|phong|trung tam|van phong|hoi dong)[^.;]{2,80})/.exec(
        l.fold,
      );
    if (m) return trimPhrase(l.text.slice(m.index + 5, m.index + m[0].length));
  }
  for (const l of lines) {
    const m =
      /(?:^|\.\s)((?:uy ban nhan dan|ubnd|so|ban|phong|trung tam)[^.;]{0,80}?)\s+ban hanh\s+ke hoach/.exec(
        l.fold,
      );
    if (!m) continue;
    const start = m.index + m[0].indexOf(m[1]!);
    let name = l.text.slice(start, start + m[1]!.length).replace(/\s*\([^)]*\)/g, '');
    name = trimPhrase(name.replace(/\s+/g, ' '));
    // "Ủy ban nhân dân Tỉnh" + the place of the heading block: the body's full name.
    if (
      place &&
      /(?:tinh|huyen|thi xa|thanh pho|xa|phuong)$/.test(
        name
          .toLowerCase()
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, ''),
      )
    )
      name = `${name.replace(/\s(\S+)$/, (_, w: string) => ` ${w.toLocaleLowerCase('vi')}`)} ${place}`;
    return name;
  }
  return null;
}

export interface Header {
  document: PlanDocument;
  /** The year dates without one belong to. */
  year: number;
  /** Index of the first line after the title. */
  bodyStart: number;
  /** "Số: /KH-UBND": a number left blank. */
  blankNumber: boolean;
}

/** The document's identity from the lines around the "KẾ HOẠCH" heading. */
export function readHeader(lines: Line[], headingAt: number, now: Date): Header {
  const head = lines.slice(0, headingAt + 1);
  const around = lines.slice(0, Math.min(lines.length, headingAt + 6));
  const { number, raw } = readNumber(around);
  const { place, issuedOn, year } = readPlaceDate(around);
  let issuer = readIssuerBlock(head.slice(0, -1));

  // The title: the rest of the heading line, then the lines below it until the preamble.
  const heading = lines[headingAt]!;
  const parts: string[] = [];
  const inline = heading.text.replace(
    /^\s*(?:K\s?Ế\s?H\s?O\s?Ạ\s?C\s?H|Kế hoạch|KẾ HOẠCH)\s*/u,
    '',
  );
  if (inline && inline !== heading.text) parts.push(inline);
  let i = headingAt + 1;
  for (; i < lines.length && parts.length < 4; i++) {
    const l = lines[i]!;
    if (/(?:^|\s)so\s*:/.test(l.fold) || /ngay.*thang.*nam \d{4}$/.test(l.fold)) continue;
    if (l.kind !== 'para' || PREAMBLE.test(l.fold) || l.text.length > 300) break;
    // A long sentence that ends like one is the preamble, not a title.
    if (l.text.length > 160 && /[.;:]$/.test(l.text)) break;
    parts.push(l.text);
    if (/[.;:]$/.test(l.text)) break;
  }
  let title = parts.join(' ').replace(/\s+/g, ' ').trim() || null;
  if (title) title = trimPhrase(title);

  const body = lines.slice(i);
  if (!issuer) issuer = issuerFromBody(body, place);

  const titleYear = title
    ? /(?:nam|giai doan)\s+(?:\d{4}\s*-\s*)?(\d{4})/.exec(
        title
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .replace(/đ/g, 'd')
          .toLowerCase(),
      )
    : null;
  const planYear = year ?? (titleYear ? Number(titleYear[1]) : null) ?? now.getUTCFullYear();

  return {
    document: { number, title, issuer, issuedOn, place },
    year: planYear,
    bodyStart: i,
    blankNumber: number === null && raw !== null,
  };
}
