import { describe, expect, it } from 'vitest';
import { proposeCommendations } from '#domain/commendation';
import { CommendationInputError } from '#domain/commendation-model';
import {
  type Ballot,
  passRequired,
  quorumRequired,
  type Tally,
  tallyCouncil,
  voteReminderDue,
  voteTimes,
  voteWaitSeconds,
} from '#domain/council';
import { finalList } from '#domain/final-list';
import { checkIssuerLists, formsIssuerMayGrant, ISSUER_FORM_LISTS, issuerFormListOn } from '#domain/issuers';
import { decimalToFraction, formatPercent } from '#domain/points';
import { members, nomination, rankAll, result, settings, unit } from './commendation-fixtures.ts';

const COUNCIL = { council: { quorum: { numerator: 2, denominator: 3 }, passPercent: 70 } };

// A district with 5 offices and 4 communes.
const units = [
  unit('van-phong', 'office', 'Văn phòng HĐND và UBND'),
  unit('phong-noi-vu', 'office', 'Phòng Nội vụ'),
  unit('phong-tu-phap', 'office', 'Phòng Tư pháp'),
  unit('phong-tai-chinh', 'office', 'Phòng Tài chính – Kế hoạch'),
  unit('phong-y-te', 'office', 'Phòng Y tế'),
  unit('xa-an-hoa', 'commune', 'Xã An Hòa'),
  unit('xa-binh-minh', 'commune', 'Xã Bình Minh'),
  unit('thi-tran', 'commune', 'Thị trấn Sông Lam'),
  unit('xa-dong-tien', 'commune', 'Xã Đồng Tiến'),
];

const results = rankAll([
  { unitId: 'van-phong', group: 'office', hundredths: 9350 },
  { unitId: 'phong-noi-vu', group: 'office', hundredths: 9125 },
  { unitId: 'phong-tu-phap', group: 'office', hundredths: 8800 },
  { unitId: 'phong-tai-chinh', group: 'office', hundredths: 7600 },
  { unitId: 'phong-y-te', group: 'office', hundredths: 0, flag: 'khong-nop-bao-cao' },
  { unitId: 'xa-an-hoa', group: 'commune', hundredths: 8450 },
  { unitId: 'xa-binh-minh', group: 'commune', hundredths: 9010 },
  { unitId: 'thi-tran', group: 'commune', hundredths: 9500, flag: 'chua-tham-dinh' },
  { unitId: 'xa-dong-tien', group: 'commune', hundredths: 6900 },
]);

const base = { results, units, nominations: [], issuerLevel: 'huyen' as const, onDate: '2024-12-20' };

