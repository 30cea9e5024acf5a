import pino, { type DestinationStream, type Logger } from 'pino';

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

const CENSOR = '[ẩn]';

/**
 * What a failed statement carries besides its SQL: the bound values (PGlite attaches `params`,
 * drivers `parameters`/`values`) and Postgres' `detail` ("Key (join_code)=(…) already exists")
 * hold message texts, phone numbers and codes. The statement text, code, table and constraint
 * are enough to find the fault.
 */
const BOUND_VALUES = ['params', 'parameters', 'values', 'bindings', 'detail', 'queryOptions'];

export function redactError(err: unknown, depth = 0): unknown {
  if (err === null || typeof err !== 'object' || depth > 4) return err;
  const out: Record<string, unknown> =
    err instanceof Error
      ? (pino.stdSerializers.err(err) as unknown as Record<string, unknown>)
      : { ...(err as Record<string, unknown>) };
  for (const key of BOUND_VALUES) if (out[key] !== undefined) out[key] = CENSOR;
  // telegraf's TelegramError keeps the request it failed on (`on.payload`: a message's text).
  const on = out.on as { payload?: unknown } | undefined;
  if (on && typeof on === 'object' && on.payload !== undefined) out.on = { ...on, payload: CENSOR };
  if (out.cause !== undefined) out.cause = redactError(out.cause, depth + 1);
  return out;
}

/** A JSON logger; `destination` for tests that read what was written. */
export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: CENSOR },
    base: undefined,
    serializers: { err: redactError, error: redactError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Strips anything that looks like a bot token or a join command's code from free text. */
export function scrub(text: string): string {
  return text
    .replace(/\d{6,}:[A-Za-z0-9_-]{30,}/g, '[token]')
    .replace(/(\/(?:lienket|start)(?:@\w+)?\s+)\S+/gi, '$1[mã]');
}
