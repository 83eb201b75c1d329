/**
 * Checks on a unit's report and on a reviewer's appraisal of it. Each check returns a list of
 * problems (empty = fine), each naming the criterion and field, with an English code for
 * programs and a Vietnamese message for people.
 *
 * Decision — a claim without evidence is a *flag*, not a submission error: where a leaf has
 * `evidenceRequired` and the unit claims points (self-score > 0) without any evidence, the
 * report can still be submitted, and `missingEvidence` lists those leaves for the reviewer.
 * DOMAIN.md makes such a claim "a reason to return the report" — a reviewer's decision, taken
 * after looking (the evidence may be in the explanation, or the unit may accept 0). Refusing
 * the submission would leave the unit *Không nộp báo cáo* at the deadline over a missing link,
 * which is a far worse outcome than a return for explanation. A claim of 0 needs no evidence.
 */

import { type CriterionIndex, indexCriteria } from '#domain/criteria-tree';
import type {
  Appraisal,
  CriteriaSet,
  CriterionEntry,
  EvidenceRef,
  Person,
  Report,
  ServiceSelfCheck,
} from '#domain/model';
import { formatPoints } from '#domain/points';

export interface Problem {
  criterionId?: string;
  /** Path of the offending field, e.g. "entries.1.2.selfScore". */
  field: string;
  code: ProblemCode;
  message: string;
}

export type ProblemCode =
  | 'wrong-criteria-set'
  | 'wrong-report'
  | 'unknown-criterion'
  | 'not-a-leaf'
  | 'survey-not-scored'
  | 'invalid-score'
  | 'score-out-of-range'
  | 'no-survey-area'
  | 'unknown-unit'
  | 'duplicate-unit'
  | 'missing-criteria-set'
  | 'missing-criterion'
  | 'missing-comment'
  | 'reviewer-own-unit'
  | 'missing-self-check'
  | 'invalid-self-check'
  | 'duplicate-initiative'
  | 'missing-initiative-title';

export type ReportMode = 'draft' | 'submit';

/** The 05T message: the five service-quality commitments (order = self-check order). */
export const MESSAGE_05T: readonly string[] = [
  'Tiếp xúc lịch sự, vui vẻ, thân thiện, cởi mở',
  'Tiếp nhận, thẩm định hồ sơ nhanh chóng',
  'Tận tình hướng dẫn chu đáo, dễ hiểu',
  'Tham mưu giải quyết kịp thời, đúng quy định',
  'Trả hồ sơ trước hẹn',
];

/** The 05K message: the five things never to do (order = self-check order). */
export const MESSAGE_05K: readonly string[] = [
  'Không gây khó, phiền hà, sách nhiễu',
  'Không để tổ chức, người dân đi lại nhiều lần',
  'Không nhận quà, tiền bôi trơn',
  'Không để hồ sơ trễ hẹn',
  'Không làm trái trình tự, thủ tục',
];

// ---------------------------------------------------------------- reports

/**
 * A draft may be partial; a submitted report must score every leaf of the assessed areas and
 * carry its 05T/05K self-check. In both modes, every score given must be valid.
 */
export function validateReport(
  report: Report,
  set: CriteriaSet,
  options: { mode?: ReportMode } = {},
): Problem[] {
  const mode = options.mode ?? 'submit';
  const index = indexCriteria(set);
  const problems: Problem[] = [];
  if (report.criteriaSetId !== set.id) problems.push(wrongSet(report.criteriaSetId, set));

  for (const [id, entry] of Object.entries(report.entries ?? {})) {
    const field = `entries.${id}`;
    if (!checkId(id, field, index, problems)) continue;
    checkScore(entry?.selfScore, id, `${field}.selfScore`, 'Điểm tự chấm', index, problems);
  }
  if (mode === 'submit') {
    for (const { leaf } of index.leaves) {
      if (!(leaf.id in (report.entries ?? {}))) {
        problems.push({
          criterionId: leaf.id,
          field: `entries.${leaf.id}`,
          code: 'missing-criterion',
          message: `Chưa tự chấm tiêu chí ${leaf.id} "${leaf.name}" (tối đa ${formatPoints(leaf.max)} điểm); báo cáo gửi đi phải chấm đủ mọi tiêu chí.`,
        });
      }
    }
    if (!report.selfCheck) {
      problems.push({
        field: 'selfCheck',
        code: 'missing-self-check',
        message: 'Chưa tự kiểm tra việc thực hiện thông điệp 05T và 05K.',
      });
    }
  }
  if (report.selfCheck) problems.push(...validateSelfCheck(report.selfCheck));

  const seen = new Set<string>();
  (report.initiatives ?? []).forEach((initiative, i) => {
    if (seen.has(initiative.id)) {
      problems.push({
        field: `initiatives.${i}.id`,
        code: 'duplicate-initiative',
        message: `Mã sáng kiến "${initiative.id}" bị trùng trong báo cáo.`,
      });
    }
    seen.add(initiative.id);
    if (!initiative.title?.trim()) {
      problems.push({
        field: `initiatives.${i}.title`,
        code: 'missing-initiative-title',
        message: `Sáng kiến "${initiative.id}" chưa có tên.`,
      });
    }
  });
  return problems;
}

