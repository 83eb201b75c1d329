/**
 * Commendation: the proposal (who is put forward, and why), the council's tally and the
 * final list with its dossier. Rules: ../shared/DOMAIN.md "Commendation rules"; decisions:
 * docs/commendation.md.
 *
 * What the system proposes is the movement's thematic Giấy khen (collectives from the ranking,
 * individuals the units nominate) and proposals upward for the best; never annual titles.
 */
import { z } from 'zod';
import {
  ANNUAL_TITLES,
  FORM_LABELS,
  formatDateVi,
  ISSUER_FORM_LISTS,
  ISSUER_LABELS,
  type IssuerFormList,
  isCommendationForm,
  issuerFormListOn,
} from './issuers.ts';
import {
  type AdministrativeLevel,
  BAND_LABELS,
  type Band,
  type CommendationForm,
  type CommendationSettings,
  type DisciplineStatus,
  FLAG_LABELS,
  type Fraction,
  type IsoDate,
  type IsoInstant,
  type Nomination,
  type Person,
  type ResultFlag,
  UNIT_GROUPS,
  type Unit,
  type UnitGroup,
  type Vote,
} from './model.ts';

// ---------------------------------------------------------------- inputs

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

export interface ProposeInput {
  results: readonly RankedResult[];
  units: readonly Unit[];
  nominations: readonly NominationInput[];
  settings: CommendationSettings;
  issuerLevel: AdministrativeLevel;
  /** Date of the decision: the issuer list in force on this date applies. */
  onDate: IsoDate;
  /** Initiatives confirmed (approved); unit-qualified "unitId/initiativeId" or plain ids. */
  initiativesApproved?: ReadonlySet<string>;
  /** For tests and future data; defaults to ISSUER_FORM_LISTS. */
  issuerLists?: readonly IssuerFormList[];
}

/** Input that cannot be judged at all (duplicate ids, unknown units): an error, not a refusal. */
export class CommendationInputError extends Error {
  override name = 'CommendationInputError';
}

// ---------------------------------------------------------------- outputs

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

// ---------------------------------------------------------------- exact numbers

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(f: Fraction): Fraction {
  if (f.den === 0n) throw new RangeError('fraction with zero denominator');
  const sign = f.den < 0n ? -1n : 1n;
  const g = gcd(f.num, f.den) || 1n;
  return { num: (sign * f.num) / g, den: (sign * f.den) / g };
}

/** The exact value of a decimal number as written (87.5 → 175/2), never via binary arithmetic. */
export function decimalToFraction(x: number): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(x.toString());
  if (!m) throw new RangeError(`cannot read ${x} as a decimal`);
  const digits = `${m[2]}${m[3] ?? ''}`;
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  let num = BigInt(digits);
  let den = 1n;
  if (exp >= 0) num *= 10n ** BigInt(exp);
  else den = 10n ** BigInt(-exp);
  return reduce({ num: m[1] === '-' ? -num : num, den });
}

