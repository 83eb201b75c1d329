/**
 * Commendation at district scale: proposeCommendations over 1,000 units (500 per group, their
 * results scored by computePeriodResults from seeded synthetic appraisals) and 500 nominations,
 * then tallyCouncil with a council of 9 (the demo's 8 members and one more; 8 vote) and finalList.
 * Run with the demo's settings (top 3 per group, upward ≥ 95 %) and with a threshold selection
 * (every unit ≥ 80 %, so the ballot is long). Each step is repeated; prints ms.
 *
 *   node bench/commendation.ts [--per-group 500] [--nominations 500] [--repeat 5] [--seed 2024]
 */
import { criteriaSetFor, periodById } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import type { NominationInput, Proposal } from '#domain/commendation-model';
import { initiativeKey } from '#domain/commendation-rules';
import { type Ballot, type Tally, tallyCouncil } from '#domain/council';
import { indexCriteria } from '#domain/criteria-tree';
import { finalList } from '#domain/final-list';
import type { CommendationSettings, DisciplineStatus, Person, Vote } from '#domain/model';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import {
  fmtMemory,
  fmtSpread,
  intOption,
  loadDemo,
  memory,
  msSince,
  now,
  printBlock,
  printSummary,
  randomInt,
  seededRandom,
  spread,
  syntheticDistrictUnits,
  timed,
} from './lib.ts';

const started = now();
const perGroup = intOption('per-group', 500);
const nominationCount = intOption('nominations', 500);
const repeat = intOption('repeat', 5);
const random = seededRandom(intOption('seed', 2024));
const { config, criteriaSets } = loadDemo();
const units = syntheticDistrictUnits(perGroup);
const ON_DATE = '2024-12-20'; // the huyện's 2024 list of forms is in force
const VOTE_OPENS = Date.parse('2024-12-20T01:00:00Z');
const VOTE_CLOSES = new Date(VOTE_OPENS + config.commendation.council.voteDays * 86_400_000).toISOString();

// ---------------------------------------------------------------- setup (not timed)

const period = periodById(config, '2024Q4')!;
const inputs: Record<string, UnitPeriodInput> = {};
for (const unit of units) {
  const draw = random();
  if (draw < 0.03) continue;
  if (draw < 0.04) {
    inputs[unit.id] = { status: 'submitted-not-appraised' };
    continue;
  }
  const level = 0.55 + random() * 0.45;
  const appraised: Record<string, number> = {};
  const index = indexCriteria(criteriaSetFor(config, criteriaSets, unit.group, period));
  for (const { leaf } of index.leaves) {
    appraised[leaf.id] = Math.round(leaf.max * Math.min(1, level + (random() - 0.5) * 0.1));
  }
  const surveyMax = index.survey?.max ?? 0;
  inputs[unit.id] = {
    status: 'approved',
    appraised,
    survey: surveyMax > 0 ? Math.round(surveyMax * Math.min(1, level + random() * 0.1)) : null,
  };
}
const results = computePeriodResults({
  periodId: period.id,
  units,
  inputs,
  setsByGroup: {
    office: criteriaSetFor(config, criteriaSets, 'office', period),
    commune: criteriaSetFor(config, criteriaSets, 'commune', period),
  },
}).units;

const STATUSES: DisciplineStatus[] = ['discipline', 'investigation', 'inspection', 'complaint'];
const nominations: NominationInput[] = Array.from({ length: nominationCount }, (_, i) => {
  const unit = units[randomInt(random, 0, units.length - 1)]!;
  const formDraw = random();
  const cites = random() < 0.6;
  return {
    id: `de-nghi-${String(i + 1).padStart(4, '0')}`,
    name: `Cán bộ số ${i + 1}`,
    position: 'Chuyên viên',
    unitId: unit.id,
    // Mostly the movement's Giấy khen; some ask for an annual title or a form the huyện cannot grant.
    form: formDraw < 0.85 ? 'giay-khen' : formDraw < 0.95 ? 'lao-dong-tien-tien' : 'bang-khen-tinh',
    achievements: 'Hoàn thành xuất sắc nhiệm vụ cải cách hành chính.',
    ...(cites ? { initiativeId: `sang-kien-${randomInt(random, 1, 2)}` } : {}),
    status: random() < 0.92 ? 'none' : STATUSES[randomInt(random, 0, STATUSES.length - 1)]!,
    submittedAt: new Date(Date.parse('2024-12-01T01:00:00Z') + randomInt(random, 0, 14 * 86_400) * 1000)
      .toISOString()
      .replace('.000Z', 'Z'),
  };
});
const initiativesApproved = new Set(
  nominations.flatMap((n) =>
    n.initiativeId && random() < 0.8 ? [initiativeKey(n.unitId, n.initiativeId)] : [],
  ),
);

