/** Small builders shared by the commendation tests. */
import type { NominationInput, RankedResult } from '#domain/commendation-model';
import type { Band, CommendationSettings, Person, ResultFlag, Unit, UnitGroup } from '#domain/model';

export function unit(id: string, group: UnitGroup, name = id): Unit {
  return { id, name, group, focalPoint: { name: `Đầu mối ${name}`, email: `${id}@example.org` } };
}

export function bandOf(hundredths: number): Band {
  if (hundredths >= 9000) return 'xuat-sac';
  if (hundredths >= 8000) return 'tot';
  if (hundredths >= 7000) return 'kha';
  if (hundredths >= 5000) return 'trung-binh';
  return 'yeu';
}

/** A result with the percentage given in hundredths (9125 = 91,25 %). */
export function result(
  unitId: string,
  group: UnitGroup,
  hundredths: number,
  rank: number | null,
  flags: ResultFlag[] = [],
): RankedResult {
  return {
    unitId,
    group,
    percent: { num: BigInt(hundredths), den: 100n },
    band: rank === null ? null : bandOf(hundredths),
    rank,
    flags,
  };
}

/** Ranks results within their group the way DOMAIN.md says (equal percentages share a rank). */
export function rankAll(
  rows: { unitId: string; group: UnitGroup; hundredths: number; flag?: ResultFlag }[],
): RankedResult[] {
  return rows.map((r) => {
    // Not appraised: no percentage, no band, no rank (as scoring reports it).
    if (r.flag === 'chua-tham-dinh') {
      return { ...result(r.unitId, r.group, 0, null, ['chua-tham-dinh']), percent: null };
    }
    const value = r.flag === 'khong-nop-bao-cao' ? 0 : r.hundredths;
    const better = rows.filter(
      (o) =>
        o.group === r.group &&
        o.flag !== 'chua-tham-dinh' &&
        (o.flag === 'khong-nop-bao-cao' ? 0 : o.hundredths) > value,
    ).length;
    return result(r.unitId, r.group, value, better + 1, r.flag ? [r.flag] : []);
  });
}

export function settings(over: Partial<CommendationSettings> = {}): CommendationSettings {
  return {
    issuerLevel: 'huyen',
    collectives: { mode: 'top', perGroup: 2 },
    minBand: 'tot',
    council: { quorum: { numerator: 2, denominator: 3 }, passPercent: 70, voteDays: 7, reminderLeadDays: 1 },
    ...over,
  };
}

export function nomination(over: Partial<NominationInput> & { id: string; unitId: string }): NominationInput {
  return {
    name: `Cán bộ ${over.id}`,
    form: 'giay-khen',
    achievements: 'Hoàn thành xuất sắc nhiệm vụ cải cách hành chính.',
    status: 'none',
    submittedAt: '2024-12-10T08:00:00+07:00',
    ...over,
  };
}

export function members(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `tv${i + 1}`,
    name: `Thành viên ${i + 1}`,
    email: `tv${i + 1}@example.org`,
  }));
}
