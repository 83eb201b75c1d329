/**
 * Synthetic campaigns of N units, seeded and deterministic (no clock, no Math.random): the same
 * options give the same campaign, byte for byte. For tests and benchmarks at sizes no shipped
 * config has (a province of 2,000 units); it imports the domain only, never a test framework.
 *
 *   import { generateCampaign, writeCampaign } from '../examples/generate-campaign.ts';
 *   const c = generateCampaign({ units: 2000, seed: 7, periods: 2, nominations: 400, ballots: true });
 *   c.config, c.criteriaSets              // validated, as loadDistrict returns them
 *   c.periods[0].reports / .inputs        // what units submitted, what scoring reads
 *   c.nominations, c.ballots, c.files     // the same as the files `thidua` reads
 *   writeCampaign(c, dir)                 // districts/<slug>.yaml, criteria/*.yaml and the input files
 *
 *   node examples/generate-campaign.ts --units 2000 [--seed 1] [--offices n] [--periods n]
 *        [--nominations n] [--ballots] --out <dir>
 *
 * What is generated: a province-level config (level `tinh` unless told otherwise, phase 2025–2030,
 * quarterly), two criteria sets with the default areas of DOMAIN.md (sub-criteria split at random
 * in quarter points), departments and communes/wards with focal points, reviewers, a council,
 * admins, leadership; for the first `periods` periods, each submitting unit's report and the
 * appraised results (about 3 % do not report, 1 % are not appraised by review close, 70 % have a
 * survey result, a few bonuses and penalties above the caps); nominations (some under discipline,
 * some citing the same initiative); and the council's ballots on the proposal of the last period.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { addDays, criteriaSetFor, periodsOf, zonedInstant } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import type { NominationInput } from '#domain/commendation-model';
import { checkCriteriaSet, checkDistrictConfig, formatProblem, inFile } from '#domain/config';
import type { Ballot } from '#domain/council';
import type {
  AdministrativeLevel,
  CriteriaSet,
  DisciplineStatus,
  DistrictConfig,
  Frequency,
  IsoDate,
  UnitGroup,
} from '#domain/model';
import { computePeriodResults } from '#domain/scoring';
import { DEPARTMENTS, personName, placeNames, type Random, seededRandom, slugOf } from './synthetic-names.ts';
import {
  adjustmentsFile,
  appraisalsFile,
  type SyntheticPeriod,
  syntheticPeriod,
  unitLevels,
} from './synthetic-periods.ts';

export type { SyntheticPeriod } from './synthetic-periods.ts';

export interface CampaignOptions {
  /** Units of the district: offices and communes together. */
  units: number;
  /** Default 1. */
  seed?: number;
  /** Offices (departments) among them; default 15 % of the units, at least 1 (communes: the rest). */
  offices?: number;
  /** Default `tinh`. */
  level?: AdministrativeLevel;
  /** Default `quarterly`. */
  frequency?: Frequency;
  /** Default 2025-08-15 to 2030-12-31. */
  phaseStart?: IsoDate;
  phaseEnd?: IsoDate;
  /** How many of the calendar's first periods get reports and appraisals; default 0 (config only). */
  periods?: number;
  /** How many individuals the units nominate; default 0. */
  nominations?: number;
  /** The council's ballots on the proposal of the last generated period; needs `periods` ≥ 1. */
  ballots?: boolean;
}

export interface SyntheticCampaign {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  periods: SyntheticPeriod[];
  nominations: NominationInput[];
  ballots?: { closesAt: string; ballots: Ballot[] };
  /** What the files `thidua` reads hold (docs/config.md, docs/cli.md), as plain data. */
  files: {
    district: Record<string, unknown>;
    criteria: Record<string, Record<string, unknown>>;
    appraisals?: Record<string, unknown>;
    adjustments?: Record<string, unknown>;
    nominations?: Record<string, unknown>;
    ballots?: Record<string, unknown>;
  };
}

const MAIL_DOMAIN = 'synthetic.example.org';

