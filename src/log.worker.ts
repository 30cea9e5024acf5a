/**
 * The Workers logger: pino's call shapes (`log.info(obj, msg)`, `log.warn(msg)`, `child()`),
 * written as one JSON line per record to the console, which Workers Logs and `wrangler tail` keep.
 * pino itself is not bundled for workerd (its transports need threads and fds; its browser
 * build drops `redact`), so this file carries the same redaction as src/log.ts.
 *
 * Only `import type` from ./log: importing that module's values would pull pino into the bundle.
 */
import type { Logger } from './log';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type LevelName = keyof typeof LEVELS;

/**
 * The keys src/log.ts redacts (`token`, `*.token`, `headers.authorization`, the webhook secret
 * headers…), matched here at any depth up to MAX_DEPTH and regardless of case: a superset of
 * pino's paths, never less.
 */
const REDACT_KEYS = new Set(
  [
    'token',
    'joinCode',
    'join_code',
    'cookie',
    'secret',
    'authorization',
    'password',
    'x-telegram-bot-api-secret-token',
    'x-bot-api-secret-token',
    // A failed statement's bound values and Postgres' detail (see redactError in src/log.ts).
    'params',
    'parameters',
    'values',
    'bindings',
    'detail',
    'queryOptions',
  ].map((k) => k.toLowerCase()),
);
const CENSOR = '[ẩn]';
const MAX_DEPTH = 6;

function serializeError(e: Error): Record<string, unknown> {
  // pino's std err serializer: type, message, stack, plus own enumerable fields (code, status…).
  const out: Record<string, unknown> = { type: e.name, message: e.message, stack: e.stack };
  for (const [k, v] of Object.entries(e)) if (!(k in out)) out[k] = v;
  if ('cause' in e && e.cause !== undefined) out.cause = e.cause;
  return out;
}

function clean(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) value = serializeError(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth > MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1, seen));
  if (value instanceof Headers) {
    value = Object.fromEntries(value.entries());
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      REDACT_KEYS.has(k.toLowerCase()) && v !== undefined ? CENSOR : clean(v, depth + 1, seen);
  }
  return out;
}

type LogFn = (objOrMsg?: unknown, msg?: string, ...args: unknown[]) => void;

function format(msg: string, args: unknown[]): string {
  // pino's printf subset (%s %d %o %j); extra args are appended like util.format would.
  let i = 0;
  const out = msg.replace(/%[sdioj%]/g, (m) => {
    if (m === '%%') return '%';
    if (i >= args.length) return m;
    const a = args[i++];
    return m === '%d' || m === '%i'
      ? String(Number(a))
      : typeof a === 'string'
        ? a
        : JSON.stringify(clean(a, 0, new WeakSet()));
  });
  return i < args.length
    ? [
        out,
        ...args
          .slice(i)
          .map((a) => (typeof a === 'string' ? a : JSON.stringify(clean(a, 0, new WeakSet())))),
      ].join(' ')
    : out;
}

export interface WorkerLoggerOptions {
  /** Where lines go; default console (log/warn/error by level, so dashboards show the level). */
  write?: (level: number, line: string) => void;
}

function defaultWrite(level: number, line: string): void {
  if (level >= LEVELS.error) console.error(line);
  else if (level >= LEVELS.warn) console.warn(line);
  else console.log(line);
}

/** A pino-compatible Logger for workerd: `createWorkerLogger(config.logLevel)`. */
export function createWorkerLogger(
  level = 'info',
  options: WorkerLoggerOptions = {},
  bindings: Record<string, unknown> = {},
): Logger {
  const write = options.write ?? defaultWrite;
  const threshold = level === 'silent' ? Infinity : (LEVELS[level as LevelName] ?? LEVELS.info);

  const make =
    (name: LevelName): LogFn =>
    (objOrMsg, msg, ...args) => {
      const lvl = LEVELS[name];
      if (lvl < threshold) return;
      let fields: Record<string, unknown> = {};
      let text: string | undefined;
      if (typeof objOrMsg === 'string') {
        text = format(objOrMsg, msg === undefined ? args : [msg, ...args]);
      } else {
        if (objOrMsg instanceof Error) fields = { err: objOrMsg };
        else if (objOrMsg && typeof objOrMsg === 'object')
          fields = objOrMsg as Record<string, unknown>;
        if (msg !== undefined) text = format(msg, args);
        else if (objOrMsg instanceof Error) text = objOrMsg.message;
      }
      const record = clean(
        {
          level: lvl,
          time: Date.now(),
          ...bindings,
          ...fields,
          ...(text !== undefined ? { msg: text } : {}),
        },
        0,
        new WeakSet(),
      );
      let line: string;
      try {
        line = JSON.stringify(record);
      } catch {
        line = JSON.stringify({
          level: lvl,
          time: Date.now(),
          msg: text ?? '(unserializable log record)',
        });
      }
      write(lvl, line);
    };

  const logger = {
    level,
    trace: make('trace'),
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    fatal: make('fatal'),
    silent: () => {},
    isLevelEnabled: (l: string) => (LEVELS[l as LevelName] ?? Infinity) >= threshold,
    child: (more: Record<string, unknown>) =>
      createWorkerLogger(level, options, { ...bindings, ...more }),
    bindings: () => ({ ...bindings }),
    flush: () => {},
  };
  // Structurally the subset of pino's Logger the code base calls (level methods, child, level).
  return logger as unknown as Logger;
}
