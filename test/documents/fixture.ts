/**
 * The demo district's 2024 as the documents see it: its config, the example appraisals scored
 * with the domain's own functions (each quarter compared with the one before, then the year),
 * and the example nominations and ballots proposed, tallied and listed.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type AggregateResults, aggregateResults } from '#domain/aggregate';
import { criteriaSetFor, periodsOf, periodsOfYear } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import type { Proposal } from '#domain/commendation-model';
import { type LoadedDistrict, loadDistrict } from '#domain/config-files';
import { type Tally, tallyCouncil } from '#domain/council';
import { type FinalList, finalList } from '#domain/final-list';
import type { CriteriaSet, Period, Points, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { parsePoints } from '#domain/points';
import type { UnitStatus } from '#domain/ranking';
import { computePeriodResults, type PeriodResults, type UnitPeriodInput } from '#domain/scoring';
import {
  contextFromConfig,
  councilBody,
  type DocumentContext,
  homeAffairsOffice,
  type ProposalDocumentInput,
  type ResultsReportInput,
  type VoteRecordInput,
} from '#functions/documents/index';
import { BallotsFileSchema, NominationsFileSchema } from '../../cli/commendation-files.ts';

const ROOT = new URL('../../', import.meta.url);
const path = (p: string) => new URL(p, ROOT).pathname;

export interface ScoredPeriod {
  period: Period;
  results: PeriodResults;
  inputs: Record<string, UnitPeriodInput>;
  setsByGroup: Partial<Record<UnitGroup, CriteriaSet>>;
}

export interface Demo2024 {
  loaded: LoadedDistrict;
  quarters: ScoredPeriod[];
  year: AggregateResults;
  yearPeriods: Period[];
  proposal: Proposal;
  tally: Tally;
  final: FinalList;
  closesAt: string;
}

interface RawUnit {
  status: UnitStatus;
  scores?: Record<string, number | string>;
  survey?: number | string | null;
  bonus?: number | string;
  penalty?: number | string;
}

/** Reads the example appraisals as `thidua score` does: points as hundredths, survey null = none. */
function readAppraisals(file: string): Record<string, Record<string, RawUnit>> {
  // The example file is the repo's own and the domain checks every value it reads: its shape is taken as given.
  const raw = parse(readFileSync(path(file), 'utf8')) as {
    periods: Record<string, { units: Record<string, RawUnit> }>;
  };
  return Object.fromEntries(Object.entries(raw.periods).map(([id, p]) => [id, p.units]));
}

function toInput(u: RawUnit): UnitPeriodInput {
  if (u.status !== 'approved') return { status: u.status };
  const appraised: Record<string, Points> = {};
  for (const [id, v] of Object.entries(u.scores ?? {})) appraised[id] = parsePoints(v);
  return {
    status: 'approved',
    appraised,
    survey: u.survey === null || u.survey === undefined ? null : parsePoints(u.survey),
    bonus: u.bonus === undefined ? 0 : parsePoints(u.bonus),
    penalty: u.penalty === undefined ? 0 : parsePoints(u.penalty),
  };
}

let cached: Demo2024 | undefined;

export function demo2024(): Demo2024 {
  if (cached) return cached;
  const loaded = loadDistrict(path('districts/demo.yaml'), { now: new Date('2025-01-15T00:00:00+07:00') });
  const { config } = loaded;
  const byPeriod = readAppraisals('examples/appraisals-2024.yaml');
  const yearPeriods = periodsOfYear(config, 2024);
  const quarters: ScoredPeriod[] = [];
  for (const period of yearPeriods) {
    const inputs = Object.fromEntries(
      Object.entries(byPeriod[period.id] ?? {}).map(([unitId, u]) => [unitId, toInput(u)]),
    );
    const setsByGroup: Partial<Record<UnitGroup, CriteriaSet>> = {};
    for (const g of UNIT_GROUPS) setsByGroup[g] = criteriaSetFor(config, loaded.criteriaSets, g, period);
    const previous = quarters[quarters.length - 1]?.results;
    const results = computePeriodResults({
      periodId: period.id,
      units: config.units,
      inputs,
      setsByGroup,
      caps: config.groups,
      ...(previous ? { previous } : {}),
    });
    quarters.push({ period, results, inputs, setsByGroup });
  }
  const year = aggregateResults(
    'year',
    yearPeriods.map((p) => p.id),
    quarters.map((q) => q.results),
    config.units,
  );
  const nominations = NominationsFileSchema.parse(
    parse(readFileSync(path('examples/nominations-2024.yaml'), 'utf8')),
  );
  const ballots = BallotsFileSchema.parse(parse(readFileSync(path('examples/ballots-2024.yaml'), 'utf8')));
  const proposal = proposeCommendations({
    results: year.units,
    units: config.units,
    nominations: nominations.nominations,
    settings: config.commendation,
    issuerLevel: config.commendation.issuerLevel,
    onDate: '2025-01-20',
    timeZone: config.district.timeZone,
    initiativesApproved: new Set(nominations.initiativesApproved ?? []),
  });
  const closesAt = ballots.closesAt ?? '2025-01-28T17:00:00+07:00';
  const tally = tallyCouncil({
    timeZone: config.district.timeZone,
    members: config.council,
    ballots: ballots.ballots,
    candidates: proposal.ballot,
    settings: config.commendation,
    closesAt,
  });
  cached = {
    loaded,
    quarters,
    year,
    yearPeriods,
    proposal,
    tally,
    final: finalList(proposal, tally),
    closesAt,
  };
  return cached;
}