export function generateCampaign(options: CampaignOptions): SyntheticCampaign {
  const random = seededRandom(options.seed ?? 1);
  const criteria = {
    office: criteriaSetFile('synthetic-co-quan', 'cơ quan, đơn vị thuộc UBND tỉnh', random),
    commune: criteriaSetFile('synthetic-xa-phuong', 'UBND xã, phường', random),
  };
  const district = districtFile(options, random);
  const { config, criteriaSets } = validated(district, Object.values(criteria));
  const levels = unitLevels(config.units, random);
  const periods = periodsOf(config)
    .slice(0, options.periods ?? 0)
    .map((period) => syntheticPeriod(config, criteriaSets, period, levels, random));
  const nominations = syntheticNominations(config, options.nominations ?? 0, random);
  const last = periods[periods.length - 1];
  const ballots =
    options.ballots && last ? syntheticBallots(config, criteriaSets, last, nominations, random) : undefined;
  return {
    config,
    criteriaSets,
    periods,
    nominations,
    ...(ballots ? { ballots } : {}),
    files: {
      district,
      criteria: { [criteria.office.id]: criteria.office, [criteria.commune.id]: criteria.commune },
      ...(periods.length > 0
        ? { appraisals: appraisalsFile(config, periods), adjustments: adjustmentsFile(periods) }
        : {}),
      ...(nominations.length > 0 ? { nominations: { nominations } } : {}),
      ...(ballots ? { ballots } : {}),
    },
  };
}

/** The campaign as files: the config and criteria sets as YAML where `thidua check` finds them, the inputs beside. */
export function writeCampaign(campaign: SyntheticCampaign, dir: string): Record<string, string> {
  const slug = campaign.config.district.slug;
  mkdirSync(join(dir, 'districts'), { recursive: true });
  mkdirSync(join(dir, 'criteria'), { recursive: true });
  const written: Record<string, string> = {};
  const put = (name: string, file: string, data: unknown) => {
    writeFileSync(file, stringify(data, { lineWidth: 0 }));
    written[name] = file;
  };
  put('district', join(dir, 'districts', `${slug}.yaml`), campaign.files.district);
  for (const [id, set] of Object.entries(campaign.files.criteria))
    put(id, join(dir, 'criteria', `${id}.yaml`), set);
  for (const name of ['appraisals', 'adjustments', 'nominations', 'ballots'] as const) {
    const data = campaign.files[name];
    if (data) put(name, join(dir, `${name}.yaml`), data);
  }
  return written;
}

// ---------------------------------------------------------------- config and criteria sets

/** The default areas of DOMAIN.md, in points; area 9 is the survey. */
const AREAS: readonly [string, number][] = [
  ['Công tác chỉ đạo, điều hành cải cách hành chính', 9],
  ['Cải cách thể chế', 6],
  ['Cải cách thủ tục hành chính', 14],
  ['Cải cách tổ chức bộ máy hành chính', 5],
  ['Cải cách chế độ công vụ', 9],
  ['Cải cách tài chính công', 5],
  ['Xây dựng, phát triển chính quyền điện tử, chính quyền số', 12],
  ['Sáng kiến, giải pháp, mô hình mới', 10],
];

/** `total` quarter points split into `parts` positive quarter-point parts. */
function split(random: Random, total: number, parts: number): number[] {
  const quarters = Math.round(total * 4);
  const n = Math.max(1, Math.min(parts, quarters));
  const cuts = new Set<number>();
  while (cuts.size < n - 1) cuts.add(1 + Math.floor(random() * (quarters - 1)));
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), quarters];
  return bounds.slice(1).map((b, i) => (b - (bounds[i] ?? 0)) / 4);
}

function criteriaSetFile(
  id: string,
  whose: string,
  random: Random,
): Record<string, unknown> & { id: string } {
  const areas = AREAS.map(([name, max], a) => {
    const area = String(a + 1);
    const criteria = split(random, max, 2 + Math.floor(random() * 2)).map((cmax, c) => {
      const cid = `${area}.${c + 1}`;
      const leaves = split(random, cmax, 1 + Math.floor(random() * 3));
      const leaf = (lmax: number, l: number) => ({
        id: `${cid}.${l + 1}`,
        name: `Tiêu chí ${cid}.${l + 1} của lĩnh vực ${name.toLowerCase()}`,
        max: lmax,
      });
      return leaves.length === 1
        ? { id: cid, name: `Tiêu chí ${cid} của lĩnh vực ${name.toLowerCase()}`, max: cmax }
        : { id: cid, name: `Nhóm tiêu chí ${cid}`, max: cmax, children: leaves.map(leaf) };
    });
    return { id: area, name, max, criteria };
  });
  return {
    id,
    version: '1',
    name: `Bộ tiêu chí tổng hợp (thử nghiệm) của ${whose}`,
    effectiveFrom: '2025-07-01',
    source: 'Sinh tự động theo các lĩnh vực mặc định của DOMAIN.md, chỉ dùng cho kiểm thử và đo hiệu năng.',
    max: 100,
    bonusCap: 5,
    penaltyCap: 5,
    areas: [
      ...areas,
      { id: '9', name: 'Khảo sát sự hài lòng của người dân, tổ chức', kind: 'survey', max: 30 },
    ],
  };
}

