/**
 * The unit report form's vocabulary, shared by the page that renders it, the client script that
 * enhances it and the parsing that reads it back: field names, limits, row counts, labels, and the
 * small readers of typed text (dates, links).
 *
 * Field names:
 *   version, writeId, action (save | save-valid | submit | explain), autosave (1 from the script)
 *   summary, response (the explanation after a return)
 *   score[<leaf>], explanation[<leaf>], evidence[<leaf>][<row>][number|date|issuer|url|title]
 *     (rows 0..evidenceMax-1; the page shows the filled ones and one blank, and its script adds
 *     more, numbered after the last; `evidence[<leaf>]` names a problem with the rows as a whole)
 *   file[<leaf>][<i>][key|version|name|size|type] (an uploaded evidence file, docs/evidence.md)
 *   initiative[<row>][id|title|description|effect]
 *   selfcheck (marker), t05 / k05 (checked item indexes 0..4), selfcheck-note,
 *   selfcheck-confirmed (the unit confirms that a message has no item done)
 *   nomination[<row>][id|name|position|form|achievements|initiative|status]
 * Blank rows (every field empty) are ignored.
 */
import { FORM_LABELS } from '#domain/issuers';
import type { CommendationForm, DisciplineStatus, EvidenceRef } from '#domain/model';

export const LIMITS = {
  summary: 10_000,
  explanation: 5_000,
  response: 10_000,
  evidenceNumber: 100,
  evidenceIssuer: 300,
  evidenceTitle: 500,
  url: 2_000,
  initiativeTitle: 300,
  initiativeText: 5_000,
  name: 200,
  position: 200,
  achievements: 5_000,
  note: 2_000,
  score: 20,
} as const;

/**
 * Row counts: what the page shows (existing rows + blanks) and the most a post may carry. Evidence
 * rows are per criterion (70-odd on a form): the page shows the filled ones and one blank, and the
 * script's "Thêm dòng minh chứng" adds more up to the maximum (without script, a save brings the
 * next blank row).
 */
export const ROWS = {
  evidenceMin: 1,
  evidenceMax: 10,
  /** Uploaded files per criterion. */
  filesMax: 20,
  initiativesMin: 3,
  initiativesMax: 20,
  nominationsMin: 2,
  nominationsMax: 30,
} as const;

export const DISCIPLINE_LABELS: Record<DisciplineStatus, string> = {
  none: 'Không bị kỷ luật, điều tra, thanh tra, khiếu nại',
  discipline: 'Đang bị xem xét, xử lý kỷ luật',
  investigation: 'Đang bị điều tra',
  inspection: 'Đang bị thanh tra, kiểm tra',
  complaint: 'Có đơn khiếu nại, tố cáo đang được xác minh',
};

/** Forms a unit may ask for in this movement: its own Giấy khen, or a proposal upward. */
export const NOMINATION_FORMS: readonly CommendationForm[] = ['giay-khen', 'bang-khen-tinh'];
export { FORM_LABELS };

export const field = {
  score: (leaf: string) => `score[${leaf}]`,
  explanation: (leaf: string) => `explanation[${leaf}]`,
  evidence: (leaf: string, row: number, part: keyof EvidenceRef) => `evidence[${leaf}][${row}][${part}]`,
  /** Not a field: where a problem with a leaf's evidence rows as a whole is named (too many). */
  evidenceRows: (leaf: string) => `evidence[${leaf}]`,
  file: (leaf: string, i: number, part: FilePart) => `file[${leaf}][${i}][${part}]`,
  initiative: (row: number, part: 'id' | 'title' | 'description' | 'effect') => `initiative[${row}][${part}]`,
  nomination: (
    row: number,
    part: 'id' | 'name' | 'position' | 'form' | 'achievements' | 'initiative' | 'status',
  ) => `nomination[${row}][${part}]`,
};

/** The parts of an uploaded file's row: `version` is the verified version id. */
export const FILE_PARTS = ['key', 'version', 'name', 'size', 'type'] as const;
export type FilePart = (typeof FILE_PARTS)[number];

/** The box a unit ticks to submit with a 05T or 05K message that has no item marked as done. */
export const SELF_CHECK_CONFIRM = 'selfcheck-confirmed';

/** Text as typed: line ends normalised, surrounding blanks trimmed. */
export function text(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').replace(/\r\n?/g, '\n').trim();
}

/** Longer than `max` characters (code points, so a Vietnamese letter counts once). */
export function tooLong(value: string, max: number): boolean {
  return [...value].length > max;
}

const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `dd/mm/yyyy` or `yyyy-mm-dd` → `yyyy-mm-dd`, or undefined when it is not a real date. */
export function parseDate(value: string): string | undefined {
  let y: number;
  let m: number;
  let d: number;
  const dmy = DMY.exec(value);
  const ymd = YMD.exec(value);
  if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  if (y < 1900 || y > 2200) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** An absolute http(s) URL, or undefined. */
export function parseHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.hostname) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/** `yyyy-mm-dd` → `dd/mm/yyyy` for an input's value. */
export function dateForInput(iso: string | undefined): string {
  if (!iso) return '';
  const m = YMD.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Row indexes present in the form for a pattern like `^initiative\[(\d+)\]\[`. */
export function rowIndexes(form: URLSearchParams, pattern: RegExp, max: number): number[] {
  const rows = new Set<number>();
  for (const key of form.keys()) {
    const m = pattern.exec(key);
    if (m) {
      const i = Number(m[1]);
      if (Number.isSafeInteger(i) && i >= 0 && i < max) rows.add(i);
    }
  }
  return [...rows].sort((a, b) => a - b);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