/** 05T and 05K: five yes/no answers each, in the messages' order. */
export function validateSelfCheck(check: ServiceSelfCheck): Problem[] {
  const problems: Problem[] = [];
  for (const [key, label, items] of [
    ['t05', '05T', MESSAGE_05T],
    ['k05', '05K', MESSAGE_05K],
  ] as const) {
    const answers: unknown = check[key];
    if (!Array.isArray(answers) || answers.length !== items.length) {
      problems.push({
        field: `selfCheck.${key}`,
        code: 'invalid-self-check',
        message: `Phần tự kiểm tra ${label} phải trả lời đúng ${items.length} nội dung (có/không).`,
      });
      continue;
    }
    answers.forEach((answer, i) => {
      if (typeof answer !== 'boolean') {
        problems.push({
          field: `selfCheck.${key}.${i}`,
          code: 'invalid-self-check',
          message: `Nội dung ${label} "${items[i]}" phải được trả lời có hoặc không.`,
        });
      }
    });
  }
  return problems;
}

/** A reference counts as evidence when it identifies something: a number, a link, a title or a file. */
export function hasEvidence(evidence: readonly EvidenceRef[] | undefined): boolean {
  return (evidence ?? []).some((e) =>
    Boolean(e.number?.trim() || e.url?.trim() || e.title?.trim() || e.file),
  );
}

/**
 * Leaves claimed (self-score > 0) without evidence where the set requires it: shown to the
 * reviewer as grounds for returning the report (see the decision at the top of this file).
 */
export function missingEvidence(report: Report, set: CriteriaSet): string[] {
  const missing: string[] = [];
  for (const { leaf } of indexCriteria(set).leaves) {
    const entry: CriterionEntry | undefined = report.entries?.[leaf.id];
    if (leaf.evidenceRequired && entry && entry.selfScore > 0 && !hasEvidence(entry.evidence)) {
      missing.push(leaf.id);
    }
  }
  return missing;
}

// ---------------------------------------------------------------- changes between rounds

/** What the unit changed in one leaf between two versions of its report. */
export interface LeafChange {
  leafId: string;
  /** The self-score before and now (present only when it changed; `undefined`: not scored). */
  selfScore?: { before: number | undefined; now: number | undefined };
  explanation: boolean;
  /** Evidence references added and removed (compared whole: a corrected reference is both). */
  evidenceAdded: number;
  evidenceRemoved: number;
}

/** What changed between the version a reviewer last saw and the one before them now. */
export interface ReportChanges {
  leaves: LeafChange[];
  summary: boolean;
  initiatives: boolean;
  selfCheck: boolean;
  nominations: boolean;
}