/** 14 January 2025, 18:30 UTC: already the 15th in Hồ Chí Minh City. */
export const PRODUCED_AT = new Date('2025-01-14T18:30:00Z');

export function demoContext(documentDate?: string): DocumentContext {
  return contextFromConfig(demo2024().loaded.config, {
    producedAt: PRODUCED_AT,
    ...(documentDate ? { documentDate } : {}),
  });
}

export function allPeriods(): Period[] {
  return periodsOf(demo2024().loaded.config);
}

export const SIGNER = { title: 'Trưởng phòng', name: 'Nguyễn Văn Thành' };

export function reportInput(quarter: number): ResultsReportInput {
  const d = demo2024();
  const q = d.quarters[quarter];
  if (!q) throw new Error(`no quarter ${quarter}`);
  return {
    context: demoContext(),
    issuer: homeAffairsOffice(d.loaded.config),
    period: q.period,
    results: q.results,
    setsByGroup: q.setsByGroup,
    appraisals: q.inputs,
    caps: d.loaded.config.groups,
    signer: SIGNER,
  };
}

export function nominationsFile() {
  return NominationsFileSchema.parse(parse(readFileSync(path('examples/nominations-2024.yaml'), 'utf8')));
}

export function proposalInput(documentDate = '2025-01-30'): ProposalDocumentInput {
  const d = demo2024();
  return {
    context: demoContext(documentDate),
    issuer: homeAffairsOffice(d.loaded.config),
    signer: SIGNER,
    scope: { kind: 'year', id: '2024' },
    proposal: d.proposal,
    final: d.final,
    voteRecordDate: '2025-01-28',
    nominations: nominationsFile().nominations,
  };
}

export function voteRecordInput(tally: Tally = demo2024().tally): VoteRecordInput {
  const d = demo2024();
  const { config } = d.loaded;
  return {
    context: demoContext(),
    issuer: councilBody(config),
    scope: { kind: 'year', id: '2024' },
    proposal: d.proposal,
    tally,
    members: config.council,
    rule: config.commendation.council,
    closesAt: d.closesAt,
    chair: { title: 'Chủ tịch Hội đồng', name: 'Đặng Văn Long' },
    secretary: { title: 'Thư ký Hội đồng', name: 'Trần Quốc Huy' },
  };
}

/** The tally of a ballots file when the council votes without quorum (5 of 8 before the close). */
export function noQuorumTally(): Tally {
  const d = demo2024();
  const ballots = BallotsFileSchema.parse(
    parse(readFileSync(path('examples/ballots-no-quorum.yaml'), 'utf8')),
  );
  return tallyCouncil({
    timeZone: d.loaded.config.district.timeZone,
    members: d.loaded.config.council,
    ballots: ballots.ballots,
    candidates: d.proposal.ballot,
    settings: d.loaded.config.commendation,
    ...(ballots.closesAt ? { closesAt: ballots.closesAt } : {}),
  });
}

/** The ballots file as read by a person counting by hand. */
export function ballotsFile(name = 'ballots-2024.yaml') {
  return BallotsFileSchema.parse(parse(readFileSync(path(`examples/${name}`), 'utf8')));
}
