/**
 * The rules of a commendation proposal (DOMAIN.md "Commendation rules"; decisions:
 * docs/commendation.md), one function each, composed by `proposeCommendations`
 * (domain/commendation.ts) in the order the decisions need.
 *
 * An eligibility rule reads one candidate and returns its findings: reasons, each either a note or
 * an exclusion. The selections per group (limits, quotas, ties) are domain/commendation-selection.ts.
 */
import { formatDateAndTime } from './calendar.ts';
import type { Candidate, NominationInput, RankedResult, Reason } from './commendation-model.ts';
import {
  ANNUAL_TITLES,
  FORM_LABELS,
  type IssuerFormList,
  isCommendationForm,
  issuerListName,
  type MovementAwards,
} from './issuers.ts';
import {
  type AdministrativeLevel,
  BAND_LABELS,
  type CommendationForm,
  type CommendationSettings,
  type DisciplineStatus,
  FLAG_LABELS,
  type Unit,
  type UnitGroup,
} from './model.ts';
import { namesOnePerson } from './person-names.ts';
import { compareFractions, decimalToFraction, formatDecimal, formatPercent } from './points.ts';
import { bandAtLeast } from './ranking.ts';

// ---------------------------------------------------------------- what the rules share

/** What every rule may read: the settings, the issuer in force, the units and their results. */
export interface RuleContext {
  settings: CommendationSettings;
  issuer: {
    level: AdministrativeLevel;
    label: string;
    /** The issuer's list in force on the decision date; null when none is. */
    list: IssuerFormList | null;
    forms: readonly CommendationForm[];
    /** The decision date, dd/mm/yyyy. */
    dateVi: string;
  };
  awards: MovementAwards;
  /** How the groups are named in reasons ("khối cơ quan", "khối xã, phường"). */
  groupLabels: Readonly<Record<UnitGroup, string>>;
  unitsById: ReadonlyMap<string, Unit>;
  resultsByUnit: ReadonlyMap<string, RankedResult>;
  /** Units with a rank, per group: the n of "rank r/n". */
  rankedInGroup: ReadonlyMap<UnitGroup, number>;
  initiativesApproved?: ReadonlySet<string>;
  /** A unit's own standing: under discipline, investigation, inspection or a complaint, or none. */
  unitStatus(unitId: string): DisciplineStatus;
  /** The district's zone, for the times in reasons. */
  timeZone: string;
}

/** A candidate while the rules run: the published Candidate plus what orders and decides it. */
export interface Working extends Candidate {
  excluded: boolean;
  /** Order key for cut-offs: the unit's rank (individuals inherit their unit's); unranked last. */
  sortRank: number;
  inputIndex: number;
  submittedMs: number;
  initiativeKey?: string;
}

/** What a rule found: a reason, and whether it excludes the candidate. */
export interface Finding {
  reason: Reason;
  excludes: boolean;
}

export const note = (reason: Reason): Finding => ({ reason, excludes: false });
export const exclusion = (reason: Reason): Finding => ({ reason, excludes: true });

/** Records a rule's findings on the candidate, in order. */
export function apply(candidate: Working, findings: readonly Finding[]): void {
  for (const f of findings) {
    candidate.reasons.push(f.reason);
    if (f.excludes) candidate.excluded = true;
  }
}

/** An initiative's identity: ids are unique within a unit, so a plain id is qualified by the nominee's unit. */
export function initiativeKey(unitId: string, initiativeId: string): string {
  return initiativeId.includes('/') ? initiativeId : `${unitId}/${initiativeId}`;
}

export const rankKey = (rank: number | null) => rank ?? Number.POSITIVE_INFINITY;

