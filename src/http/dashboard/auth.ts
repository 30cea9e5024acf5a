/**
 * Dashboard sessions and CSRF. A session id lives only in the visitor's cookie; the database
 * keeps its SHA-256, the CSRF token every form must echo, who logged in, the expiry, and
 * whether it was made while the open sandbox ran (such a session ends once a platform is set).
 * Before login, forms are protected by a double-submit cookie instead.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext } from '../../app-context';
import type { Config } from '../../config';
import { newCode, secretEquals, sha256 } from '../../core/codes';
import { createLoginToken, loginUrl } from '../../core/login-tokens';
import type { Trx } from '../../db/types';

export const SESSION_COOKIE = 'dp_session';
export const PRE_CSRF_COOKIE = 'dp_csrf';
export const SESSION_TTL_MS = 12 * 3600_000;
export const CSRF_FIELD = '_csrf';
const SECRET_SHAPE = /^[a-z2-9]{32}$/;

export interface Session {
  label: string;
  csrf: string;
  expiresAt: Date;
}

/** What session handling needs of the application: the database, the time, the settings. */
export type AuthContext = Pick<AppContext, 'db' | 'clock' | 'config'>;

/**
 * A one-time login link for `label`, valid 10 minutes: the same tokens the /dashboard chat
 * command hands out (src/core/login-tokens.ts).
 */
export async function createLoginLink(
  db: Trx,
  baseUrl: string,
  label: string,
  now: Date,
): Promise<string> {
  return loginUrl(baseUrl, await createLoginToken(db, label, now));
}

/**
 * Cookies are `Secure` when the dashboard's public address is https (PUBLIC_URL), or the request
 * itself came over TLS. Never from X-Forwarded-Proto: any client can send that header.
 */
export function secureCookies(c: Context, config: Pick<Config, 'publicUrl'>): boolean {
  if (config.publicUrl?.toLowerCase().startsWith('https:')) return true;
  return new URL(c.req.url).protocol === 'https:';
}

function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    httpOnly: true,
    sameSite: 'Lax' as const,
    path: '/',
    secure,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export async function startSession(c: Context, ctx: AuthContext, label: string): Promise<Session> {
  const now = ctx.clock();
  const id = newCode(32);
  const csrf = newCode(32);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const secure = secureCookies(c, ctx.config);
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  await ctx.db
    .insertInto('sessions')
    .values({
      id_hash: sha256(id),
      csrf,
      label,
      expires_at: expiresAt,
      mode: ctx.config.openSandbox ? 'sandbox' : 'platform',
    })
    .execute();
  setCookie(c, SESSION_COOKIE, id, cookieOptions(secure, SESSION_TTL_MS / 1000));
  deleteCookie(c, PRE_CSRF_COOKIE, { path: '/', secure });
  return { label, csrf, expiresAt };
}

export async function currentSession(c: Context, ctx: AuthContext): Promise<Session | null> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || !SECRET_SHAPE.test(id)) return null;
  let q = ctx.db
    .selectFrom('sessions')
    .select(['csrf', 'label', 'expires_at'])
    .where('id_hash', '=', sha256(id))
    .where('expires_at', '>', ctx.clock());
  // Whoever reached the open sandbox could log in there; that says nothing once real groups exist.
  if (!ctx.config.openSandbox) q = q.where('mode', '=', 'platform');
  const row = await q.executeTakeFirst();
  return row ? { label: row.label, csrf: row.csrf, expiresAt: row.expires_at } : null;
}

export async function endSession(c: Context, ctx: AuthContext): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id && SECRET_SHAPE.test(id))
    await ctx.db.deleteFrom('sessions').where('id_hash', '=', sha256(id)).execute();
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(c, ctx.config) });
}

/** The double-submit token for forms shown before login (login form, one-time link page, open sandbox). */
export function preSessionCsrf(c: Context, config: Pick<Config, 'publicUrl'>): string {
  const existing = getCookie(c, PRE_CSRF_COOKIE);
  if (existing && SECRET_SHAPE.test(existing)) return existing;
  const token = newCode(32);
  setCookie(c, PRE_CSRF_COOKIE, token, cookieOptions(secureCookies(c, config)));
  return token;
}

/** The pre-login token the visitor's cookie holds (null when there is none). */
export function preSessionCookie(c: Context): string | null {
  const v = getCookie(c, PRE_CSRF_COOKIE);
  return v && SECRET_SHAPE.test(v) ? v : null;
}

export function csrfMatches(given: unknown, expected: string | null): boolean {
  return (
    typeof given === 'string' &&
    given.length > 0 &&
    expected !== null &&
    secretEquals(given, expected)
  );
}

/**
 * A path on this site to return to after login, or null. Parsed the way a browser will read the
 * Location header: browsers drop tabs and newlines and treat `\` as `/`, so `/%09/evil.example`,
 * `//evil`, `/\evil` all leave the site; anything whose origin is not ours is refused.
 */
export function safeNext(raw: string | undefined | null): string | null {
  if (!raw || raw.length > 500 || !raw.startsWith('/')) return null;
  // Control characters and backslashes have no place in our paths; browsers rewrite both.
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, 'http://same.invalid');
  } catch {
    return null;
  }
  if (url.origin !== 'http://same.invalid') return null;
  const path = url.pathname + url.search + url.hash;
  if (path.startsWith('//') || path.startsWith('/login')) return null;
  return path;
}

// ---------------------------------------------------------------------------------------------
// The visitor's address (for counting failed logins)

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is 10.0.0.1. */
export function normalizeAddress(ip: string): string {
  const v = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
  return mapped ? mapped[1]! : v;
}

/** Does `ip` match one of TRUST_PROXY's entries (an address, an IPv4 CIDR, `loopback`)? */
export function isTrustedProxy(ip: string, trusted: readonly string[]): boolean {
  const addr = normalizeAddress(ip);
  const n = ipv4ToInt(addr);
  for (const entry of trusted) {
    if (entry === 'loopback') {
      if (addr === '::1' || (n !== null && n >>> 24 === 127)) return true;
      continue;
    }
    const [base, bitsText] = entry.split('/');
    if (bitsText === undefined) {
      if (normalizeAddress(base!) === addr) return true;
      continue;
    }
    const b = ipv4ToInt(base!);
    const bits = Number(bitsText);
    if (n === null || b === null) continue;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((n & mask) >>> 0 === (b & mask) >>> 0) return true;
  }
  return false;
}

/** The TCP peer's address (Node); 'unknown' elsewhere. */
export function peerAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const raw = env?.incoming?.socket?.remoteAddress;
  return raw ? normalizeAddress(raw) : 'unknown';
}

/**
 * The visitor's address: the TCP peer, unless the peer is a trusted proxy; then X-Forwarded-For
 * is read from the right (each proxy appends the address it saw), skipping trusted proxies, and
 * the first address no trusted proxy vouches for is the visitor. Entries a client wrote itself
 * sit further left and are never reached.
 */
export function clientAddress(c: Context, trusted: readonly string[]): string {
  let addr = peerAddress(c);
  if (trusted.length === 0 || !isTrustedProxy(addr, trusted)) return addr;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    addr = normalizeAddress(hops[i]!).slice(0, 64);
    if (!isTrustedProxy(addr, trusted)) return addr;
  }
  return addr;
}
