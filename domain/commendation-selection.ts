/**
 * The selections of a commendation proposal, per group (DOMAIN.md "Quotas"; docs/commendation.md
 * "Proposal rules"): the eligible candidates, best first, are put forward up to a limit; those
 * equal at the limit are tied for the council, never broken here; the others are cut, each with
 * its reason. Eligibility is domain/commendation-rules.ts's.
 */
import type {
  CandidateKind,
  CandidateStatus,
  RankedResult,
  Reason,
  TieForCouncil,
} from './commendation-model.ts';
import {
  apply,
  capitalized,
  cmpStr,
  exclusion,
  type Finding,
  note,
  percentText,
  type RuleContext,
  rankingNote,
  rankKey,
  THEMATIC_NOTE,
  unitFacts,
  type Working,
} from './commendation-rules.ts';
import { FORM_LABELS } from './issuers.ts';
import { BAND_LABELS, type UnitGroup } from './model.ts';
import { compareFractions, decimalToFraction, formatDecimal } from './points.ts';

/** One selection decision: the candidate's status and the reason for it. */
export interface Decision<T> {
  candidate: T;
  status: CandidateStatus;
  finding: Finding;
}

export interface Selection<T> {
  decisions: Decision<T>[];
  tie: TieForCouncil | null;
}

/** Records a selection's decisions; a candidate cut keeps its status (excluded). */
export function applySelection(selection: Selection<Working>): void {
  for (const { candidate, status, finding } of selection.decisions) {
    candidate.status = status;
    apply(candidate, [finding]);
  }
}

/**
 * Splits candidates sorted best first at a limit. Candidates equal (by key) to the last one
 * inside the limit, when the limit falls among them, are neither in nor out: they are tied,
 * for the council to decide (DOMAIN.md: a tie at the cut-off is not broken silently).
 */
export function cutAt<T>(
  sorted: readonly T[],
  limit: number,
  key: (t: T) => number,
): { within: T[]; tied: T[]; out: T[] } {
  if (limit >= sorted.length) return { within: [...sorted], tied: [], out: [] };
  if (limit <= 0) return { within: [], tied: [], out: [...sorted] };
  const [last, next] = sorted.slice(limit - 1, limit + 1);
  if (last === undefined || next === undefined || key(next) !== key(last)) {
    return { within: sorted.slice(0, limit), tied: [], out: sorted.slice(limit) };
  }
  const boundary = key(last);
  return {
    within: sorted.filter((t) => key(t) < boundary),
    tied: sorted.filter((t) => key(t) === boundary),
    out: sorted.filter((t) => key(t) > boundary),
  };
}

function tieReason(rank: number | null, count: number, slots: number, whose = ''): Reason {
  const at = rank === null ? 'chưa xếp hạng' : `đồng hạng ${rank}${whose ? ` (${whose})` : ''}`;
  return {
    code: 'tie-at-cutoff',
    message:
      `Tại ngưỡng cắt: ${count} ứng viên ${at} cho ${slots} suất còn lại. ` +
      'Hệ thống không tự phân định; Hội đồng xem xét và quyết định.',
  };
}

function quotaReason(ctx: RuleContext, quota: number, group: UnitGroup, who: string): Reason {
  return {
    code: 'quota-exceeded',
    message: `Vượt hạn mức ${quota} ${who} được đề nghị của ${ctx.groupLabels[group]}.`,
  };
}

function tieEntry<T>(
  ctx: RuleContext,
  kind: CandidateKind,
  group: UnitGroup,
  rule: TieForCouncil['rule'],
  limit: number,
  within: readonly T[],
  tied: readonly T[],
  idOf: (t: T) => string,
): TieForCouncil | null {
  if (tied.length === 0) return null;
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
      `${capitalized(ctx.groupLabels[group])}, ${what}: ${tied.length} ứng viên ` +
      `bằng nhau tại ngưỡng cắt của ${limitVi}, còn ${slots} suất. Hệ thống không tự phân định: ` +
      'Hội đồng bỏ phiếu; nếu số được thông qua vượt số suất, Chủ tịch/Hội đồng quyết định.',
  };
}

/**
 * Upward proposals of a group: units with no flag, ranked, at or above the upward threshold
 * (exact), best `perGroup` by rank. `minBand` does not apply: the threshold is the criterion.
 */