/** Code-unit order: ids are ASCII, and the order must not depend on the machine's locale. */
export function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What a candidate shows of its unit: name, group, rank r/n, rounded percentage, band. */
export function unitFacts(ctx: RuleContext, unit: Unit) {
  const r = ctx.resultsByUnit.get(unit.id);
  return {
    unitId: unit.id,
    unitName: unit.name,
    group: unit.group,
    rank: r?.rank ?? null,
    rankedInGroup: ctx.rankedInGroup.get(unit.group) ?? 0,
    percent: r?.percent ? formatPercent(r.percent) : null,
    band: r?.band ?? null,
    sortRank: rankKey(r?.rank ?? null),
  };
}

// ---------------------------------------------------------------- texts

export const THEMATIC_NOTE =
  'khen thưởng chuyên đề của phong trào thi đua; không dùng làm căn cứ xét danh hiệu thi đua hằng năm';

const DISCIPLINE_MESSAGES: Record<Exclude<DisciplineStatus, 'none'>, string> = {
  discipline: 'Đang trong thời gian thi hành kỷ luật: không đề nghị khen thưởng.',
  investigation: 'Đang bị điều tra: không đề nghị khen thưởng.',
  inspection: 'Đang bị thanh tra, kiểm tra: không đề nghị khen thưởng.',
  complaint: 'Đang có đơn thư khiếu nại, tố cáo chưa được giải quyết: không đề nghị khen thưởng.',
};

export function labelOf(form: string): string {
  return isCommendationForm(form) ? FORM_LABELS[form] : `hình thức “${form}”`;
}

/** "91,25 %". */
export const percentText = (r: RankedResult) =>
  r.percent ? `${formatPercent(r.percent)} %` : 'chưa có điểm';

export function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** The issuer's warnings: no list in force on the decision date, or a list not yet checked. */
export function issuerWarnings(ctx: RuleContext, onDate: string): string[] {
  const { list, label, level, dateVi } = ctx.issuer;
  if (!list) {
    return [
      `Không có danh mục thẩm quyền khen thưởng của ${label} có hiệu lực ngày ${dateVi}` +
        (level === 'huyen' && onDate >= '2025-07-01' ? ' (cấp huyện không còn từ 01/07/2025)' : '') +
        ': không hình thức nào được đề nghị.',
    ];
  }
  const awards = ctx.awards.caution;
  return [
    ...(list.caution ? [`${issuerListName(list)}: ${list.caution}`] : []),
    ...(awards && awards !== list.caution ? [awards] : []),
  ];
}

// ---------------------------------------------------------------- eligibility of a unit

/** The unit's rank and percentage, as a note. */
export function rankingNote(ctx: RuleContext, r: RankedResult): Finding {
  const where = ctx.groupLabels[r.group];
  const band = r.band ? ` – ${BAND_LABELS[r.band]}` : '';
  return note(
    r.rank === null
      ? { code: 'ranking', message: `Chưa được xếp hạng trong ${where}, ${percentText(r)}${band}` }
      : {
          code: 'ranking',
          message: `Xếp hạng ${r.rank}/${ctx.rankedInGroup.get(r.group)} ${where}, ${percentText(r)}${band}`,
        },
  );
}

export const noResult = exclusion({ code: 'no-result', message: 'Không có kết quả chấm điểm trong kỳ xét.' });

/** Không nộp báo cáo and Chưa thẩm định: no movement result to ground an award. */
export function flagExclusions(r: RankedResult): Finding[] {
  return r.flags.map((f) =>
    exclusion({
      code: `flag-${f}`,
      message:
        f === 'khong-nop-bao-cao'
          ? // A year's or the phase's flag means a period missed, not necessarily the last place.
            `${FLAG_LABELS[f]} ở ít nhất một kỳ trong phạm vi xét: không xét khen thưởng.`
          : `${FLAG_LABELS[f]}: chưa có kết quả chính thức kỳ này, không xét khen thưởng.`,
    }),
  );
}

export function notRanked(r: RankedResult): Finding[] {
  if (r.rank !== null || r.flags.length > 0) return [];
  return [exclusion({ code: 'not-ranked', message: 'Chưa được xếp hạng: không xét khen thưởng kỳ này.' })];
}

