/**
 * An OfficialDocument as a DOCX file (the `docx` library). Every run carries its font and size
 * itself, so the layout does not depend on the reader's default style.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  UnderlineType,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import { upper } from './format.ts';
import {
  type Align,
  type Block,
  FONT,
  MARGINS_TWIPS,
  MOTTO,
  NATIONAL_NAME,
  numberLine,
  type OfficialDocument,
  PAGE,
  placeDateLine,
  recipientLines,
  SIZES,
  signerTitleLines,
  TEXT_WIDTH,
} from './official.ts';
import type { Signer } from './types.ts';

interface RunOptions {
  size: number;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

function run(text: string, o: RunOptions): TextRun {
  return new TextRun({
    text,
    font: FONT,
    size: o.size * 2,
    bold: o.bold ?? false,
    italics: o.italic ?? false,
    ...(o.underline ? { underline: { type: UnderlineType.SINGLE } } : {}),
  });
}

const ALIGN = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.JUSTIFIED,
} as const;

const LINE = { line: 276, lineRule: LineRuleType.AUTO };

function line(text: string, o: RunOptions & { align?: Align; after?: number }): Paragraph {
  return new Paragraph({
    alignment: ALIGN[o.align ?? 'center'],
    spacing: { before: 0, after: o.after ?? 0 },
    children: [run(text, o)],
  });
}

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = {
  top: NONE,
  bottom: NONE,
  left: NONE,
  right: NONE,
  insideHorizontal: NONE,
  insideVertical: NONE,
};
const SINGLE = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const BORDERS = {
  top: SINGLE,
  bottom: SINGLE,
  left: SINGLE,
  right: SINGLE,
  insideHorizontal: SINGLE,
  insideVertical: SINGLE,
};

/** A borderless layout table of two columns (heading, signatures). */
function layout(widths: [number, number], cells: [Paragraph[], Paragraph[]][]): Table {
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: NO_BORDERS,
    rows: cells.map(
      ([left, right]) =>
        new TableRow({
          children: [left, right].map(
            (children, i) =>
              new TableCell({
                width: { size: widths[i] ?? 0, type: WidthType.DXA },
                borders: NO_BORDERS,
                children,
              }),
          ),
        }),
    ),
  });
}

const HEADING_WIDTHS: [number, number] = [3600, TEXT_WIDTH - 3600];

function heading(doc: OfficialDocument): Table {
  const left = [
    ...(doc.issuer.parent ? [line(upper(doc.issuer.parent), { size: SIZES.issuer })] : []),
    line(upper(doc.issuer.name), { size: SIZES.issuer, bold: true, underline: true }),
    line('', { size: SIZES.number }),
    line(numberLine(doc.symbol), { size: SIZES.number }),
  ];
  const right = [
    line(NATIONAL_NAME, { size: SIZES.nationalName, bold: true }),
    line(MOTTO, { size: SIZES.motto, bold: true, underline: true }),
    line('', { size: SIZES.number }),
    line(placeDateLine(doc), { size: SIZES.dateLine, italic: true }),
  ];
  return layout(HEADING_WIDTHS, [[left, right]]);
}

function titleBlock(doc: OfficialDocument): Paragraph[] {
  const out = [
    new Paragraph({ spacing: { before: 360, after: 0 }, children: [] }),
    line(upper(doc.kind), { size: SIZES.kind, bold: true }),
    line(doc.summary, { size: SIZES.summary, bold: true, after: 240 }),
  ];
  if (doc.addressee) out.push(line(doc.addressee, { size: SIZES.body, after: 240 }));
  return out;
}

