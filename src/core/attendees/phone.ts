/**
 * Vietnamese phone numbers as typed in chat: "0912 345 678", "0912.345.678", "+84 912 345 678",
 * "(+84) 918…", "84912345678", landlines "0277 3851 234", with an optional label
 * (ĐT, SĐT, Đt:, điện thoại, dđ, Tel…). Stored as digits starting with 0.
 */

const LABEL_WORD =
  String.raw`(?:số\s*)?(?:điện\s*thoại(?:\s*di\s*động)?|đi[ệe]n\s*tho[ạa]i|dien\s*thoai|di\s*động|đt\s*dđ|đtdđ|` +
  String.raw`sđt|sdt|số\s*đt|đt|dt|dđ|dd|tel|phone|mobile|mobi|zalo|hotline)`;
/** One label or several joined ("SĐT/Zalo:"), with an optional "liên hệ" and colon. */
const LABEL = String.raw`(?:${LABEL_WORD}(?:\s*[/,&]\s*${LABEL_WORD})*\s*(?:liên\s*hệ\s*)?[:.]?\s*)`;
const SEP = String.raw`[\s.\-]?`;
/** Mobile (0 + 9 digits), landline (02x + 8 digits) and the same with the 84 country code. */
const NUMBER =
  String.raw`(?:0${SEP}2(?:${SEP}\d){9}|0${SEP}[35789](?:${SEP}\d){8}|` +
  String.raw`(?:\(\s*\+?\s*84\s*\)|\+\s?84|84)${SEP}(?:2(?:${SEP}\d){9}|[35789](?:${SEP}\d){8}))`;

/** Finds labelled or bare phone numbers; `g` flag, so reset lastIndex or use matchAll. */
export const PHONE_RE = new RegExp(
  String.raw`(?<![\p{L}\p{M}\d])${LABEL}?(${NUMBER})(?!\d)`,
  'giu',
);

/** "+84 912 345 678" → "0912345678"; undefined when the digits are not a Vietnamese number. */
export function normalizePhone(raw: string): string | undefined {
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12))
    digits = '0' + digits.slice(2);
  if (/^0[35789]\d{8}$/.test(digits) || /^02\d{9}$/.test(digits)) return digits;
  return undefined;
}

/** A mobile number (the attendee's own), as opposed to an office landline (02…). */
export function isMobile(normalized: string): boolean {
  return /^0[35789]\d{8}$/.test(normalized);
}