/** A ranked unit without a flag below the settings' minimum band. */
export function belowMinBand(ctx: RuleContext, r: RankedResult): Finding[] {
  const { minBand } = ctx.settings;
  if (r.band !== null && bandAtLeast(r.band, minBand)) return [];
  if (r.flags.length > 0 || r.rank === null) return [];
  return [
    exclusion({
      code: 'below-min-band',
      message: `Xếp loại ${r.band ? BAND_LABELS[r.band] : 'chưa có'}, thấp hơn mức tối thiểu “${BAND_LABELS[minBand]}” để được đề nghị.`,
    }),
  ];
}

/** In threshold mode, a unit not excluded otherwise whose exact percentage is below the threshold. */
export function belowThreshold(ctx: RuleContext, r: RankedResult, excluded: boolean): Finding[] {
  const selection = ctx.settings.collectives;
  if (selection.mode !== 'threshold' || excluded) return [];
  const min = decimalToFraction(selection.minPercent);
  if (r.percent !== null && compareFractions(r.percent, min) >= 0) return [];
  return [
    exclusion({
      code: 'below-threshold',
      message: `Đạt ${percentText(r)}, dưới ngưỡng ${formatDecimal(selection.minPercent)} % để được đề nghị.`,
    }),
  ];
}

/** The issuer's list in force has no such form (or there is no list in force). */
export function cannotGrant(ctx: RuleContext, form: string): Finding[] {
  const { list, label, dateVi, forms } = ctx.issuer;
  if (isCommendationForm(form) && forms.includes(form)) return [];
  return [
    exclusion(
      list
        ? {
            code: 'issuer-cannot-grant',
            message: `${label} không có thẩm quyền tặng ${labelOf(form)} (ngày ${dateVi}; ${list.source}).`,
          }
        : {
            code: 'no-issuer-list',
            message: `Không có danh mục thẩm quyền của ${label} có hiệu lực ngày ${dateVi}: không thể tặng ${labelOf(form)}.`,
          },
    ),
  ];
}

/** One achievement, one form (Luật Thi đua, Khen thưởng 2022, Điều 5): proposed upward, not also here. */
export function proposedUpward(
  ctx: RuleContext,
  upwardUnits: ReadonlySet<string>,
  unitId: string,
): Finding[] {
  if (!upwardUnits.has(unitId)) return [];
  return [
    exclusion({
      code: 'proposed-upward',
      message:
        `Đã được đề nghị cấp trên tặng ${ctx.awards.upwardShort} cho cùng kết quả; không khen thưởng nhiều hình thức cho một ` +
        'thành tích (Luật Thi đua, Khen thưởng 2022, Điều 5).',
    }),
  ];
}

// ---------------------------------------------------------------- eligibility of a nomination

/** An unknown form, an annual title, or a form the issuer may not grant. */
export function formFindings(ctx: RuleContext, form: string): Finding[] {
  const { list, label, dateVi } = ctx.issuer;
  if (!isCommendationForm(form)) {
    return [
      exclusion({
        code: 'unknown-form',
        message:
          `Hình thức “${form}” không thuộc các hình thức ${label} được tặng` +
          (list ? ` (ngày ${dateVi}; ${list.source}).` : ` (không có danh mục có hiệu lực ngày ${dateVi}).`),
      }),
    ];
  }
  const annual = ANNUAL_TITLES.has(form)
    ? [
        exclusion({
          code: 'annual-title',
          message: `${FORM_LABELS[form]} là danh hiệu thi đua hằng năm: kết quả phong trào thi đua theo chuyên đề không được dùng làm căn cứ xét danh hiệu này.`,
        }),
      ]
    : [];
  const grantable = cannotGrant(ctx, form);
  return [...annual, ...grantable, ...(annual.length + grantable.length === 0 ? notThematic(ctx, form) : [])];
}

/**
 * A form the issuer may grant but that is not the movement's award (a province's nominee asking
 * for a Giấy khen): the movement proposes only its thematic award.
 */
