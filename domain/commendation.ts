/**
 * Commendation: the proposal — who is put forward, and why. Rules: ../shared/DOMAIN.md
 * "Commendation rules"; decisions: docs/commendation.md.
 *
 * What the system proposes is the movement's thematic award (collectives from the ranking,
 * individuals the units nominate) and proposals upward for the best; never annual titles. The
 * rules are domain/commendation-rules.ts, composed here in the order the decisions need: upward
 * first (one achievement, one form), then collectives, then individuals (what they share — an
 * initiative, a person — then the quota). The council's tally is domain/council.ts; the final list domain/final-list.ts.
 */
import { formatDate, parseInstant } from './calendar.ts';
import {
  CommendationInputError,
  type NominationInput,
  type Proposal,
  type RankedResult,
  type TieForCouncil,
} from './commendation-model.ts';
import {
  apply,
  cmpStr,
  collectiveCandidate,
  individualCandidate,
  issuerWarnings,
  type RuleContext,
  sharedGrounds,
  type Working,
} from './commendation-rules.ts';
import {
  applySelection,
  type Selection,
  selectCollectives,
  selectIndividuals,
  upwardProposals,
} from './commendation-selection.ts';
import {
  ISSUER_FORM_LISTS,
  ISSUER_LABELS,
  type IssuerFormList,
  issuerFormListOn,
  movementAwards,
} from './issuers.ts';
import {
  type AdministrativeLevel,
  type CommendationSettings,
  type DisciplineStatus,
  groupLabelsFor,
  type IsoDate,
  UNIT_GROUPS,
  type Unit,
  type UnitGroup,
} from './model.ts';

export interface ProposeInput {
  results: readonly RankedResult[];
  units: readonly Unit[];
  nominations: readonly NominationInput[];
  settings: CommendationSettings;
  issuerLevel: AdministrativeLevel;
  /** Date of the decision: the issuer list in force on this date applies. */
  onDate: IsoDate;
  /** The district's zone: times in the reasons are its wall-clock times. */
  timeZone: string;
  /** Initiatives confirmed (approved); unit-qualified "unitId/initiativeId" or plain ids. */
  initiativesApproved?: ReadonlySet<string>;
  /**
   * Units (collectives) under discipline, investigation, inspection or an open complaint, by id
   * (DOMAIN.md: nobody under them may be proposed); a unit not listed is under none.
   */
  unitStatuses?: Readonly<Record<string, DisciplineStatus>>;
  /** For tests and future data; defaults to ISSUER_FORM_LISTS. */
  issuerLists?: readonly IssuerFormList[];
}

export function proposeCommendations(input: ProposeInput): Proposal {
  const ctx = ruleContext(input);
  const submittedMs = nominationTimes(input, ctx);
  const ties: TieForCouncil[] = [];

  // Upward first: a unit proposed upward is not also given the thematic award for the same results.
  const upward = UNIT_GROUPS.map((group) => upwardProposals(ctx, group));
  const upwardCandidates = upward.flatMap((s) => s.decisions.map((d) => d.candidate));
  for (const s of upward) settle(s, ties);
  const upwardUnits = new Set(
    upward.flatMap((s) => s.decisions.filter((d) => d.status !== 'excluded').map((d) => d.candidate.unitId)),
  );

  const collectives = input.units.map((unit) => collectiveCandidate(ctx, unit, upwardUnits));
  for (const group of UNIT_GROUPS)
    settle(selectCollectives(ctx, group, eligibleIn(collectives, group)), ties);

  const individuals = input.nominations.map((n, i) => individualCandidate(ctx, n, i, submittedMs[i] ?? 0));
  for (const { candidate, finding } of sharedGrounds(ctx, individuals)) apply(candidate, [finding]);
  for (const group of UNIT_GROUPS)
    settle(selectIndividuals(ctx, group, eligibleIn(individuals, group)), ties);

  return assemble(input, ctx, [...upwardCandidates, ...collectives, ...individuals], ties);
}

function eligibleIn(candidates: readonly Working[], group: UnitGroup): Working[] {
  return candidates.filter((c) => c.group === group && !c.excluded);
}

/** Records a selection's decisions and its tie for the council. */
function settle(selection: Selection<Working>, ties: TieForCouncil[]): void {
  applySelection(selection);
  if (selection.tie) ties.push(selection.tie);
}

const KIND_ORDER: Record<Working['kind'], number> = { collective: 0, upward: 1, individual: 2 };

