/**
 * Bands and ranks (DOMAIN.md "Arithmetic"; docs/scoring.md "Bands and ranks"): both compare exact
 * percentages, never rounded ones; ranks are per group, equal percentages sharing a rank; and the
 * change of a unit's line against the previous results.
 */

import type { Band, Fraction, ResultFlag, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { compareFractions, decimalToFraction, fractionsEqual, subtractFractions } from '#domain/points';

// ---------------------------------------------------------------- bands

export interface BandThreshold {
  band: Band;
  /** Lowest percentage (inclusive) of the band, at most two decimals. */
  minPercent: number;
}

/** Xuất sắc ≥ 90 %, Tốt 80–<90 %, Khá 70–<80 %, Trung bình 50–<70 %, Yếu < 50 % (DOMAIN.md). */
export const DEFAULT_BANDS: readonly BandThreshold[] = [
  { band: 'xuat-sac', minPercent: 90 },
  { band: 'tot', minPercent: 80 },
  { band: 'kha', minPercent: 70 },
  { band: 'trung-binh', minPercent: 50 },
  { band: 'yeu', minPercent: 0 },
];

/** Best first. */
export const BAND_ORDER: readonly Band[] = ['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu'];

/**
 * The band of an exact percentage: the band with the highest threshold not above it. A
 * percentage below every threshold gets the lowest band. Thresholds are compared exactly, so
 * 89.995 % is Tốt even though it is shown as "90,00".
 */
export function bandOf(percent: Fraction, thresholds: readonly BandThreshold[] = DEFAULT_BANDS): Band {
  const sorted = sortedThresholds(thresholds);
  for (const t of sorted) if (compareFractions(percent, t.min) >= 0) return t.band;
  // sortedThresholds refuses an empty list, so there is a lowest band.
  return sorted[sorted.length - 1]?.band ?? 'yeu';
}

/**
 * Thresholds as exact fractions, highest first: sorted once per thresholds array (a config's
 * array is never mutated), not once per unit banded.
 */
const SORTED_THRESHOLDS = new WeakMap<readonly BandThreshold[], readonly { band: Band; min: Fraction }[]>();

function sortedThresholds(thresholds: readonly BandThreshold[]): readonly { band: Band; min: Fraction }[] {
  let sorted = SORTED_THRESHOLDS.get(thresholds);
  if (!sorted) {
    if (thresholds.length === 0) throw new RangeError('Chưa cấu hình ngưỡng xếp loại.');
    sorted = thresholds
      .map((t) => ({ band: t.band, min: decimalToFraction(t.minPercent) }))
      .sort((a, b) => compareFractions(b.min, a.min));
    SORTED_THRESHOLDS.set(thresholds, sorted);
  }
  return sorted;
}

/** Negative when `a` is the better band. */
export function compareBands(a: Band, b: Band): number {
  return BAND_ORDER.indexOf(a) - BAND_ORDER.indexOf(b);
}

/** True when `band` is `min` or better. */
export function bandAtLeast(band: Band, min: Band): boolean {
  return compareBands(band, min) <= 0;
}

// ---------------------------------------------------------------- ranking

/** A unit's situation at review close. */
export type UnitStatus = 'approved' | 'submitted-not-appraised' | 'not-submitted';

export interface RankEntry {
  unitId: string;
  group: UnitGroup;
  status: UnitStatus;
  /** Required for 'approved'; ignored otherwise. */
  percent: Fraction | null;
}

export interface RankedEntry {
  unitId: string;
  group: UnitGroup;
  /** null: not ranked (Chưa thẩm định). */
  rank: number | null;
  flags: ResultFlag[];
}

/**
 * Ranks each group apart (offices and communes are never ranked together, whatever the input
 * mixes): appraised units by exact percentage, highest first, equal percentages sharing a rank
 * (1, 2, 2, 4); then every *Không nộp báo cáo* unit, sharing the rank after the last appraised
 * one — below even an appraised unit at 0 % (a unit that reported ranks above one that did
 * not); *Chưa thẩm định* units are not ranked. The output is ordered by group, rank, unit id,
 * so the order of the input changes nothing.
 */
export function rankGroup(entries: readonly RankEntry[]): RankedEntry[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.unitId))
      throw new RangeError(`Đơn vị "${e.unitId}" xuất hiện hai lần trong bảng xếp hạng.`);
    ids.add(e.unitId);
    if (e.status === 'approved' && !e.percent) {
      throw new RangeError(`Đơn vị "${e.unitId}" đã thẩm định nhưng thiếu tỷ lệ điểm.`);
    }
  }
  const out: RankedEntry[] = [];
  const groups = [
    ...UNIT_GROUPS,
    ...new Set(entries.map((e) => e.group).filter((g) => !UNIT_GROUPS.includes(g))),
  ];
  for (const group of groups) {
    const inGroup = entries.filter((e) => e.group === group);
    // Checked above: every approved entry has a percentage.
    const approved = inGroup.flatMap((e) =>
      e.status === 'approved' && e.percent ? [{ unitId: e.unitId, percent: e.percent }] : [],
    );
    approved.sort((a, b) => compareFractions(b.percent, a.percent) || byId(a, b));
    let rank = 0;
    approved.forEach((e, i) => {
      const prev = approved[i - 1];
      if (!prev || !fractionsEqual(prev.percent, e.percent)) rank = i + 1;
      out.push({ unitId: e.unitId, group, rank, flags: [] });
    });
    for (const e of inGroup.filter((x) => x.status === 'not-submitted').sort(byId)) {
      out.push({ unitId: e.unitId, group, rank: approved.length + 1, flags: ['khong-nop-bao-cao'] });
    }
    for (const e of inGroup.filter((x) => x.status === 'submitted-not-appraised').sort(byId)) {
      out.push({ unitId: e.unitId, group, rank: null, flags: ['chua-tham-dinh'] });
    }
  }
  return out;
}