export function upwardProposals(ctx: RuleContext, group: UnitGroup): Selection<Working> {
  const up = ctx.settings.upward;
  if (!up) return { decisions: [], tie: null };
  const min = decimalToFraction(up.minPercent);
  const eligible = [...ctx.resultsByUnit.values()]
    .filter(
      (r) =>
        r.group === group &&
        r.flags.length === 0 &&
        // Under discipline, inspection, …: not proposed upward either (its collective line says why).
        ctx.unitStatus(r.unitId) === 'none' &&
        r.rank !== null &&
        r.percent !== null &&
        compareFractions(r.percent, min) >= 0,
    )
    .sort((a, b) => rankKey(a.rank) - rankKey(b.rank) || cmpStr(a.unitId, b.unitId));
  const candidate = (r: RankedResult): Working => {
    const unit = ctx.unitsById.get(r.unitId);
    if (!unit) throw new RangeError(`unknown unit ${r.unitId}`);
    const facts = unitFacts(ctx, unit);
    const w: Working = {
      ...facts,
      id: `upward:${r.unitId}`,
      kind: 'upward',
      name: facts.unitName,
      form: ctx.awards.upward,
      formLabel: FORM_LABELS[ctx.awards.upward],
      status: 'excluded',
      excluded: false,
      reasons: [],
      inputIndex: 0,
      submittedMs: 0,
    };
    apply(w, [
      rankingNote(ctx, r),
      note({
        code: 'upward-threshold',
        message: `Đạt ${percentText(r)} ≥ ${formatDecimal(up.minPercent)} % (ngưỡng đề nghị cấp trên khen thưởng).`,
      }),
    ]);
    return w;
  };
  // No issuer list in force on the decision date (a huyện after 30/06/2025, a tỉnh or sở before
  // 01/07/2025): there is no chairman whose name the proposal could go up in, so every candidate is
  // refused, the upward ones too (docs/commendation.md: "every candidate is refused with
  // no-issuer-list"), and none takes a Giấy khen place from the others.
  if (!ctx.issuer.list) {
    const { label, dateVi } = ctx.issuer;
    return {
      decisions: eligible.map((r) => ({
        candidate: candidate(r),
        status: 'excluded' as const,
        finding: exclusion({
          code: 'no-issuer-list',
          message: `Không có danh mục thẩm quyền của ${label} có hiệu lực ngày ${dateVi}: không thể đề nghị ${ctx.awards.upwardIssuer} tặng ${ctx.awards.upwardShort}.`,
        }),
      })),
      tie: null,
    };
  }
  const cut = cutAt(eligible, up.perGroup, (r) => rankKey(r.rank));
  const slots = up.perGroup - cut.within.length;
  const decisions: Decision<Working>[] = [
    ...cut.within.map((r) => ({
      candidate: candidate(r),
      status: 'propose-upward' as const,
      finding: note({
        code: 'propose-upward',
        message: `Đề nghị ${ctx.awards.upwardIssuer} tặng ${ctx.awards.upwardShort} (cấp này chỉ đề nghị, không quyết định khen thưởng).`,
      }),
    })),
    ...cut.tied.map((r) => ({
      candidate: candidate(r),
      status: 'tie-at-cutoff' as const,
      finding: note(tieReason(r.rank, cut.tied.length, slots)),
    })),
    ...cut.out.map((r) => ({
      candidate: candidate(r),
      status: 'excluded' as const,
      finding: exclusion({
        code: 'upward-limit',
        message: `Ngoài ${up.perGroup} đơn vị dẫn đầu ${ctx.groupLabels[group]} được đề nghị cấp trên khen thưởng.`,
      }),
    })),
  ];
  return {
    decisions,
    tie: tieEntry(
      ctx,
      'upward',
      group,
      'upward',
      up.perGroup,
      cut.within,
      cut.tied,
      (r) => `upward:${r.unitId}`,
    ),
  };
}

/**
 * The collectives of a group put forward: in `top` mode the best `perGroup` by rank, in
 * `threshold` mode all eligible; `quotaPerGroup` caps either.
 */
