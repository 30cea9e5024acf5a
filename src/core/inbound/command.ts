import { fold } from '../text/normalize';

export interface ParsedCommand {
  /** Folded command word: "/Đăng_ký@bot" → "dangky". */
  name: string;
  args: string;
}

/**
 * "/lenh args", "/lenh@botname args". A command addressed to another bot (@otherbot) is not ours.
 * People type commands with diacritics or in capitals on phones; both fold to the same word.
 */
export function parseCommand(text: string, botUsername?: string | null): ParsedCommand | null {
  const m = /^\s*\/([^\s@]+)(?:@(\S+))?(?:\s+([\s\S]*))?$/u.exec(text);
  if (!m) return null;
  const target = m[2];
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return null;
  const name = fold(m[1]!).replace(/[_\s-]/g, '');
  if (!name) return null;
  return { name, args: (m[3] ?? '').trim() };
}

/** Removes "@botname" mentions so the rest of a message can be parsed as a list. */
export function stripMention(text: string, botUsername?: string | null): string {
  if (!botUsername) return text;
  return text
    .replace(new RegExp(`@${botUsername.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'), '')
    .trim();
}
