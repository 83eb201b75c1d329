/**
 * An index of a criteria set's tree, so that reports and scoring tell apart the ids that are
 * scored leaves, groups (never scored directly) and the survey area (recorded by the admin).
 * Kept apart from domain/config.ts (the loader, which has the plain `leafCriteria` and
 * `findCriterion` helpers, and zod) so that scoring, and a handler's bundle, depend on the model only.
 */
import type { Area, CriteriaSet, Criterion } from '#domain/model';

/** The set's satisfaction-survey area, if it has one. */
export function surveyArea(set: CriteriaSet): Area | undefined {
  return set.areas.find((a) => a.kind === 'survey');
}

export interface LeafInfo {
  leaf: Criterion;
  area: Area;
}

export interface CriterionIndex {
  /** Scored leaves of assessed areas, in set order. */
  leaves: LeafInfo[];
  /** Every leaf id (assessed areas only) → its leaf and area. */
  leafById: Map<string, LeafInfo>;
  /** Ids of group criteria (they have children) and of areas: known, but never scored directly. */
  groupIds: Set<string>;
  /** Ids inside the survey area (the area id itself and any criterion under it). */
  surveyIds: Set<string>;
  /** The survey area, if the set has one. */
  survey: Area | undefined;
}

function walk(criteria: Criterion[], visit: (c: Criterion) => void): void {
  for (const c of criteria) {
    visit(c);
    if (c.children && c.children.length > 0) walk(c.children, visit);
  }
}

export function indexCriteria(set: CriteriaSet): CriterionIndex {
  const leaves: LeafInfo[] = [];
  const leafById = new Map<string, LeafInfo>();
  const groupIds = new Set<string>();
  const surveyIds = new Set<string>();
  let survey: Area | undefined;
  for (const area of set.areas) {
    if (area.kind === 'survey') {
      survey ??= area;
      surveyIds.add(area.id);
      walk(area.criteria, (c) => surveyIds.add(c.id));
      continue;
    }
    groupIds.add(area.id);
    walk(area.criteria, (c) => {
      if (c.children && c.children.length > 0) {
        groupIds.add(c.id);
      } else {
        const info = { leaf: c, area };
        leaves.push(info);
        leafById.set(c.id, info);
      }
    });
  }
  // An area id that is also a leaf id would be ambiguous; the leaf wins (it is what is scored).
  for (const id of leafById.keys()) groupIds.delete(id);
  return { leaves, leafById, groupIds, surveyIds, survey };
}
