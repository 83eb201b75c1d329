import type { AdministrativeLevel, UnitGroup } from '#domain/model';

/** Group titles of tables and summaries; a province's communes are xã and phường. */
export function groupTitles(level: AdministrativeLevel): Record<UnitGroup, string> {
  return {
    office: 'Khối cơ quan chuyên môn',
    commune: level === 'tinh' ? 'Khối xã, phường' : 'Khối xã, thị trấn',
  };
}

/**
 * Terminal text: column widths that count what a Vietnamese reader sees, plain tables, and the
 * number formats of the interface (decimal comma, dd/mm/yyyy).
 */

/**
 * Columns a string takes on a terminal: code points after NFC, combining marks not counted
 * ("Hòa" written with a combining grave is 3 wide, as is the precomposed one). Wide East Asian
 * characters are not expected in unit names, so each remaining code point counts 1.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text.normalize('NFC')) if (!/\p{M}/u.test(ch)) width += 1;
  return width;
}

export type Align = 'left' | 'right';

export function padTo(text: string, width: number, align: Align = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? `${text}${fill}` : `${fill}${text}`;
}

export interface Column {
  header: string;
  align?: Align;
}

/** A plain table: header, a rule, rows; columns two spaces apart, trailing spaces trimmed. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => padTo(cells[i] ?? '', widths[i] ?? 0, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

/** Splits a paragraph into lines of at most `width` display columns (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && displayWidth(candidate) > width) {
      out.push(current);
      current = word;
    } else current = candidate;
  }
  if (current !== '') out.push(current);
  return out;
}
