/**
 * The only reader of the environment. Everything else receives a Config.
 * Every error names the variable so an operator can fix it from one line.
 */
import { randomBytes } from 'node:crypto';

export interface Config {
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  adminToken: string | null;
  timezone: string;
  telegram: {
    token: string | null;
    apiRoot: string;
    webhookSecret: string | null;
  };
  zalo: {
    credentialsPath: string | null;
    minGapMs: number;
    jitterMs: number;
    dailyCap: number;
  };
  zaloBot: {
    token: string | null;
    apiRoot: string;
    webhookSecret: string | null;
  };
  publicUrl: string | null;
  schedulerTick: string;
  /** Reminders due longer ago than this (service was down) are skipped, not sent late. */
  reminderGraceMs: number;
  logLevel: string;
  instanceId: string;
  /** The chat simulator channel (/sandbox): SANDBOX=1 or 0; unset, on when no platform is configured. */
  sandbox: boolean;
  /** Files units send are kept in the database up to this size (FILE_STORE_MAX_BYTES). */
  fileStoreMaxBytes: number;
}

/** 10 MB: a scanned report of a few dozen pages; Telegram itself hands bots at most 20 MB. */
export const DEFAULT_FILE_STORE_MAX_BYTES = 10 * 1024 * 1024;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string): string | null {
  const v = env[name]?.trim();
  return v ? v : null;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `phải là số nguyên từ ${min} đến ${max} (đang là "${raw}")`);
  }
  return n;
}

function url(env: Env, name: string, fallback: string | null, protocols: string[]): string | null {
  const raw = str(env, name) ?? fallback;
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `không phải URL hợp lệ`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      name,
      `phải bắt đầu bằng ${protocols.map((p) => p + '//').join(' hoặc ')}`,
    );
  }
  return raw.replace(/\/+$/, '');
}

function validTimezone(name: string, tz: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new ConfigError(name, `múi giờ không hợp lệ "${tz}"`);
  }
  return tz;
}

function sandboxFlag(env: Env, noPlatform: boolean): boolean {
  const raw = str(env, 'SANDBOX');
  if (raw === null) return noPlatform;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError('SANDBOX', `phải là 1 (bật) hoặc 0 (tắt) (đang là "${raw}")`);
}

export function loadConfig(env: Env = process.env): Config {
  const telegramToken = str(env, 'TELEGRAM_BOT_TOKEN');
  const publicUrl = url(env, 'PUBLIC_URL', null, ['https:', 'http:']);
  const telegramSecret = str(env, 'TELEGRAM_WEBHOOK_SECRET');
  if (telegramToken && publicUrl && !telegramSecret) {
    throw new ConfigError(
      'TELEGRAM_WEBHOOK_SECRET',
      'bắt buộc khi có TELEGRAM_BOT_TOKEN và PUBLIC_URL (chế độ webhook)',
    );
  }
  if (telegramSecret && !/^[A-Za-z0-9_-]{1,256}$/.test(telegramSecret)) {
    throw new ConfigError(
      'TELEGRAM_WEBHOOK_SECRET',
      'chỉ gồm A-Z, a-z, 0-9, _ và -, tối đa 256 ký tự (quy định của Telegram)',
    );
  }
  const zaloBotToken = str(env, 'ZALO_BOT_TOKEN');
  const zaloBotSecret = str(env, 'ZALO_BOT_WEBHOOK_SECRET');
  if (zaloBotToken && publicUrl && !zaloBotSecret) {
    throw new ConfigError(
      'ZALO_BOT_WEBHOOK_SECRET',
      'bắt buộc khi có ZALO_BOT_TOKEN và PUBLIC_URL',
    );
  }
  const adminToken = str(env, 'ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'phải dài ít nhất 16 ký tự');
  }
  const tick = str(env, 'SCHEDULER_TICK') ?? '*/30 * * * * *';
  if (tick.split(/\s+/).length < 5 || tick.split(/\s+/).length > 6) {
    throw new ConfigError(
      'SCHEDULER_TICK',
      `biểu thức cron phải có 5 hoặc 6 trường (đang là "${tick}")`,
    );
  }
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    databaseUrl: url(env, 'DATABASE_URL', null, ['postgres:', 'postgresql:']),
    dataDir: str(env, 'DATA_DIR') ?? './data',
    adminToken,
    timezone: validTimezone('APP_TIMEZONE', str(env, 'APP_TIMEZONE') ?? 'Asia/Ho_Chi_Minh'),
    telegram: {
      token: telegramToken,
      apiRoot: url(env, 'TELEGRAM_API_ROOT', 'https://api.telegram.org', ['https:', 'http:'])!,
      webhookSecret: telegramSecret,
    },
    zalo: {
      credentialsPath: str(env, 'ZALO_CREDENTIALS'),
      minGapMs: int(env, 'ZALO_SEND_GAP_MS', 3000, 0, 600_000),
      jitterMs: int(env, 'ZALO_SEND_JITTER_MS', 3000, 0, 600_000),
      dailyCap: int(env, 'ZALO_DAILY_CAP', 1500, 1, 1_000_000),
    },
    zaloBot: {
      token: zaloBotToken,
      apiRoot: url(env, 'ZALO_BOT_API_ROOT', 'https://bot-api.zapps.me', ['https:', 'http:'])!,
      webhookSecret: zaloBotSecret,
    },
    publicUrl,
    schedulerTick: tick,
    reminderGraceMs: int(env, 'REMINDER_GRACE_MINUTES', 10, 0, 24 * 60) * 60_000,
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    instanceId: str(env, 'INSTANCE_ID') ?? randomBytes(4).toString('hex'),
    sandbox: sandboxFlag(env, !telegramToken && !str(env, 'ZALO_CREDENTIALS') && !zaloBotToken),
    fileStoreMaxBytes: int(
      env,
      'FILE_STORE_MAX_BYTES',
      DEFAULT_FILE_STORE_MAX_BYTES,
      0,
      100 * 1024 * 1024,
    ),
  };
}