export function selectCollectives(
  ctx: RuleContext,
  group: UnitGroup,
  eligible: readonly Working[],
): Selection<Working> {
  const { collectives, quotaPerGroup, minBand } = ctx.settings;
  const sorted = [...eligible].sort((a, b) => a.sortRank - b.sortRank || cmpStr(a.unitId, b.unitId));
  const top = collectives.mode === 'top' ? collectives.perGroup : Number.POSITIVE_INFINITY;
  const quota = quotaPerGroup ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(top, quota);
  const rule: TieForCouncil['rule'] = quota < top ? 'quota' : 'top';
  const cut = cutAt(sorted, limit, (c) => c.sortRank);
  // A unit ranked below the top N is among the N proposed only because units above it were
  // proposed upward or are not eligible: its reason says so rather than calling it one of the
  // N leading units of the group (it is not: "Xếp hạng 4/11" beside "Thuộc 3 đơn vị dẫn đầu").
  const selected = (c: Working): Reason =>
    collectives.mode === 'top'
      ? {
          code: 'selected-top',
          message:
            c.sortRank <= top
              ? `Thuộc ${top} đơn vị dẫn đầu ${ctx.groupLabels[group]}, xếp loại từ “${BAND_LABELS[minBand]}” trở lên.`
              : `Thuộc ${top} đơn vị ${ctx.groupLabels[group]} được đề nghị tặng ${FORM_LABELS[ctx.awards.thematic]} theo thứ tự xếp hạng ` +
                `(các đơn vị xếp trên được đề nghị cấp trên khen thưởng hoặc không đủ điều kiện), ` +
                `xếp loại từ “${BAND_LABELS[minBand]}” trở lên.`,
        }
      : {
          code: 'above-threshold',
          message: `Đạt ngưỡng ${formatDecimal(collectives.minPercent)} % và xếp loại từ “${BAND_LABELS[minBand]}” trở lên.`,
        };
  const form: Reason = {
    code: 'form',
    message: `Đề nghị ${ctx.issuer.label} tặng ${FORM_LABELS[ctx.awards.thematic]} (${THEMATIC_NOTE}).`,
  };
  const decisions: Decision<Working>[] = [];
  for (const c of cut.within) {
    decisions.push({ candidate: c, status: 'proposed', finding: note(selected(c)) });
    decisions.push({ candidate: c, status: 'proposed', finding: note(form) });
  }
  for (const c of cut.tied) {
    const tie = tieReason(c.rank, cut.tied.length, limit - cut.within.length);
    decisions.push({ candidate: c, status: 'tie-at-cutoff', finding: note(tie) });
  }
  for (const [i, c] of cut.out.entries()) {
    const position = cut.within.length + cut.tied.length + i;
    const reason =
      rule === 'quota' && position < top
        ? quotaReason(ctx, quota, group, 'tập thể')
        : {
            code: 'not-in-top',
            message: `Ngoài ${top} đơn vị dẫn đầu ${ctx.groupLabels[group]} được đề nghị.`,
          };
    decisions.push({ candidate: c, status: 'excluded', finding: exclusion(reason) });
  }
  return {
    decisions,
    tie: tieEntry(ctx, 'collective', group, rule, limit, cut.within, cut.tied, (c) => c.id),
  };
}

/**
 * The nominees of a group put forward: all eligible, unless `quotaPerGroup` caps them. They are
 * ordered by their unit's rank: nominees of one unit are equal, so a cut among them is a tie for
 * the council (submission time never decides an award).
 */
export function selectIndividuals(
  ctx: RuleContext,
  group: UnitGroup,
  eligible: readonly Working[],
): Selection<Working> {
  const sorted = [...eligible].sort(
    (a, b) => a.sortRank - b.sortRank || a.submittedMs - b.submittedMs || cmpStr(a.id, b.id),
  );
  const quota = ctx.settings.quotaPerGroup;
  const limit = quota ?? Number.POSITIVE_INFINITY;
  const cut = cutAt(sorted, limit, (w) => w.sortRank);
  const eligibleReason: Reason = {
    code: 'eligible',
    message: `Đủ điều kiện: đề nghị ${ctx.issuer.label} tặng ${FORM_LABELS[ctx.awards.thematic]} (${THEMATIC_NOTE}); không bị kỷ luật, điều tra, thanh tra hay khiếu nại.`,
  };
  const decisions: Decision<Working>[] = [
    ...cut.within.map((w) => ({ candidate: w, status: 'proposed' as const, finding: note(eligibleReason) })),
    ...cut.tied.map((w) => ({
      candidate: w,
      status: 'tie-at-cutoff' as const,
      finding: note(tieReason(w.rank, cut.tied.length, limit - cut.within.length, 'đơn vị của cá nhân')),
    })),
    ...cut.out.map((w) => ({
      candidate: w,
      status: 'excluded' as const,
      finding: exclusion(quotaReason(ctx, limit, group, 'cá nhân')),
    })),
  ];
  return {
    decisions,
    tie: tieEntry(ctx, 'individual', group, 'quota', limit, cut.within, cut.tied, (w) => w.id),
  };
}
