import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChannelSender, OutboundMessage } from '../../../src/core/channel';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { OutboxWorker } from '../../../src/core/outbox/worker';
import { openTestDb, type TestDb } from '../../helpers/db';
import { testContext } from '../../helpers/context';

describe('drain on a worker whose loop runs', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());
  const queue = (text: string) =>
    enqueue(db.db, [{ platform: 'sandbox', chatExternalId: 'g1' }], { text }, { purpose: 'reply' });

  it('returns once the loop has sent what was due, leaves the loop running, and sends alone once stopped', async () => {
    const sent: string[] = [];
    let claimed!: () => void;
    const inFlight = new Promise<void>((r) => (claimed = r));
    const sender: ChannelSender = {
      platform: 'sandbox',
      maxTextLength: 4096,
      limits: { perSecond: 0, perChatPerMinute: 0 },
      async send(_chat, message: OutboundMessage) {
        claimed();
        // Slow enough that drain starts while the loop holds the row.
        await new Promise((r) => setTimeout(r, 200));
        sent.push(message.text);
        return { ok: true, messageId: String(sent.length) };
      },
    };
    const worker = new OutboxWorker(testContext(db), sender, { instanceId: 'loop', idleMs: 50 });
    worker.start();
    try {
      await queue('một');
      worker.poke();
      await inFlight;
      expect(await worker.drain(5_000)).toBe(1);
      expect(sent).toEqual(['một']);

      // The loop still sends on its own.
      await queue('hai');
      worker.poke();
      await vi.waitFor(() => expect(sent).toEqual(['một', 'hai']), { timeout: 5_000 });
    } finally {
      await worker.stop();
    }

    // Once stopped, drain sends by itself again.
    await queue('ba');
    expect(await worker.drain(5_000)).toBe(1);
    expect(sent).toEqual(['một', 'hai', 'ba']);
  });
});
