/**
 * Signed download links for exports, for chats that cannot receive a file (the Zalo Bot API has
 * no documents; a zca-js upload may not complete): whoever has the link can download that one
 * export until it expires, without a dashboard login. The secret lives in the database, so every
 * instance (and Workers) signs and checks alike; the link's text is blanked from the outbox once
 * sent (sensitive), since it opens personal data.
 */
import { createHmac } from 'node:crypto';
import type { Trx } from '../../db/types';
import type { AppContext } from '../../app-context';
import { newCode, secretEquals } from '../codes';
import { listRegistrations, getEvent } from '../events/repo';
import { registrationSheet } from '../events/export';
import { buildRegistrationsXlsx } from '../../export/registrations';
import { buildExport, type ExportFormat } from '../plans/exports';
import { dashboardBaseUrl } from '../login-tokens';
import { notFound } from '../errors';

/** What a link downloads. */
export type Download =
  | { kind: 'registrations'; id: number }
  | { kind: 'campaign' | 'plan'; id: number; format: ExportFormat };

/** A link works this long after it is made. */
export const DOWNLOAD_LINK_TTL_MS = 7 * 86_400_000;

const SECRET_KEY = 'download_link_secret';

async function secret(trx: Trx): Promise<string> {
  await trx
    .insertInto('settings')
    .values({ key: SECRET_KEY, value: JSON.stringify(newCode(48)) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await trx
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SECRET_KEY)
    .executeTakeFirstOrThrow();
  return row.value as string;
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const sign = (key: string, body: string) =>
  createHmac('sha256', key).update(body).digest('base64url');

/** `<PUBLIC_URL>/d/<token>` for this export, valid DOWNLOAD_LINK_TTL_MS from now. */
export async function signedDownloadUrl(ctx: AppContext, trx: Trx, d: Download): Promise<string> {
  const body = b64(JSON.stringify({ d, exp: ctx.clock().getTime() + DOWNLOAD_LINK_TTL_MS }));
  return `${dashboardBaseUrl(ctx.config)}/d/${body}.${sign(await secret(trx), body)}`;
}

/** The export a token names, or null when it is forged, altered or expired. */
export async function verifyDownload(
  ctx: AppContext,
  trx: Trx,
  token: string,
): Promise<Download | null> {
  if (token.length > 1000) return null;
  const [body, mac] = token.split('.');
  if (!body || !mac || !secretEquals(mac, sign(await secret(trx), body))) return null;
  try {
    const { d, exp } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      d: Download;
      exp: number;
    };
    return typeof exp === 'number' && exp > ctx.clock().getTime() ? d : null;
  } catch {
    return null;
  }
}

/** The file a download names (a 404 DomainError when what it named is gone). */
export async function buildDownload(
  ctx: AppContext,
  trx: Trx,
  d: Download,
): Promise<{ fileName: string; mimeType: string; data: Uint8Array }> {
  if (d.kind === 'registrations') {
    const e = await getEvent(trx, d.id);
    if (!e) throw notFound(`Không có sự kiện số ${d.id}.`);
    const xlsx = await buildRegistrationsXlsx(
      registrationSheet(e, await listRegistrations(trx, e.id), ctx.timezone),
    );
    return {
      fileName: `dang-ky-su-kien-${e.id}.xlsx`,
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      data: new Uint8Array(xlsx),
    };
  }
  return buildExport(ctx, trx, { kind: d.kind, id: d.id }, d.format);
}
