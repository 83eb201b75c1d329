import { describe, expect, it } from 'vitest';
import { proposeCommendations } from '#domain/commendation';
import { tallyCouncil } from '#domain/council';
import { finalList } from '#domain/final-list';
import { ANNUAL_TITLES, formsIssuerMayGrant, issuerCautions } from '#domain/issuers';
import { members, nomination, rankAll, settings, unit } from './commendation-fixtures.ts';

// A province after 1/7/2025: departments (sở) and communes, wards (xã, phường).
const rows = [
  { unitId: 'so-noi-vu', group: 'office' as const, hundredths: 9650 },
  { unitId: 'so-tu-phap', group: 'office' as const, hundredths: 9125 },
  { unitId: 'so-y-te', group: 'office' as const, hundredths: 8450 },
  { unitId: 'phuong-hoa-binh', group: 'commune' as const, hundredths: 9300 },
  { unitId: 'xa-tan-phu', group: 'commune' as const, hundredths: 8800 },
];
const propose = (
  nominations = [nomination({ id: 'ca-nhan', unitId: 'so-tu-phap', form: 'bang-khen-tinh' })],
) =>
  proposeCommendations({
    results: rankAll(rows),
    units: rows.map((r) => unit(r.unitId, r.group)),
    nominations,
    settings: settings({ issuerLevel: 'tinh', upward: { minPercent: 95, perGroup: 1 } }),
    issuerLevel: 'tinh',
    onDate: '2026-01-31',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
const byId = (p: ReturnType<typeof propose>, id: string) => {
  const c = p.candidates.find((x) => x.id === id);
  if (!c) throw new Error(`no candidate ${id}`);
  return c;
};

describe('a province tenant (DOMAIN.md, "A province tenant")', () => {
  it("proposes the provincial chairman's Bằng khen as the movement's award, to collectives and individuals", () => {
    const p = propose();
    const collective = byId(p, 'collective:so-tu-phap');
    expect(collective).toMatchObject({ status: 'proposed', form: 'bang-khen-tinh' });
    expect(collective.reasons.map((r) => r.message).join(' ')).toContain(
      'Đề nghị Chủ tịch UBND cấp tỉnh tặng Bằng khen của Chủ tịch UBND tỉnh',
    );
    expect(byId(p, 'individual:ca-nhan').status).toBe('proposed');
    // Communes and wards are named as a province has them.
    expect(byId(p, 'collective:phuong-hoa-binh').reasons[0]?.message).toContain('khối xã, phường');
  });

  it("proposes the very best upward for the Prime Minister's Bằng khen, which the province only proposes", () => {
    const p = propose();
    const up = byId(p, 'upward:so-noi-vu');
    expect(up).toMatchObject({ status: 'propose-upward', form: 'bang-khen-thu-tuong' });
    expect(up.reasons.at(-1)?.message).toContain('Đề nghị Thủ tướng Chính phủ tặng Bằng khen');
    const votes = members(3).map((m) => ({
      memberId: m.id,
      castAt: '2026-02-05T09:00:00+07:00',
      votes: Object.fromEntries(p.ballot.map((id) => [id, 'yes'])),
    }));
    const council = { council: { quorum: { numerator: 2, denominator: 3 }, passPercent: 70 } };
    const tally = tallyCouncil({
      members: members(3),
      ballots: votes,
      candidates: p.ballot,
      settings: council,
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const notes = finalList(p, tally).dossier.map((d) => d.note);
    expect(notes).toContain('Đề nghị Thủ tướng Chính phủ tặng Bằng khen cho 1 tập thể.');
    expect(
      notes.some((n) => n.startsWith('Trình Chủ tịch UBND cấp tỉnh tặng Bằng khen của Chủ tịch UBND tỉnh')),
    ).toBe(true);
  });

  it('refuses a Giấy khen and the provincial titles: not the movement award, or annual titles', () => {
    const p = propose([
      nomination({ id: 'xin-giay-khen', unitId: 'so-y-te', form: 'giay-khen' }),
      nomination({ id: 'xin-co-thi-dua', unitId: 'so-y-te', form: 'co-thi-dua-tinh' }),
      nomination({ id: 'xin-cstd-tinh', unitId: 'so-y-te', form: 'chien-si-thi-dua-cap-tinh' }),
    ]);
    expect(byId(p, 'individual:xin-giay-khen').reasons.map((r) => r.code)).toContain('not-thematic-form');
    expect(byId(p, 'individual:xin-co-thi-dua').reasons.map((r) => r.code)).toContain('annual-title');
    expect(byId(p, 'individual:xin-cstd-tinh').reasons.map((r) => r.code)).toContain('annual-title');
    for (const id of ['xin-giay-khen', 'xin-co-thi-dua', 'xin-cstd-tinh']) {
      expect(p.ballot).not.toContain(`individual:${id}`);
    }
  });

  it('shows its rules as to be confirmed legally, once', () => {
    const p = propose();
    const legal = p.warnings.filter((w) => w.includes('xác nhận về pháp lý'));
    expect(legal).toHaveLength(1);
    expect(issuerCautions('tinh', '2025-08-15', '2031-01-31').join(' ')).toContain('xác nhận về pháp lý');
  });

  it("gives the department director's and the provincial chairman's lists from 1/7/2025", () => {
    expect(formsIssuerMayGrant('so', '2025-08-01')).toEqual(
      expect.arrayContaining([
        'giay-khen',
        'lao-dong-tien-tien',
        'tap-the-lao-dong-tien-tien',
        'chien-si-thi-dua-co-so',
      ]),
    );
    const tinh = formsIssuerMayGrant('tinh', '2025-08-01');
    for (const form of [
      'bang-khen-tinh',
      'co-thi-dua-tinh',
      'tap-the-lao-dong-xuat-sac',
      'chien-si-thi-dua-cap-tinh',
    ]) {
      expect(tinh).toContain(form);
    }
    expect(tinh).not.toContain('bang-khen-thu-tuong');
    expect(ANNUAL_TITLES.has('bang-khen-tinh')).toBe(false);
  });

  it('has no list before 1/7/2025: a proposal dated earlier grants nothing and says why', () => {
    expect(formsIssuerMayGrant('tinh', '2025-06-30')).toEqual([]);
    expect(formsIssuerMayGrant('so', '2025-06-30')).toEqual([]);
    const early = proposeCommendations({
      results: rankAll(rows),
      units: rows.map((r) => unit(r.unitId, r.group)),
      nominations: [nomination({ id: 'ca-nhan', unitId: 'so-tu-phap', form: 'bang-khen-tinh' })],
      // so-noi-vu (96,50 %) would be proposed to the Prime Minister from 01/07/2025.
      settings: settings({ issuerLevel: 'tinh', upward: { minPercent: 95, perGroup: 1 } }),
      issuerLevel: 'tinh',
      onDate: '2025-03-01',
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const granted = early.candidates.filter((c) => c.status !== 'excluded');
    expect(granted).toEqual([]);
    expect(early.ballot).toEqual([]);
    expect(byId(early, 'individual:ca-nhan').reasons.map((r) => r.code)).toContain('no-issuer-list');
  });
});

describe('what check says about the issuer lists', () => {
  it('names the months a district issuer has no list (the level was abolished) and the lists not checked', () => {
    const cautions = issuerCautions('huyen', '2022-08-02', '2026-01-21');
    expect(
      cautions.some((c) => c.startsWith('Danh mục thẩm quyền áp dụng từ 15/09/2017 đến 31/12/2023: ')),
    ).toBe(true);
    expect(cautions.some((c) => c.includes('từ 01/07/2025 đến 21/01/2026'))).toBe(true);
    expect(issuerCautions('huyen', '2024-01-01', '2025-06-30')).toEqual([]);
  });
});