function person(random: Random, id: string, unit: string | undefined, title: string) {
  return {
    id,
    name: personName(random),
    email: `${id}@${MAIL_DOMAIN}`,
    ...(unit ? { unit } : {}),
    title,
  };
}

function districtFile(options: CampaignOptions, random: Random): Record<string, unknown> {
  const n = Math.max(2, Math.floor(options.units));
  const offices = Math.min(n - 1, Math.max(1, options.offices ?? Math.round(n * 0.15)));
  const units = [
    ...Array.from({ length: offices }, (_, i) => {
      const base = DEPARTMENTS[i % DEPARTMENTS.length] ?? 'Đơn vị';
      const name =
        i < DEPARTMENTS.length ? base : `${base} (đơn vị ${Math.floor(i / DEPARTMENTS.length) + 1})`;
      const group: UnitGroup = 'office';
      return { name, group };
    }),
    ...placeNames(random, n - offices).map((place, i): { name: string; group: UnitGroup } => ({
      name: `${i % 6 === 0 ? 'Phường' : 'Xã'} ${place}`,
      group: 'commune',
    })),
  ].map((u, i) => {
    const id = `${slugOf(u.name, 34)}-${i + 1}`.replace(/^-/, '');
    return {
      id,
      name: u.name,
      group: u.group,
      focalPoint: { name: personName(random), email: `dau-moi-${i + 1}@${MAIL_DOMAIN}` },
    };
  });
  const home = units[1]?.id;
  const reviewers = Array.from({ length: Math.max(3, Math.ceil(n / 40)) }, (_, i) =>
    person(random, `tham-dinh-${i + 1}`, i % 4 === 0 ? home : undefined, 'Tổ thẩm định'),
  );
  const council = Array.from({ length: 13 }, (_, i) =>
    person(random, `hoi-dong-${i + 1}`, undefined, 'Ủy viên Hội đồng'),
  );
  return {
    district: {
      name: `tỉnh Thử Nghiệm ${options.seed ?? 1}`,
      slug: `thu-nghiem-${n}-${options.seed ?? 1}`,
      level: options.level ?? 'tinh',
      timeZone: 'Asia/Ho_Chi_Minh',
      authority: 'UBND tỉnh Thử Nghiệm',
      mailFrom: `thidua@${MAIL_DOMAIN}`,
    },
    campaign: {
      planNumber: '1/KH-UBND',
      planDate: options.phaseStart ?? '2025-08-15',
      title: `Phong trào thi đua cải cách hành chính (tổng hợp, ${n} đơn vị)`,
      phaseStart: options.phaseStart ?? '2025-08-15',
      phaseEnd: options.phaseEnd ?? '2030-12-31',
      // Synthetic data must stay valid whatever today's date: a phase already over is allowed.
      allowPastPhase: true,
      content: 'Phong trào thi đua tổng hợp, sinh tự động cho kiểm thử và đo hiệu năng.',
    },
    units,
    reviewers,
    council,
    admins: [person(random, 'quan-tri-1', home, 'Quản trị hệ thống')],
    leadership: [person(random, 'lanh-dao-1', undefined, 'Chủ tịch UBND tỉnh')],
    calendar: { frequency: options.frequency ?? 'quarterly' },
    groups: {
      office: { criteriaSets: ['synthetic-co-quan'] },
      commune: { criteriaSets: ['synthetic-xa-phuong'] },
    },
    commendation: { collectives: { mode: 'top', perGroup: 5 }, upward: { minPercent: 95, perGroup: 2 } },
  };
}

/** The files checked as `thidua check` checks them; a problem here is a bug of this generator. */
function validated(
  district: Record<string, unknown>,
  sets: readonly Record<string, unknown>[],
): { config: DistrictConfig; criteriaSets: CriteriaSet[] } {
  const criteriaSets: CriteriaSet[] = [];
  const problems: string[] = [];
  for (const raw of sets) {
    const r = checkCriteriaSet(raw);
    if (r.value) criteriaSets.push(r.value);
    problems.push(...inFile(`criteria/${String(raw.id)}.yaml`, r.problems).map(formatProblem));
  }
  const r = checkDistrictConfig(district, criteriaSets);
  problems.push(...inFile('districts/synthetic.yaml', r.problems).map(formatProblem));
  if (!r.value || problems.length > 0)
    throw new Error(`synthetic campaign is not valid:\n${problems.join('\n')}`);
  return { config: r.value, criteriaSets };
}