const council: Person[] = [
  ...config.council,
  { id: 'thanh-vien-9', name: 'Thành viên thứ chín', email: 'thanhvien9@song-lam.example.org' },
];
const VOTES: Vote[] = ['yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'yes', 'no', 'abstain'];
function ballotsFor(candidates: readonly string[]): Ballot[] {
  // 8 of the 9 vote; one never opens the link.
  return council.slice(0, 8).map((m, i) => ({
    memberId: m.id,
    castAt: new Date(VOTE_OPENS + (i + 1) * 3_600_000).toISOString(),
    votes: Object.fromEntries(candidates.map((c) => [c, VOTES[randomInt(random, 0, VOTES.length - 1)]!])),
  }));
}

// ---------------------------------------------------------------- timed

interface Scenario {
  label: string;
  settings: CommendationSettings;
}
const scenarios: Scenario[] = [
  { label: 'demo settings (top 3 per group, upward ≥ 95 %)', settings: config.commendation },
  {
    label: 'threshold ≥ 80 % (long ballot)',
    settings: { ...config.commendation, collectives: { mode: 'threshold', minPercent: 80 } },
  },
];

const figures: Record<string, string> = {
  units: String(units.length),
  nominations: String(nominations.length),
};
const memBefore = memory();
for (const [s, scenario] of scenarios.entries()) {
  const proposeMs: number[] = [];
  const tallyMs: number[] = [];
  const finalMs: number[] = [];
  let proposal!: Proposal;
  let tally!: Tally;
  let proposed = 0;
  for (let r = 0; r < repeat; r++) {
    const p = timed(() =>
      proposeCommendations({
        timeZone: config.district.timeZone,
        results,
        units,
        nominations,
        settings: scenario.settings,
        issuerLevel: scenario.settings.issuerLevel,
        onDate: ON_DATE,
        initiativesApproved,
      }),
    );
    proposal = p.result;
    proposeMs.push(p.ms);
    const ballots = ballotsFor(proposal.ballot); // not timed
    const t = timed(() =>
      tallyCouncil({
        timeZone: config.district.timeZone,
        members: council,
        ballots,
        candidates: proposal.ballot,
        settings: scenario.settings,
        closesAt: VOTE_CLOSES,
      }),
    );
    tally = t.result;
    tallyMs.push(t.ms);
    const f = timed(() => finalList(proposal, tally));
    finalMs.push(f.ms);
    proposed = f.result.awarded.length;
  }
  const count = (status: string) => proposal.candidates.filter((c) => c.status === status).length;
  printBlock(`Commendation, ${scenario.label}: ${units.length} units, ${nominations.length} nominations`, [
    [
      'candidates',
      `${proposal.candidates.length} (proposed ${count('proposed')}, upward ${count('propose-upward')}, ` +
        `tie ${count('tie-at-cutoff')}, excluded ${count('excluded')})`,
    ],
    [
      'ballot',
      `${proposal.ballot.length} candidates; ties for the council ${proposal.tiesForCouncil.length}`,
    ],
    ['proposeCommendations', `${fmtSpread(spread(proposeMs))}; first ${proposeMs[0]!.toFixed(1)} ms`],
    [
      `tallyCouncil (N=${tally.N})`,
      `${fmtSpread(spread(tallyMs))}; present ${tally.present}, quorum ${tally.quorumMet ? 'met' : 'not met'}`,
    ],
    ['finalList', `${fmtSpread(spread(finalMs))}; awarded ${proposed}`],
  ]);
  const tag = s === 0 ? 'demo' : 'threshold';
  figures[`ms propose (${tag})`] = spread(proposeMs).median.toFixed(1);
  figures[`ms tally (${tag}, ${proposal.ballot.length} on ballot)`] = spread(tallyMs).median.toFixed(2);
}
const memAfter = memory();
printBlock('Memory', [
  ['before', fmtMemory(memBefore)],
  ['after', fmtMemory(memAfter)],
]);
figures['peak RSS MiB'] = String(memAfter.peakRssMiB);

printSummary({ bench: 'commendation', totalMs: msSince(started), figures });
