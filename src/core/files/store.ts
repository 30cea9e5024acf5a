/**
 * Files units send with a report or a task update are fetched from the platform after the
 * message was handled — one scheduled job per file, never inside the inbound transaction — and
 * kept in Postgres (bytea) up to FILE_STORE_MAX_BYTES, so organizers can download them all as a
 * zip long after the platform's links expired. A larger file is recorded with its size and why it
 * was not kept; a failed download is retried a few times with growing delays.
 */
import type { AppContext } from '../../app-context';
import type { SubmissionFile } from '../../db/schema';
import type { Trx } from '../../db/types';
import type { Platform } from '../channel';
import { addJob } from '../scheduler/jobs';
import type { JobHandler, JobHandlers } from '../scheduler/tick';
import { FileTooLargeError, FileUnavailableError, downloadUrl } from './download';

export const FILE_FETCH_JOB = 'file.fetch' as const;
const MAX_ATTEMPTS = 5;

export interface FileOwner {
  campaignId?: number;
  taskReportId?: number;
  unitId: number;
  /** The chat the file came from: its platform fetches it. */
  chatId: number;
}

/** Records the files of a message and schedules fetching each (in the caller's transaction). */
export async function scheduleFileFetches(
  trx: Trx,
  owner: FileOwner,
  files: SubmissionFile[],
  now: Date,
): Promise<void> {
  if (!files.length) return;
  const chat = await trx
    .selectFrom('chats')
    .select('platform')
    .where('id', '=', owner.chatId)
    .executeTakeFirst();
  if (!chat) return;
  const rows = await trx
    .insertInto('stored_files')
    .values(
      files.map((f) => ({
        campaign_id: owner.campaignId ?? null,
        task_report_id: owner.taskReportId ?? null,
        unit_id: owner.unitId,
        platform: chat.platform,
        file_id: f.fileId,
        file_name: f.fileName ?? null,
        mime_type: f.mimeType ?? null,
        size: typeof f.size === 'number' ? f.size : null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  for (const r of rows)
    await addJob(trx, {
      key: `file:${r.id}`,
      kind: FILE_FETCH_JOB,
      dueAt: now,
      payload: { file: r.id },
    });
}

/** The bytes of a file, from the platform's adapter, or from the URL Zalo gives as the file id. */
export async function fetchPlatformFile(
  ctx: AppContext,
  platform: string,
  fileId: string,
  maxBytes: number,
): Promise<{ data: Uint8Array; fileName?: string; mimeType?: string }> {
  const fetchFile = ctx.platforms?.[platform as Platform]?.fetchFile;
  if (fetchFile) return fetchFile(fileId, maxBytes);
  if ((platform === 'zalo' || platform === 'zalo-bot') && /^https?:\/\//i.test(fileId))
    return downloadUrl(fileId, maxBytes);
  throw new FileUnavailableError(`no file download for ${platform}`);
}

const fetchJob: JobHandler<'file.fetch'> = {
  timeSensitive: false,
  alone: true,
  async run(ctx, trx, job, now) {
    const id = Number(job.payload.file);
    const row = await trx
      .selectFrom('stored_files')
      .select(['id', 'platform', 'file_id', 'size', 'state', 'attempts', 'file_name', 'mime_type'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.state !== 'pending') return;
    const max = ctx.config.fileStoreMaxBytes;
    const declared = row.size === null ? null : Number(row.size);
    const done = (set: Record<string, unknown>) =>
      trx
        .updateTable('stored_files')
        .set({ fetched_at: now, ...set })
        .where('id', '=', id)
        .execute();
    if (declared !== null && declared > max) {
      await done({ state: 'too_large' });
      return;
    }
    try {
      const file = await fetchPlatformFile(ctx, row.platform, row.file_id, max);
      if (file.data.byteLength > max) throw new FileTooLargeError(max, file.data.byteLength);
      await done({
        state: 'stored',
        data: file.data,
        size: file.data.byteLength,
        file_name: row.file_name ?? file.fileName ?? null,
        mime_type: row.mime_type ?? file.mimeType ?? null,
        error: null,
      });
    } catch (e) {
      if (e instanceof FileTooLargeError) {
        await done({ state: 'too_large', size: e.size ?? declared });
        return;
      }
      if (e instanceof FileUnavailableError) {
        await done({ state: 'unavailable', error: e.message });
        return;
      }
      const attempts = row.attempts + 1;
      const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
      ctx.log.warn({ err: e, file: id, attempts }, 'file download failed');
      if (attempts >= MAX_ATTEMPTS) {
        await done({ state: 'failed', attempts, error });
        return;
      }
      await trx.updateTable('stored_files').set({ attempts, error }).where('id', '=', id).execute();
      await addJob(trx, {
        key: `file:${id}:retry:${attempts}`,
        kind: FILE_FETCH_JOB,
        dueAt: new Date(now.getTime() + 2 ** attempts * 60_000),
        payload: { file: id },
      });
    }
  },
};

export const fileJobHandlers: Pick<JobHandlers, 'file.fetch'> = { 'file.fetch': fetchJob };