const evidenceKey = (r: EvidenceRef): string =>
  JSON.stringify([
    r.number ?? '',
    r.date ?? '',
    r.issuer ?? '',
    r.url ?? '',
    r.title ?? '',
    r.file?.key ?? '',
  ]);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The leaves (in the set's order) and the parts of the report the unit changed from `before` to
 * `now`: a later round's reviewer reads what the explanation changed, not the whole report again.
 */
export function reportChanges(before: Report, now: Report, set: CriteriaSet): ReportChanges {
  const leaves: LeafChange[] = [];
  for (const { leaf } of indexCriteria(set).leaves) {
    const was = before.entries?.[leaf.id];
    const is = now.entries?.[leaf.id];
    const wasKeys = (was?.evidence ?? []).filter((r) => hasEvidence([r])).map(evidenceKey);
    const isKeys = (is?.evidence ?? []).filter((r) => hasEvidence([r])).map(evidenceKey);
    const change: LeafChange = {
      leafId: leaf.id,
      ...(was?.selfScore === is?.selfScore
        ? {}
        : { selfScore: { before: was?.selfScore, now: is?.selfScore } }),
      explanation: (was?.explanation ?? '').trim() !== (is?.explanation ?? '').trim(),
      evidenceAdded: isKeys.filter((k) => !wasKeys.includes(k)).length,
      evidenceRemoved: wasKeys.filter((k) => !isKeys.includes(k)).length,
    };
    if (change.selfScore || change.explanation || change.evidenceAdded || change.evidenceRemoved) {
      leaves.push(change);
    }
  }
  return {
    leaves,
    summary: (before.summary ?? '').trim() !== (now.summary ?? '').trim(),
    initiatives: !same(before.initiatives, now.initiatives),
    selfCheck: !same(before.selfCheck, now.selfCheck),
    nominations: !same(before.nominations, now.nominations),
  };
}

// ---------------------------------------------------------------- appraisals

/**
 * An appraisal is only valid complete: every leaf of the assessed areas appraised, within its
 * range. A score that differs from the unit's self-score needs a comment, since the unit
 * answers it in its explanation (giải trình) and must know why points were taken or given.
 * With `reviewer`, a reviewer from the appraised unit is refused (DOMAIN.md).
 */
export function validateAppraisal(
  appraisal: Appraisal,
  report: Report,
  set: CriteriaSet,
  options: { reviewer?: Person } = {},
): Problem[] {
  const index = indexCriteria(set);
  const problems: Problem[] = [];
  if (appraisal.criteriaSetId !== set.id) problems.push(wrongSet(appraisal.criteriaSetId, set));
  if (appraisal.unitId !== report.unitId || appraisal.periodId !== report.periodId) {
    problems.push({
      field: appraisal.unitId !== report.unitId ? 'unitId' : 'periodId',
      code: 'wrong-report',
      message: `Phiếu thẩm định (${appraisal.unitId}, kỳ ${appraisal.periodId}) không phải của báo cáo này (${report.unitId}, kỳ ${report.periodId}).`,
    });
  }
  if (options.reviewer?.unit && options.reviewer.unit === report.unitId) {
    problems.push({
      field: 'reviewerId',
      code: 'reviewer-own-unit',
      message: `${options.reviewer.name} thuộc chính đơn vị được thẩm định nên không được thẩm định báo cáo này.`,
    });
  }

  const entries = appraisal.entries ?? {};
  for (const [id, entry] of Object.entries(entries)) {
    const field = `entries.${id}`;
    if (!checkId(id, field, index, problems)) continue;
    const scoreOk = checkScore(entry?.score, id, `${field}.score`, 'Điểm thẩm định', index, problems);
    const selfScore = report.entries?.[id]?.selfScore;
    if (scoreOk && entry.score !== (selfScore ?? 0) && !entry.comment?.trim()) {
      problems.push({
        criterionId: id,
        field: `${field}.comment`,
        code: 'missing-comment',
        message: `Tiêu chí ${id}: điểm thẩm định ${formatPoints(entry.score)} khác điểm tự chấm ${formatPoints(selfScore ?? 0)}, cần ghi nhận xét nêu lý do.`,
      });
    }
  }
  for (const { leaf } of index.leaves) {
    if (!(leaf.id in entries)) {
      problems.push({
        criterionId: leaf.id,
        field: `entries.${leaf.id}`,
        code: 'missing-criterion',
        message: `Chưa thẩm định tiêu chí ${leaf.id} "${leaf.name}"; phải thẩm định đủ mọi tiêu chí.`,
      });
    }
  }
  return problems;
}

/** The appraised scores, leaf id → Points, as scoring takes them. */
export function appraisedScores(appraisal: Appraisal): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const [id, entry] of Object.entries(appraisal.entries)) scores[id] = entry.score;
  return scores;
}

// ---------------------------------------------------------------- shared checks

function wrongSet(given: string, set: CriteriaSet): Problem {
  return {
    field: 'criteriaSetId',
    code: 'wrong-criteria-set',
    message: `Bộ tiêu chí "${given}" không phải bộ tiêu chí áp dụng cho kỳ này ("${set.id}").`,
  };
}

/** False (with a problem recorded) when the id is not a scorable leaf. */
export function checkId(id: string, field: string, index: CriterionIndex, problems: Problem[]): boolean {
  if (index.leafById.has(id)) return true;
  if (index.surveyIds.has(id)) {
    problems.push({
      criterionId: id,
      field,
      code: 'survey-not-scored',
      message: `Không chấm điểm lĩnh vực khảo sát sự hài lòng (${id}): điểm khảo sát do Phòng Nội vụ ghi nhận từ kết quả khảo sát.`,
    });
  } else if (index.groupIds.has(id)) {
    problems.push({
      criterionId: id,
      field,
      code: 'not-a-leaf',
      message: `"${id}" là nhóm tiêu chí; chỉ chấm điểm các tiêu chí thành phần của nhóm.`,
    });
  } else {
    problems.push({
      criterionId: id,
      field,
      code: 'unknown-criterion',
      message: `Không có tiêu chí "${id}" trong bộ tiêu chí.`,
    });
  }
  return false;
}

/** False (with a problem recorded) when the score is not a Points within 0..max of its leaf. */
export function checkScore(
  score: unknown,
  id: string,
  field: string,
  label: string,
  index: CriterionIndex,
  problems: Problem[],
): score is number {
  const info = index.leafById.get(id);
  if (!info) return false;
  if (typeof score !== 'number' || !Number.isSafeInteger(score)) {
    problems.push({
      criterionId: id,
      field,
      code: 'invalid-score',
      message: `${label} của tiêu chí ${id} không hợp lệ (phải là số điểm, tối đa hai chữ số thập phân).`,
    });
    return false;
  }
  if (score < 0 || score > info.leaf.max) {
    problems.push({
      criterionId: id,
      field,
      code: 'score-out-of-range',
      message: `${label} của tiêu chí ${id} là ${formatPoints(score)}, ngoài khoảng 0–${formatPoints(info.leaf.max)} điểm.`,
    });
    return false;
  }
  return true;
}
