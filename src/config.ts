/**
 * The only reader of the environment. Everything else receives a Config.
 * Every error names the variable so an operator can fix it from one line.
 */
import { randomBytes } from 'node:crypto';

export interface Config {
  port: number;
  /** Bind address (HOST): 127.0.0.1 while the open sandbox runs, else 0.0.0.0, unless set. */
  host: string;
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
    /** First pause of all sends after Zalo said "slow down" (error 123 …); doubles on repeats. */
    pauseMs: number;
    /** How long a file upload may take before its link is sent instead. */
    fileTimeoutMs: number;
  };
  zaloBot: {
    token: string | null;
    apiRoot: string;
    webhookSecret: string | null;
    /** The bot's display name as people type it after "@" in a group. */
    botName: string;
  };
  publicUrl: string | null;
  schedulerTick: string;
  /** Reminders due longer ago than this (service was down) are skipped, not sent late. */
  reminderGraceMs: number;
  logLevel: string;
  instanceId: string;
  /** The chat simulator channel (/sandbox): SANDBOX=1 or 0; unset, on when no platform is configured. */
  sandbox: boolean;
  /** The sandbox is on and no real platform is configured: anyone who reaches it plays every role. */
  openSandbox: boolean;
  /**
   * Proxies whose X-Forwarded-For is believed (TRUST_PROXY: addresses, IPv4 CIDRs or `loopback`);
   * empty: the visitor is the TCP peer, whatever headers say.
   */
  trustProxy: string[];
  /** An organizer not seen in an organizer group for this many days gets no login link (0: never). */
  organizerDormantDays: number;
  /** Files units send are kept in the database up to this size (FILE_STORE_MAX_BYTES). */
  fileStoreMaxBytes: number;
  /** Rows kept this many days before the periodic pruning deletes them (src/core/retention.ts). */
  retention: {
    processedDays: number;
    outboxDays: number;
    loginDays: number;
    auditDays: number;
  };
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

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:]*:[0-9a-f:.]*$/i;

function host(env: Env, openSandbox: boolean): string {
  const raw = str(env, 'HOST');
  if (raw === null) return openSandbox ? '127.0.0.1' : '0.0.0.0';
  if (!IPV4.test(raw) && !IPV6.test(raw) && !/^[A-Za-z0-9.-]{1,253}$/.test(raw))
    throw new ConfigError('HOST', `không phải địa chỉ IP hoặc tên máy hợp lệ (đang là "${raw}")`);
  return raw;
}

function trustProxy(env: Env): string[] {
  const raw = str(env, 'TRUST_PROXY');
  if (raw === null || /^(0|false|no|off)$/i.test(raw)) return [];
  const list = raw.split(/[\s,]+/).filter(Boolean);
  for (const entry of list) {
    const [addr, bits, extra] = entry.split('/');
    const ok =
      extra === undefined &&
      (entry === 'loopback' ||
        (IPV4.test(addr!) && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= 32))) ||
        (IPV6.test(addr!) && bits === undefined));
    if (!ok)
      throw new ConfigError(
        'TRUST_PROXY',
        `"${entry}" không hợp lệ: dùng địa chỉ IP, dải IPv4 (10.0.0.0/8) hoặc loopback`,
      );
  }
  return list;
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
  if (zaloBotSecret !== null && (zaloBotSecret.length < 8 || zaloBotSecret.length > 256)) {
    throw new ConfigError(
      'ZALO_BOT_WEBHOOK_SECRET',
      `phải dài từ 8 đến 256 ký tự (quy định của Zalo Bot API; đang là ${zaloBotSecret.length} ký tự)`,
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
  const noPlatform = !telegramToken && !str(env, 'ZALO_CREDENTIALS') && !zaloBotToken;
  const sandbox = sandboxFlag(env, noPlatform);
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: host(env, sandbox && noPlatform),
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
      pauseMs: int(env, 'ZALO_PAUSE_MINUTES', 30, 1, 24 * 60) * 60_000,
      fileTimeoutMs: int(env, 'ZALO_FILE_TIMEOUT_SECONDS', 60, 5, 600) * 1000,
    },
    zaloBot: {
      token: zaloBotToken,
      apiRoot: url(env, 'ZALO_BOT_API_ROOT', 'https://bot-api.zaloplatforms.com', [
        'https:',
        'http:',
      ])!,
      webhookSecret: zaloBotSecret,
      botName: str(env, 'ZALO_BOT_NAME') ?? 'Điều phối',
    },
    publicUrl,
    schedulerTick: tick,
    reminderGraceMs: int(env, 'REMINDER_GRACE_MINUTES', 10, 0, 24 * 60) * 60_000,
    logLevel: str(env, 'LOG_LEVEL') ?? 'info',
    instanceId: str(env, 'INSTANCE_ID') ?? randomBytes(4).toString('hex'),
    sandbox,
    openSandbox: sandbox && noPlatform,
    trustProxy: trustProxy(env),
    organizerDormantDays: int(env, 'ORGANIZER_DORMANT_DAYS', 90, 0, 3650),
    fileStoreMaxBytes: int(
      env,
      'FILE_STORE_MAX_BYTES',
      DEFAULT_FILE_STORE_MAX_BYTES,
      0,
      100 * 1024 * 1024,
    ),
    retention: {
      processedDays: int(env, 'RETENTION_PROCESSED_DAYS', 30, 2, 3650),
      outboxDays: int(env, 'RETENTION_OUTBOX_DAYS', 90, 1, 3650),
      loginDays: int(env, 'RETENTION_LOGIN_DAYS', 7, 1, 3650),
      auditDays: int(env, 'RETENTION_AUDIT_DAYS', 730, 30, 36500),
    },
  };
}