function byId(a: { unitId: string }, b: { unitId: string }): number {
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
}

// ---------------------------------------------------------------- change against the previous results

export interface UnitChange {
  /** The period (or year, phase) compared against. */
  previousId: string;
  previousPercent: Fraction | null;
  /** Percentage points gained (negative: lost); null when either percentage is missing. */
  percentPoints: Fraction | null;
  previousBand: Band | null;
  previousRank: number | null;
  /**
   * Places gained (previous rank − rank; negative: lost); null when either is unranked or is the
   * last place of a unit without a report (Không nộp báo cáo: not a place earned, not comparable).
   */
  rankChange: number | null;
}

/** One side of a change: a line's percentage and rank, and whether that rank is *Không nộp báo cáo*'s. */
export interface ChangeSide {
  percent: Fraction | null;
  rank: number | null;
  /**
   * The rank is not a place earned but the "last in its group" of a unit without a report (all
   * such units share the rank after the last appraised one: rank 1 when nobody reported).
   */
  lastByRule: boolean;
}

/** The previous results' side of a change, with its band. */
export type PreviousSide = ChangeSide & { band: Band | null };

/**
 * The change against the previous period (or year, phase). Places gained compare two earned
 * ranks only: when either side is *Không nộp báo cáo*'s last place, `rankChange` is null (in a
 * period nobody reported in, every unit shares rank 1: coming 2nd next period is not "down 1
 * place"); the percentage points still compare (the missed period's 0 % counts).
 */
export function changeAgainst(
  previousId: string,
  before: PreviousSide | undefined,
  now: ChangeSide,
): UnitChange | null {
  if (!before) return null;
  const earned = !now.lastByRule && !before.lastByRule;
  return {
    previousId,
    previousPercent: before.percent,
    percentPoints: now.percent && before.percent ? subtractFractions(now.percent, before.percent) : null,
    previousBand: before.band,
    previousRank: before.rank,
    rankChange: earned && now.rank !== null && before.rank !== null ? before.rank - now.rank : null,
  };
}
