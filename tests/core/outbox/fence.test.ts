/**
 * A sender whose row lease ran out while its request hung must not overwrite what the next
 * holder recorded: outcomes are written only WHERE locked_by = <this holder>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender, SendResult } from '../../../src/core/channel';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { OutboxWorker } from '../../../src/core/outbox/worker';
import { openTestDb, type TestDb } from '../../helpers/db';
import { testContext } from '../../helpers/context';

function sender(answer: () => Promise<SendResult>): ChannelSender & { calls: number } {
  const s = {
    platform: 'sandbox' as const,
    maxTextLength: 4096,
    limits: { perSecond: 0, perChatPerMinute: 0 },
    calls: 0,
    async send() {
      s.calls++;
      return answer();
    },
  };
  return s;
}

describe('fenced outbox writes', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it.each([
    ['sent', { ok: true, messageId: 'A-late' }],
    ['failed for good', { ok: false, kind: 'permanent', reason: 'late refusal' }],
    ['to retry', { ok: false, kind: 'retry', reason: 'late timeout' }],
  ] as Array<[string, SendResult]>)(
    "a late answer (%s) from the first holder leaves the second holder's record alone",
    async (_, lateAnswer) => {
      const ctx = testContext(db);
      const [id] = await enqueue(
        db.db,
        [{ platform: 'sandbox', chatExternalId: `g-${Math.random()}` }],
        { text: 'Nhắc báo cáo' },
        { purpose: 'reminder' },
      );
      let releaseA: (r: SendResult) => void = () => {};
      const hangingA = sender(() => new Promise<SendResult>((r) => (releaseA = r)));
      const a = new OutboxWorker(ctx, hangingA, { instanceId: 'A', rowLeaseMs: 150 });
      const quickB = sender(async () => ({ ok: true, messageId: 'B-1' }));
      const b = new OutboxWorker(ctx, quickB, { instanceId: 'B', rowLeaseMs: 60_000 });

      const aBatch = a.runBatch(); // claims the row, then hangs in send()
      await new Promise((r) => setTimeout(r, 400)); // A's row lease (150 ms) runs out
      expect(hangingA.calls).toBe(1);
      expect(await b.runBatch()).toBe(1); // B takes the expired row and delivers it
      releaseA(lateAnswer); // A's request finally returns
      await aBatch;

      const row = await db.db
        .selectFrom('outbox')
        .select(['state', 'platform_message_id', 'locked_by', 'attempts', 'error'])
        .where('id', '=', id!)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        state: 'sent',
        platform_message_id: 'B-1',
        locked_by: 'B',
        attempts: 2,
        error: null,
      });
      expect(quickB.calls).toBe(1);
      // Nothing left to send: the row is not queued again by A's late outcome.
      expect(await b.runBatch()).toBe(0);
    },
  );
});
