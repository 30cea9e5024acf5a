import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, OutboundMessage } from '../../../src/core/channel';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { REDACTED } from '../../../src/core/outbox/store';
import { OutboxWorker } from '../../../src/core/outbox/worker';
import { openTestDb, type TestDb } from '../../helpers/db';
import { testContext } from '../../helpers/context';

describe('sensitive outbox rows', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('the platform gets the secret; the row keeps only a placeholder once sent', async () => {
    const ctx = testContext(db);
    const sent: OutboundMessage[] = [];
    const sender: ChannelSender = {
      platform: 'sandbox',
      maxTextLength: 4096,
      limits: { perSecond: 0, perChatPerMinute: 0 },
      async send(_chat, message) {
        sent.push(message);
        return { ok: true, messageId: String(sent.length) };
      },
    };
    const link = 'http://localhost:3000/login/abcdefghijkmnpqrstuvwxyz23456789';
    const [secretId] = await enqueue(
      db.db,
      [{ platform: 'sandbox', chatExternalId: 'p1' }],
      { text: `Liên kết: ${link}` },
      { purpose: 'reply', sensitive: true },
    );
    const [plainId] = await enqueue(
      db.db,
      [{ platform: 'sandbox', chatExternalId: 'p1' }],
      { text: 'Tin thường' },
      { purpose: 'reply' },
    );
    const worker = new OutboxWorker(ctx, sender, { instanceId: 'test' });
    expect(await worker.drain(5_000)).toBe(2);

    expect(sent.map((m) => m.text)).toEqual([`Liên kết: ${link}`, 'Tin thường']);
    const rows = await db.db
      .selectFrom('outbox')
      .select(['id', 'payload', 'state'])
      .where('id', 'in', [secretId!, plainId!])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(rows[0]!.payload).toEqual(REDACTED);
    expect(JSON.stringify(rows[0]!.payload)).not.toContain('login');
    expect(rows[1]!.payload).toEqual({ text: 'Tin thường' });
  });
});