/** Sign of a − b; denominators are positive (reduce() and the input checks ensure it). */
function compareFractions(a: Fraction, b: Fraction): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** "91,25 %": rounded half-up to two decimals, Vietnamese decimal comma. */
export function formatPercentVi(p: Fraction): string {
  const f = reduce(p);
  const negative = f.num < 0n;
  const n = negative ? -f.num : f.num;
  const hundredths = (2n * 100n * n + f.den) / (2n * f.den);
  const whole = hundredths / 100n;
  const frac = (hundredths % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole},${frac} %`;
}

function formatNumberVi(x: number): string {
  return x.toString().replace('.', ',');
}

/** ceil(a/b) for non-negative bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

// ---------------------------------------------------------------- time

function instantMs(instant: string): number | null {
  // Require an explicit offset or Z: a bare local time would depend on the machine's zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(instant)) return null;
  const ms = Date.parse(instant);
  return Number.isNaN(ms) ? null : ms;
}

/** dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh (UTC+7 all year, no daylight saving). */
export function formatInstantVi(instant: string): string {
  const ms = instantMs(instant);
  if (ms === null) return instant;
  const d = new Date(ms + 7 * 3600 * 1000);
  const p = (n: number) => n.toString().padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

// ---------------------------------------------------------------- labels

export const GROUP_LABELS: Record<UnitGroup, string> = {
  office: 'khối cơ quan',
  commune: 'khối xã, thị trấn',
};

const BAND_ORDER: readonly Band[] = ['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu'];

function bandAtLeast(band: Band, min: Band): boolean {
  return BAND_ORDER.indexOf(band) <= BAND_ORDER.indexOf(min);
}

const DISCIPLINE_MESSAGES: Record<Exclude<DisciplineStatus, 'none'>, string> = {
  discipline: 'Đang trong thời gian thi hành kỷ luật: không đề nghị khen thưởng.',
  investigation: 'Đang bị điều tra: không đề nghị khen thưởng.',
  inspection: 'Đang bị thanh tra, kiểm tra: không đề nghị khen thưởng.',
  complaint: 'Đang có đơn thư khiếu nại, tố cáo chưa được giải quyết: không đề nghị khen thưởng.',
};

const THEMATIC_NOTE =
  'khen thưởng chuyên đề của phong trào thi đua; không dùng làm căn cứ xét danh hiệu thi đua hằng năm';

// ---------------------------------------------------------------- cut-off with ties

/**
 * Splits candidates sorted best first at a limit. Candidates equal (by key) to the last one
 * inside the limit, when the limit falls among them, are neither in nor out: they are tied,
 * for the council to decide (DOMAIN.md: a tie at the cut-off is not broken silently).
 */
function cutAt<T>(sorted: readonly T[], limit: number, key: (t: T) => number) {
  if (limit >= sorted.length) return { within: [...sorted], tied: [] as T[], out: [] as T[] };
  if (limit <= 0) return { within: [] as T[], tied: [] as T[], out: [...sorted] };
  const boundary = key(sorted[limit - 1]!);
  if (key(sorted[limit]!) !== boundary) {
    return { within: sorted.slice(0, limit), tied: [] as T[], out: sorted.slice(limit) };
  }
  return {
    within: sorted.filter((t) => key(t) < boundary),
    tied: sorted.filter((t) => key(t) === boundary),
    out: sorted.filter((t) => key(t) > boundary),
  };
}

const rankKey = (rank: number | null) => rank ?? Number.POSITIVE_INFINITY;

/** Code-unit order: ids are ASCII, and the order must not depend on the machine's locale. */
function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- proposal

interface Working extends Candidate {
  refused: boolean;
  /** Order key for cut-offs: the unit's rank (individuals inherit their unit's). */
  sortRank: number;
  inputIndex: number;
  submittedMs: number;
  initiativeKey?: string;
}

function assertCount(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new CommendationInputError(`${what} must be a whole number ≥ 0, got ${value}`);
  }
}

/** An initiative's identity: ids are unique within a unit, so a plain id is qualified by the nominee's unit. */
export function initiativeKey(unitId: string, initiativeId: string): string {
  return initiativeId.includes('/') ? initiativeId : `${unitId}/${initiativeId}`;
}

export function proposeCommendations(input: ProposeInput): Proposal {
  const { settings, issuerLevel, onDate } = input;
  const lists = input.issuerLists ?? ISSUER_FORM_LISTS;
  const issuerList = issuerFormListOn(issuerLevel, onDate, lists);
  const issuerForms = issuerList?.forms ?? [];
  const issuerLabel = ISSUER_LABELS[issuerLevel];
  const dateVi = formatDateVi(onDate);

  if (settings.collectives.mode === 'top') assertCount(settings.collectives.perGroup, 'collectives.perGroup');
  if (settings.quotaPerGroup !== undefined) assertCount(settings.quotaPerGroup, 'quotaPerGroup');
  if (settings.upward) assertCount(settings.upward.perGroup, 'upward.perGroup');

  const unitsById = new Map<string, Unit>();
  for (const u of input.units) {
    if (unitsById.has(u.id)) throw new CommendationInputError(`unit “${u.id}” is listed twice`);
    unitsById.set(u.id, u);
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
  const rankedInGroup = new Map<UnitGroup, number>(
    UNIT_GROUPS.map((g) => [g, input.results.filter((r) => r.group === g && r.rank !== null).length]),
  );

  const warnings: string[] = [];
  if (!issuerList) {
    warnings.push(
      `Không có danh mục thẩm quyền khen thưởng của ${issuerLabel} có hiệu lực ngày ${dateVi}` +
        (issuerLevel === 'huyen' && onDate >= '2025-07-01' ? ' (cấp huyện không còn từ 01/07/2025)' : '') +
        ': không hình thức nào được đề nghị.',
    );
  } else if (issuerList.caution) {
    warnings.push(`Danh mục thẩm quyền “${issuerList.id}”: ${issuerList.caution}`);
  }

  const cannotGrant = (form: string): Reason =>
    issuerList
      ? {
          code: 'issuer-cannot-grant',
          message: `${issuerLabel} không có thẩm quyền tặng ${labelOf(form)} (ngày ${dateVi}; ${issuerList.source}).`,
        }
      : {
          code: 'no-issuer-list',
          message: `Không có danh mục thẩm quyền của ${issuerLabel} có hiệu lực ngày ${dateVi}: không thể tặng ${labelOf(form)}.`,
        };

  const unitFacts = (unitId: string) => {
    const unit = unitsById.get(unitId)!;
    const r = resultsByUnit.get(unitId);
    return {
      unitId,
      unitName: unit.name,
      group: unit.group,
      rank: r?.rank ?? null,
      rankedInGroup: rankedInGroup.get(unit.group) ?? 0,
      percent: r?.percent ? formatPercentVi(r.percent).replace(' %', '') : null,
      band: r?.band ?? null,
      sortRank: rankKey(r?.rank ?? null),
    };
  };

  const rankingReason = (r: RankedResult): Reason => {
    const where = GROUP_LABELS[r.group];
    const pct = r.percent ? formatPercentVi(r.percent) : 'chưa có điểm';
    const band = r.band ? ` – ${BAND_LABELS[r.band]}` : '';
    return r.rank === null
      ? { code: 'ranking', message: `Chưa được xếp hạng trong ${where}, ${pct}${band}` }
      : {
          code: 'ranking',
          message: `Xếp hạng ${r.rank}/${rankedInGroup.get(r.group)} ${where}, ${pct}${band}`,
        };
  };

  const flagReasons = (r: RankedResult): Reason[] =>
    r.flags.map((f) => ({
      code: `flag-${f}`,
      message:
        f === 'khong-nop-bao-cao'
          ? `${FLAG_LABELS[f]}: không xét khen thưởng (0 điểm, xếp cuối khối).`
          : `${FLAG_LABELS[f]}: chưa có kết quả chính thức kỳ này, không xét khen thưởng.`,
    }));

  const ties: TieForCouncil[] = [];
  const all: Working[] = [];

  // ---- upward proposals first: a unit proposed upward is not also given the Giấy khen for
  // the same results (one achievement, one form: Luật Thi đua, Khen thưởng 2022, Điều 5).
  const upwardUnits = new Set<string>();
  if (settings.upward) {
    const up = settings.upward;
    const min = decimalToFraction(up.minPercent);
    for (const group of UNIT_GROUPS) {
      const eligible = input.results
        .filter(
          (r) =>
            r.group === group &&
            r.flags.length === 0 &&
            r.rank !== null &&
            r.percent !== null &&
            compareFractions(r.percent, min) >= 0,
        )
        .sort((a, b) => rankKey(a.rank) - rankKey(b.rank) || cmpStr(a.unitId, b.unitId));
      const cut = cutAt(eligible, up.perGroup, (r) => rankKey(r.rank));
      const make = (r: RankedResult, status: CandidateStatus, last: Reason): Working => {
        const facts = unitFacts(r.unitId);
        return {
          ...facts,
          id: `upward:${r.unitId}`,
          kind: 'upward',
          name: facts.unitName,
          form: 'bang-khen-tinh',
          formLabel: FORM_LABELS['bang-khen-tinh'],
          status,
          refused: status === 'excluded',
          reasons: [
            rankingReason(r),
            {
              code: 'upward-threshold',
              message: `Đạt ${formatPercentVi(r.percent!)} ≥ ${formatNumberVi(up.minPercent)} % (ngưỡng đề nghị cấp trên khen thưởng).`,
            },
            last,
          ],
          inputIndex: 0,
          submittedMs: 0,
        };
      };
      for (const r of cut.within) {
        upwardUnits.add(r.unitId);
        all.push(
          make(r, 'propose-upward', {
            code: 'propose-upward',
            message: `Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen (cấp này chỉ đề nghị, không quyết định khen thưởng).`,
          }),
        );
      }
      for (const r of cut.tied) {
        upwardUnits.add(r.unitId);
        all.push(
          make(r, 'tie-at-cutoff', tieReason(r.rank, cut.tied.length, up.perGroup - cut.within.length)),
        );
      }
      for (const r of cut.out) {
        all.push(
          make(r, 'excluded', {
            code: 'upward-limit',
            message: `Ngoài ${up.perGroup} đơn vị dẫn đầu ${GROUP_LABELS[group]} được đề nghị cấp trên khen thưởng.`,
          }),
        );
      }
      if (cut.tied.length > 0) {
        ties.push(
          tieEntry('upward', group, 'upward', up.perGroup, cut.within, cut.tied, (r) => `upward:${r.unitId}`),
        );
      }
    }
  }

  // ---- collectives: every unit of the district is considered.
  const collectives: Working[] = [];
  for (const unit of input.units) {
    const facts = unitFacts(unit.id);
    const r = resultsByUnit.get(unit.id);
    const c: Working = {
      ...facts,
      id: `collective:${unit.id}`,
      kind: 'collective',
      name: unit.name,
      form: 'giay-khen',
      formLabel: FORM_LABELS['giay-khen'],
      status: 'excluded',
      refused: false,
      reasons: [],
      inputIndex: 0,
      submittedMs: 0,
    };
    collectives.push(c);
    const refuse = (reason: Reason) => {
      c.refused = true;
      c.reasons.push(reason);
    };
    if (!r) {
      refuse({ code: 'no-result', message: 'Không có kết quả chấm điểm trong kỳ xét.' });
      continue;
    }
    c.reasons.push(rankingReason(r));
    for (const reason of flagReasons(r)) refuse(reason);
    if (r.rank === null && r.flags.length === 0) {
      refuse({ code: 'not-ranked', message: 'Chưa được xếp hạng: không xét khen thưởng kỳ này.' });
    }
    if (r.band === null || !bandAtLeast(r.band, settings.minBand)) {
      if (r.flags.length === 0 && r.rank !== null) {
        refuse({
          code: 'below-min-band',
          message: `Xếp loại ${r.band ? BAND_LABELS[r.band] : 'chưa có'}, thấp hơn mức tối thiểu “${BAND_LABELS[settings.minBand]}” để được đề nghị.`,
        });
      }
    }
    if (settings.collectives.mode === 'threshold' && !c.refused) {
      const min = decimalToFraction(settings.collectives.minPercent);
      if (r.percent === null || compareFractions(r.percent, min) < 0) {
        refuse({
          code: 'below-threshold',
          message: `Đạt ${r.percent ? formatPercentVi(r.percent) : 'chưa có điểm'}, dưới ngưỡng ${formatNumberVi(settings.collectives.minPercent)} % để được đề nghị.`,
        });
      }
    }
    if (!issuerForms.includes('giay-khen')) refuse(cannotGrant('giay-khen'));
    if (upwardUnits.has(unit.id)) {
      refuse({
        code: 'proposed-upward',
        message:
          'Đã được đề nghị cấp trên tặng Bằng khen cho cùng kết quả; không khen thưởng nhiều hình thức cho một ' +
          'thành tích (Luật Thi đua, Khen thưởng 2022, Điều 5).',
      });
    }
  }
  for (const group of UNIT_GROUPS) {
    const eligible = collectives
      .filter((c) => c.group === group && !c.refused)
      .sort((a, b) => a.sortRank - b.sortRank || cmpStr(a.unitId, b.unitId));
    const top =
      settings.collectives.mode === 'top' ? settings.collectives.perGroup : Number.POSITIVE_INFINITY;
    const quota = settings.quotaPerGroup ?? Number.POSITIVE_INFINITY;
    const limit = Math.min(top, quota);
    const rule: TieForCouncil['rule'] = quota < top ? 'quota' : 'top';
    const cut = cutAt(eligible, limit, (c) => c.sortRank);
    const selected: Reason =
      settings.collectives.mode === 'top'
        ? {
            code: 'selected-top',
            message: `Thuộc ${top} đơn vị dẫn đầu ${GROUP_LABELS[group]}, xếp loại từ “${BAND_LABELS[settings.minBand]}” trở lên.`,
          }
        : {
            code: 'above-threshold',
            message: `Đạt ngưỡng ${formatNumberVi(settings.collectives.minPercent)} % và xếp loại từ “${BAND_LABELS[settings.minBand]}” trở lên.`,
          };
    for (const c of cut.within) {
      c.status = 'proposed';
      c.reasons.push(selected, {
        code: 'form',
        message: `Đề nghị ${issuerLabel} tặng Giấy khen (${THEMATIC_NOTE}).`,
      });
    }
    for (const c of cut.tied) {
      c.status = 'tie-at-cutoff';
      c.reasons.push(tieReason(c.rank, cut.tied.length, limit - cut.within.length));
    }
    for (const [i, c] of cut.out.entries()) {
      c.refused = true;
      const position = cut.within.length + cut.tied.length + i;
      c.reasons.push(
        rule === 'quota' && position < top
          ? quotaReason(settings.quotaPerGroup!, group, 'tập thể')
          : {
              code: 'not-in-top',
              message: `Ngoài ${top} đơn vị dẫn đầu ${GROUP_LABELS[group]} được đề nghị.`,
            },
      );
    }
    if (cut.tied.length > 0) {
      ties.push(tieEntry('collective', group, rule, limit, cut.within, cut.tied, (c) => c.id));
    }
  }
  all.push(...collectives);

  // ---- individuals, from the units' nominations.
  const nominationIds = new Set<string>();
  const individuals: Working[] = input.nominations.map((n, inputIndex) => {
    if (nominationIds.has(n.id)) throw new CommendationInputError(`nominations: id “${n.id}” appears twice`);
    nominationIds.add(n.id);
    if (!unitsById.has(n.unitId)) {
      throw new CommendationInputError(
        `nominations: “${n.id}” names unit “${n.unitId}”, not a unit of the district`,
      );
    }
    const submittedMs = instantMs(n.submittedAt);
    if (submittedMs === null) {
      throw new CommendationInputError(
        `nominations: “${n.id}” has submittedAt “${n.submittedAt}”, not an ISO instant`,
      );
    }
    const facts = unitFacts(n.unitId);
    const w: Working = {
      ...facts,
      id: `individual:${n.id}`,
      kind: 'individual',
      name: n.name,
      nominationId: n.id,
      ...(n.position !== undefined ? { position: n.position } : {}),
      form: n.form,
      formLabel: labelOf(n.form),
      status: 'excluded',
      refused: false,
      reasons: [
        {
          code: 'nominated',
          message: `${facts.unitName} đề nghị tặng ${labelOf(n.form)} (nộp lúc ${formatInstantVi(n.submittedAt)}).`,
        },
      ],
      inputIndex,
      submittedMs,
      submittedAt: n.submittedAt,
    };
    const refuse = (reason: Reason) => {
      w.refused = true;
      w.reasons.push(reason);
    };
    if (!isCommendationForm(n.form)) {
      refuse({
        code: 'unknown-form',
        message:
          `Hình thức “${n.form}” không thuộc các hình thức ${issuerLabel} được tặng` +
          (issuerList
            ? ` (ngày ${dateVi}; ${issuerList.source}).`
            : ` (không có danh mục có hiệu lực ngày ${dateVi}).`),
      });
    } else {
      if (ANNUAL_TITLES.has(n.form)) {
        refuse({
          code: 'annual-title',
          message: `${FORM_LABELS[n.form]} là danh hiệu thi đua hằng năm: kết quả phong trào thi đua theo chuyên đề không được dùng làm căn cứ xét danh hiệu này.`,
        });
      }
      if (!issuerForms.includes(n.form)) refuse(cannotGrant(n.form));
    }
    if (n.status !== 'none') {
      const message = DISCIPLINE_MESSAGES[n.status];
      refuse({ code: n.status, message: message ?? `Tình trạng “${n.status}”: không đề nghị khen thưởng.` });
    }
    const r = resultsByUnit.get(n.unitId);
    if (r?.flags.includes('khong-nop-bao-cao')) {
      refuse({
        code: 'unit-khong-nop-bao-cao',
        message: `${facts.unitName} không nộp báo cáo: không có kết quả phong trào làm căn cứ khen thưởng cá nhân của đơn vị.`,
      });
    } else if (r?.flags.includes('chua-tham-dinh')) {
      w.reasons.push({
        code: 'unit-chua-tham-dinh',
        message: `Lưu ý: báo cáo của ${facts.unitName} chưa được thẩm định; đề nghị cá nhân vẫn được xét.`,
      });
    }
    if (n.initiativeId) {
      const key = initiativeKey(n.unitId, n.initiativeId);
      w.initiativeKey = key;
      const approved = input.initiativesApproved;
      w.initiative = {
        id: n.initiativeId,
        key,
        confirmed: approved ? approved.has(key) || approved.has(n.initiativeId) : null,
      };
    }
    return w;
  });

  // One initiative supports one award: the earliest submitted nomination still eligible keeps it
  // (then the order in the input); a nomination refused on other grounds supports nothing.
  const byInitiative = new Map<string, Working[]>();
  for (const w of individuals) {
    if (!w.initiativeKey || w.refused) continue;
    byInitiative.set(w.initiativeKey, [...(byInitiative.get(w.initiativeKey) ?? []), w]);
  }
  for (const [key, citing] of byInitiative) {
    citing.sort((a, b) => a.submittedMs - b.submittedMs || a.inputIndex - b.inputIndex);
    const [winner, ...others] = citing;
    if (!winner) continue;
    const idVi = winner.initiative!.id;
    winner.reasons.push({
      code: 'initiative',
      message:
        `Căn cứ sáng kiến “${idVi}”` +
        (winner.initiative!.confirmed === true
          ? ' (đã được công nhận).'
          : winner.initiative!.confirmed === false
            ? ' (chưa có xác nhận công nhận sáng kiến: cần bổ sung vào hồ sơ).'
            : '.') +
        (others.length > 0
          ? ` Đề nghị nộp sớm nhất trong số ${citing.length} đề nghị cùng viện dẫn sáng kiến này.`
          : ''),
    });
    for (const o of others) {
      o.refused = true;
      o.reasons.push({
        code: 'initiative-already-used',
        message:
          `Sáng kiến “${o.initiative!.id}”${o.initiative!.id === key ? '' : ` (${key})`} đã làm căn cứ cho đề nghị khen thưởng ${winner.name} ` +
          `(${winner.unitName}, nộp lúc ${formatInstantVi(winner.submittedAt!)}); một sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng.`,
      });
    }
  }

  for (const group of UNIT_GROUPS) {
    const eligible = individuals
      .filter((w) => w.group === group && !w.refused)
      .sort((a, b) => a.sortRank - b.sortRank || a.submittedMs - b.submittedMs || cmpStr(a.id, b.id));
    const limit = settings.quotaPerGroup ?? Number.POSITIVE_INFINITY;
    const cut = cutAt(eligible, limit, (w) => w.sortRank);
    for (const w of cut.within) {
      w.status = 'proposed';
      w.reasons.push({
        code: 'eligible',
        message: `Đủ điều kiện: đề nghị ${issuerLabel} tặng Giấy khen (${THEMATIC_NOTE}); không bị kỷ luật, điều tra, thanh tra hay khiếu nại.`,
      });
    }
    for (const w of cut.tied) {
      w.status = 'tie-at-cutoff';
      w.reasons.push(tieReason(w.rank, cut.tied.length, limit - cut.within.length, 'đơn vị của cá nhân'));
    }
    for (const w of cut.out) {
      w.refused = true;
      w.reasons.push(quotaReason(settings.quotaPerGroup!, group, 'cá nhân'));
    }
    if (cut.tied.length > 0)
      ties.push(tieEntry('individual', group, 'quota', limit, cut.within, cut.tied, (w) => w.id));
  }
  all.push(...individuals);

  const kindOrder: Record<CandidateKind, number> = { collective: 0, upward: 1, individual: 2 };
  all.sort(
    (a, b) =>
      kindOrder[a.kind] - kindOrder[b.kind] ||
      UNIT_GROUPS.indexOf(a.group) - UNIT_GROUPS.indexOf(b.group) ||
      a.sortRank - b.sortRank ||
      cmpStr(a.unitId, b.unitId) ||
      a.submittedMs - b.submittedMs ||
      cmpStr(a.id, b.id),
  );
  const candidates: Candidate[] = all.map(
    ({ refused: _r, sortRank: _s, inputIndex: _i, submittedMs: _m, initiativeKey: _k, ...c }) => c,
  );
  return {
    issuer: {
      level: issuerLevel,
      label: issuerLabel,
      onDate,
      listId: issuerList?.id ?? null,
      forms: [...issuerForms],
      source: issuerList?.source ?? null,
      caution: issuerList?.caution ?? null,
    },
    candidates,
    ballot: candidates.filter((c) => c.status !== 'excluded').map((c) => c.id),
    tiesForCouncil: ties,
    warnings,
  };

  function tieReason(rank: number | null, count: number, slots: number, whose = ''): Reason {
    const at = rank === null ? 'chưa xếp hạng' : `đồng hạng ${rank}${whose ? ` (${whose})` : ''}`;
    return {
      code: 'tie-at-cutoff',
      message:
        `Tại ngưỡng cắt: ${count} ứng viên ${at} cho ${slots} suất còn lại. ` +
        'Hệ thống không tự phân định; Hội đồng xem xét và quyết định.',
    };
  }
}

function labelOf(form: string): string {
  return isCommendationForm(form) ? FORM_LABELS[form] : `hình thức “${form}”`;
}

function quotaReason(quota: number, group: UnitGroup, who: string): Reason {
  return {
    code: 'quota-exceeded',
    message: `Vượt hạn mức ${quota} ${who} được đề nghị của ${GROUP_LABELS[group]}.`,
  };
}

function tieEntry<T>(
  kind: CandidateKind,
  group: UnitGroup,
  rule: TieForCouncil['rule'],
  limit: number,
  within: readonly T[],
  tied: readonly T[],
  idOf: (t: T) => string,
): TieForCouncil {
  const slots = limit - within.length;
  const what = { collective: 'tập thể', upward: 'đề nghị cấp trên', individual: 'cá nhân' }[kind];
  const limitVi = {
    top: `số đơn vị dẫn đầu được đề nghị (${limit})`,
    quota: `hạn mức của khối (${limit})`,
    upward: `số đơn vị được đề nghị cấp trên khen thưởng (${limit})`,
  }[rule];
  return {
    kind,
    group,
    rule,
    limit,
    withinLimit: within.map(idOf),
    tied: tied.map(idOf),
    slots,
    message:
      `${GROUP_LABELS[group][0]!.toUpperCase()}${GROUP_LABELS[group].slice(1)}, ${what}: ${tied.length} ứng viên ` +
      `bằng nhau tại ngưỡng cắt của ${limitVi}, còn ${slots} suất. Hệ thống không tự phân định: ` +
      'Hội đồng bỏ phiếu; nếu số được thông qua vượt số suất, Chủ tịch/Hội đồng quyết định.',
  };
}

// ---------------------------------------------------------------- council tally

export interface Ballot {
  memberId: string;
  castAt: IsoInstant;
  /** candidateId → vote; a candidate not mentioned gets no vote from this member. */
  votes: Record<string, Vote | string>;
}

export interface CouncilRule {
  quorum: { numerator: number; denominator: number };
  passPercent: number;
}

export interface TallyInput {
  members: readonly Person[];
  ballots: readonly Ballot[];
  candidates: readonly string[];
  settings: { council: CouncilRule };
  /** Ballots cast after this instant are ignored (the vote had closed). */
  closesAt?: IsoInstant;
}

export interface CandidateTally {
  candidateId: string;
  yes: number;
  no: number;
  abstain: number;
  /** Members with no vote on this candidate (no ballot, or a ballot that does not mention it). */
  absent: number;
  required: number;
  passed: boolean;
  reason: string;
}

export interface IgnoredBallot {
  memberId: string;
  castAt: string;
  reason: Reason;
}

export interface IgnoredVote {
  memberId: string;
  candidateId: string;
  vote: string;
  reason: Reason;
}

export interface Tally {
  N: number;
  present: number;
  quorumRequired: number;
  quorumMet: boolean;
  passRequired: number;
  presentMembers: string[];
  absentMembers: string[];
  candidates: CandidateTally[];
  ignoredBallots: IgnoredBallot[];
  ignoredVotes: IgnoredVote[];
  /** One Vietnamese sentence: quorum and how many passed. */
  outcome: string;
}

function assertPositiveInteger(x: number, what: string): void {
  if (!Number.isInteger(x) || x <= 0)
    throw new CommendationInputError(`${what} must be a whole number > 0, got ${x}`);
}

/** ⌈numerator/denominator × N⌉ in integer arithmetic; a council of 0 members can never meet. */
export function quorumRequired(N: number, quorum: CouncilRule['quorum']): number {
  assertPositiveInteger(quorum.numerator, 'quorum.numerator');
  assertPositiveInteger(quorum.denominator, 'quorum.denominator');
  if (quorum.numerator > quorum.denominator) throw new CommendationInputError('quorum above 100 %');
  return Math.max(1, Number(ceilDiv(BigInt(quorum.numerator) * BigInt(N), BigInt(quorum.denominator))));
}

/** ⌈passPercent/100 × N⌉ yes votes, of all members; exact for decimal percentages such as 66.67. */
export function passRequired(N: number, passPercent: number): number {
  const p = decimalToFraction(passPercent);
  if (p.num <= 0n || p.num > 100n * p.den)
    throw new CommendationInputError(`passPercent must be in (0, 100], got ${passPercent}`);
  return Math.max(1, Number(ceilDiv(p.num * BigInt(N), p.den * 100n)));
}

const VOTES: ReadonlySet<string> = new Set<Vote>(['yes', 'no', 'abstain']);

function canonicalVotes(votes: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(votes)
      .sort()
      .map((k) => [k, votes[k]]),
  );
}

/**
 * The council's tally (DOMAIN.md): N = all members; a member with at least one valid vote on
 * this ballot is present; quorum and pass thresholds as ceilings. A member's FIRST ballot counts
 * (decide once, as the email links do); later ones are ignored and reported.
 */
export function tallyCouncil(input: TallyInput): Tally {
  const { council } = input.settings;
  const memberIds = new Set<string>();
  for (const m of input.members) {
    if (memberIds.has(m.id)) throw new CommendationInputError(`council member “${m.id}” is listed twice`);
    memberIds.add(m.id);
  }
  const candidateSet = new Set<string>();
  for (const c of input.candidates) {
    if (candidateSet.has(c)) throw new CommendationInputError(`candidate “${c}” is listed twice`);
    candidateSet.add(c);
  }
  const N = memberIds.size;
  const qRequired = quorumRequired(N, council.quorum);
  const pRequired = passRequired(N, council.passPercent);
  const closesMs = input.closesAt === undefined ? null : instantMs(input.closesAt);
  if (input.closesAt !== undefined && closesMs === null) {
    throw new CommendationInputError(`closesAt “${input.closesAt}” is not an ISO instant`);
  }

  const ignoredBallots: IgnoredBallot[] = [];
  const ignore = (b: Ballot, code: string, message: string) =>
    ignoredBallots.push({ memberId: b.memberId, castAt: b.castAt, reason: { code, message } });

  // First valid ballot per member wins; at the same instant the smaller canonical content (then
  // the smaller castAt text) wins, so that the outcome never depends on the order of the file.
  const valid: { index: number; ballot: Ballot; ms: number; canon: string }[] = [];
  for (const [index, b] of input.ballots.entries()) {
    if (!memberIds.has(b.memberId)) {
      ignore(b, 'not-a-member', `“${b.memberId}” không phải thành viên Hội đồng: phiếu không được tính.`);
      continue;
    }
    const ms = instantMs(b.castAt);
    if (ms === null) {
      ignore(b, 'invalid-time', `Thời điểm bỏ phiếu “${b.castAt}” không hợp lệ: phiếu không được tính.`);
      continue;
    }
    if (closesMs !== null && ms > closesMs) {
      ignore(
        b,
        'after-close',
        `Phiếu gửi lúc ${formatInstantVi(b.castAt)}, sau khi hết hạn bỏ phiếu: không được tính.`,
      );
      continue;
    }
    valid.push({ index, ballot: b, ms, canon: canonicalVotes(b.votes) });
  }
  const firstByMember = new Map<string, (typeof valid)[number]>();
  for (const v of valid) {
    const current = firstByMember.get(v.ballot.memberId);
    if (
      !current ||
      v.ms < current.ms ||
      (v.ms === current.ms &&
        (v.canon < current.canon || (v.canon === current.canon && v.ballot.castAt < current.ballot.castAt)))
    ) {
      firstByMember.set(v.ballot.memberId, v);
    }
  }
  for (const v of valid) {
    const first = firstByMember.get(v.ballot.memberId)!;
    if (first.index === v.index) continue;
    if (v.ms === first.ms && v.canon === first.canon) {
      ignore(v.ballot, 'duplicate', 'Phiếu trùng lặp (cùng thời điểm, cùng nội dung): chỉ tính một lần.');
    } else if (v.ms === first.ms) {
      ignore(
        v.ballot,
        'conflicting',
        `Hai phiếu khác nhau cùng thời điểm ${formatInstantVi(first.ballot.castAt)}: chỉ tính một phiếu (chọn theo nội dung, không theo thứ tự trong tệp).`,
      );
    } else {
      ignore(
        v.ballot,
        'not-first',
        `Thành viên đã bỏ phiếu lúc ${formatInstantVi(first.ballot.castAt)}; mỗi thành viên bỏ phiếu một lần, phiếu sau không được tính.`,
      );
    }
  }

  const ignoredVotes: IgnoredVote[] = [];
  const counts = new Map<string, { yes: number; no: number; abstain: number }>(
    input.candidates.map((c) => [c, { yes: 0, no: 0, abstain: 0 }]),
  );
  const present = new Set<string>();
  for (const [memberId, { ballot }] of firstByMember) {
    for (const [candidateId, vote] of Object.entries(ballot.votes)) {
      const count = counts.get(candidateId);
      if (!count) {
        ignoredVotes.push({
          memberId,
          candidateId,
          vote: String(vote),
          reason: {
            code: 'unknown-candidate',
            message: `“${candidateId}” không có trong danh sách biểu quyết.`,
          },
        });
        continue;
      }
      if (!VOTES.has(vote)) {
        ignoredVotes.push({
          memberId,
          candidateId,
          vote: String(vote),
          reason: {
            code: 'invalid-vote',
            message: `Lá phiếu “${String(vote)}” không hợp lệ (yes, no hoặc abstain).`,
          },
        });
        continue;
      }
      count[vote as Vote] += 1;
      present.add(memberId);
    }
  }
  const byMember = (a: { memberId: string }, b: { memberId: string }) => cmpStr(a.memberId, b.memberId);
  ignoredBallots.sort(
    (a, b) => byMember(a, b) || cmpStr(a.castAt, b.castAt) || cmpStr(a.reason.code, b.reason.code),
  );
  ignoredVotes.sort((a, b) => byMember(a, b) || cmpStr(a.candidateId, b.candidateId));

  const quorumMet = N > 0 && present.size >= qRequired;
  const passVi = `${formatNumberVi(council.passPercent)} % của ${N} thành viên`;
  const candidates: CandidateTally[] = input.candidates.map((candidateId) => {
    const { yes, no, abstain } = counts.get(candidateId)!;
    const absent = N - yes - no - abstain;
    const passed = quorumMet && yes >= pRequired;
    const detail = `${yes} tán thành, ${no} không tán thành, ${abstain} không biểu quyết, ${absent} không có phiếu`;
    const reason = !quorumMet
      ? `Không xét: Hội đồng không đủ số thành viên tham gia (${present.size}/${N}, cần ít nhất ${qRequired}); ${detail}.`
      : passed
        ? `Thông qua: ${yes}/${N} phiếu tán thành, đạt mức tối thiểu ${pRequired} (${passVi}); ${detail}.`
        : `Không thông qua: ${yes}/${N} phiếu tán thành, cần ít nhất ${pRequired} (${passVi}); ${detail}.`;
    return { candidateId, yes, no, abstain, absent, required: pRequired, passed, reason };
  });
  const passedCount = candidates.filter((c) => c.passed).length;
  const outcome = quorumMet
    ? `Đủ số thành viên tham gia (${present.size}/${N}, cần ít nhất ${qRequired}); ${passedCount}/${candidates.length} ứng viên được thông qua (mỗi ứng viên cần ít nhất ${pRequired} phiếu tán thành).`
    : `Không đủ số thành viên tham gia (${present.size}/${N}, cần ít nhất ${qRequired}): không ứng viên nào được thông qua; cần tổ chức bỏ phiếu lại.`;
  return {
    N,
    present: present.size,
    quorumRequired: qRequired,
    quorumMet,
    passRequired: pRequired,
    presentMembers: input.members.filter((m) => present.has(m.id)).map((m) => m.id),
    absentMembers: input.members.filter((m) => !present.has(m.id)).map((m) => m.id),
    candidates,
    ignoredBallots,
    ignoredVotes,
    outcome,
  };
}

// ---------------------------------------------------------------- final list and dossier

export type FinalStatus = 'awarded' | 'proposed-upward' | 'excluded' | 'not-passed' | 'tie-undecided';

export interface FinalEntry extends Omit<Candidate, 'status'> {
  proposalStatus: CandidateStatus;
  status: FinalStatus;
  votes: CandidateTally | null;
}

export type DossierItemCode = 'to-trinh' | 'bao-cao-thanh-tich' | 'bien-ban-hop-xet' | 'xac-nhan-sang-kien';

export interface DossierItem {
  code: DossierItemCode;
  label: string;
  /** The candidate it concerns; absent for items of the whole dossier. */
  candidateId?: string;
  /** to-prepare: someone must draw it up; confirmed: on file; missing: required and known to be absent. */
  status: 'to-prepare' | 'confirmed' | 'missing';
  note: string;
}

export interface FinalList {
  council: Pick<Tally, 'N' | 'present' | 'quorumRequired' | 'quorumMet' | 'passRequired' | 'outcome'>;
  entries: FinalEntry[];
  awarded: string[];
  proposedUpward: string[];
  undecidedTies: string[];
  dossier: DossierItem[];
}

export function finalList(proposal: Proposal, tally: Tally): FinalList {
  const votes = new Map(tally.candidates.map((c) => [c.candidateId, c]));
  const passed = (id: string) => votes.get(id)?.passed === true;

  // Ties: the vote settles a tie when no more tied candidates pass than places remain
  // (places freed by candidates inside the limit that failed count as remaining).
  const tieOutcome = new Map<string, Reason>();
  for (const tie of proposal.tiesForCouncil) {
    const slots = tie.limit - tie.withinLimit.filter(passed).length;
    const tiedPassed = tie.tied.filter(passed);
    for (const id of tiedPassed) {
      tieOutcome.set(
        id,
        tiedPassed.length <= slots
          ? {
              code: 'tie-resolved',
              message: `Đồng hạng tại ngưỡng cắt; ${tiedPassed.length} ứng viên đồng hạng được thông qua cho ${slots} suất: đủ suất.`,
            }
          : {
              code: 'tie-undecided',
              message:
                `Đồng hạng tại ngưỡng cắt; ${tiedPassed.length} ứng viên đồng hạng cùng được thông qua nhưng chỉ còn ` +
                `${Math.max(0, slots)} suất: Chủ tịch/Hội đồng quyết định, hệ thống không tự phân định.`,
            },
      );
    }
  }

  const entries: FinalEntry[] = proposal.candidates.map((c) => {
    const v = votes.get(c.id) ?? null;
    const base = { ...c, proposalStatus: c.status, votes: v, reasons: [...c.reasons] };
    if (c.status === 'excluded') return { ...base, status: 'excluded' };
    if (!v) {
      base.reasons.push({
        code: 'not-on-ballot',
        message: 'Không có trong danh sách biểu quyết của Hội đồng.',
      });
      return { ...base, status: 'not-passed' };
    }
    if (!v.passed) {
      base.reasons.push({ code: tally.quorumMet ? 'council-rejected' : 'no-quorum', message: v.reason });
      return { ...base, status: 'not-passed' };
    }
    base.reasons.push({ code: 'council-passed', message: v.reason });
    const tie = tieOutcome.get(c.id);
    if (tie) base.reasons.push(tie);
    if (tie?.code === 'tie-undecided') return { ...base, status: 'tie-undecided' };
    return { ...base, status: c.kind === 'upward' ? 'proposed-upward' : 'awarded' };
  });

  const awarded = entries.filter((e) => e.status === 'awarded');
  const upward = entries.filter((e) => e.status === 'proposed-upward');
  const dossier: DossierItem[] = [];
  const count = (kind: CandidateKind) => awarded.filter((e) => e.kind === kind).length;
  if (awarded.length > 0) {
    dossier.push({
      code: 'to-trinh',
      label: 'Tờ trình đề nghị khen thưởng',
      status: 'to-prepare',
      note: `Trình ${proposal.issuer.label} tặng Giấy khen cho ${count('collective')} tập thể và ${count('individual')} cá nhân.`,
    });
  }
  if (upward.length > 0) {
    dossier.push({
      code: 'to-trinh',
      label: 'Tờ trình đề nghị cấp trên khen thưởng',
      status: 'to-prepare',
      note: `Đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho ${upward.length} tập thể.`,
    });
  }
  dossier.push({
    code: 'bien-ban-hop-xet',
    label: 'Biên bản họp xét của Hội đồng Thi đua – Khen thưởng',
    status: 'to-prepare',
    note: tally.outcome,
  });
  for (const e of [...awarded, ...upward]) {
    dossier.push({
      code: 'bao-cao-thanh-tich',
      label: `Báo cáo thành tích – ${e.name}`,
      candidateId: e.id,
      status: 'to-prepare',
      note:
        e.kind === 'individual'
          ? `Báo cáo thành tích cá nhân, có xác nhận của thủ trưởng ${e.unitName}.`
          : `Báo cáo thành tích của tập thể, kèm kết quả chấm điểm, xếp hạng (${e.percent ?? '—'} %, hạng ${e.rank ?? '—'}/${e.rankedInGroup}).`,
    });
    if (e.initiative) {
      dossier.push({
        code: 'xac-nhan-sang-kien',
        label: `Xác nhận công nhận sáng kiến “${e.initiative.id}” – ${e.name}`,
        candidateId: e.id,
        status:
          e.initiative.confirmed === true
            ? 'confirmed'
            : e.initiative.confirmed === false
              ? 'missing'
              : 'to-prepare',
        note:
          e.initiative.confirmed === false
            ? 'Sáng kiến được viện dẫn chưa có trong danh sách sáng kiến đã công nhận: cần văn bản công nhận trước khi trình.'
            : 'Văn bản công nhận sáng kiến được viện dẫn làm căn cứ khen thưởng.',
      });
    }
  }

  return {
    council: {
      N: tally.N,
      present: tally.present,
      quorumRequired: tally.quorumRequired,
      quorumMet: tally.quorumMet,
      passRequired: tally.passRequired,
      outcome: tally.outcome,
    },
    entries,
    awarded: awarded.map((e) => e.id),
    proposedUpward: upward.map((e) => e.id),
    undecidedTies: entries.filter((e) => e.status === 'tie-undecided').map((e) => e.id),
    dossier,
  };
}

// ---------------------------------------------------------------- file formats (for the CLI)

const isoInstant = z
  .string()
  .refine(
    (s) => instantMs(s) !== null,
    'expected an ISO 8601 instant with offset, e.g. 2024-12-20T09:00:00+07:00',
  );

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected an ASCII slug (a-z, 0-9, -)');

/** `nominations.json`: `{ "nominations": [...], "initiativesApproved"?: ["unitId/initiativeId", …] }`. */
export const NominationsFileSchema = z.object({
  nominations: z.array(
    z.object({
      id: slug,
      name: z.string().min(1),
      position: z.string().optional(),
      unitId: slug,
      // Any string: an unknown form is refused with a reason, not rejected as a file error.
      form: z.string().min(1),
      achievements: z.string(),
      initiativeId: z.string().min(1).optional(),
      status: z.enum(['none', 'discipline', 'investigation', 'inspection', 'complaint']),
      submittedAt: isoInstant,
    }),
  ),
  initiativesApproved: z.array(z.string().min(1)).optional(),
});

/** `ballots.json`: `{ "closesAt"?: instant, "ballots": [{ memberId, castAt, votes: {candidateId: vote} }] }`. */
export const BallotsFileSchema = z.object({
  closesAt: isoInstant.optional(),
  ballots: z.array(
    z.object({
      memberId: z.string().min(1),
      castAt: z.string(),
      // Values are checked by the tally, which reports invalid ones instead of failing the file.
      votes: z.record(z.string(), z.string()),
    }),
  ),
});

export type NominationsFile = z.infer<typeof NominationsFileSchema>;
export type BallotsFile = z.infer<typeof BallotsFileSchema>;