function notThematic(ctx: RuleContext, form: CommendationForm): Finding[] {
  const { thematic } = ctx.awards;
  if (form === thematic) return [];
  return [
    exclusion({
      code: 'not-thematic-form',
      message:
        `Phong trào thi đua chỉ đề nghị ${FORM_LABELS[thematic]} (khen thưởng theo chuyên đề); ` +
        `${FORM_LABELS[form]} không phải hình thức khen thưởng của phong trào này.`,
    }),
  ];
}

/** Nobody under discipline, investigation, inspection or an open complaint is proposed. */
export function disciplineFindings(status: DisciplineStatus): Finding[] {
  if (status === 'none') return [];
  const message = DISCIPLINE_MESSAGES[status];
  return [
    exclusion({ code: status, message: message ?? `Tình trạng “${status}”: không đề nghị khen thưởng.` }),
  ];
}

/** A unit without a report grounds no individual award; one not yet appraised is only noted. */
export function unitReportFindings(ctx: RuleContext, unit: Unit): Finding[] {
  const flags = ctx.resultsByUnit.get(unit.id)?.flags ?? [];
  if (flags.includes('khong-nop-bao-cao')) {
    return [
      exclusion({
        code: 'unit-khong-nop-bao-cao',
        // A year's or the phase's flag: a period missed, not necessarily every one.
        message: `${unit.name} không nộp báo cáo ở ít nhất một kỳ trong phạm vi xét: không có kết quả phong trào làm căn cứ khen thưởng cá nhân của đơn vị.`,
      }),
    ];
  }
  if (flags.includes('chua-tham-dinh')) {
    return [
      note({
        code: 'unit-chua-tham-dinh',
        message: `Lưu ý: báo cáo của ${unit.name} chưa được thẩm định; đề nghị cá nhân vẫn được xét.`,
      }),
    ];
  }
  return [];
}

/** The nomination as a candidate, with every finding of the rules that read it alone. */
export function individualCandidate(
  ctx: RuleContext,
  n: NominationInput,
  inputIndex: number,
  submittedMs: number,
): Working {
  const unit = ctx.unitsById.get(n.unitId);
  // The input checks (domain/commendation.ts) refuse a nomination of an unknown unit first.
  if (!unit) throw new RangeError(`unknown unit ${n.unitId}`);
  const facts = unitFacts(ctx, unit);
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
    excluded: false,
    reasons: [],
    inputIndex,
    submittedMs,
    submittedAt: n.submittedAt,
  };
  apply(w, [
    note({
      code: 'nominated',
      message: `${unit.name} đề nghị tặng ${labelOf(n.form)} (nộp lúc ${formatDateAndTime(n.submittedAt, ctx.timeZone)}).`,
    }),
    ...formFindings(ctx, n.form),
    ...disciplineFindings(n.status),
    ...unitReportFindings(ctx, unit),
  ]);
  if (n.initiativeId) {
    const key = initiativeKey(n.unitId, n.initiativeId);
    const approved = ctx.initiativesApproved;
    w.initiativeKey = key;
    w.initiative = {
      id: n.initiativeId,
      key,
      confirmed: approved ? approved.has(key) || approved.has(n.initiativeId) : null,
    };
  }
  return w;
}

const samePerson = (a: Working, b: Working) => a.unitId === b.unitId && namesOnePerson(a, b);

/**
 * What the nominations share, decided in one pass in the order of submission (then the input's):
 * - **one initiative supports one award** (DOMAIN.md): the first that cites it keeps it, the
 *   others are excluded naming it;
 * - **one person, one award in a cycle** (a decision: Luật TĐKT 2022, Điều 5 — not several times
 *   for one achievement): a unit may name the same person in each period's report, and the year's
 *   or the phase's proposal reads them all; the person's first nomination is kept, the others
 *   are excluded naming it.
 * Only nominations still eligible take part: one excluded on other grounds holds neither its
 * initiative nor its person, and one excluded here holds nothing either, so every initiative
 * and every person ends with at most one nomination, the first that could have it.
 */