// ---------------------------------------------------------------- nominations and ballots

const STATUSES: readonly DisciplineStatus[] = ['discipline', 'investigation', 'inspection', 'complaint'];

function syntheticNominations(config: DistrictConfig, count: number, random: Random): NominationInput[] {
  const start = zonedInstant(config.campaign.phaseStart, '08:00', config.district.timeZone);
  return Array.from({ length: count }, (_, i): NominationInput => {
    const unit = config.units[Math.floor(random() * config.units.length)] ?? config.units[0];
    if (!unit) throw new RangeError('a campaign without units');
    const roll = random();
    return {
      id: `de-nghi-${i + 1}`,
      name: personName(random),
      position: 'Chuyên viên',
      unitId: unit.id,
      form:
        roll < 0.1 ? 'lao-dong-tien-tien' : config.district.level === 'tinh' ? 'bang-khen-tinh' : 'giay-khen',
      achievements: 'Hoàn thành xuất sắc nhiệm vụ cải cách hành chính được giao.',
      status: roll > 0.92 ? (STATUSES[i % STATUSES.length] ?? 'discipline') : 'none',
      // A few cite an initiative another nomination cites too.
      ...(random() < 0.5
        ? { initiativeId: `sang-kien-${1 + Math.floor(random() * Math.max(1, count / 3))}` }
        : {}),
      submittedAt: new Date(Date.parse(start) + (i + 1) * 60_000).toISOString(),
    };
  });
}

/** Every council member but one votes on the whole ballot (mostly yes); one member votes twice, the second after the close. */
function syntheticBallots(
  config: DistrictConfig,
  criteriaSets: readonly CriteriaSet[],
  last: SyntheticPeriod,
  nominations: readonly NominationInput[],
  random: Random,
): { closesAt: string; ballots: Ballot[] } {
  const { period } = last;
  const groups: UnitGroup[] = ['office', 'commune'];
  const results = computePeriodResults({
    periodId: period.id,
    units: config.units,
    inputs: last.inputs,
    setsByGroup: Object.fromEntries(groups.map((g) => [g, criteriaSetFor(config, criteriaSets, g, period)])),
    caps: config.groups,
  });
  const decided = period.reviewClosesAt.slice(0, 10);
  const proposal = proposeCommendations({
    results: results.units,
    units: config.units,
    nominations,
    settings: config.commendation,
    issuerLevel: config.commendation.issuerLevel,
    onDate: decided,
    timeZone: config.district.timeZone,
  });
  const tz = config.district.timeZone;
  const closesAt = zonedInstant(addDays(decided, config.commendation.council.voteDays), '17:00', tz);
  const ballots: Ballot[] = config.council.slice(1).map((m, i) => ({
    memberId: m.id,
    castAt: zonedInstant(addDays(decided, 1 + (i % 3)), '09:00', tz),
    votes: Object.fromEntries(
      proposal.ballot.map((id) => [id, random() < 0.85 ? 'yes' : random() < 0.5 ? 'no' : 'abstain']),
    ),
  }));
  const late = ballots[0];
  if (late)
    ballots.push({
      ...late,
      castAt: zonedInstant(addDays(decided, config.commendation.council.voteDays + 1), '09:00', tz),
    });
  return { closesAt, ballots };
}

// ---------------------------------------------------------------- command line

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      units: { type: 'string' },
      seed: { type: 'string' },
      offices: { type: 'string' },
      periods: { type: 'string' },
      nominations: { type: 'string' },
      ballots: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const int = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 10));
  if (!values.units || !values.out) {
    process.stderr.write('node examples/generate-campaign.ts --units N --out <dir> [--seed n] …\n');
    process.exitCode = 2;
    return;
  }
  const options: CampaignOptions = { units: int(values.units) ?? 0 };
  for (const key of ['seed', 'offices', 'periods', 'nominations'] as const) {
    const v = int(values[key]);
    if (v !== undefined) options[key] = v;
  }
  if (values.ballots) options.ballots = true;
  for (const [name, file] of Object.entries(writeCampaign(generateCampaign(options), values.out))) {
    process.stdout.write(`${name}: ${file}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
