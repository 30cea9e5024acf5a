import { cleanText } from './normalize';

/**
 * Splits a table line pasted from a plan (Word, Excel, a PDF) into cells: tabs, " | " (markdown
 * too), or runs of 2+ spaces or non-breaking spaces.
 */
export function splitCells(line: string): string[] {
  const s = line.replace(/\r$/, '');
  if (s.includes('\t')) return s.split('\t').map(cleanText);
  if (/\s\|\s|^\s*\||\|\s*$/.test(s)) {
    return s
      .replace(/^\s*\|/, '')
      .replace(/\|\s*$/, '')
      .split('|')
      .map(cleanText);
  }
  return s.split(/ {2,}|\u00a0{2,}/).map(cleanText);
}
