import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyReportText,
  recognizeReport,
  reportSubjects,
  type ReportRecognition,
} from '../../../src/core/reports/recognize';
import {
  NOW,
  OWED,
  TZ,
  reportCorpus,
  subjectsCorpus,
  type ReportCase,
} from '../../fixtures/report-corpus';

const recognize = (c: ReportCase): ReportRecognition =>
  recognizeReport(c.text, c.owed, {
    now: NOW,
    tz: TZ,
    ...(c.replyTo !== undefined ? { replyTo: c.replyTo } : {}),
    ...(c.unitName ? { unitName: c.unitName } : {}),
  });

const sameIds = (a: number[], b: number[]): boolean =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** A report recorded where the expected reading records nothing, or records another report. */
function wronglyRecorded(got: ReportRecognition, want: ReportRecognition): boolean {
  if (got.kind !== 'report') return false;
  return want.kind !== 'report' || !sameIds(got.ids, want.ids);
}

describe('report corpus', () => {
  it('is large and covers every kind of message', () => {
    expect(reportCorpus.length).toBeGreaterThanOrEqual(200);
    const count = (pred: (c: ReportCase) => boolean) => reportCorpus.filter(pred).length;
    expect(count((c) => c.replyTo !== undefined)).toBeGreaterThanOrEqual(20);
    expect(count((c) => c.clear === true)).toBeGreaterThanOrEqual(60);
    for (const reason of [
      'other-report',
      'extension',
      'promise',
      'question',
      'negation',
      'failed',
      'draft',
      'other-unit',
    ]) {
      expect(
        count((c) => c.expected.kind === 'other' && c.expected.reason === reason),
        reason,
      ).toBeGreaterThanOrEqual(8);
    }
  });

  it('records no wrong report and records ≥ 95% of clear statements without asking', () => {
    const wrong: string[] = [];
    const differ: string[] = [];
    let clearTotal = 0;
    let clearRecorded = 0;
    let exact = 0;
    for (const c of reportCorpus) {
      const got = recognize(c);
      if (wronglyRecorded(got, c.expected))
        wrong.push(`${JSON.stringify(c.text)} → ${JSON.stringify(got)}`);
      if (c.clear) {
        clearTotal++;
        if (
          got.kind === 'report' &&
          c.expected.kind === 'report' &&
          sameIds(got.ids, c.expected.ids)
        )
          clearRecorded++;
      }
      const { truncated: _t, ...plain } = got;
      const norm = (r: ReportRecognition) => {
        const o: Record<string, unknown> = { ...r };
        if (r.kind === 'report' || r.kind === 'maybe') o.ids = [...r.ids].sort();
        return JSON.stringify(
          Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))),
        );
      };
      if (norm(plain) === norm(c.expected)) exact++;
      else
        differ.push(
          `${JSON.stringify(c.text)}${c.replyTo !== undefined ? ` (reply to ${c.replyTo})` : ''}\n    got ${JSON.stringify(got)}\n    want ${JSON.stringify(c.expected)}`,
        );
    }
    const rate = clearRecorded / clearTotal;
    console.log(
      `report recognition on ${reportCorpus.length} messages: wrongly recorded ${wrong.length}, ` +
        `clear statements recorded without a question ${clearRecorded}/${clearTotal} (${(100 * rate).toFixed(1)}%), ` +
        `exact ${exact}/${reportCorpus.length}`,
    );
    if (differ.length) console.log(`${differ.length} differ:\n  ${differ.join('\n  ')}`);
    expect(wrong).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(0.95);
    expect(exact / reportCorpus.length).toBeGreaterThanOrEqual(0.95);
  });

  it('reads the same text the same way whether NFC or decomposed', () => {
    for (const c of reportCorpus) {
      const nfd = recognize({ ...c, text: c.text.normalize('NFD') });
      expect(nfd).toEqual(recognize({ ...c, text: c.text.normalize('NFC') }));
    }
  });
});

describe('recognizeReport', () => {
  const opts = { now: NOW, tz: TZ };

  it('keeps the document number and date a statement gives', () => {
    expect(
      recognizeReport(
        'Đơn vị đã gửi Báo cáo số 125/BC-UBND ngày 10/10/2024 về chuyển đổi số quý III qua iOffice',
        [OWED.cds],
        opts,
      ),
    ).toEqual({
      kind: 'report',
      ids: [2],
      docNumber: '125/BC-UBND',
      docDate: '2024-10-10',
      correction: false,
    });
  });

  it('never records when nothing is owed, and says when it read only the beginning', () => {
    expect(recognizeReport('Đã gửi báo cáo quý III ạ', [], opts).kind).toBe('none');
    const long = `Đã gửi báo cáo chuyển đổi số quý III ạ ${'x'.repeat(2_000)}`;
    expect(recognizeReport(long, [OWED.cds], opts).truncated).toBe(true);
  });

  it('answers one of the four kinds for any text, and records only what is owed', () => {
    const owed = [OWED.cds, OWED.cchc, OWED.plan45];
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const r = recognizeReport(text, owed, opts);
        expect(['report', 'maybe', 'other', 'none']).toContain(r.kind);
        if (r.kind === 'report' || r.kind === 'maybe') {
          expect(r.ids.length).toBeGreaterThan(0);
          for (const id of r.ids) expect(owed.map((o) => o.id)).toContain(id);
        }
        if (r.kind === 'report' && r.docDate) expect(r.docDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the old three-way reading for callers that have not moved', () => {
    expect(classifyReportText('Đã gửi báo cáo số 45/BC-UBND ạ')).toBe('report');
    expect(classifyReportText('Em gửi file ạ')).toBe('maybe');
    expect(classifyReportText('Chiều em gửi báo cáo ạ')).toBe('none');
    expect(classifyReportText('Dạ em cảm ơn')).toBe('none');
  });
});

describe('reportSubjects', () => {
  it('reads who reported and who did not, with the numbers stated', () => {
    const differ: string[] = [];
    for (const c of subjectsCorpus) {
      const got = reportSubjects(c.text);
      if (JSON.stringify(got) !== JSON.stringify(c.expected))
        differ.push(
          `${JSON.stringify(c.text)}\n    got ${JSON.stringify(got)}\n    want ${JSON.stringify(c.expected)}`,
        );
    }
    if (differ.length) console.log(differ.join('\n  '));
    expect(differ).toEqual([]);
    expect(subjectsCorpus.length).toBeGreaterThanOrEqual(12);
  });
});