function byId<T extends { id: string }>(list: T[], id: string): T {
  const found = list.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in ${list.map((c) => c.id).join(', ')}`);
  return found;
}

const codes = (c: { reasons: { code: string }[] }) => c.reasons.map((r) => r.code);

describe('issuer lists', () => {
  it('a district chairman may grant the three annual titles and the Giấy khen until 30/06/2025', () => {
    expect([...formsIssuerMayGrant('huyen', '2024-06-01')].sort()).toEqual(
      ['chien-si-thi-dua-co-so', 'giay-khen', 'lao-dong-tien-tien', 'tap-the-lao-dong-tien-tien'].sort(),
    );
    expect(formsIssuerMayGrant('huyen', '2025-06-30')).toContain('giay-khen');
    expect(issuerFormListOn('huyen', '2024-06-01')?.source).toMatch(/Điều 80.*98\/2023\/NĐ-CP/);
  });

  it('the district level has no list from 01/07/2025', () => {
    expect(formsIssuerMayGrant('huyen', '2025-07-01')).toEqual([]);
    expect(issuerFormListOn('huyen', '2026-01-01')).toBeNull();
  });

  it('a commune chairman may grant only Lao động tiên tiến and the Giấy khen under the 2022 law', () => {
    expect([...formsIssuerMayGrant('xa', '2024-03-01')].sort()).toEqual(['giay-khen', 'lao-dong-tien-tien']);
  });

  it('lists after 01/07/2025 carry a caution naming Nghị định 152/2025', () => {
    const later = issuerFormListOn('xa', '2025-09-01');
    expect(later?.caution).toMatch(/kiểm tra/);
    expect(later?.source).toMatch(/152\/2025\/NĐ-CP/);
    expect(issuerFormListOn('xa', '2024-09-01')?.caution).toBeUndefined();
  });

  it('the shipped lists are sound and a bad date is refused', () => {
    expect(checkIssuerLists()).toEqual([]);
    expect(checkIssuerLists([...ISSUER_FORM_LISTS, { ...ISSUER_FORM_LISTS[1]!, id: 'dup' }])).toContain(
      'huyen-2024 and dup overlap',
    );
    expect(() => formsIssuerMayGrant('huyen', '20/12/2024')).toThrow(/yyyy-mm-dd/);
  });
});

describe('collectives from the ranking', () => {
  it('proposes the top N per group with the ranking as reason, offices and communes apart', () => {
    const p = proposeCommendations({ timeZone: 'Asia/Ho_Chi_Minh', ...base, settings: settings() });
    const proposed = p.candidates.filter((c) => c.kind === 'collective' && c.status === 'proposed');
    expect(proposed.map((c) => c.unitId)).toEqual(['van-phong', 'phong-noi-vu', 'xa-binh-minh', 'xa-an-hoa']);
    const noiVu = byId(p.candidates, 'collective:phong-noi-vu');
    expect(noiVu.reasons[0]?.message).toBe('Xếp hạng 2/5 khối cơ quan, 91,25 % – Xuất sắc');
    expect(noiVu.form).toBe('giay-khen');
    expect(noiVu.reasons.map((r) => r.message).join(' ')).toMatch(/không dùng làm căn cứ xét danh hiệu/);
    expect(byId(p.candidates, 'collective:xa-an-hoa').reasons[0]?.message).toBe(
      'Xếp hạng 2/3 khối xã, thị trấn, 84,50 % – Tốt',
    );
    expect(p.ballot).toEqual(proposed.map((c) => c.id));
  });

  it('never proposes a unit flagged Không nộp báo cáo or Chưa thẩm định, even with a high score', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ collectives: { mode: 'threshold', minPercent: 0 }, minBand: 'yeu' }),
    });
    expect(byId(p.candidates, 'collective:phong-y-te').status).toBe('excluded');
    expect(codes(byId(p.candidates, 'collective:phong-y-te'))).toContain('flag-khong-nop-bao-cao');
    // Its ranking is the results' own; the exclusion says a period was missed, never a place the
    // results do not give (a year's flag is set by one missed period).
    const reasons = byId(p.candidates, 'collective:phong-y-te').reasons.map((r) => r.message);
    expect(reasons).toContain('Không nộp báo cáo ở ít nhất một kỳ trong phạm vi xét: không xét khen thưởng.');
    expect(reasons.join('\n')).not.toContain('xếp cuối');
    const thiTran = byId(p.candidates, 'collective:thi-tran');
    expect(thiTran.status).toBe('excluded');
    expect(codes(thiTran)).toContain('flag-chua-tham-dinh');
    expect(thiTran.reasons.map((r) => r.message).join(' ')).toMatch(/Chưa thẩm định/);
  });

  it('excludes units below the minimum band and says so', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ collectives: { mode: 'top', perGroup: 4 } }),
    });
    const taiChinh = byId(p.candidates, 'collective:phong-tai-chinh');
    expect(taiChinh.status).toBe('excluded');
    expect(taiChinh.reasons.find((r) => r.code === 'below-min-band')?.message).toMatch(/Khá.*“Tốt”/);
  });

  it('threshold mode compares the exact percentage', () => {
    const exact = [
      { ...result('van-phong', 'office', 0, 1), percent: { num: 269999n, den: 3000n }, band: 'tot' as const }, // 89,99966…
      result('phong-noi-vu', 'office', 9000, 2),
    ];
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: exact,
      settings: settings({ collectives: { mode: 'threshold', minPercent: 90 }, minBand: 'kha' }),
    });
    expect(byId(p.candidates, 'collective:van-phong').status).toBe('excluded');
    expect(codes(byId(p.candidates, 'collective:van-phong'))).toContain('below-threshold');
    expect(byId(p.candidates, 'collective:phong-noi-vu').status).toBe('proposed');
  });

  it('a unit with no result is listed as excluded, not forgotten', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: results.filter((r) => r.unitId !== 'xa-dong-tien'),
      settings: settings(),
    });
    expect(codes(byId(p.candidates, 'collective:xa-dong-tien'))).toEqual(['no-result']);
  });

  it('refuses malformed input with an error naming the unit', () => {
    expect(() =>
      proposeCommendations({
        timeZone: 'Asia/Ho_Chi_Minh',
        ...base,
        results: [...results, result('phong-la', 'office', 9000, 1)],
        settings: settings(),
      }),
    ).toThrow(CommendationInputError);
    expect(() =>
      proposeCommendations({
        timeZone: 'Asia/Ho_Chi_Minh',
        ...base,
        results: [...results, results[0]!],
        settings: settings(),
      }),
    ).toThrow(/van-phong.*twice/);
  });

  it('proposes no collective when the issuer has no list in force (district level after 30/06/2025)', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      onDate: '2025-12-20',
      settings: settings(),
    });
    expect(p.ballot).toEqual([]);
    expect(p.warnings.join(' ')).toMatch(/cấp huyện không còn từ 01\/07\/2025/);
    expect(codes(byId(p.candidates, 'collective:van-phong'))).toContain('no-issuer-list');
  });

  it('proposes nobody upward either when the issuer has no list in force: every candidate is refused', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      onDate: '2025-07-15',
      settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
    });
    // van-phong (93,50 %) would be proposed upward on 30/06/2025; on 15/07/2025 there is no huyện.
    const upward = byId(p.candidates, 'upward:van-phong');
    expect(upward.status).toBe('excluded');
    expect(codes(upward)).toContain('no-issuer-list');
    expect(p.ballot).toEqual([]);
    expect(p.tiesForCouncil).toEqual([]);
    // Not proposed upward, so its collective line says only that nothing can be granted.
    expect(codes(byId(p.candidates, 'collective:van-phong'))).not.toContain('proposed-upward');
    const before = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      onDate: '2025-06-30',
      settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
    });
    expect(byId(before.candidates, 'upward:van-phong').status).toBe('propose-upward');
  });
});

describe('ties at a cut-off', () => {
  const tied = rankAll([
    { unitId: 'van-phong', group: 'office', hundredths: 9500 },
    { unitId: 'phong-noi-vu', group: 'office', hundredths: 9125 },
    { unitId: 'phong-tu-phap', group: 'office', hundredths: 9125 },
    { unitId: 'phong-tai-chinh', group: 'office', hundredths: 8000 },
  ]);

  it('top N: units sharing the rank at the boundary are all listed tie-at-cutoff with an entry for the council', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: tied,
      settings: settings(),
    });
    expect(byId(p.candidates, 'collective:van-phong').status).toBe('proposed');
    expect(byId(p.candidates, 'collective:phong-noi-vu').status).toBe('tie-at-cutoff');
    expect(byId(p.candidates, 'collective:phong-tu-phap').status).toBe('tie-at-cutoff');
    expect(byId(p.candidates, 'collective:phong-tai-chinh').status).toBe('excluded');
    expect(p.tiesForCouncil).toEqual([
      expect.objectContaining({
        kind: 'collective',
        group: 'office',
        rule: 'top',
        limit: 2,
        withinLimit: ['collective:van-phong'],
        tied: ['collective:phong-noi-vu', 'collective:phong-tu-phap'],
        slots: 1,
      }),
    ]);
    expect(p.tiesForCouncil[0]?.message).toMatch(/không tự phân định/);
    expect(p.ballot).toContain('collective:phong-tu-phap');
  });

  it('quota per group: a tie at the quota cut-off is reported, units beyond it are excluded for the quota', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: tied,
      settings: settings({ collectives: { mode: 'threshold', minPercent: 80 }, quotaPerGroup: 2 }),
    });
    expect(p.tiesForCouncil[0]).toMatchObject({ rule: 'quota', limit: 2, slots: 1 });
    expect(codes(byId(p.candidates, 'collective:phong-tai-chinh'))).toContain('quota-exceeded');
  });

  it('a tie inside the limit is no tie', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: tied,
      settings: settings({ collectives: { mode: 'top', perGroup: 3 } }),
    });
    expect(p.tiesForCouncil).toEqual([]);
    expect(byId(p.candidates, 'collective:phong-tu-phap').status).toBe('proposed');
  });

  it('quota on individuals: ordered by their unit’s rank, a tie among nominees of one unit is reported', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ quotaPerGroup: 2 }),
      nominations: [
        nomination({ id: 'a', unitId: 'van-phong' }),
        nomination({ id: 'b', unitId: 'phong-noi-vu' }),
        nomination({ id: 'c', unitId: 'phong-noi-vu' }),
        nomination({ id: 'd', unitId: 'phong-tu-phap' }),
      ],
    });
    expect(byId(p.candidates, 'individual:a').status).toBe('proposed');
    expect(byId(p.candidates, 'individual:b').status).toBe('tie-at-cutoff');
    expect(byId(p.candidates, 'individual:c').status).toBe('tie-at-cutoff');
    expect(codes(byId(p.candidates, 'individual:d'))).toContain('quota-exceeded');
    expect(p.tiesForCouncil).toEqual([
      expect.objectContaining({
        kind: 'individual',
        rule: 'quota',
        slots: 1,
        tied: ['individual:b', 'individual:c'],
      }),
    ]);
  });
});

describe('upward proposals', () => {
  it('proposes the best units upward as Bằng khen tỉnh, and does not also give them the Giấy khen', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
    });
    const up = byId(p.candidates, 'upward:van-phong');
    expect(up).toMatchObject({ status: 'propose-upward', form: 'bang-khen-tinh' });
    expect(up.reasons.map((r) => r.message).join(' ')).toMatch(/chỉ đề nghị/);
    expect(byId(p.candidates, 'collective:van-phong').status).toBe('excluded');
    expect(codes(byId(p.candidates, 'collective:van-phong'))).toContain('proposed-upward');
    // The Giấy khen still goes to the next two offices.
    expect(byId(p.candidates, 'collective:phong-noi-vu').status).toBe('proposed');
    expect(byId(p.candidates, 'collective:phong-tu-phap').status).toBe('proposed');
    // No commune reaches 93 %.
    expect(p.candidates.filter((c) => c.kind === 'upward' && c.group === 'commune')).toEqual([]);
  });

  it('a unit ranked below the top N that takes a freed place is not called one of the N leading units', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
    });
    const reasonOf = (id: string) =>
      byId(p.candidates, id).reasons.find((r) => r.code === 'selected-top')?.message ?? '';
    // Rank 2 of the offices, within the top 2: one of the two leading units.
    expect(reasonOf('collective:phong-noi-vu')).toBe(
      'Thuộc 2 đơn vị dẫn đầu khối cơ quan, xếp loại từ “Tốt” trở lên.',
    );
    // Rank 3, in because the first is proposed upward: among the two put forward for the Giấy khen.
    const third = byId(p.candidates, 'collective:phong-tu-phap');
    expect(third).toMatchObject({ status: 'proposed', rank: 3 });
    expect(reasonOf('collective:phong-tu-phap')).toBe(
      'Thuộc 2 đơn vị khối cơ quan được đề nghị tặng Giấy khen theo thứ tự xếp hạng (các đơn vị xếp trên được đề nghị ' +
        'cấp trên khen thưởng hoặc không đủ điều kiện), xếp loại từ “Tốt” trở lên.',
    );
  });

  it('a unit itself under inspection or a complaint is proposed neither upward nor as a collective, and says why', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
      unitStatuses: { 'van-phong': 'inspection', 'xa-binh-minh': 'complaint', 'phong-tu-phap': 'none' },
    });
    // The best office (93,50 %) is under inspection: nobody reaches 93 % otherwise, so no upward line.
    expect(p.candidates.filter((c) => c.kind === 'upward')).toEqual([]);
    const office = byId(p.candidates, 'collective:van-phong');
    expect(office.status).toBe('excluded');
    expect(codes(office)).toContain('inspection');
    expect(office.reasons.map((r) => r.message).join(' ')).toContain('Đang bị thanh tra, kiểm tra');
    expect(codes(byId(p.candidates, 'collective:xa-binh-minh'))).toContain('complaint');
    // The places go to the next units, and "none" changes nothing.
    expect(byId(p.candidates, 'collective:phong-noi-vu').status).toBe('proposed');
    expect(byId(p.candidates, 'collective:phong-tu-phap').status).toBe('proposed');
    expect(() =>
      proposeCommendations({
        timeZone: 'Asia/Ho_Chi_Minh',
        ...base,
        settings: settings(),
        unitStatuses: { 'phong-khong-co': 'inspection' },
      }),
    ).toThrow('unitStatuses: unit “phong-khong-co” is not a unit of the district');
  });
});

describe('individual nominations', () => {
  const propose = (nominations: ReturnType<typeof nomination>[], over: Partial<typeof base> = {}) =>
    proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      ...over,
      nominations,
      settings: settings(),
    });

  it('proposes an eligible nominee for the thematic Giấy khen', () => {
    const p = propose([nomination({ id: 'nguyen-van-a', unitId: 'phong-noi-vu', position: 'Chuyên viên' })]);
    const c = byId(p.candidates, 'individual:nguyen-van-a');
    expect(c).toMatchObject({
      status: 'proposed',
      form: 'giay-khen',
      unitName: 'Phòng Nội vụ',
      group: 'office',
    });
    expect(codes(c)).toEqual(['nominated', 'eligible']);
  });

  it('refuses an annual title: thematic results may not ground it', () => {
    const p = propose([nomination({ id: 'a', unitId: 'phong-noi-vu', form: 'lao-dong-tien-tien' })]);
    const c = byId(p.candidates, 'individual:a');
    expect(c.status).toBe('excluded');
    expect(c.reasons.find((r) => r.code === 'annual-title')?.message).toMatch(
      /theo chuyên đề không được dùng làm căn cứ/,
    );
  });

  it('refuses a form the district chairman may not grant, known or unknown', () => {
    const p = propose([
      nomination({ id: 'a', unitId: 'phong-noi-vu', form: 'huan-chuong-lao-dong' }),
      nomination({ id: 'b', unitId: 'phong-noi-vu', form: 'bang-khen-tinh' }),
      nomination({ id: 'c', unitId: 'phong-noi-vu', form: 'bang-khen-thu-tuong' }),
    ]);
    expect(byId(p.candidates, 'individual:a').status).toBe('excluded');
    expect(byId(p.candidates, 'individual:a').reasons[1]).toMatchObject({ code: 'unknown-form' });
    expect(byId(p.candidates, 'individual:a').reasons[1]?.message).toMatch(
      /“huan-chuong-lao-dong”.*cấp huyện/,
    );
    expect(
      byId(p.candidates, 'individual:c').reasons.find((r) => r.code === 'issuer-cannot-grant')?.message,
    ).toMatch(/Chủ tịch UBND cấp huyện không có thẩm quyền tặng Bằng khen của Thủ tướng Chính phủ/);
    expect(
      byId(p.candidates, 'individual:b').reasons.find((r) => r.code === 'issuer-cannot-grant')?.message,
    ).toMatch(/Chủ tịch UBND cấp huyện không có thẩm quyền tặng Bằng khen/);
  });

  it('a commune issuer asked for Chiến sĩ thi đua cơ sở refuses, on both grounds', () => {
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      issuerLevel: 'xa',
      settings: settings({ issuerLevel: 'xa' }),
      nominations: [nomination({ id: 'a', unitId: 'xa-an-hoa', form: 'chien-si-thi-dua-co-so' })],
    });
    const c = byId(p.candidates, 'individual:a');
    expect(c.status).toBe('excluded');
    expect(codes(c)).toEqual(expect.arrayContaining(['annual-title', 'issuer-cannot-grant']));
    expect(c.reasons.find((r) => r.code === 'issuer-cannot-grant')?.message).toMatch(
      /Chủ tịch UBND cấp xã không có thẩm quyền tặng Danh hiệu “Chiến sĩ thi đua cơ sở”/,
    );
  });

  it.each([
    ['discipline', /kỷ luật/],
    ['investigation', /điều tra/],
    ['inspection', /thanh tra/],
    ['complaint', /khiếu nại/],
  ] as const)('refuses a person under %s', (status, message) => {
    const p = propose([nomination({ id: 'a', unitId: 'phong-noi-vu', status })]);
    const c = byId(p.candidates, 'individual:a');
    expect(c.status).toBe('excluded');
    expect(c.reasons.find((r) => r.code === status)?.message).toMatch(message);
  });

  it('refuses a nomination from a unit flagged Không nộp báo cáo', () => {
    const p = propose([nomination({ id: 'a', unitId: 'phong-y-te' })]);
    expect(byId(p.candidates, 'individual:a').status).toBe('excluded');
    expect(codes(byId(p.candidates, 'individual:a'))).toContain('unit-khong-nop-bao-cao');
    // The unit may have reported in other periods of the cycle: the reason does not say it never did.
    expect(
      byId(p.candidates, 'individual:a').reasons.find((r) => r.code === 'unit-khong-nop-bao-cao')?.message,
    ).toMatch(/không nộp báo cáo ở ít nhất một kỳ trong phạm vi xét: không có kết quả phong trào/);
  });

  it('keeps a nomination from a unit not yet appraised, with a note', () => {
    const p = propose([nomination({ id: 'a', unitId: 'thi-tran' })]);
    expect(byId(p.candidates, 'individual:a').status).toBe('proposed');
    expect(codes(byId(p.candidates, 'individual:a'))).toContain('unit-chua-tham-dinh');
  });

  it('one initiative, one award: the first submitted keeps it and the other is refused naming the winner', () => {
    const p = propose([
      nomination({
        id: 'later',
        name: 'Trần Thị B',
        unitId: 'phong-noi-vu',
        initiativeId: 'mot-cua-so',
        submittedAt: '2024-12-11T08:00:00+07:00',
      }),
      nomination({
        id: 'earlier',
        name: 'Nguyễn Văn A',
        unitId: 'phong-noi-vu',
        initiativeId: 'mot-cua-so',
        submittedAt: '2024-12-10T15:30:00+07:00',
      }),
    ]);
    expect(byId(p.candidates, 'individual:earlier').status).toBe('proposed');
    const later = byId(p.candidates, 'individual:later');
    expect(later.status).toBe('excluded');
    expect(later.reasons.find((r) => r.code === 'initiative-already-used')?.message).toMatch(
      /Nguyễn Văn A \(Phòng Nội vụ, nộp lúc 10\/12\/2024 15:30\)/,
    );
  });

  it('same submission time: the order in the file decides', () => {
    const p = propose([
      nomination({ id: 'first', unitId: 'phong-noi-vu', initiativeId: 'x' }),
      nomination({ id: 'second', unitId: 'phong-noi-vu', initiativeId: 'x' }),
    ]);
    expect(byId(p.candidates, 'individual:first').status).toBe('proposed');
    expect(byId(p.candidates, 'individual:second').status).toBe('excluded');
  });

  it('a refused nomination does not hold the initiative; ids of different units are different initiatives', () => {
    const p = propose([
      nomination({ id: 'disciplined', unitId: 'phong-noi-vu', initiativeId: 'x', status: 'discipline' }),
      nomination({
        id: 'next',
        unitId: 'phong-noi-vu',
        initiativeId: 'x',
        submittedAt: '2024-12-12T08:00:00Z',
      }),
      nomination({ id: 'other-unit', unitId: 'phong-tu-phap', initiativeId: 'x' }),
    ]);
    expect(byId(p.candidates, 'individual:next').status).toBe('proposed');
    expect(byId(p.candidates, 'individual:other-unit').status).toBe('proposed');
    expect(byId(p.candidates, 'individual:other-unit').initiative?.key).toBe('phong-tu-phap/x');
  });

  it('one person, one award: a person nominated again in a later report of the cycle is refused once, naming the first', () => {
    const p = propose([
      nomination({
        id: 'q4',
        name: '  nguyễn   văn a ',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-12-11T08:00:00+07:00',
      }),
      nomination({
        id: 'q3',
        name: 'Nguyễn Văn A',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-10-05T09:15:00+07:00',
      }),
      // The same name in another unit is another person.
      nomination({ id: 'tu-phap', name: 'Nguyễn Văn A', unitId: 'phong-tu-phap' }),
    ]);
    expect(byId(p.candidates, 'individual:q3').status).toBe('proposed');
    expect(byId(p.candidates, 'individual:tu-phap').status).toBe('proposed');
    const again = byId(p.candidates, 'individual:q4');
    expect(again.status).toBe('excluded');
    expect(again.reasons.find((r) => r.code === 'person-already-nominated')?.message).toBe(
      'Nguyễn Văn A (Phòng Nội vụ) đã được đề nghị tặng Giấy khen trong đợt xét này (đề nghị nộp lúc 05/10/2024 09:15); ' +
        'không khen thưởng nhiều lần, nhiều hình thức cho một thành tích đạt được (Luật Thi đua, khen thưởng 2022, Điều 5).',
    );
  });

  it('one person however the name is typed: the tone on either vowel, another Unicode form, Ð for Đ', () => {
    const p = propose([
      nomination({
        id: 'q1',
        name: 'Lê Thị Thủy',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-04-05T08:00:00+07:00',
      }),
      nomination({
        id: 'q2',
        name: 'Lê Thị Thuỷ',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-07-05T08:00:00+07:00',
      }),
      nomination({
        id: 'q3',
        name: 'LÊ THỊ THỦY'.normalize('NFD'),
        unitId: 'phong-noi-vu',
        submittedAt: '2024-10-05T08:00:00+07:00',
      }),
      nomination({
        id: 'd1',
        name: 'Đỗ Văn Hòa',
        unitId: 'phong-tu-phap',
        submittedAt: '2024-04-05T08:00:00+07:00',
      }),
      nomination({
        id: 'd2',
        name: '\u00d0ỗ Văn Hoà',
        unitId: 'phong-tu-phap',
        submittedAt: '2024-07-05T08:00:00+07:00',
      }),
      // Another tone is another name.
      nomination({ id: 'other', name: 'Lê Thị Thùy', unitId: 'phong-noi-vu' }),
    ]);
    const status = (id: string) => byId(p.candidates, `individual:${id}`).status;
    expect(['q1', 'q2', 'q3', 'd1', 'd2', 'other'].map(status)).toEqual([
      'proposed',
      'excluded',
      'excluded',
      'proposed',
      'excluded',
      'proposed',
    ]);
  });

  it('namesakes with two different positions in one unit are two people; within one report the file order decides', () => {
    const p = propose([
      nomination({ id: 'a', name: 'Nguyễn Thị Hoa', position: 'Chuyên viên', unitId: 'xa-an-hoa' }),
      nomination({ id: 'b', name: 'Nguyễn Thị Hoa', position: 'Phó Chủ tịch UBND xã', unitId: 'xa-an-hoa' }),
      // Same report (same time), no position on the second: the first in the file is kept.
      nomination({ id: 'c', name: 'Trần Văn Bình', position: 'Công chức Tư pháp', unitId: 'xa-an-hoa' }),
      nomination({ id: 'd', name: 'Trần Văn Bình', unitId: 'xa-an-hoa' }),
    ]);
    const status = (id: string) => byId(p.candidates, `individual:${id}`).status;
    expect(['a', 'b', 'c', 'd'].map(status)).toEqual(['proposed', 'proposed', 'proposed', 'excluded']);
  });

  it("an initiative goes to the first nomination that can hold it: not to a person's second one, refused as such", () => {
    const p = propose([
      nomination({
        id: 'p-q3',
        name: 'Phạm Văn P',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-10-01T08:00:00+07:00',
      }),
      nomination({
        id: 'p-q4',
        name: 'Phạm Văn P',
        unitId: 'phong-noi-vu',
        initiativeId: 'y',
        submittedAt: '2024-12-01T08:00:00+07:00',
      }),
      nomination({
        id: 'r',
        name: 'Ngô Thị R',
        unitId: 'phong-noi-vu',
        initiativeId: 'y',
        submittedAt: '2024-12-02T08:00:00+07:00',
      }),
    ]);
    expect(byId(p.candidates, 'individual:p-q3').status).toBe('proposed');
    const second = byId(p.candidates, 'individual:p-q4');
    expect(second.status).toBe('excluded');
    expect(codes(second)).toContain('person-already-nominated');
    expect(codes(second)).not.toContain('initiative');
    const r = byId(p.candidates, 'individual:r');
    expect(r.status).toBe('proposed');
    expect(codes(r)).toContain('initiative');
    expect(codes(r)).not.toContain('initiative-already-used');
  });

  it("a person's nomination refused on other grounds leaves the place to their next one", () => {
    const p = propose([
      nomination({ id: 'q3', name: 'Trần Thị B', unitId: 'phong-noi-vu', status: 'discipline' }),
      nomination({
        id: 'q4',
        name: 'Trần Thị B',
        unitId: 'phong-noi-vu',
        submittedAt: '2024-12-12T08:00:00Z',
      }),
    ]);
    expect(byId(p.candidates, 'individual:q3').status).toBe('excluded');
    expect(byId(p.candidates, 'individual:q4').status).toBe('proposed');
    expect(codes(byId(p.candidates, 'individual:q4'))).not.toContain('person-already-nominated');
  });

  it('duplicate nomination ids and unknown units are input errors', () => {
    expect(() =>
      propose([
        nomination({ id: 'a', unitId: 'phong-noi-vu' }),
        nomination({ id: 'a', unitId: 'phong-noi-vu' }),
      ]),
    ).toThrow(/“a” appears twice/);
    expect(() => propose([nomination({ id: 'a', unitId: 'phong-khong-co' })])).toThrow(/phong-khong-co/);
  });
});

describe('council tally', () => {
  const ballot = (
    memberId: string,
    votes: Ballot['votes'],
    castAt = '2025-01-10T09:00:00+07:00',
  ): Ballot => ({
    memberId,
    castAt,
    votes,
  });
  const tally = (n: number, ballots: Ballot[], candidates = ['x'], closesAt?: string): Tally =>
    tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(n),
      ballots,
      candidates,
      settings: COUNCIL,
      ...(closesAt ? { closesAt } : {}),
    });

  it.each([
    [8, 6, 6],
    [7, 5, 5],
    [9, 6, 7],
    [10, 7, 7],
  ])('N=%i → quorum %i, pass %i', (n, quorum, pass) => {
    expect(quorumRequired(n, COUNCIL.council.quorum)).toBe(quorum);
    expect(passRequired(n, 70)).toBe(pass);
    const t = tally(n, []);
    expect([t.N, t.quorumRequired, t.passRequired]).toEqual([n, quorum, pass]);
  });

  it('integer arithmetic where floats go wrong: 28 % of 25 is 7, not ⌈7.000000000000001⌉ = 8', () => {
    expect(Math.ceil((28 / 100) * 25)).toBe(8);
    expect(passRequired(25, 28)).toBe(7);
    expect(passRequired(3, 66.67)).toBe(3); // 2.0001 → 3
    expect(decimalToFraction(66.67)).toEqual({ num: 6667n, den: 100n });
  });

  it('a candidate with 5 yes of 8 fails; 6 yes of 8 passes', () => {
    const yes5 = ['tv1', 'tv2', 'tv3', 'tv4', 'tv5'].map((m) => ballot(m, { x: 'yes', y: 'yes' }));
    const t = tally(
      8,
      [...yes5, ballot('tv6', { x: 'no', y: 'yes' }), ballot('tv7', { x: 'abstain' })],
      ['x', 'y'],
    );
    expect(t.quorumMet).toBe(true);
    expect(t.present).toBe(7);
    const [x, y] = t.candidates;
    expect(x).toMatchObject({ yes: 5, no: 1, abstain: 1, absent: 1, required: 6, passed: false });
    expect(x?.reason).toMatch(/^Không thông qua: 5\/8 phiếu tán thành, cần ít nhất 6/);
    expect(y).toMatchObject({ yes: 6, no: 0, abstain: 0, absent: 2, passed: true });
  });

  it('5 present of 8: no quorum, nothing passes, and the outcome says so', () => {
    const t = tally(
      8,
      ['tv1', 'tv2', 'tv3', 'tv4', 'tv5'].map((m) => ballot(m, { x: 'yes' })),
    );
    expect(t).toMatchObject({ N: 8, present: 5, quorumRequired: 6, quorumMet: false });
    expect(t.candidates[0]?.passed).toBe(false);
    expect(t.outcome).toMatch(/Không đủ số thành viên tham gia \(5\/8, cần ít nhất 6\)/);
    expect(t.candidates[0]?.reason).toMatch(/^Không xét/);
  });

  it('without quorum even enough yes votes do not pass (quorum 2/3, pass 50 %, 5 of 9 present, all yes)', () => {
    const t = tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(9),
      ballots: ['tv1', 'tv2', 'tv3', 'tv4', 'tv5'].map((m) => ballot(m, { x: 'yes' })),
      candidates: ['x'],
      settings: { council: { quorum: { numerator: 2, denominator: 3 }, passPercent: 50 } },
    });
    expect(t).toMatchObject({ quorumRequired: 6, passRequired: 5, quorumMet: false });
    expect(t.candidates[0]).toMatchObject({ yes: 5, passed: false });
  });

  it('an abstention makes a member present; a ballot that does not mention a candidate is no vote for it', () => {
    const t = tally(3, [ballot('tv1', { x: 'abstain' }), ballot('tv2', { y: 'yes' })], ['x', 'y']);
    expect(t.present).toBe(2);
    expect(t.candidates[0]).toMatchObject({ yes: 0, abstain: 1, absent: 2 });
    expect(t.candidates[1]).toMatchObject({ yes: 1, absent: 2 });
  });

  it('ignores and reports ballots of non-members, later ballots of a member, bad votes and late ballots', () => {
    const t = tally(
      3,
      [
        ballot('tv1', { x: 'yes' }, '2025-01-10T09:00:00+07:00'),
        ballot('tv1', { x: 'no' }, '2025-01-11T09:00:00+07:00'),
        ballot('outsider', { x: 'yes' }),
        ballot('tv2', { x: 'YES', z: 'yes' }),
        ballot('tv3', { x: 'yes' }, '2025-01-20T09:00:00+07:00'),
      ],
      ['x'],
      '2025-01-15T17:00:00+07:00',
    );
    expect(t.candidates[0]).toMatchObject({ yes: 1, no: 0 });
    expect(t.ignoredBallots.map((b) => [b.memberId, b.reason.code])).toEqual([
      ['outsider', 'not-a-member'],
      ['tv1', 'not-first'],
      ['tv3', 'after-close'],
    ]);
    expect(t.ignoredVotes.map((v) => [v.memberId, v.candidateId, v.reason.code])).toEqual([
      ['tv2', 'x', 'invalid-vote'],
      ['tv2', 'z', 'unknown-candidate'],
    ]);
    expect(t.presentMembers).toEqual(['tv1']);
  });

  it('a ballot cast at the closing instant is late: the vote closes at that instant', () => {
    const closes = '2025-01-15T17:00:00+07:00';
    const atClose = tally(1, [ballot('tv1', { x: 'yes' }, closes)], ['x'], closes);
    expect(atClose.ignoredBallots.map((b) => b.reason.code)).toEqual(['after-close']);
    expect(atClose.presentMembers).toEqual([]);
    const justBefore = tally(
      1,
      [ballot('tv1', { x: 'yes' }, '2025-01-15T16:59:59.999+07:00')],
      ['x'],
      closes,
    );
    expect(justBefore.candidates[0]?.yes).toBe(1);
  });

  it('the first ballot wins whatever the order of the file', () => {
    const early = ballot('tv1', { x: 'yes' }, '2025-01-10T02:00:00Z');
    const late = ballot('tv1', { x: 'no' }, '2025-01-10T09:30:00+07:00');
    expect(tally(1, [late, early]).candidates[0]?.yes).toBe(1);
    expect(tally(1, [early, late]).candidates[0]?.yes).toBe(1);
  });
});

describe('the vote: its close, its reminder, its waits', () => {
  const proposed = new Date('2025-01-28T10:00:00Z');

  it('closes voteDays after the proposal and reminds reminderLeadDays before, at the same time of day', () => {
    expect(voteTimes(proposed, { voteDays: 7, reminderLeadDays: 1 })).toEqual({
      closesAt: '2025-02-04T10:00:00.000Z',
      remindAt: '2025-02-03T10:00:00.000Z',
    });
    expect(voteTimes(proposed, { voteDays: 10, reminderLeadDays: 3 }).remindAt).toBe(
      '2025-02-04T10:00:00.000Z',
    );
  });

  it('sends no reminder when it is turned off or would not come after the proposal', () => {
    for (const council of [
      { voteDays: 7, reminderLeadDays: 0 },
      { voteDays: 1, reminderLeadDays: 1 },
      { voteDays: 3, reminderLeadDays: 5 },
    ]) {
      expect(voteTimes(proposed, council)).toEqual({
        closesAt: new Date(proposed.getTime() + council.voteDays * 86_400_000).toISOString(),
      });
    }
  });

  it('waits until the reminder while it is ahead, then until the close; never less than a minute', () => {
    const times = voteTimes(proposed, { voteDays: 7, reminderLeadDays: 1 });
    const at = (iso: string) => new Date(iso);
    expect(voteWaitSeconds(proposed, times)).toBe(6 * 86_400);
    expect(voteWaitSeconds(at('2025-02-03T09:58:00Z'), times)).toBe(120);
    expect(voteWaitSeconds(at('2025-02-03T09:59:59.500Z'), times)).toBe(60);
    expect(voteWaitSeconds(at('2025-02-03T10:00:00Z'), times)).toBe(86_400);
    expect(voteWaitSeconds(at('2025-02-04T09:59:30Z'), times)).toBe(60);
    expect(voteWaitSeconds(at('2025-02-05T00:00:00Z'), times)).toBe(60);
    expect(voteWaitSeconds(proposed, { closesAt: times.closesAt })).toBe(7 * 86_400);
  });

  it('reminds from the reminder time, but not in the last hour before the close, nor without a reminder', () => {
    const times = voteTimes(proposed, { voteDays: 7, reminderLeadDays: 1 });
    const at = (iso: string) => new Date(iso);
    expect(voteReminderDue(at('2025-02-03T09:59:59Z'), times)).toBe(false);
    expect(voteReminderDue(at('2025-02-03T10:00:00Z'), times)).toBe(true);
    expect(voteReminderDue(at('2025-02-04T09:00:00Z'), times)).toBe(true);
    expect(voteReminderDue(at('2025-02-04T09:00:01Z'), times)).toBe(false);
    expect(voteReminderDue(at('2025-02-03T12:00:00Z'), { closesAt: times.closesAt })).toBe(false);
  });
});

describe('final list and dossier', () => {
  const proposal = proposeCommendations({
    timeZone: 'Asia/Ho_Chi_Minh',
    ...base,
    settings: settings({ upward: { minPercent: 93, perGroup: 1 } }),
    initiativesApproved: new Set(['phong-noi-vu/mot-cua-so']),
    nominations: [
      nomination({ id: 'a', name: 'Nguyễn Văn A', unitId: 'phong-noi-vu', initiativeId: 'mot-cua-so' }),
      nomination({ id: 'b', name: 'Lê Thị B', unitId: 'xa-an-hoa', initiativeId: 'so-hoa' }),
      nomination({ id: 'c', name: 'Phạm Văn C', unitId: 'xa-an-hoa', status: 'investigation' }),
    ],
  });

  it('passed → awarded, failed → reason with counts, excluded → original reasons, and the dossier', () => {
    const all = members(9).map((m) => m.id);
    const votes = Object.fromEntries(proposal.ballot.map((id) => [id, 'yes'])) as Record<string, 'yes'>;
    const ballots: Ballot[] = all.map((memberId, i) => ({
      memberId,
      castAt: '2025-01-10T09:00:00+07:00',
      // 6 of 9 say yes to individual:b: one short of ⌈6.3⌉ = 7.
      votes: { ...votes, 'individual:b': i < 6 ? 'yes' : 'no' },
    }));
    const t = tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(9),
      ballots,
      candidates: proposal.ballot,
      settings: COUNCIL,
    });
    const f = finalList(proposal, t);
    expect(byId(f.entries, 'individual:a').status).toBe('awarded');
    const b = byId(f.entries, 'individual:b');
    expect(b.status).toBe('not-passed');
    expect(b.reasons.at(-1)?.message).toMatch(/6\/9 phiếu tán thành, cần ít nhất 7/);
    const c = byId(f.entries, 'individual:c');
    expect(c.status).toBe('excluded');
    expect(codes(c)).toContain('investigation');
    expect(byId(f.entries, 'upward:van-phong').status).toBe('proposed-upward');
    expect(f.proposedUpward).toEqual(['upward:van-phong']);
    expect(f.awarded).toEqual(
      expect.arrayContaining(['collective:phong-noi-vu', 'collective:xa-binh-minh', 'individual:a']),
    );

    const dossier = f.dossier.map((d) => [d.code, d.candidateId ?? '', d.status]);
    expect(dossier).toContainEqual(['to-trinh', '', 'to-prepare']);
    expect(dossier).toContainEqual(['bien-ban-hop-xet', '', 'to-prepare']);
    expect(dossier).toContainEqual(['bao-cao-thanh-tich', 'individual:a', 'to-prepare']);
    expect(dossier).toContainEqual(['bao-cao-thanh-tich', 'upward:van-phong', 'to-prepare']);
    expect(dossier).toContainEqual(['xac-nhan-sang-kien', 'individual:a', 'confirmed']);
    expect(f.dossier.filter((d) => d.code === 'to-trinh')).toHaveLength(2);
    expect(f.dossier.some((d) => d.candidateId === 'individual:b')).toBe(false);
  });

  it('an awarded nominee whose initiative is not confirmed has the confirmation marked missing', () => {
    const ballots: Ballot[] = members(3).map((m) => ({
      memberId: m.id,
      castAt: '2025-01-10T09:00:00+07:00',
      votes: { 'individual:b': 'yes' },
    }));
    const t = tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(3),
      ballots,
      candidates: proposal.ballot,
      settings: COUNCIL,
    });
    const f = finalList(proposal, t);
    expect(byId(f.entries, 'individual:b').status).toBe('awarded');
    expect(f.dossier).toContainEqual(
      expect.objectContaining({ code: 'xac-nhan-sang-kien', candidateId: 'individual:b', status: 'missing' }),
    );
  });

  it('without quorum nobody is awarded and every proposed candidate says why', () => {
    const t = tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(9),
      ballots: [],
      candidates: proposal.ballot,
      settings: COUNCIL,
    });
    const f = finalList(proposal, t);
    expect(f.awarded).toEqual([]);
    expect(f.council.quorumMet).toBe(false);
    for (const id of proposal.ballot) expect(codes(byId(f.entries, id))).toContain('no-quorum');
  });

  describe('ties for the council', () => {
    const tiedResults = rankAll([
      { unitId: 'van-phong', group: 'office', hundredths: 9500 },
      { unitId: 'phong-noi-vu', group: 'office', hundredths: 9125 },
      { unitId: 'phong-tu-phap', group: 'office', hundredths: 9125 },
    ]);
    const p = proposeCommendations({
      timeZone: 'Asia/Ho_Chi_Minh',
      ...base,
      results: tiedResults,
      settings: settings(),
    });
    const vote = (yesFor: string[]) =>
      tallyCouncil({
        timeZone: 'Asia/Ho_Chi_Minh',
        members: members(3),
        candidates: p.ballot,
        settings: COUNCIL,
        ballots: members(3).map((m) => ({
          memberId: m.id,
          castAt: '2025-01-10T09:00:00+07:00',
          votes: Object.fromEntries(p.ballot.map((id) => [id, yesFor.includes(id) ? 'yes' : 'no'])),
        })),
      });

    it('both tied pass for one place: neither is awarded, both wait for a decision', () => {
      const f = finalList(p, vote(p.ballot));
      expect(f.undecidedTies).toEqual(['collective:phong-noi-vu', 'collective:phong-tu-phap']);
      expect(byId(f.entries, 'collective:phong-tu-phap').reasons.at(-1)?.message).toMatch(
        /không tự phân định/,
      );
      expect(f.awarded).toEqual(['collective:van-phong']);
    });

    it('only one of the tied passes: the vote settled it', () => {
      const f = finalList(p, vote(['collective:van-phong', 'collective:phong-tu-phap']));
      expect(f.awarded).toEqual(['collective:van-phong', 'collective:phong-tu-phap']);
      expect(f.undecidedTies).toEqual([]);
    });
  });
});

describe('numbers shown', () => {
  it('the tally lists a stored vote it cannot count instead of dropping it', () => {
    const t = tallyCouncil({
      timeZone: 'Asia/Ho_Chi_Minh',
      members: members(1),
      ballots: [{ memberId: 'tv1', castAt: '2025-01-10T09:00:00+07:00', votes: { 'collective:x': 'maybe' } }],
      candidates: ['collective:x'],
      settings: COUNCIL,
    });
    expect(t.ignoredVotes[0]?.reason.code).toBe('invalid-vote');
    expect(t.present).toBe(0);
  });

  it('percentages are shown rounded half-up with a decimal comma', () => {
    expect(formatPercent({ num: 18249n, den: 200n })).toBe('91,25'); // 91,245
    expect(formatPercent({ num: 269999n, den: 3000n })).toBe('90,00'); // 89,99966…
    expect(formatPercent({ num: 0n, den: 1n })).toBe('0,00');
  });
});