export function sharedGrounds(
  ctx: RuleContext,
  individuals: readonly Working[],
): { candidate: Working; finding: Finding }[] {
  const order = individuals
    .filter((w) => !w.excluded)
    .sort((a, b) => a.submittedMs - b.submittedMs || a.inputIndex - b.inputIndex);
  const initiativeHolders = new Map<string, { holder: Working; citing: number }>();
  const kept: Working[] = [];
  const out: { candidate: Working; finding: Finding }[] = [];
  // Every nomination has its submission time (individualCandidate); the guard is for the type.
  const at = (w: Working) => (w.submittedAt ? formatDateAndTime(w.submittedAt, ctx.timeZone) : '—');
  for (const w of order) {
    const held = w.initiativeKey ? initiativeHolders.get(w.initiativeKey) : undefined;
    if (held) {
      held.citing++;
      const key = w.initiativeKey ?? '';
      const cited = w.initiative?.id ?? key;
      out.push({
        candidate: w,
        finding: exclusion({
          code: 'initiative-already-used',
          message:
            `Sáng kiến “${cited}”${cited === key ? '' : ` (${key})`} đã làm căn cứ cho đề nghị khen thưởng ${held.holder.name} ` +
            `(${held.holder.unitName}, nộp lúc ${at(held.holder)}); một sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng.`,
        }),
      });
      continue;
    }
    const first = kept.find((k) => samePerson(k, w));
    if (first) {
      out.push({
        candidate: w,
        finding: exclusion({
          code: 'person-already-nominated',
          message:
            `${first.name} (${first.unitName}) đã được đề nghị tặng ${first.formLabel} trong đợt xét này ` +
            `(đề nghị nộp lúc ${at(first)}); không khen thưởng nhiều lần, nhiều hình thức cho một thành tích ` +
            'đạt được (Luật Thi đua, khen thưởng 2022, Điều 5).',
        }),
      });
      continue;
    }
    kept.push(w);
    if (w.initiativeKey) initiativeHolders.set(w.initiativeKey, { holder: w, citing: 1 });
  }
  for (const { holder, citing } of initiativeHolders.values()) {
    if (!holder.initiative) continue;
    const { id, confirmed } = holder.initiative;
    out.push({
      candidate: holder,
      finding: note({
        code: 'initiative',
        message:
          `Căn cứ sáng kiến “${id}”` +
          (confirmed === true
            ? ' (đã được công nhận).'
            : confirmed === false
              ? ' (chưa có xác nhận công nhận sáng kiến: cần bổ sung vào hồ sơ).'
              : '.') +
          (citing > 1 ? ` Đề nghị nộp sớm nhất trong số ${citing} đề nghị cùng viện dẫn sáng kiến này.` : ''),
      }),
    });
  }
  return out;
}

/** A collective's eligibility: every unit of the district is a candidate for the thematic award. */
export function collectiveCandidate(ctx: RuleContext, unit: Unit, upwardUnits: ReadonlySet<string>): Working {
  const c: Working = {
    ...unitFacts(ctx, unit),
    id: `collective:${unit.id}`,
    kind: 'collective',
    name: unit.name,
    form: ctx.awards.thematic,
    formLabel: FORM_LABELS[ctx.awards.thematic],
    status: 'excluded',
    excluded: false,
    reasons: [],
    inputIndex: 0,
    submittedMs: 0,
  };
  const r = ctx.resultsByUnit.get(unit.id);
  if (!r) {
    apply(c, [noResult]);
    return c;
  }
  apply(c, [
    rankingNote(ctx, r),
    ...disciplineFindings(ctx.unitStatus(unit.id)),
    ...flagExclusions(r),
    ...notRanked(r),
    ...belowMinBand(ctx, r),
  ]);
  apply(c, belowThreshold(ctx, r, c.excluded));
  apply(c, [...cannotGrant(ctx, ctx.awards.thematic), ...proposedUpward(ctx, upwardUnits, unit.id)]);
  return c;
}
