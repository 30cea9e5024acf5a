import pino, { type Logger } from 'pino';

export type { Logger };

/** Secrets and join codes never reach the logs, whatever object a caller passes. */
const REDACT = [
  'token',
  '*.token',
  'joinCode',
  '*.joinCode',
  'join_code',
  '*.join_code',
  'cookie',
  '*.cookie',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  'headers["x-bot-api-secret-token"]',
  'password',
  '*.password',
];

export function createLogger(level = 'info'): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[ẩn]' }, base: undefined });
}

/** Strips anything that looks like a bot token or a join command's code from free text. */
export function scrub(text: string): string {
  return text
    .replace(/\d{6,}:[A-Za-z0-9_-]{30,}/g, '[token]')
    .replace(/(\/(?:lienket|start)(?:@\w+)?\s+)\S+/gi, '$1[mã]');
}