function blockToDocx(block: Block): Paragraph | Table {
  switch (block.kind) {
    case 'paragraph':
      return new Paragraph({
        alignment: ALIGN[block.align ?? 'justify'],
        indent: block.indent === false ? {} : { firstLine: 567 },
        spacing: { before: 0, after: 120, ...LINE },
        children: block.runs.map((r) =>
          run(r.text, { size: SIZES.body, bold: r.bold ?? false, italic: r.italic ?? false }),
        ),
      });
    case 'section':
      return new Paragraph({
        alignment: AlignmentType.JUSTIFIED,
        indent: { firstLine: 567 },
        keepNext: true,
        spacing: { before: 120, after: 120, ...LINE },
        children: [run(block.text, { size: SIZES.body, bold: true })],
      });
    case 'centered':
      return line(block.text, {
        size: SIZES.body,
        bold: !block.plain,
        italic: block.italic ?? false,
        after: 60,
      });
    case 'table':
      return dataTable(block);
  }
}

function dataTable(block: Extract<Block, { kind: 'table' }>): Table {
  const widths = block.columns.map((c) => Math.round((c.width * TEXT_WIDTH) / 100));
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      children: text.split('\n').map(
        (t) =>
          new Paragraph({
            alignment: ALIGN[header ? 'center' : (block.columns[i]?.align ?? 'left')],
            children: [run(t, { size: SIZES.table, bold: header })],
          }),
      ),
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: BORDERS,
    rows: [
      new TableRow({ tableHeader: true, children: block.columns.map((c, i) => cell(c.header, i, true)) }),
      ...block.rows.map(
        (r) => new TableRow({ cantSplit: true, children: r.map((t, i) => cell(t, i, false)) }),
      ),
    ],
  });
}

function signerParagraphs(signer: Signer): Paragraph[] {
  return [
    ...signerTitleLines(signer).map((t) => line(t, { size: SIZES.signer, bold: true })),
    ...[1, 2, 3, 4].map(() => line('', { size: SIZES.signer })),
    line(signer.name, { size: SIZES.signer, bold: true }),
  ];
}

function recipientParagraphs(recipients: readonly string[]): Paragraph[] {
  return [
    line('Nơi nhận:', { size: SIZES.recipientsLabel, bold: true, italic: true, align: 'left' }),
    ...recipientLines(recipients).map((r) => line(r, { size: SIZES.recipients, align: 'left' })),
  ];
}

function signatureBlock(doc: OfficialDocument): Table {
  const [first, second] = doc.signers;
  if (!first) return layout([TEXT_WIDTH / 2, TEXT_WIDTH / 2], [[recipientParagraphs(doc.recipients), []]]);
  if (!second) {
    return layout(
      [4300, TEXT_WIDTH - 4300],
      [[recipientParagraphs(doc.recipients), signerParagraphs(first)]],
    );
  }
  const half = Math.floor(TEXT_WIDTH / 2);
  return layout(
    [half, TEXT_WIDTH - half],
    [
      [signerParagraphs(first), signerParagraphs(second)],
      [recipientParagraphs(doc.recipients), []],
    ],
  );
}

export async function officialDocumentToDocx(doc: OfficialDocument): Promise<Buffer> {
  const children: (Paragraph | Table)[] = [
    heading(doc),
    ...titleBlock(doc),
    ...doc.body.map(blockToDocx),
    new Paragraph({ spacing: { before: 120 }, children: [] }),
    signatureBlock(doc),
  ];
  if (doc.appendix && doc.appendix.length > 0) {
    children.push(new Paragraph({ pageBreakBefore: true, children: [] }), ...doc.appendix.map(blockToDocx));
  }
  const document = new Document({
    creator: 'thidua',
    title: doc.fileTitle,
    styles: { default: { document: { run: { font: FONT, size: SIZES.body * 2 } } } },
    sections: [
      {
        properties: {
          titlePage: true,
          page: {
            size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.PORTRAIT },
            margin: { ...MARGINS_TWIPS, header: 567, footer: 567 },
          },
        },
        headers: {
          default: new Header({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ children: [PageNumber.CURRENT], font: FONT, size: SIZES.table * 2 }),
                ],
              }),
            ],
          }),
          first: new Header({ children: [] }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
