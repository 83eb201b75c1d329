/**
 * The vocabulary of a commendation proposal: what the rules read (a unit's ranked result, a
 * nomination) and what they produce (candidates with their status and reasons, ties for the
 * council, the proposal). Rules: domain/commendation-rules.ts; composed by domain/commendation.ts.
 */
import type {
  AdministrativeLevel,
  Band,
  CommendationForm,
  Fraction,
  IsoDate,
  IsoInstant,
  Nomination,
  ResultFlag,
  UnitGroup,
} from './model.ts';

/** One unit's line of the ranked results, as scoring produces it (only what commendation reads). */
export interface RankedResult {
  unitId: string;
  group: UnitGroup;
  /** Exact percentage (0..100) as a fraction; null when there is none (not appraised). */
  percent: Fraction | null;
  /** Null when the unit was not banded (e.g. Chưa thẩm định). */
  band: Band | null;
  /** Rank within the group; null when not ranked (Chưa thẩm định). */
  rank: number | null;
  flags: readonly ResultFlag[];
}

/** A nomination as read from a file: the requested form may be anything, and is refused if unknown. */
export type NominationInput = Omit<Nomination, 'form'> & { form: string };

/** Input that cannot be judged at all (duplicate ids, unknown units): an error, not a refusal. */
export class CommendationInputError extends Error {
  override name = 'CommendationInputError';
}

export type CandidateKind = 'collective' | 'upward' | 'individual';
export type CandidateStatus = 'proposed' | 'excluded' | 'tie-at-cutoff' | 'propose-upward';

export interface Reason {
  /** ASCII, stable: what tools and tests match on. */
  code: string;
  /** Vietnamese, for people. */
  message: string;
}

export interface Candidate {
  /** "collective:<unitId>", "upward:<unitId>" or "individual:<nominationId>": what ballots name. */
  id: string;
  kind: CandidateKind;
  unitId: string;
  unitName: string;
  group: UnitGroup;
  /** Unit name for a collective or upward proposal, person's name for an individual. */
  name: string;
  nominationId?: string;
  position?: string;
  /** Proposed (or, for an individual, requested) form, as given. */
  form: string;
  formLabel: string;
  status: CandidateStatus;
  /** Why it is in or out: every rule that applied, in order. */
  reasons: Reason[];
  /** The unit's rank in its group, ranked units in the group, rounded percentage, band. */
  rank: number | null;
  rankedInGroup: number;
  percent: string | null;
  band: Band | null;
  /** Initiative cited by a nomination; confirmed null when no list of confirmed initiatives was given. */
  initiative?: { id: string; key: string; confirmed: boolean | null };
  submittedAt?: IsoInstant;
}

export interface TieForCouncil {
  kind: CandidateKind;
  group: UnitGroup;
  /** Which limit the tie straddles. */
  rule: 'top' | 'quota' | 'upward';
  limit: number;
  /** Candidates inside the limit, above the tie. */
  withinLimit: string[];
  tied: string[];
  /** Places left for the tied: limit − withinLimit. */
  slots: number;
  message: string;
}

export interface Proposal {
  issuer: {
    level: AdministrativeLevel;
    label: string;
    onDate: IsoDate;
    listId: string | null;
    forms: CommendationForm[];
    source: string | null;
    caution: string | null;
  };
  candidates: Candidate[];
  /** The candidates the council votes on: everything not excluded. */
  ballot: string[];
  tiesForCouncil: TieForCouncil[];
  warnings: string[];
}
