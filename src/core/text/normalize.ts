/**
 * Text folding for matching what people type on phones against stored names.
 * Users mix NFC and decomposed Unicode, drop diacritics and change case; matching
 * must ignore all three while stored text keeps its diacritics.
 */

/** NFC, collapse whitespace, trim. The form every inbound text is stored in. */
export function cleanText(s: string): string {
  // NUL and lone surrogates (a text cut mid-emoji) are refused by Postgres: drop and repair them.
  return s
    .toWellFormed()
    .replace(/\u0000/g, '')
    .normalize('NFC')
    .replace(/[\u00a0\u2000-\u200b\u202f\u3000]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Lower-case ASCII fold: "Đồng Tháp" → "dong thap". */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
