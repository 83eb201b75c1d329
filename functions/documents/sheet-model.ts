/**
 * A scoring summary as a plain table model, built once and written three ways (XLSX, CSV,
 * HTML) so that the three files always say the same thing.
 *
 * Numbers are already rounded for display (integer hundredths, half-up); every comparison that
 * decided a band or a rank was made on exact values before this model was built.
 */

import type { Fraction } from '#domain/model';
import { BAND_LABELS, type Band } from '#domain/model';
import { fraction } from '#domain/points';
import { type BandThreshold, bandOf, DEFAULT_BANDS } from '#domain/ranking';
import { exactDecimal, formatHundredths, type Hundredths, percentHundredths } from './format.ts';
import type { DocumentContext, IssuingBody } from './types.ts';

export type Cell =
  | { t: 'text'; v: string }
  /** Two decimals; `signed` shows a plus sign on gains. */
  | { t: 'num'; v: Hundredths; signed?: boolean }
  | { t: 'int'; v: number; signed?: boolean }
  | { t: 'empty' };

/** How a row reads: a reform area with its subtotal, a criterion group, a leaf, a total line. */
export type RowStyle = 'area' | 'group' | 'leaf' | 'total';

export interface SheetRow {
  style: RowStyle;
  /** Indentation of the label (0 for areas). */
  level: number;
  cells: Cell[];
}

export interface Sheet {
  /** Sheet name (at most 31 characters). */
  name: string;
  /** Lines above the table: what it is, which period and group, which version, when made. */
  title: string;
  subtitles: string[];
  header: string[];
  /** Column widths in characters. */
  widths: number[];
  /** Leading columns that label the rows (frozen when scrolling). */
  labelColumns: number;
  /** Index of the column whose label is indented by level. */
  indentColumn: number;
  rows: SheetRow[];
  notes: string[];
}

export interface SummaryBook {
  /** "UBND HUYỆN SÔNG LAM" / "PHÒNG NỘI VỤ" above every sheet. */
  issuer: IssuingBody;
  /** Document title for file properties. */
  title: string;
  sheets: Sheet[];
  /** When produced (for file properties). */
  producedAt: Date;
}

export const text = (v: string): Cell => ({ t: 'text', v });
export const num = (v: Hundredths, signed = false): Cell =>
  signed ? { t: 'num', v, signed } : { t: 'num', v };
export const int = (v: number, signed = false): Cell => (signed ? { t: 'int', v, signed } : { t: 'int', v });
export const EMPTY: Cell = { t: 'empty' };
export const DASH: Cell = text('—');

/** A cell as text, Vietnamese style (decimal comma). */
export function cellText(cell: Cell): string {
  switch (cell.t) {
    case 'text':
      return cell.v;
    case 'num':
      return formatHundredths(cell.v, { signed: cell.signed ?? false });
    case 'int':
      return cell.signed && cell.v > 0 ? `+${cell.v}` : String(cell.v);
    case 'empty':
      return '';
  }
}

/** "Xuất sắc ≥ 90 %; Tốt 80 – dưới 90 %; …; Yếu dưới 50 %". */
export function bandsNote(bands: readonly BandThreshold[] = DEFAULT_BANDS): string {
  const sorted = [...bands].sort((a, b) => b.minPercent - a.minPercent);
  const parts = sorted.map((t, i) => {
    const min = formatThreshold(t.minPercent);
    const above = sorted[i - 1];
    if (!above) return `${BAND_LABELS[t.band]} từ ${min} % trở lên`;
    const upper = formatThreshold(above.minPercent);
    return t.minPercent === 0 || i === sorted.length - 1
      ? `${BAND_LABELS[t.band]} dưới ${upper} %`
      : `${BAND_LABELS[t.band]} từ ${min} đến dưới ${upper} %`;
  });
  return `Xếp loại: ${parts.join('; ')}.`;
}

function formatThreshold(value: number): string {
  return String(value).replace('.', ',');
}

export const ROUNDING_NOTE =
  'Điểm và tỷ lệ được làm tròn đến hai chữ số thập phân (từ 5 trở lên làm tròn lên) chỉ để hiển thị; ' +
  'xếp loại và xếp hạng theo giá trị chính xác, không làm tròn.';

/**
 * A note for a percentage whose rounded display would fall in another band than the exact value:
 * 89,995 % is shown 90,00 but is Tốt. Null when the display and the band agree.
 */
export function bandCrossingNote(
  name: string,
  percent: Fraction,
  band: Band,
  bands: readonly BandThreshold[] = DEFAULT_BANDS,
): string | null {
  const shown = percentHundredths(percent);
  if (bandOf(fraction(shown, 100), bands) === band) return null;
  return (
    `${name}: tỷ lệ chính xác ${exactDecimal(percent)} %, hiển thị ${formatHundredths(shown)} % – ` +
    `xếp loại ${BAND_LABELS[band]} theo giá trị chính xác.`
  );
}

/** The lines every summary sheet starts with under its title. */
export function contextLines(context: DocumentContext, producedOn: string): string[] {
  return [
    `Phong trào thi đua theo Kế hoạch số ${context.campaign.planNumber} của ${context.authority}`,
    `Lập ngày ${producedOn}`,
  ];
}