/** Candidates in a fixed order (so the order of the input changes nothing), without the rules' workings. */
function assemble(
  input: ProposeInput,
  ctx: RuleContext,
  all: Working[],
  tiesForCouncil: TieForCouncil[],
): Proposal {
  all.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      UNIT_GROUPS.indexOf(a.group) - UNIT_GROUPS.indexOf(b.group) ||
      a.sortRank - b.sortRank ||
      cmpStr(a.unitId, b.unitId) ||
      a.submittedMs - b.submittedMs ||
      cmpStr(a.id, b.id),
  );
  const candidates = all.map(
    ({ excluded: _e, sortRank: _s, inputIndex: _i, submittedMs: _m, initiativeKey: _k, ...c }) => c,
  );
  const { list } = ctx.issuer;
  return {
    issuer: {
      level: input.issuerLevel,
      label: ctx.issuer.label,
      onDate: input.onDate,
      listId: list?.id ?? null,
      forms: [...ctx.issuer.forms],
      source: list?.source ?? null,
      caution: list?.caution ?? null,
    },
    candidates,
    ballot: candidates.filter((c) => c.status !== 'excluded').map((c) => c.id),
    tiesForCouncil,
    warnings: issuerWarnings(ctx, input.onDate),
  };
}

// ---------------------------------------------------------------- input checks

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new CommendationInputError(`${what} must be a whole number ≥ 0, got ${value}`);
  }
}

/**
 * What the rules read, from input checked first: input that cannot be judged at all (a unit
 * listed twice, a result for a unit the district does not have or in another group, a bad count)
 * is a CommendationInputError, not a refusal.
 */
function ruleContext(input: ProposeInput): RuleContext {
  const { settings, issuerLevel, onDate } = input;
  // The decision date is checked first: the issuer list in force on it decides what may be granted.
  const list = issuerFormListOn(issuerLevel, onDate, input.issuerLists ?? ISSUER_FORM_LISTS);
  if (settings.collectives.mode === 'top') assertCount(settings.collectives.perGroup, 'collectives.perGroup');
  if (settings.quotaPerGroup !== undefined) assertCount(settings.quotaPerGroup, 'quotaPerGroup');
  if (settings.upward) assertCount(settings.upward.perGroup, 'upward.perGroup');

  const unitsById = new Map<string, Unit>();
  for (const u of input.units) {
    if (unitsById.has(u.id)) throw new CommendationInputError(`unit “${u.id}” is listed twice`);
    unitsById.set(u.id, u);
  }
  for (const unitId of Object.keys(input.unitStatuses ?? {})) {
    if (!unitsById.has(unitId)) {
      throw new CommendationInputError(`unitStatuses: unit “${unitId}” is not a unit of the district`);
    }
  }
  const resultsByUnit = new Map<string, RankedResult>();
  for (const r of input.results) {
    const unit = unitsById.get(r.unitId);
    if (!unit) throw new CommendationInputError(`results: unit “${r.unitId}” is not a unit of the district`);
    if (unit.group !== r.group) {
      throw new CommendationInputError(
        `results: unit “${r.unitId}” is in group ${unit.group}, not ${r.group}`,
      );
    }
    if (resultsByUnit.has(r.unitId))
      throw new CommendationInputError(`results: unit “${r.unitId}” appears twice`);
    if (r.percent !== null && r.percent.den <= 0n)
      throw new CommendationInputError(`results: unit “${r.unitId}” has a bad percentage`);
    resultsByUnit.set(r.unitId, r);
  }
  return {
    settings,
    issuer: {
      level: issuerLevel,
      label: ISSUER_LABELS[issuerLevel],
      list,
      forms: list?.forms ?? [],
      dateVi: formatDate(onDate),
    },
    awards: movementAwards(issuerLevel),
    groupLabels: groupLabelsFor(issuerLevel),
    unitsById,
    resultsByUnit,
    rankedInGroup: new Map(
      UNIT_GROUPS.map((g) => [g, input.results.filter((r) => r.group === g && r.rank !== null).length]),
    ),
    ...(input.initiativesApproved ? { initiativesApproved: input.initiativesApproved } : {}),
    unitStatus: (unitId) => input.unitStatuses?.[unitId] ?? 'none',
    timeZone: input.timeZone,
  };
}

/** Each nomination's submission instant; a duplicate id, an unknown unit or an unreadable time is an input error. */
function nominationTimes(input: ProposeInput, ctx: RuleContext): number[] {
  const ids = new Set<string>();
  return input.nominations.map((n) => {
    if (ids.has(n.id)) throw new CommendationInputError(`nominations: id “${n.id}” appears twice`);
    ids.add(n.id);
    if (!ctx.unitsById.has(n.unitId)) {
      throw new CommendationInputError(
        `nominations: “${n.id}” names unit “${n.unitId}”, not a unit of the district`,
      );
    }
    const ms = parseInstant(n.submittedAt);
    if (ms === null) {
      throw new CommendationInputError(
        `nominations: “${n.id}” has submittedAt “${n.submittedAt}”, not an ISO instant`,
      );
    }
    return ms;
  });
}
