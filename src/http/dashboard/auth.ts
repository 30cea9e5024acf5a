/**
 * Dashboard sessions and CSRF. A session id lives only in the visitor's cookie; the database
 * keeps its SHA-256, the CSRF token every form must echo, who logged in, and the expiry.
 * Before login, forms are protected by a double-submit cookie instead.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
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

/** HTTPS as the visitor sees it: behind a proxy, X-Forwarded-Proto; else the request URL. */
export function isHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto');
  if (forwarded) return forwarded.split(',')[0]!.trim().toLowerCase() === 'https';
  return new URL(c.req.url).protocol === 'https:';
}

function cookieOptions(c: Context, maxAgeSeconds?: number) {
  return {
    httpOnly: true,
    sameSite: 'Lax' as const,
    path: '/',
    secure: isHttps(c),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export async function startSession(
  c: Context,
  db: Trx,
  label: string,
  now: Date,
): Promise<Session> {
  const id = newCode(32);
  const csrf = newCode(32);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  await db
    .insertInto('sessions')
    .values({ id_hash: sha256(id), csrf, label, expires_at: expiresAt })
    .execute();
  setCookie(c, SESSION_COOKIE, id, cookieOptions(c, SESSION_TTL_MS / 1000));
  deleteCookie(c, PRE_CSRF_COOKIE, { path: '/', secure: isHttps(c) });
  return { label, csrf, expiresAt };
}

export async function currentSession(c: Context, db: Trx, now: Date): Promise<Session | null> {
  const id = getCookie(c, SESSION_COOKIE);
  if (!id || !SECRET_SHAPE.test(id)) return null;
  const row = await db
    .selectFrom('sessions')
    .select(['csrf', 'label', 'expires_at'])
    .where('id_hash', '=', sha256(id))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { label: row.label, csrf: row.csrf, expiresAt: new Date(row.expires_at) } : null;
}

export async function endSession(c: Context, db: Trx): Promise<void> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id && SECRET_SHAPE.test(id))
    await db.deleteFrom('sessions').where('id_hash', '=', sha256(id)).execute();
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
}

/** The double-submit token for forms shown before login (login form, one-time link page, open sandbox). */
export function preSessionCsrf(c: Context): string {
  const existing = getCookie(c, PRE_CSRF_COOKIE);
  if (existing && SECRET_SHAPE.test(existing)) return existing;
  const token = newCode(32);
  setCookie(c, PRE_CSRF_COOKIE, token, cookieOptions(c));
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

/** The visitor's address for counting failed logins (the first X-Forwarded-For hop when proxied). */
export function clientKey(c: Context): string {
  const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (fwd) return fwd.slice(0, 64);
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
