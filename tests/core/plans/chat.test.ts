/**
 * Importing a plan from the organizer chat: a .docx sent there is fetched from the platform by a
 * job after the message (not inside it) and read into a draft; a pasted plan is read at once;
 * the bot answers with the counts, the warnings and the review link. Nothing reaches units.
 */
import { readFileSync } from 'node:fs';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTick } from '../../../src/core/scheduler/handlers';
import { organizerJoinCode } from '../../../src/core/units/repo';
import { openTestDb, type TestDb } from '../../helpers/db';
import { TestClock, testContext } from '../../helpers/context';
import { chatSim, putUnits } from '../../helpers/chat';

const SEED002 = readFileSync(new URL('../../fixtures/seeds/002.txt', import.meta.url), 'utf8');
let db: TestDb;
let ctx: ReturnType<typeof testContext>;
let sim: ReturnType<typeof chatSim>;
const requested: string[] = [];
let docx: Uint8Array;

beforeAll(async () => {
  docx = new Uint8Array(
    await Packer.toBuffer(
      new Document({
        sections: [
          {
            children: SEED002.split('\n')
              .filter((l) => l.trim())
              .map((l) => new Paragraph(l.replace(/\*/g, ''))),
          },
        ],
      }),
    ),
  );
  db = await openTestDb();
  ctx = testContext(db, new TestClock(new Date('2024-03-01T02:00:00Z')), {
    PUBLIC_URL: 'https://dieuphoi.example.vn',
  });
  ctx.platforms = {
    telegram: {
      async fetchFile(fileId, maxBytes) {
        requested.push(fileId);
        if (docx.byteLength > maxBytes) throw new Error('too large');
        return { data: docx, fileName: 'ke-hoach-41.docx' };
      },
    },
  };
  sim = chatSim(ctx);
  const codes = await putUnits(ctx, [{ code: 'STTTT', name: 'Sở Thông tin và Truyền thông' }]);
  await sim.say('gU', `/lienket ${codes.STTTT}`);
  await sim.say('gORG', `/lienket ${await organizerJoinCode(ctx.db)}`);
});
afterAll(() => db.close());

describe('a plan file sent in the organizer group', () => {
  it('is acknowledged at once and fetched afterwards by a job, then answered with counts, warnings and the link', async () => {
    await sim.say('gORG', '', {
      attachments: [
        {
          kind: 'document',
          fileId: 'TG-FILE-1',
          fileName: 'KH 41-KH-UBND.docx',
          mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        },
      ],
    });
    expect((await sim.texts('gORG')).at(-1)).toContain('Đang đọc kế hoạch “KH 41-KH-UBND.docx”');
    expect(requested).toEqual([]);
    expect(await db.db.selectFrom('plan_drafts').select('id').execute()).toHaveLength(0);

    await runTick(ctx);
    await sim.deliverAll();
    expect(requested).toEqual(['TG-FILE-1']);
    const answer = (await sim.texts('gORG')).at(-1)!;
    expect(answer).toContain(
      'Đã đọc kế hoạch số 41/KH-UBND: Công tác thông tin đối ngoại năm 2022',
    );
    expect(answer).toMatch(/• 26 nhiệm vụ/);
    expect(answer).toContain('• 1 yêu cầu báo cáo (1 định kỳ)');
    expect(answer).toContain('1 đơn vị đã có trong danh sách');
    expect(answer).toContain('⚠️ Cần xem lại');
    const [draft] = await db.db
      .selectFrom('plan_drafts')
      .select(['id', 'source_kind', 'file_name'])
      .execute();
    expect(draft).toMatchObject({ source_kind: 'docx', file_name: 'KH 41-KH-UBND.docx' });
    expect(answer).toContain(`https://dieuphoi.example.vn/plans/${draft!.id}`);
    // Nothing went to the unit's group: applying is the organizer's decision.
    expect(await sim.texts('gU')).toHaveLength(1);
  });

  it('answers a file that is not a plan with the reason, and creates nothing', async () => {
    const notAPlan = new Uint8Array(
      await Packer.toBuffer(
        new Document({ sections: [{ children: [new Paragraph('GIẤY MỜI họp giao ban')] }] }),
      ),
    );
    const before = docx;
    docx = notAPlan;
    await sim.say('gORG', '', {
      attachments: [{ kind: 'document', fileId: 'TG-FILE-2', fileName: 'giay-moi.docx' }],
    });
    await runTick(ctx);
    await sim.deliverAll();
    docx = before;
    expect((await sim.texts('gORG')).at(-1)).toContain('không phải là một kế hoạch');
    expect(await db.db.selectFrom('plan_drafts').select('id').execute()).toHaveLength(1);
  });

  it('reads a pasted plan at once; ordinary chatter and photos are left alone', async () => {
    await sim.say('gORG', SEED002.slice(0, 4000));
    expect((await sim.texts('gORG')).at(-1)).toContain('Đã đọc kế hoạch số 41/KH-UBND');
    const before = (await sim.texts('gORG')).length;
    await sim.say('gORG', 'Các anh chị xem giúp kế hoạch tuần sau nhé');
    await sim.say('gORG', '', { attachments: [{ kind: 'photo', fileId: 'P1' }] });
    expect(await sim.texts('gORG')).toHaveLength(before);
    await sim.say('gORG', '/kehoach');
    expect((await sim.texts('gORG')).at(-1)).toContain('Gửi tệp kế hoạch');
  });
});
