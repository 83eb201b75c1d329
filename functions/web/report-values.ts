/**
 * The values a report form shows: what was posted (a refused post is shown exactly as typed),
 * else what the report holds; and how many rows of a repeated group to show.
 */

/** Field values: what was posted (after a refusal), else what the report holds. */
export interface Values {
  (name: string, fallback: string | undefined): string;
  raw?: URLSearchParams;
}

export function valuesOf(raw: URLSearchParams | undefined): Values {
  const read = (name: string, fallback: string | undefined) =>
    raw ? (raw.get(name) ?? '') : (fallback ?? '');
  return Object.assign(read, raw ? { raw } : {});
}

/** Rows to show: the filled ones and one blank (or what was posted), between min and max. */
export function rowCount(v: Values, pattern: RegExp, stored: number, min: number, max: number): number {
  if (v.raw) {
    let filled = 0;
    for (const key of v.raw.keys()) {
      const m = pattern.exec(key);
      if (m) filled = Math.max(filled, Number(m[1]) + 1);
    }
    return Math.min(max, Math.max(min, filled));
  }
  return Math.min(max, Math.max(min, stored + 1));
}
