/**
 * A draft "Báo cáo tổng hợp" laid out as a Vietnamese administrative document (Nghị định
 * 30/2020/NĐ-CP, Phụ lục I): the issuing body and "Số: …/BC-…" on the left, the national motto on
 * the right with place and date, the title "BÁO CÁO" and its subject, the body, "Nơi nhận" and the
 * signature block, and an annex table. Times New Roman 13–14, A4, margins 20/20/30/15 mm. The
 * number is left blank: the organizer edits, signs and registers it. Pure (the `docx` package).
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  PageBreak,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  UnderlineType,
  VerticalAlign,
  WidthType,
  convertMillimetersToTwip,
} from 'docx';

export interface SummaryReportInput {
  /** The body above the issuer ("UBND TỈNH ĐỒNG THÁP"), if any. */
  parentBody: string | null;
  /** The issuing body ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"); blank dots when unknown. */
  issuer: string | null;
  /** "Số: …/BC-STTTT": the symbol after BC- (left blank when unknown). */
  symbol: string | null;
  place: string | null;
  date: { day: number; month: number; year: number };
  /** The subject under "BÁO CÁO" ("Kết quả thực hiện Kế hoạch …"). */
  subject: string;
  /** Paragraphs before the first heading. */
  intro: string[];
  sections: Array<{ heading: string; paragraphs: string[] }>;
  recipients: string[];
  /** "GIÁM ĐỐC", "KT. CHỦ TỊCH …": the signer's title, blank for the organizer to fill. */
  signerTitle: string;
  labels: {
    motto1: string;
    motto2: string;
    kind: string;
    recipientsLabel: string;
    signHint: string;
    annexLabel: string;
  };
  annex: {
    title: string;
    subtitle: string;
    columns: Array<{ header: string; width: number }>;
    rows: string[][];
  };
}

const FONT = 'Times New Roman';
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};
const THIN = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

const pt = (n: number) => n * 2; // docx sizes are half-points

function run(
  text: string,
  o: { size?: number; bold?: boolean; italic?: boolean; underline?: boolean } = {},
) {
  return new TextRun({
    text,
    font: FONT,
    size: pt(o.size ?? 14),
    bold: o.bold,
    italics: o.italic,
    ...(o.underline ? { underline: { type: UnderlineType.SINGLE } } : {}),
  });
}

function centered(text: string, o: Parameters<typeof run>[1] = {}, after = 0) {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { after },
    children: [run(text, o)],
  });
}

function bodyParagraph(text: string) {
  return new Paragraph({
    alignment: AlignmentType.JUSTIFIED,
    indent: { firstLine: convertMillimetersToTwip(10) },
    spacing: { before: 60, after: 60, line: 300 },
    children: [run(text, { size: 14 })],
  });
}

function cell(children: Paragraph[], widthPct: number, borders = NO_BORDERS) {
  return new TableCell({
    children,
    width: { size: widthPct, type: WidthType.PERCENTAGE },
    borders,
    verticalAlign: VerticalAlign.TOP,
  });
}

function headerBlock(input: SummaryReportInput) {
  const left: Paragraph[] = [];
  if (input.parentBody) left.push(centered(input.parentBody.toLocaleUpperCase('vi'), { size: 13 }));
  left.push(
    centered((input.issuer ?? '……………………').toLocaleUpperCase('vi'), { size: 13, bold: true }),
  );
  left.push(centered('———', { size: 10 }, 120));
  left.push(centered(`Số:      /BC-${input.symbol ?? '………'}`, { size: 13 }));
  const d = input.date;
  const right = [
    centered(input.labels.motto1, { size: 13, bold: true }),
    centered(input.labels.motto2, { size: 14, bold: true, underline: true }, 240),
    centered(`${input.place ?? '……………'}, ngày ${d.day} tháng ${d.month} năm ${d.year}`, {
      size: 14,
      italic: true,
    }),
  ];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(left, 40), cell(right, 60)] })],
  });
}

function signatureBlock(input: SummaryReportInput) {
  const left = [
    new Paragraph({
      children: [run(input.labels.recipientsLabel, { size: 12, bold: true, italic: true })],
    }),
    ...input.recipients.map((r) => new Paragraph({ children: [run(`- ${r}`, { size: 11 })] })),
  ];
  const right = [
    centered(input.signerTitle, { size: 14, bold: true }),
    centered(input.labels.signHint, { size: 14, italic: true }),
  ];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NO_BORDERS,
    rows: [new TableRow({ children: [cell(left, 50), cell(right, 50)] })],
  });
}

function annexTable(input: SummaryReportInput) {
  const total = input.annex.columns.reduce((s, c) => s + c.width, 0) || 1;
  const borders = { top: THIN, bottom: THIN, left: THIN, right: THIN };
  const row = (cells: string[], header: boolean) =>
    new TableRow({
      tableHeader: header,
      children: cells.map(
        (text, i) =>
          new TableCell({
            width: {
              size: Math.round((input.annex.columns[i]!.width / total) * 100),
              type: WidthType.PERCENTAGE,
            },
            borders,
            verticalAlign: VerticalAlign.CENTER,
            children: [
              new Paragraph({
                alignment: header || i === 0 ? AlignmentType.CENTER : AlignmentType.LEFT,
                children: [run(text, { size: 12, bold: header })],
              }),
            ],
          }),
      ),
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      row(
        input.annex.columns.map((c) => c.header),
        true,
      ),
      ...input.annex.rows.map((r) => row(r, false)),
    ],
  });
}

export async function buildSummaryReportDocx(input: SummaryReportInput): Promise<Buffer> {
  const children = [
    headerBlock(input),
    new Paragraph({ spacing: { before: 240 }, children: [] }),
    centered(input.labels.kind, { size: 14, bold: true }),
    centered(input.subject, { size: 14, bold: true }, 60),
    centered('———', { size: 10 }, 240),
    ...input.intro.map(bodyParagraph),
    ...input.sections.flatMap((s) => [
      new Paragraph({
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLine: convertMillimetersToTwip(10) },
        spacing: { before: 120, after: 60 },
        children: [run(s.heading, { size: 14, bold: true })],
      }),
      ...s.paragraphs.map(bodyParagraph),
    ]),
    new Paragraph({ spacing: { before: 240 }, children: [] }),
    signatureBlock(input),
    new Paragraph({ children: [new PageBreak()] }),
    centered(input.labels.annexLabel, { size: 14, bold: true }),
    centered(input.annex.title, { size: 14, bold: true }),
    centered(input.annex.subtitle, { size: 13, italic: true }, 200),
    annexTable(input),
  ];
  const doc = new Document({
    creator: 'Điều phối',
    title: input.subject,
    styles: { default: { document: { run: { font: FONT, size: pt(14) } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: convertMillimetersToTwip(210), height: convertMillimetersToTwip(297) },
            margin: {
              top: convertMillimetersToTwip(20),
              bottom: convertMillimetersToTwip(20),
              left: convertMillimetersToTwip(30),
              right: convertMillimetersToTwip(15),
            },
          },
        },
        children,
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}
