/**
 * One-time login links for the organizers' dashboard. Only the SHA-256 of a code is stored;
 * a code works once (the UPDATE that marks it used is the check) and for a short time.
 * Plain functions on the database: used by the /dashboard chat command and by the HTTP layer.
 */
import type { Config } from '../config';
import { newCode, sha256 } from './codes';
import type { Trx } from '../db/types';

export const LOGIN_TOKEN_TTL_MS = 10 * 60_000;
export const LOGIN_TOKEN_TTL_MINUTES = LOGIN_TOKEN_TTL_MS / 60_000;

/** 32 symbols of the join-code alphabet ≈ 158 bits. */
const CODE_LENGTH = 32;
const CODE_SHAPE = /^[a-z2-9]{16,64}$/;

export function isLoginCodeShape(code: string): boolean {
  return CODE_SHAPE.test(code);
}

/** Where the dashboard is reached from outside: PUBLIC_URL, else localhost on the configured port. */
export function dashboardBaseUrl(config: Pick<Config, 'publicUrl' | 'port'>): string {
  return (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
}

export function loginUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/login/${code}`;
}

/** Creates a code for `label` (who asked, for the audit trail), valid `ttlMs` from `now`. */
export async function createLoginToken(
  db: Trx,
  label: string,
  now: Date,
  ttlMs = LOGIN_TOKEN_TTL_MS,
): Promise<string> {
  const code = newCode(CODE_LENGTH);
  // Old rows are useless once expired; a day's grace keeps "already used" answers meaningful.
  await db
    .deleteFrom('login_tokens')
    .where('expires_at', '<', new Date(now.getTime() - 24 * 3600_000))
    .execute();
  await db
    .insertInto('login_tokens')
    .values({
      token_hash: sha256(code),
      person_label: label,
      expires_at: new Date(now.getTime() + ttlMs),
      used_at: null,
    })
    .execute();
  return code;
}

/** Uses a code: succeeds once, before its expiry. The single UPDATE makes two racing uses impossible. */
export async function consumeLoginToken(
  db: Trx,
  code: string,
  now: Date,
): Promise<{ label: string } | null> {
  if (!isLoginCodeShape(code)) return null;
  const row = await db
    .updateTable('login_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', sha256(code))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('person_label')
    .executeTakeFirst();
  return row ? { label: row.person_label } : null;
}

export type LoginTokenState = 'valid' | 'used' | 'expired' | 'unknown';

/** What a code is without using it (to explain a refused link). */
export async function loginTokenState(db: Trx, code: string, now: Date): Promise<LoginTokenState> {
  if (!isLoginCodeShape(code)) return 'unknown';
  const row = await db
    .selectFrom('login_tokens')
    .select(['used_at', 'expires_at'])
    .where('token_hash', '=', sha256(code))
    .executeTakeFirst();
  if (!row) return 'unknown';
  if (row.used_at) return 'used';
  return row.expires_at > now ? 'valid' : 'expired';
}
