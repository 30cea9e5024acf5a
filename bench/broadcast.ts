/**
 * Figure 2 — broadcast: createAndSend to 1,000 linked Telegram groups; the real service's outbox
 * worker delivers through FakeTelegramApi, which answers 429 to anything over 30/s overall or
 * 20/min per group and counts it in `violations`. Measured: first delivery to last delivery
 * against the bound 1000/30 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { broadcastStatus, createAndSend } from '../src/core/broadcasts/broadcast';
import { upsertUnits } from '../src/core/units/repo';
import { startService } from '../src/service';
import { FakeTelegramApi } from '../tests/fakes/telegram-api';
import { unitSpecs } from './fixtures';
import { benchLogger, note, openSchema, round, sleep } from './lib';

const TOKEN = '123456789:AAH-fake-token-for-bench-0123456789abc';
const SCHEMA = 'broadcast';

export async function benchBroadcast(o: { url: string; groups: number }) {
  const handle = await openSchema(o.url, SCHEMA);
  const fake = new FakeTelegramApi({ token: TOKEN, enforceLimits: true });
  await fake.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-bench-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: 'bench_webhook_secret_123',
    PUBLIC_URL: 'http://127.0.0.1:9',
  });
  const service = await startService(config, { db: handle, log: benchLogger(), scheduler: false });
  try {
    note(`broadcast: ${o.groups} linked groups`);
    const db = handle.db;
    await upsertUnits(db, unitSpecs(o.groups));
    const units = await db
      .selectFrom('units')
      .select(['id', 'name'])
      .orderBy('sort_order')
      .execute();
    const chatId = (i: number) => String(-(4_100_000_000 + i + 1));
    await db
      .insertInto('chats')
      .values(
        units.map((u, i) => ({
          platform: 'telegram',
          external_id: chatId(i),
          title: `${u.name} - nhóm công việc`,
          role: 'unit' as const,
          unit_id: u.id,
          linked_at: new Date(),
          linked_by: 'bench',
        })),
      )
      .execute();
    const groups = new Set(units.map((_, i) => chatId(i)));
    const callsBefore = fake.calls.length;

    note('broadcast: createAndSend to all; waiting for the last delivery');
    const t0 = Date.now();
    const { id, chats } = await createAndSend(
      service.ctx,
      'Kính đề nghị các đơn vị gửi danh sách đại biểu dự Hội nghị tập huấn trước 17h00 ngày 25/9/2024. Trân trọng.',
      { kind: 'units', units: 'all' },
    );
    const queuedMs = Date.now() - t0;
    service.workers.forEach((w) => w.poke());
    const delivered = () =>
      fake.calls
        .slice(callsBefore)
        .filter(
          (c) =>
            c.method === 'sendMessage' && c.status === 200 && groups.has(String(c.params.chat_id)),
        );
    const deadline = Date.now() + 3 * (o.groups / 30) * 1000 + 30_000;
    for (;;) {
      const s = await broadcastStatus(db, id);
      if (s && s.pending === 0) break;
      if (Date.now() > deadline) break;
      await sleep(100);
    }
    await sleep(300); // a stray duplicate would show up here
    const deliveries = delivered();
    const perChat = new Map<string, number>();
    for (const d of deliveries)
      perChat.set(String(d.params.chat_id), (perChat.get(String(d.params.chat_id)) ?? 0) + 1);
    const lost = [...groups].filter((g) => !perChat.has(g)).length;
    const duplicated = [...perChat.values()].filter((n) => n > 1).length;
    const first = deliveries[0]?.at ?? 0;
    const last = deliveries.at(-1)?.at ?? 0;
    const seconds = (last - first) / 1000;
    const bound = o.groups / 30;
    const tooMany = fake.calls.slice(callsBefore).filter((c) => c.status === 429).length;
    const status = await broadcastStatus(db, id);
    // Where the time above the bound goes: the spacing between sends, and the pauses between batches.
    const gaps = deliveries.slice(1).map((d, i) => d.at - deliveries[i]!.at);
    const spacing = 1000 / 30;
    const sortedGaps = [...gaps].sort((a, b) => a - b);
    const longGaps = gaps.filter((g) => g > 2 * spacing);
    const medianGap = sortedGaps[Math.floor(sortedGaps.length / 2)] ?? 0;
    const ratio = round(seconds / bound, 3);
    const met = ratio <= 1.1 && lost === 0 && duplicated === 0 && fake.violations === 0;
    return {
      aim: 'first→last delivery ≤ 1.1 × 1000/30 s, each group exactly once, violations = 0',
      met,
      groups: o.groups,
      chatsQueued: chats,
      queueMs: queuedMs,
      seconds: round(seconds, 2),
      boundSeconds: round(bound, 2),
      ratioToBound: ratio,
      firstDeliveryAfterMs: first ? first - t0 : null,
      sendsPerSecond: round((deliveries.length - 1) / seconds, 2),
      delivered: deliveries.length,
      lost,
      duplicated,
      violations: fake.violations,
      answered429: tooMany,
      gapsMs: {
        median: round(medianGap, 1),
        boundSpacing: round(spacing, 1),
        over2xSpacing: longGaps.length,
        secondsInLongGaps: round(longGaps.reduce((a, g) => a + g - medianGap, 0) / 1000, 2),
        largest: sortedGaps
          .slice(-5)
          .reverse()
          .map((g) => round(g, 0)),
      },
      status: status
        ? {
            total: status.total,
            sent: status.sent,
            failed: status.failed,
            pending: status.pending,
            state: status.status,
          }
        : null,
      worker:
        'the service’s own OutboxWorker (lease outbox:telegram, Pacer at 30/s × 1.03 spacing, 20/min per group)',
    };
  } finally {
    await service.stop();
    await fake.stop();
    await handle.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
