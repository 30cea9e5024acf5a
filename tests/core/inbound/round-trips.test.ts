/**
 * The hot path's round trips: a reply to an invitation with a list is the message the bot sees
 * most. It must cost a fixed, small number of statements (besides BEGIN/COMMIT) whatever the
 * list, and still write everything it wrote before: the people, the registration, the audit
 * row and the confirmation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '../../../src/core/events/manage';
import { chatSim, linkGroups, putUnits } from '../../helpers/chat';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, recordingStatements, type TestDb } from '../../helpers/db';

let db: TestDb;
const statements: string[] = [];
let counting = false;
let chat: ReturnType<typeof chatSim>;
let invitation: string;

beforeAll(async () => {
  db = await openTestDb();
  const counted = recordingStatements(db.db, (s) => {
    if (counting) statements.push(s);
  });
  const ctx = testContext({ ...db, db: counted }, new TestClock(new Date('2024-10-01T02:00:00Z')));
  chat = chatSim(ctx);
  const codes = await putUnits(ctx, [{ code: 'YT', name: 'Sở Y tế', category: 'Sở' }]);
  await linkGroups(chat, codes, { 'g-yt': 'YT' });
  await createEvent(ctx, {
    title: 'Tập huấn chuyển đổi số',
    startsAt: new Date('2024-10-20T00:30:00Z'),
    registrationDeadline: new Date('2024-10-15T10:00:00Z'),
    units: ['YT'],
    agenda: [],
  });
  await chat.deliverAll();
  invitation = await chat.find('g-yt', /Tập huấn chuyển đổi số/);
});

afterAll(async () => {
  await db.close();
});

async function replyCounting(text: string): Promise<string[]> {
  statements.length = 0;
  counting = true;
  try {
    await chat.say('g-yt', text, { replyToMessageId: invitation });
  } finally {
    counting = false;
  }
  // The simulator's own "delivery" update is not part of handling the message.
  return statements.filter((s) => !s.startsWith('update "outbox" set "state"'));
}

it('a first list costs two statements and writes people, registration, audit and reply', async () => {
  const sent = await replyCounting(
    '1. Ông Nguyễn Văn An - Phó Giám đốc\n2. Bà Trần Thị Bình - Chuyên viên',
  );
  expect(sent).toHaveLength(2);
  // The update's claim also reads the invitation replied to, with the unit's registration.
  expect(sent[0]).toMatch(/INSERT INTO processed_updates/);
  expect(sent[0]).toMatch(/FROM registrations r/);
  // The registration's writes and the audit row ride with the confirmation's outbox row.
  const last = sent.at(-1)!;
  for (const part of [
    /delete from "?attendees"?/i,
    /insert into "?attendees"?/i,
    /update "?registrations"?/i,
    /insert into "?audit_log"?/i,
    /insert into "?outbox"?/i,
  ])
    expect(last).toMatch(part);
  const people = await db.db.selectFrom('attendees').select('name').orderBy('position').execute();
  expect(people.map((p) => p.name)).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
  const reg = await db.db.selectFrom('registrations').selectAll().executeTakeFirstOrThrow();
  expect(reg.status).toBe('registered');
  expect(reg.acted_from_chat_id).not.toBeNull();
  const audit = await db.db
    .selectFrom('audit_log')
    .select(['action', 'details'])
    .where('action', '=', 'registration')
    .execute();
  expect(audit).toHaveLength(1);
  expect(await chat.texts('g-yt').then((t) => t.at(-1))).toContain('Nguyễn Văn An');
});

it('a changed list costs the same and says what changed against what was stored', async () => {
  const sent = await replyCounting(
    '1. Ông Nguyễn Văn An - Phó Giám đốc\n2. Ông Lê Văn Cường - Trưởng phòng',
  );
  expect(sent).toHaveLength(2);
  const people = await db.db.selectFrom('attendees').select('name').orderBy('position').execute();
  expect(people.map((p) => p.name)).toEqual(['Nguyễn Văn An', 'Lê Văn Cường']);
  const text = (await chat.texts('g-yt')).at(-1)!;
  expect(text).toContain('Lê Văn Cường');
  expect(text).toContain('Trần Thị Bình'); // named as taken off
  expect(
    await db.db.selectFrom('audit_log').select('id').where('action', '=', 'registration').execute(),
  ).toHaveLength(2);
});
