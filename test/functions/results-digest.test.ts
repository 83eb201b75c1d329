import { describe, expect, it } from 'vitest';
import { BAND_LABELS, type Fraction, type UnitGroup } from '#domain/model';
import { fraction } from '#domain/points';
import { bandOf, rankGroup, type UnitStatus } from '#domain/ranking';
import { senderOf } from '#mail/letter';
import { DIGEST_ENDS, DIGEST_NAMES, type ResultsSummaryRow, resultsSummaryEmail } from '#mail/scoring';

const sender = senderOf({
  district: { authority: 'UBND huyện Sông Lam', name: 'huyện Sông Lam', timeZone: 'Asia/Ho_Chi_Minh' },
});
const period = {
  id: '2024Q3',
  frequency: 'quarterly',
  year: 2024,
  start: '2024-07-01',
  end: '2024-09-30',
} as const;
const resultsUrl = 'https://thidua.test/admin/periods/2024Q3/results?version=2&lang=vi';
const SCRIPT = '<script>alert("x")</script>';
const GROUP_LABEL: Record<UnitGroup, string> = { office: 'khối cơ quan', commune: 'khối xã, thị trấn' };

interface Unit {
  id: string;
  name: string;
  group: UnitGroup;
  status: UnitStatus;
  /** Percent of the set's maximum, in hundredths (4000 = 40 %). */
  hundredths: number;
}

/**
 * `n` units, one in five an office; one in 23 without a report, one in 31 of the rest not
 * appraised; the others spread over 40–100 % (with ties, as real scores have).
 */
function campaignOf(n: number): Unit[] {
  return Array.from({ length: n }, (_, i) => {
    const group: UnitGroup = i % 5 === 0 ? 'office' : 'commune';
    const no = String(i + 1).padStart(4, '0');
    const status: UnitStatus =
      i % 23 === 0 ? 'not-submitted' : i % 31 === 0 ? 'submitted-not-appraised' : 'approved';
    return {
      id: `u${no}`,
      name: `${group === 'office' ? 'Phòng Văn hóa số' : 'Xã Thạch Long số'} ${no}`,
      group,
      status,
      hundredths: 4000 + ((i * 37) % 601) * 10,
    };
  });
}

const percentOf = (u: Unit): Fraction | null =>
  u.status === 'approved' ? fraction(u.hundredths, 100) : u.status === 'not-submitted' ? fraction(0) : null;

/** The digest's input the way the scoring step builds it: the domain ranks, the lines by group in rank order. */
function groupsOf(units: readonly Unit[]): { label: string; rows: ResultsSummaryRow[] }[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const ranked = rankGroup(
    units.map((u) => ({ unitId: u.id, group: u.group, status: u.status, percent: percentOf(u) })),
  );
  return (['office', 'commune'] as const).map((group) => ({
    label: GROUP_LABEL[group],
    rows: ranked
      .filter((r) => r.group === group)
      .flatMap((r) => {
        const u = byId.get(r.unitId);
        if (!u) return [];
        const percent = percentOf(u);
        return [
          {
            rank: r.rank,
            notSubmitted: u.status === 'not-submitted',
            name: u.name,
            total: percent === null ? null : u.status === 'approved' ? u.hundredths : 0,
            percent,
            bandLabel: percent === null ? null : BAND_LABELS[bandOf(percent)],
          },
        ];
      }),
  }));
}

function digestOf(units: readonly Unit[], extra: { version?: number; changedUnits?: string[] } = {}) {
  return resultsSummaryEmail(sender, {
    recipient: { name: 'Đỗ Văn Long' },
    period,
    version: extra.version ?? 1,
    changedUnits: extra.changedUnits ?? [],
    groups: groupsOf(units),
    resultsUrl,
  });
}

/** What the outbox records of a mail (its item holds at most 350,000 bytes of them). */
const bytes = (mail: { subject: string; text: string; html: string }) =>
  Buffer.byteLength(mail.subject) + Buffer.byteLength(mail.text) + Buffer.byteLength(mail.html);

/** The number after "label: " in the first matching line at or after `from` in the text. */
function countAfter(text: string, label: string, from = 0): number {
  const match = new RegExp(`^- ${label}: (\\d+)`, 'm').exec(text.slice(from));
  if (!match?.[1]) throw new Error(`no "${label}" line in the digest`);
  return Number(match[1]);
}

/** "Xuất sắc 3, Tốt 10" → {Xuất sắc: 3, Tốt: 10}, from the first "Xếp loại" line at or after `from`. */
function bandsAfter(text: string, from = 0): Record<string, number> {
  const line = /^- Xếp loại: (.*)$/m.exec(text.slice(from))?.[1] ?? '';
  return Object.fromEntries(
    line.split(', ').map((part) => {
      const at = part.lastIndexOf(' ');
      return [part.slice(0, at), Number(part.slice(at + 1))];
    }),
  );
}

