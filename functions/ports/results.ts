/**
 * The results aggregate of a period: what the admin records for scoring (survey result, bonus,
 * penalty per unit-period) and the published results versions. Keys: docs/store.md.
 *
 * A results version is stored per unit, header last (docs/storage.md): one line per unit, keyed
 * by the version and the hash of all its serialized lines, then the header put with
 * `attribute_not_exists` — it names the hash, so a reader sees a version whole or not at all, and
 * of two computations of the same version only the header's winner is ever read.
 */
import type { DisciplineStatus, Points } from '#domain/model';
import type { ScoringTrigger } from '#workflows/executions';
import type { Actor } from './actor.ts';

/** What the admin records for scoring a unit-period (docs/scoring.md steps 2–3). */
export interface Adjustments {
  /** Satisfaction survey result; null: the unit has none (its appraised sum is rescaled). */
  survey: Points | null;
  bonus: Points;
  penalty: Points;
  /** Where the figures come from (e.g. the survey report's number). */
  note?: string;
}

export interface StoredAdjustments extends Adjustments {
  unitId: string;
  periodId: string;
  /** 1 on the first record, +1 on each change. */
  version: number;
  updatedAt: string;
  updatedBy: Actor;
}

/**
 * A unit's own standing for commendation, as the admin records it (DOMAIN.md: nobody under
 * discipline, investigation, inspection or an open complaint is proposed — a unit included).
 */
export interface UnitStanding {
  status: DisciplineStatus;
  /** Why (the inspection's decision, the complaint's number); required unless `none`. */
  reason?: string;
}

export interface StoredStanding extends UnitStanding {
  unitId: string;
  /** The admin form's write id that made this version. */
  writeId?: string;
  /** 1 on the first record, +1 on each change. */
  version: number;
  updatedAt: string;
  updatedBy: Actor;
}

/** Why a version was computed: the trigger of its scoring execution. */
export type ResultsReason = ScoringTrigger;

/** How many units of a group are ranked, did not report, or were not appraised. */
export interface GroupCounts {
  ranked: number;
  notSubmitted: number;
  notAppraised: number;
}

/** A results version without its lines. */
export interface ResultsHeader<B = unknown> {
  periodId: string;
  version: number;
  /** sha256 of the serialized lines, in their order. */
  hash: string;
  lineCount: number;
  counts: Record<string, GroupCounts>;
  /** The criteria sets used, per group, by content hash. */
  criteriaSets: Record<string, { id: string; hash: string }>;
  /** The units whose line differs from version − 1 (`all` for version 1). */
  changed: 'all' | string[];
  /** null when the computation was not started by a named trigger (a direct call). */
  reason: ResultsReason | null;
  publishedAt: string;
  /** What the version says besides its lines (the results JSON without `units`). */
  body: B;
}

export interface ResultsLine<L = unknown> {
  unitId: string;
  line: L;
}

export type NewResultsVersion<B, L> = Omit<ResultsHeader<B>, 'hash' | 'lineCount' | 'publishedAt'> & {
  /** In their published order. */
  lines: ResultsLine<L>[];
};

export interface ResultsStore {
  /**
   * Records the unit-period's adjustments (overwriting is allowed: each change bumps `version`;
   * identical values change nothing). The values before are returned for the audit.
   */
  /**
   * Stores the unit-period's adjustments (unchanged when they are these already). With
   * `expectedVersion` (0: none stored), another version stored is a ConflictError('version').
   * `writeId`: the request's, stored with the version; the same request again (the values
   * stored by its own write id) is answered as its first time, `changed` and `before` included,
   * so that it can finish the version's audit entry.
   */
  putAdjustments(
    unitId: string,
    periodId: string,
    adjustments: Adjustments,
    actor: Actor,
    options?: { expectedVersion?: number; writeId?: string },
  ): Promise<{ changed: boolean; adjustments: StoredAdjustments; before?: Adjustments }>;
  getAdjustments(unitId: string, periodId: string): Promise<StoredAdjustments | undefined>;
  /** Every unit's adjustments of the period, by unit id. */
  listPeriodAdjustments(periodId: string): Promise<StoredAdjustments[]>;

  /**
   * Records a unit's standing (unchanged when it is this already; each change bumps `version`).
   * With `expectedVersion` (0: none stored), another version stored is a ConflictError('version').
   */
  putStanding(
    unitId: string,
    standing: UnitStanding,
    actor: Actor,
    /** `writeId`: the request's; the same request again answers `changed` as its first time did. */
    options?: { expectedVersion?: number; writeId?: string },
  ): Promise<{ changed: boolean; standing: StoredStanding; before?: UnitStanding }>;
  getStanding(unitId: string): Promise<StoredStanding | undefined>;
  /** Every unit's recorded standing (units never recorded are under none). */
  listStandings(): Promise<StoredStanding[]>;

  /**
   * Writes the lines, then the header. `created`; `unchanged` when the same version with the same
   * lines is stored already (a re-run); ConflictError('exists') when another computation's header
   * won the version (the caller computes the next one).
   */
  putVersion<B, L>(version: NewResultsVersion<B, L>): Promise<'created' | 'unchanged'>;
  /** Every version's header, version 1 first. */
  listHeaders<B>(periodId: string): Promise<ResultsHeader<B>[]>;
  getHeader<B>(periodId: string, version: number): Promise<ResultsHeader<B> | undefined>;
  /** Every line of a version, in order, read consistently and checked against the header's count. */
  getLines<L>(header: ResultsHeader): Promise<ResultsLine<L>[]>;
  /** One unit's line of a version (NotFoundError when the version has none). */
  getLine<L>(header: ResultsHeader, unitId: string): Promise<L>;
}
