import { COMMAND_ARGS_MAX_CHARS, COMMAND_NAME_MAX_CHARS } from '../text/limits';
import { fold } from '../text/normalize';

export interface ParsedCommand {
  /** Folded command word: "/Đăng_ký@bot" → "dangky". */
  name: string;
  args: string;
  /** The arguments were longer than COMMAND_ARGS_MAX_CHARS and were cut there. */
  truncated?: true;
}

const MAX = COMMAND_NAME_MAX_CHARS;
/** "/word" or "/word@bot", then a space or the end; bounded so a long line is not rescanned. */
const COMMAND_HEAD = new RegExp(
  String.raw`^\s{0,${MAX}}\/([^\s@]{1,${MAX}})(?:@(\S{1,${MAX}}))?(?=\s|$)`,
  'u',
);

/**
 * "/lenh args", "/lenh@botname args". A command addressed to another bot (@otherbot) is not ours.
 * People type commands with diacritics or in capitals on phones; both fold to the same word.
 * A command word longer than COMMAND_NAME_MAX_CHARS is not a command.
 */
export function parseCommand(text: string, botUsername?: string | null): ParsedCommand | null {
  const head = COMMAND_HEAD.exec(text.slice(0, 256));
  if (!head) return null;
  const target = head[2];
  if (target && botUsername && target.toLowerCase() !== botUsername.toLowerCase()) return null;
  const name = fold(head[1]!).replace(/[_\s-]/g, '');
  if (!name) return null;
  const args = text.slice(head[0].length).trim();
  return args.length > COMMAND_ARGS_MAX_CHARS
    ? { name, args: args.slice(0, COMMAND_ARGS_MAX_CHARS), truncated: true }
    : { name, args };
}

/** Removes "@botname" mentions so the rest of a message can be parsed as a list. */
export function stripMention(text: string, botUsername?: string | null): string {
  if (!botUsername) return text;
  return text
    .replace(new RegExp(`@${botUsername.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'), '')
    .trim();
}
