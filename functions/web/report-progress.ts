/**
 * Where a report form stands, per reform area and in all: the self-scores given and their sum
 * against the maximum, in integer hundredths (never floats). Computed from what was typed (a
 * refused post shown again) or from the stored report, so the page opens with the same figures
 * the client script keeps up to date while typing (functions/web/assets/report-form.js).
 */
import { indexCriteria, type LeafInfo } from '#domain/criteria-tree';
import type { Appraisal, CriteriaSet, Points, Report } from '#domain/model';
import { formatPoints, tryParsePoints } from '#domain/points';
import { field } from './report-fields.ts';

export interface AreaProgress {
  id: string;
  name: string;
  /** A survey area is scored from the survey, never by the unit: no leaves, not in the total. */
  survey: boolean;
  max: Points;
  /** Sum of the valid self-scores given. */
  subtotal: Points;
  /** Leaves with a valid self-score, and all leaves. */
  scored: number;
  leaves: number;
  /** Leaves whose typed score is not a valid one (not counted in the subtotal). */
  invalid: number;
  /** Leaves the reviewer commented on in the last round. */
  commented: number;
}

export interface FormProgress {
  areas: AreaProgress[];
  total: Points;
  /** The maximum a unit can give itself: every assessed area, the survey excluded. */
  max: Points;
  scored: number;
  leaves: number;
  invalid: number;
  commented: number;
}

/** The survey's points: the set's, not the unit's to give (70 must not read as the campaign's 100). */
export function surveyPoints(p: Pick<FormProgress, 'areas'>): Points {
  return p.areas.filter((a) => a.survey).reduce((s, a) => s + a.max, 0);
}

/**
 * The unit's own total as a submitted report reads it: "Tổng tự chấm: 62,5/70 điểm (chưa kể 30
 * điểm khảo sát)" — the survey's points are not the unit's to give.
 */
export function selfTotalText(p: Pick<FormProgress, 'areas' | 'total' | 'max'>): string {
  const survey = surveyPoints(p);
  return `Tổng tự chấm: ${formatPoints(p.total)}/${formatPoints(p.max)} điểm${
    survey > 0 ? ` (chưa kể ${formatPoints(survey)} điểm khảo sát)` : ''
  }`;
}

/** The leaves the reviewer commented on (a non-blank comment in the appraisal). */
export function commentedLeaves(appraisal: Pick<Appraisal, 'entries'> | undefined): Set<string> {
  return new Set(
    Object.entries(appraisal?.entries ?? {})
      .filter(([, entry]) => entry.comment.trim() !== '')
      .map(([id]) => id),
  );
}

/** A score as given: valid within 0..max, invalid, or not given. */
export function scoreOf(typed: string | undefined, max: Points): Points | 'invalid' | undefined {
  if (typed === undefined || typed.trim() === '') return undefined;
  const parsed = tryParsePoints(typed.trim());
  return parsed.ok && parsed.value <= max ? parsed.value : 'invalid';
}

/** What every per-area tally starts from: the area as the pages name it. */
export interface AreaHead {
  id: string;
  name: string;
  survey: boolean;
  max: Points;
  leaves: number;
}

/**
 * A tally per reform area, in the set's order: each area's own counts from `start`, then each
 * leaf added to its area's (the unit's form and the reviewer's page count different things the
 * same way).
 */
export function tallyByArea<T extends AreaHead>(
  set: CriteriaSet,
  start: (head: AreaHead) => T,
  add: (tally: T, leaf: LeafInfo['leaf']) => void,
): T[] {
  const byArea = new Map<string, T>();
  for (const area of set.areas) {
    byArea.set(
      area.id,
      start({ id: area.id, name: area.name, survey: area.kind === 'survey', max: area.max, leaves: 0 }),
    );
  }
  for (const { leaf, area } of indexCriteria(set).leaves) {
    const tally = byArea.get(area.id);
    if (!tally) continue;
    tally.leaves++;
    add(tally, leaf);
  }
  return [...byArea.values()];
}

/** A sum over the assessed areas: the survey is not the unit's nor the reviewer's to give. */
export function sumAssessed<T extends AreaHead>(areas: readonly T[], pick: (area: T) => number): number {
  return areas.filter((a) => !a.survey).reduce((s, a) => s + pick(a), 0);
}

/**
 * The progress of the form. `raw` (the posted form) wins over `report` (what is stored): the page
 * shows what the person typed.
 */
export function formProgress(
  set: CriteriaSet,
  source: { raw?: URLSearchParams; report?: Report; commented?: ReadonlySet<string> },
): FormProgress {
  const areas = tallyByArea<AreaProgress>(
    set,
    (head) => ({ ...head, subtotal: 0, scored: 0, invalid: 0, commented: 0 }),
    (p, leaf) => {
      if (source.commented?.has(leaf.id)) p.commented++;
      const stored = source.report?.entries[leaf.id]?.selfScore;
      const score = source.raw
        ? scoreOf(source.raw.get(field.score(leaf.id)) ?? undefined, leaf.max)
        : stored;
      if (score === 'invalid') p.invalid++;
      else if (score !== undefined) {
        p.scored++;
        p.subtotal += score;
      }
    },
  );
  const sum = (pick: (a: AreaProgress) => number) => sumAssessed(areas, pick);
  return {
    areas,
    total: sum((a) => a.subtotal),
    max: sum((a) => a.max),
    scored: sum((a) => a.scored),
    leaves: sum((a) => a.leaves),
    invalid: sum((a) => a.invalid),
    commented: sum((a) => a.commented),
  };
}
