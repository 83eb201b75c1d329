/**
 * An administrative document (văn bản hành chính) as a plain model, laid out once by the rules
 * of Nghị định 30/2020/NĐ-CP (Phụ lục I) and written both as DOCX and as print-ready HTML, so
 * that the two always carry the same text.
 *
 * Layout facts shared by both writers: A4 portrait; margins top and bottom 20 mm, left 30 mm,
 * right 15 mm; Times New Roman; national heading 12 pt capitals bold, motto 13 pt bold
 * underlined, issuing body 12 pt capitals (its name bold), number 13 pt, place and date 14 pt
 * italic, type of document 14 pt capitals bold, summary 14 pt bold, body 14 pt justified with a
 * 1 cm first-line indent, tables 13 pt, signer's title 14 pt capitals bold, "Nơi nhận:" 12 pt
 * bold italic with its list at 11 pt.
 */
import type { IsoDate } from '#domain/model';
import { dateLineVn, upper } from './format.ts';
import type { IssuingBody, Signer } from './types.ts';

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
}

export type Align = 'left' | 'center' | 'right' | 'justify';

export interface TableColumn {
  header: string;
  /** Share of the text width, in percent. */
  width: number;
  align?: Align;
}

export type Block =
  /** A body paragraph: justified, first line indented, unless said otherwise. */
  | { kind: 'paragraph'; runs: Run[]; align?: Align; indent?: boolean }
  /** A numbered section heading ("I. TÌNH HÌNH …"), bold. */
  | { kind: 'section'; text: string }
  /** A centred title line of an appendix (bold unless `plain`). */
  | { kind: 'centered'; text: string; plain?: boolean; italic?: boolean }
  | { kind: 'table'; columns: TableColumn[]; rows: string[][] };

export interface OfficialDocument {
  /** For file properties and the HTML <title>. */
  fileTitle: string;
  issuer: IssuingBody;
  /** What follows "Số:      /": the document type's abbreviation and the issuer's, "TTr-PNV". */
  symbol: string;
  place: string;
  /** Without a date the day and month of the date line are left blank for the signer. */
  date?: IsoDate;
  /** The year printed on a blank date line. */
  year: number;
  /** "BÁO CÁO", "TỜ TRÌNH", "BIÊN BẢN". */
  kind: string;
  /** Trích yếu: what the document is about. */
  summary: string;
  /** "Kính gửi: …", when the document is addressed. */
  addressee?: string;
  body: Block[];
  /** One signer, or two side by side (a record: secretary left, chair right). */
  signers: Signer[];
  /** Nơi nhận, each without its leading dash. */
  recipients: string[];
  /** A list attached to the document, from a new page. */
  appendix?: Block[];
}

/** Page and margins in twentieths of a point (twips): A4 is 11906 × 16838. */
export const PAGE = { width: 11906, height: 16838 } as const;
export const MARGINS_TWIPS = { top: 1134, bottom: 1134, left: 1701, right: 850 } as const;
export const MARGINS_MM = { top: 20, bottom: 20, left: 30, right: 15 } as const;
/** Text width: page less left and right margins. */
export const TEXT_WIDTH = PAGE.width - MARGINS_TWIPS.left - MARGINS_TWIPS.right;
export const FONT = 'Times New Roman';

/** Point sizes of each part (Nghị định 30/2020, Phụ lục I). */
export const SIZES = {
  nationalName: 12,
  motto: 13,
  issuer: 12,
  number: 13,
  dateLine: 14,
  kind: 14,
  summary: 14,
  body: 14,
  table: 13,
  signer: 14,
  recipientsLabel: 12,
  recipients: 11,
} as const;

export const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/** "Số:      /TTr-PNV": the number is left blank for the clerk who registers the document. */
export function numberLine(symbol: string): string {
  return `Số:        /${symbol}`;
}

/** "Sông Lam, ngày 15 tháng 01 năm 2025" or with day and month left blank. */
export function placeDateLine(doc: Pick<OfficialDocument, 'place' | 'date' | 'year'>): string {
  return `${doc.place}, ${dateLineVn(doc.date, doc.year)}`;
}

/** The signer's lines above the signature space: on whose behalf, then the title, in capitals. */
export function signerTitleLines(signer: Signer): string[] {
  return [...(signer.onBehalfOf ? [upper(signer.onBehalfOf)] : []), upper(signer.title)];
}

/** "- Như trên;" … "- Lưu: VT, NV." — a dash before each, ";" between, "." after the last. */
export function recipientLines(recipients: readonly string[]): string[] {
  return recipients.map((r, i) => `- ${r}${i === recipients.length - 1 ? '.' : ';'}`);
}

export const p = (text: string, options: { bold?: boolean; italic?: boolean } = {}): Block => ({
  kind: 'paragraph',
  runs: [{ text, ...options }],
});