function expectedBands(units: readonly Unit[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of units.filter((x) => x.status === 'approved')) {
    const label = BAND_LABELS[bandOf(fraction(u.hundredths, 100))];
    out[label] = (out[label] ?? 0) + 1;
  }
  return out;
}

describe('the results digest to leadership and admins', () => {
  it('stays small at 2,000 units and its counts add up to every unit, overall and per group', () => {
    const units = campaignOf(2000);
    const mail = digestOf(units);
    expect(bytes(mail)).toBeLessThan(40_000);
    expect(mail.subject).toBe('[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý III năm 2024');

    const count = (status: UnitStatus, of = units) => of.filter((u) => u.status === status).length;
    expect(mail.text).toContain('- Tổng số đơn vị: 2000\n');
    expect(mail.text).toContain('- Phiên bản kết quả: 1\n');
    const ranked = countAfter(mail.text, 'Đã thẩm định, xếp hạng');
    const none = countAfter(mail.text, 'Không nộp báo cáo');
    const unappraised = countAfter(mail.text, 'Chưa thẩm định');
    expect([ranked, none, unappraised]).toEqual([
      count('approved'),
      count('not-submitted'),
      count('submitted-not-appraised'),
    ]);
    expect(ranked + none + unappraised).toBe(2000);
    expect(bandsAfter(mail.text)).toEqual(expectedBands(units));

    for (const group of ['office', 'commune'] as const) {
      const members = units.filter((u) => u.group === group);
      const heading = `${GROUP_LABEL[group].replace(/^k/, 'K')}: ${members.length} đơn vị.`;
      const at = mail.text.indexOf(heading);
      expect(at, heading).toBeGreaterThan(0);
      expect(countAfter(mail.text, 'Đã thẩm định, xếp hạng', at)).toBe(count('approved', members));
      expect(countAfter(mail.text, 'Không nộp báo cáo', at)).toBe(count('not-submitted', members));
      expect(countAfter(mail.text, 'Chưa thẩm định', at)).toBe(count('submitted-not-appraised', members));
      expect(bandsAfter(mail.text, at)).toEqual(expectedBands(members));
    }
  });

  it('names the top and the bottom of each ranking, not the middle, and links to the results page', () => {
    const units = campaignOf(2000);
    const mail = digestOf(units);
    for (const group of ['office', 'commune'] as const) {
      const appraised = units
        .filter((u) => u.group === group && u.status === 'approved')
        .sort((a, b) => b.hundredths - a.hundredths || a.id.localeCompare(b.id));
      const first = appraised[0];
      const last = appraised.at(-1);
      const middle = appraised[Math.floor(appraised.length / 2)];
      const label = GROUP_LABEL[group].replace(/^k/, 'K');
      const top = mail.text.indexOf(`${label} – ${DIGEST_ENDS} đơn vị dẫn đầu`);
      const bottom = mail.text.indexOf(`${label} – ${DIGEST_ENDS} đơn vị thấp nhất trong số đã thẩm định`);
      expect(top).toBeGreaterThan(0);
      expect(bottom).toBeGreaterThan(top);
      // The best under "dẫn đầu", the worst under "thấp nhất".
      const firstAt = mail.text.indexOf(`- ${first?.name}\n   Xếp hạng: 1/`);
      expect(firstAt).toBeGreaterThan(top);
      expect(firstAt).toBeLessThan(bottom);
      expect(mail.text.indexOf(`- ${last?.name}\n`, bottom)).toBeGreaterThan(bottom);
      expect(middle && mail.text.includes(middle.name)).toBe(false);
      // The ranking's ends hold only appraised units: the unit names there are exactly 2 × DIGEST_ENDS.
      const prefix = group === 'office' ? 'Phòng Văn hóa số' : 'Xã Thạch Long số';
      expect(mail.text.match(new RegExp(`^- ${prefix} \\d{4}$`, 'gm'))).toHaveLength(2 * DIGEST_ENDS);
    }
    // The link on a line of its own in the text (it wraps on a phone), escaped in the HTML.
    expect(mail.text).toContain(`\n${resultsUrl}\n`);
    expect(mail.html).toContain(
      'href="https://thidua.test/admin/periods/2024Q3/results?version=2&amp;lang=vi"',
    );
  });

  it('does not grow with the number of units', () => {
    const small = bytes(digestOf(campaignOf(200)));
    const large = bytes(digestOf(campaignOf(2000)));
    // Only the counts get longer (and the names listed stay DIGEST_NAMES per list).
    expect(large - small).toBeLessThan(2_000);
  });

  it('a short ranking is listed whole, its rank out of the units with a rank, like the unit’s own mail', () => {
    const units: Unit[] = [
      { id: 'a', name: `Phòng Nội vụ ${SCRIPT}`, group: 'office', status: 'approved', hundredths: 9120 },
      { id: 'b', name: 'Phòng Tài chính', group: 'office', status: 'approved', hundredths: 8450 },
      { id: 'c', name: 'Phòng Tư pháp', group: 'office', status: 'not-submitted', hundredths: 0 },
      { id: 'd', name: 'Phòng Y tế', group: 'office', status: 'submitted-not-appraised', hundredths: 0 },
    ];
    const mail = digestOf(units);
    expect(mail.text).toContain('Khối cơ quan – xếp hạng các đơn vị đã thẩm định:');
    // Two appraised units and one without a report have a rank: 3 (the unit's mail says 2/3 too).
    expect(mail.text).toContain(
      `- Phòng Nội vụ ${SCRIPT}\n   Xếp hạng: 1/3\n   Tổng điểm: 91,2\n   Tỷ lệ: 91,20 %`,
    );
    expect(mail.text).toContain('- Phòng Tài chính\n   Xếp hạng: 2/3\n');
    expect(mail.text).toContain('- Không nộp báo cáo: 1 (Phòng Tư pháp)\n');
    expect(mail.text).toContain('- Chưa thẩm định: 1 (Phòng Y tế)\n');
    expect(mail.text).toContain('- Xếp loại: Xuất sắc 1, Tốt 1\n');
    expect(mail.text).not.toContain('khối xã');
    expect(mail.html).not.toContain('<script');
    expect(mail.html).toContain('Phòng Nội vụ &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  it('says how many more units share the rank at a cut instead of dropping a tie silently', () => {
    const units: Unit[] = Array.from({ length: 2 * DIGEST_ENDS + 3 }, (_, i) => ({
      id: `x${String(i).padStart(2, '0')}`,
      name: `Xã số ${String(i).padStart(2, '0')}`,
      group: 'commune',
      status: 'approved',
      hundredths: 8000,
    }));
    const mail = digestOf(units);
    expect(mail.text).toContain(
      `Khối xã, thị trấn – ${DIGEST_ENDS} đơn vị dẫn đầu (còn 3 đơn vị cùng hạng 1 không nêu trong thư):`,
    );
    expect(mail.text).toContain(
      `Khối xã, thị trấn – ${DIGEST_ENDS} đơn vị thấp nhất trong số đã thẩm định (còn 3 đơn vị cùng hạng 1 không nêu trong thư):`,
    );
  });

  it('counts a tie at a cut as the units named in neither list, and says so', () => {
    // 11 ranked, three sharing the 5th place: the top list ends on one, the bottom starts on another.
    const scores = [10000, 9571, 9571, 9571, 8643, 8643, 8643, 8607, 8464, 8464, 8464];
    const units: Unit[] = scores.map((hundredths, i) => ({
      id: `p${i}`,
      name: `Phòng số ${i + 1}`,
      group: 'office',
      status: 'approved',
      hundredths,
    }));
    const mail = digestOf(units);
    expect(mail.text).toContain('- Phòng số 5\n   Xếp hạng: 5/11');
    expect(mail.text).toContain('- Phòng số 7\n   Xếp hạng: 5/11');
    // "còn 1 đơn vị khác cùng hạng 5" under the top list read as two units at the 5th place.
    expect(mail.text).not.toContain('khác cùng hạng');
    expect(mail.text).toContain(
      `Khối cơ quan – ${DIGEST_ENDS} đơn vị dẫn đầu (còn 1 đơn vị cùng hạng 5 không nêu trong thư):`,
    );
  });

  it('a later version names at most DIGEST_NAMES of the units that changed, and counts the rest', () => {
    const units = campaignOf(400);
    const changed = units.slice(0, DIGEST_NAMES + 5).map((u) => u.name);
    const mail = digestOf(units, { version: 2, changedUnits: changed });
    expect(mail.subject).toBe(
      '[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý III năm 2024 (phiên bản 2)',
    );
    expect(mail.text).toContain('- Phiên bản kết quả: 2\n');
    expect(mail.text).toContain(
      `thay thế phiên bản 1 sau khi có kết quả thẩm định muộn; đơn vị có thay đổi: ${changed.slice(0, DIGEST_NAMES).join(', ')} và 5 đơn vị khác.`,
    );
    expect(mail.text).toContain('(version 2)');
  });

  it('lists at most DIGEST_NAMES units without a report in a group, and counts them all', () => {
    const units = campaignOf(2000);
    const missing = units.filter((u) => u.group === 'commune' && u.status === 'not-submitted');
    expect(missing.length).toBeGreaterThan(DIGEST_NAMES);
    const mail = digestOf(units);
    const named = missing.slice(0, DIGEST_NAMES).map((u) => u.name);
    expect(mail.text).toContain(
      `- Không nộp báo cáo: ${missing.length} (${named.join(', ')} và ${missing.length - DIGEST_NAMES} đơn vị khác)\n`,
    );
    expect(mail.text).not.toContain(missing[DIGEST_NAMES]?.name ?? 'a name that must be there');
  });

  it('refuses a results link that is not an http(s) URL', () => {
    expect(() =>
      resultsSummaryEmail(sender, {
        recipient: { name: 'Đỗ Văn Long' },
        period,
        version: 1,
        changedUnits: [],
        groups: [],
        resultsUrl: 'javascript:alert(1)',
      }),
    ).toThrow(/http/);
  });
});
