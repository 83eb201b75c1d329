/**
 * The date the local home page's "hoặc đến ngày" box takes: dd/mm/yyyy as every page writes
 * dates (with an optional HH:mm), or yyyy-mm-dd; 08:00 in the district's zone when no time is given.
 */
import { describe, expect, it } from 'vitest';
import { parseAdvanceTarget } from '#local/product/pages/home';

describe('the date to move the local clock to', () => {
  it('reads dd/mm/yyyy and yyyy-mm-dd alike, at 08:00 Hà Nội time unless a time is given', () => {
    expect(parseAdvanceTarget('05/10/2022').toISOString()).toBe('2022-10-05T01:00:00.000Z');
    expect(parseAdvanceTarget('2022-10-05').toISOString()).toBe('2022-10-05T01:00:00.000Z');
    expect(parseAdvanceTarget(' 05/10/2022 17:30 ').toISOString()).toBe('2022-10-05T10:30:00.000Z');
  });

  it('refuses a date that does not exist, and says how to write one', () => {
    for (const bad of ['31/02/2023', '2023-02-31', '5/10/2022', 'mai']) {
      let detail = '';
      try {
        parseAdvanceTarget(bad);
      } catch (error) {
        detail = (error as { detail?: string }).detail ?? '';
      }
      expect(detail, bad).toContain(`"${bad}" không phải một ngày hợp lệ: viết dd/mm/yyyy`);
    }
  });
});
