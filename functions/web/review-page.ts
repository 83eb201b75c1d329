/**
 * The reviewer's page (an `appraise` decision link): the unit's report beside the criteria —
 * self-score, explanation, evidence (links leak no referrer), missing-evidence flags — with an
 * appraised score and a comment per leaf, the earlier rounds' comments and the unit's
 * explanations, and the two decisions: return for explanation, or approve. As on the unit's form,
 * a bar that stays on screen with the running appraised total and a table of contents by area
 * (review-progress.ts; the figures kept up to date by assets/review-form.js, the page working
 * without it); a long explanation and the evidence folded, so that 68 criteria fit a phone.
 *
 * Also the reading of its form into an `Appraisal` (`parseAppraisalForm`): scores of at most two
 * decimals within 0..max naming the criterion; a score that differs from the self-score needs a
 * comment (domain/report.ts `validateAppraisal`); a return needs at least one comment; the report
 * version the page was rendered from must come back with it (a decision is only ever recorded
 * against the version the reviewer saw).
 */

import { indexCriteria } from '#domain/criteria-tree';
import type {
  Appraisal,
  AppraisalEntry,
  CriteriaSet,
  Criterion,
  EvidenceRef,
  Period,
  Person,
  Report,
  Unit,
} from '#domain/model';
import { formatPoints, tryParsePoints } from '#domain/points';
import { type LeafChange, missingEvidence, type ReportChanges, validateAppraisal } from '#domain/report';
import type { AppraiseDecisionPayload } from '#steps/decisions';
import type { DownloadLinks } from './evidence-files.ts';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  type Html,
  hidden,
  initiativeItem,
  layout,
  NO_IMPLICIT_SUBMIT,
  type ProblemMap,
  periodLabel,
  periodMeta,
  problemMap,
  problemSummary,
  readOnlyText,
  textArea,
  textInput,
} from './pages.ts';
import { areaAnchor } from './report-criteria.ts';
import { DISCIPLINE_LABELS, FORM_LABELS } from './report-fields.ts';
import { evidenceList, type ReportState, type ReviewRound } from './report-page.ts';
import { formProgress, selfTotalText } from './report-progress.ts';
import {
  type AppraisalProgress,
  appraisalBar,
  appraisalContents,
  appraisalProgress,
  areaAppraisalSummary,
  REVIEW_ANCHORS,
} from './review-progress.ts';

export const REVIEW_LIMITS = { comment: 2_000, general: 5_000, score: 20 } as const;

export const reviewField = {
  score: (leaf: string) => `score[${leaf}]`,
  comment: (leaf: string) => `comment[${leaf}]`,
};

export type ReviewDecision = 'approve' | 'return';

/** The form read: a decision with its payload, or the problems (then nothing may be recorded). */
export type ParsedAppraisal =
  | { ok: true; decision: ReviewDecision; payload: AppraiseDecisionPayload }
  | { ok: false; decision: ReviewDecision | undefined; problems: FieldProblem[] };

/** The page's hidden `reportVersion`, or a problem naming it (never a guess at the current one). */
function reportVersionOf(form: URLSearchParams, problems: FieldProblem[]): number | undefined {
  const values = form.getAll('reportVersion');
  const raw = values.length === 1 ? (values[0] ?? '') : '';
  if (/^\d{1,9}$/.test(raw)) return Number(raw);
  problems.push({
    field: 'reportVersion',
    message:
      'Thiếu hoặc sai phiên bản báo cáo (trường reportVersion) nên không biết quyết định dành cho bản nào; chưa ghi nhận gì. Hãy mở lại liên kết trong email rồi thẩm định trên trang mới.',
  });
  return undefined;
}

export function parseAppraisalForm(
  form: URLSearchParams,
  ctx: { stored: Pick<ReportState, 'report'>; set: CriteriaSet; reviewer: Person },
): ParsedAppraisal {
  const problems: FieldProblem[] = [];
  const index = indexCriteria(ctx.set);
  const raw = form.get('decision');
  const decision = raw === 'approve' || raw === 'return' ? raw : undefined;
  if (!decision) problems.push({ field: '', message: 'Hãy chọn “Trả lại để giải trình” hoặc “Phê duyệt”.' });
  const reportVersion = reportVersionOf(form, problems);

  const entries: Record<string, AppraisalEntry> = {};
  const badScore = new Set<string>();
  for (const { leaf } of index.leaves) {
    const scoreText = (form.get(reviewField.score(leaf.id)) ?? '').trim();
    const comment = (form.get(reviewField.comment(leaf.id)) ?? '').replace(/\r\n?/g, '\n').trim();
    if ([...comment].length > REVIEW_LIMITS.comment) {
      problems.push({
        field: reviewField.comment(leaf.id),
        message: `Tiêu chí ${leaf.id}: nhận xét dài quá ${REVIEW_LIMITS.comment} ký tự.`,
      });
    }
    if (scoreText === '') continue; // validateAppraisal names the missing leaf
    const parsed = scoreText.length <= REVIEW_LIMITS.score ? tryParsePoints(scoreText) : undefined;
    if (!parsed?.ok) {
      badScore.add(leaf.id);
      problems.push({
        field: reviewField.score(leaf.id),
        message: `Tiêu chí ${leaf.id} (tối đa ${formatPoints(leaf.max)} điểm): ${parsed && !parsed.ok ? parsed.message : 'điểm thẩm định không hợp lệ.'}`,
      });
      continue;
    }
    entries[leaf.id] = { score: parsed.value, comment };
  }
  const generalComment = (form.get('general') ?? '').replace(/\r\n?/g, '\n').trim();
  if ([...generalComment].length > REVIEW_LIMITS.general) {
    problems.push({ field: 'general', message: `Nhận xét chung dài quá ${REVIEW_LIMITS.general} ký tự.` });
  }
  const appraisal: Appraisal = {
    unitId: ctx.stored.report.unitId,
    periodId: ctx.stored.report.periodId,
    criteriaSetId: ctx.set.id,
    reviewerId: ctx.reviewer.id,
    entries,
  };
  for (const p of validateAppraisal(appraisal, ctx.stored.report, ctx.set, { reviewer: ctx.reviewer })) {
    const m = /^entries\.(.+?)(?:\.(score|comment))?$/.exec(p.field);
    const leaf = m?.[1];
    if (leaf && badScore.has(leaf)) continue;
    const name =
      leaf && index.leafById.has(leaf)
        ? m?.[2] === 'comment'
          ? reviewField.comment(leaf)
          : reviewField.score(leaf)
        : '';
    problems.push({ field: name, message: p.message });
  }
  if (decision === 'return' && !generalComment && !Object.values(entries).some((x) => x.comment)) {
    problems.push({
      field: 'general',
      message:
        'Khi trả lại để giải trình, hãy ghi nhận xét chung hoặc nhận xét ở các tiêu chí cần giải trình.',
    });
  }
  if (problems.length > 0 || !decision || reportVersion === undefined)
    return { ok: false, decision, problems };
  return {
    ok: true,
    decision,
    payload: { appraisal, reportVersion, ...(generalComment ? { generalComment } : {}) },
  };
}

export interface ReviewPageModel {
  authority: string;
  unit: Unit;
  period: Period;
  set: CriteriaSet;
  stored: ReportState;
  round: number;
  reviewer?: Person;
  /** Earlier rounds (their appraisals, general comments and the unit's explanations), oldest first. */
  rounds: ReviewRound[];
  /** The posted form after a refusal. */
  raw?: URLSearchParams;
  problems?: FieldProblem[];
  /** The request's write id (a nonce per rendering): the same post again is recognised as the same one. */
  writeId?: string;
  /** How uploaded evidence files are linked for download (none: their names only). */
  downloads?: DownloadLinks;
  /** A later round: what the unit changed since the last round's reviewer saw the report. */
  changes?: ChangesSince;
  /** The appraisal is expected by then (review close, or the late-appraisal deadline after it). */
  reviewBy?: string;
  /**
   * The page's script and style sheet (served by the product: CSP `'self'`): the running appraised
   * total. Without them the page works the same and says the unit's self totals.
   */
  assets?: { script: string; style: string };
}

/** What the unit changed after round `round`, whose reviewer saw version `version`. */
export interface ChangesSince extends ReportChanges {
  round: number;
  version: number;
}

/** What the reviewer's page shows above its form, and the decided page above the decision. */
export type ReviewHeadModel = Pick<
  ReviewPageModel,
  | 'unit'
  | 'period'
  | 'set'
  | 'stored'
  | 'round'
  | 'reviewer'
  | 'rounds'
  | 'downloads'
  | 'changes'
  | 'reviewBy'
>;

/**
 * Title, meta, the missing-evidence warning, the earlier rounds and the unit's summary. `decided`:
 * the decided page, where the warning no longer suggests returning the report.
 */
export function reviewHead(m: ReviewHeadModel, notices: Html, decided = false): Html {
  const report: Report = m.stored.report;
  const flagged = missingEvidence(report, m.set);
  const history = m.rounds.filter((r) => r.generalComment || r.explanation || r.appraisal);
  return `<h1>Thẩm định báo cáo thi đua cải cách hành chính</h1>
<p><strong>${e(m.unit.name)}</strong></p>
<div class="meta">${periodMeta(m.period, decided ? undefined : m.reviewBy)}<span>Vòng thẩm định: <strong>${e(m.round)}</strong></span>${
    m.reviewer ? `<span>Người thẩm định: ${e(m.reviewer.name)}</span>` : ''
  }<span>${e(selfTotalText(formProgress(m.set, { report })))}</span><span class="muted">${e(receivedText(m))}</span></div>
${notices}
${flagged.length ? `<div class="notice warn"><p>Có ${flagged.length} tiêu chí đơn vị tự chấm điểm nhưng chưa có minh chứng, đánh dấu ⚠ bên dưới${decided ? '.' : ': đây là căn cứ để trả lại báo cáo yêu cầu giải trình.'}</p></div>` : ''}
${
  history.length
    ? `<section><h2>Các vòng trước</h2>${history
        .map(
          (r) => `<h3>Vòng ${e(r.round)}</h3>
${r.generalComment ? `<p><strong>Nhận xét chung khi trả lại, ${e(dateTime(r.decidedAt))}:</strong></p>${readOnlyText(r.generalComment)}` : ''}
${r.explanation ? `<p><strong>Giải trình của đơn vị, ${e(dateTime(r.explainedAt))}:</strong></p>${readOnlyText(r.explanation)}` : ''}`,
        )
        .join('')}</section>`
    : ''
}
${m.changes ? changesSection(m.changes, m.set) : ''}
${report.summary ? `<section><h2>Tóm tắt của đơn vị</h2>${readOnlyText(report.summary)}</section>` : ''}`;
}

/**
 * Which version the reviewer reads and when it came: the submission in round 1; in a later round
 * the version the explanation made, sent when the report was last written (not the first
 * submission's time beside a later version).
 */
export function receivedText(m: Pick<ReviewHeadModel, 'stored' | 'round'>): string {
  return m.round > 1
    ? `Báo cáo phiên bản ${m.stored.version}, gửi giải trình lúc ${dateTime(m.stored.updatedAt)}`
    : `Báo cáo phiên bản ${m.stored.version}, nộp lúc ${dateTime(m.stored.submittedAt ?? m.stored.updatedAt)}`;
}

/** The changes list's anchor: each changed criterion's tag leads back to it. */
const CHANGES_ID = 'thay-doi';

const PARTS: readonly (readonly [keyof Omit<ReportChanges, 'leaves'>, string])[] = [
  ['summary', 'Tóm tắt'],
  ['initiatives', 'Sáng kiến'],
  ['selfCheck', 'Tự kiểm tra 05T/05K'],
  ['nominations', 'Đề nghị khen thưởng cá nhân'],
];

/** One leaf's change in words: "tự chấm 2 → 1,5; sửa giải thích; thêm 1 minh chứng". */
function changeWords(c: LeafChange): string {
  const points = (p: number | undefined) => (p === undefined ? 'chưa chấm' : formatPoints(p));
  return [
    ...(c.selfScore ? [`tự chấm ${points(c.selfScore.before)} → ${points(c.selfScore.now)}`] : []),
    ...(c.explanation ? ['sửa giải thích'] : []),
    ...(c.evidenceAdded ? [`thêm ${c.evidenceAdded} minh chứng`] : []),
    ...(c.evidenceRemoved ? [`bỏ ${c.evidenceRemoved} minh chứng`] : []),
  ].join('; ');
}

/**
 * A later round's reviewer reads what the unit changed since the report was last appraised, each
 * criterion linked to its place on the page (marked there too), rather than the whole report again.
 */
function changesSection(changes: ChangesSince, set: CriteriaSet): Html {
  const names = new Map(indexCriteria(set).leaves.map(({ leaf }) => [leaf.id, leaf.name]));
  const parts = PARTS.filter(([key]) => changes[key]).map(([, label]) => label);
  const heading = `<h2>Đơn vị đã sửa sau vòng ${e(changes.round)}</h2>
<p class="muted">So với phiên bản ${e(changes.version)} (bản đã thẩm định ở vòng ${e(changes.round)}).</p>`;
  if (changes.leaves.length === 0 && parts.length === 0) {
    return `<section id="${CHANGES_ID}">${heading}<p>Đơn vị không sửa báo cáo; chỉ gửi giải trình.</p></section>`;
  }
  const leaves = changes.leaves.length
    ? `<p>${e(changes.leaves.length)} tiêu chí:</p><ul>${changes.leaves
        .map(
          (c) =>
            `<li><a href="#leaf-${e(c.leafId)}">${e(c.leafId)}. ${e(names.get(c.leafId) ?? '')}</a>: ${e(changeWords(c))}</li>`,
        )
        .join('')}</ul>`
    : '<p>Không sửa tiêu chí nào.</p>';
  return `<section id="${CHANGES_ID}">${heading}${leaves}${parts.length ? `<p>Cũng đã sửa: ${e(parts.join(', '))}.</p>` : ''}</section>`;
}

/**
 * Each area of the set, with the anchor the contents link to: the survey area says where its score
 * comes from; others list their criteria. `summary`: a line under the area's heading (the
 * reviewer's page: the unit's subtotal and the appraised one).
 */
export function reviewAreas(
  set: CriteriaSet,
  criterion: (c: Criterion) => Html,
  summary?: (areaId: string) => Html,
): Html {
  return set.areas
    .map((area) => {
      const line = summary ? summary(area.id) : '';
      const heading = `<h2>${e(area.id)}. ${e(area.name)} <span class="muted">tối đa ${e(formatPoints(area.max))} điểm</span></h2>${
        line ? `<p class="area-sum">${line}</p>` : ''
      }`;
      const id = `id="${e(areaAnchor(area.id))}"`;
      if (area.kind === 'survey') {
        return `<section class="area survey" ${id}>${heading}
<p class="muted">Điểm khảo sát do Phòng Nội vụ ghi nhận; không thẩm định ở đây.</p></section>`;
      }
      return `<section class="area" ${id} data-area="${e(area.id)}">${heading}
${area.criteria.map(criterion).join('\n')}</section>`;
    })
    .join('\n');
}

/**
 * What a leaf's score box is pre-filled with: the previous round's appraisal, else the self-score;
 * the reviewer changes what differs. Never above what the unit now claims: an explanation that
 * lowered its self-score must not be met by a higher appraised score the reviewer has to notice
 * and justify.
 */
function prefillOf(leafId: string, report: Report, previous: Appraisal | undefined): string {
  const entry = report.entries[leafId];
  const before = previous?.entries[leafId];
  if (before) return formatPoints(entry ? Math.min(before.score, entry.selfScore) : before.score);
  return entry ? formatPoints(entry.selfScore) : '';
}

/**
 * Styles of the reviewer's page only (the running total's bar and the contents come from the
 * report form's style sheet). A criterion's score box sits on its label's line, and its comment
 * box starts at two lines (it grows by hand): shorter on a phone, nothing left out.
 */
export const REVIEW_CSS = `
.leaf .cols{row-gap:.2rem}
.appraise .score-row{display:flex;flex-wrap:wrap;align-items:center;gap:.2rem .5rem;margin-top:.4rem}
.appraise .score-row label{margin:0}
.appraise .score-row input.score{width:5rem;min-width:0}
.appraise .score-row .problem{flex-basis:100%}
.appraise textarea{min-height:2.9rem}
details.unit-part>summary{cursor:pointer;margin:.4rem 0}
details.unit-part[open]>summary .preview{display:none}
.flag-count{color:#842029;font-weight:600}
`;

export function renderReviewPage(m: ReviewPageModel): Html {
  const report: Report = m.stored.report;
  const problems = problemMap(m.problems ?? []);
  const flagged = new Set(missingEvidence(report, m.set));
  const previous = m.rounds.at(-1)?.appraisal?.appraisal;
  const value = (name: string, fallback: string): string => (m.raw ? (m.raw.get(name) ?? '') : fallback);
  const progress = appraisalProgress(
    m.set,
    report,
    (leaf) => value(reviewField.score(leaf), prefillOf(leaf, report, previous)),
    flagged,
  );
  const body = `${appraisalBar(progress)}${reviewHead(m, m.problems?.length ? problemSummary(m.problems) : '')}
${appraisalContents(progress)}
<form method="post" action="" novalidate id="tham-dinh">
${NO_IMPLICIT_SUBMIT}
${hidden('reportVersion', m.stored.version)}
${m.writeId ? hidden('writeId', m.writeId) : ''}
${reviewAreas(
  m.set,
  (c) =>
    criterionHtml(c, {
      report,
      flagged,
      problems,
      previous,
      value,
      downloads: m.downloads,
      changes: m.changes,
    }),
  (areaId) => areaLine(progress, areaId),
)}
${initiativesAndCheck(report, 2, REVIEW_ANCHORS.initiatives)}
<section id="${REVIEW_ANCHORS.conclusion}"><h2>Kết luận</h2>
${textArea({
  name: 'general',
  label: 'Nhận xét chung',
  hint: 'Bắt buộc khi trả lại để giải trình (nếu chưa ghi nhận xét ở từng tiêu chí).',
  value: value('general', ''),
  problems,
  maxlength: REVIEW_LIMITS.general,
  rows: 4,
})}
</section>
<div class="actions">
<button type="submit" name="decision" value="return" class="danger">Trả lại để giải trình</button>
<button type="submit" name="decision" value="approve" class="approve">Phê duyệt</button>
</div>
<p class="muted">Mỗi liên kết chỉ ghi nhận một quyết định. Điểm thẩm định (không phải điểm tự chấm) là điểm được tính.</p>
</form>`;
  return layout({
    title: `Thẩm định ${periodLabel(m.period.id)} – ${m.unit.name}`,
    header: m.authority,
    body,
    styles: REVIEW_CSS,
    ...(m.assets ? { assets: m.assets } : {}),
  });
}

function areaLine(p: AppraisalProgress, areaId: string): Html {
  const area = p.areas.find((a) => a.id === areaId);
  return area ? areaAppraisalSummary(area) : '';
}

interface LeafContext {
  report: Report;
  flagged: Set<string>;
  problems: ProblemMap;
  previous: Appraisal | undefined;
  value: (name: string, fallback: string) => string;
  downloads: DownloadLinks | undefined;
  changes: ChangesSince | undefined;
}

/**
 * A leaf's head and what the unit gave for it: self-score, missing-evidence flag, explanation,
 * evidence, the previous round's appraisal. Opens the two columns; the caller fills the second.
 */
export function unitSide(
  c: Criterion,
  report: Report,
  flagged: ReadonlySet<string>,
  before: AppraisalEntry | undefined,
  downloads?: DownloadLinks,
  changes?: ChangesSince,
): Html {
  const entry = report.entries[c.id];
  const changed = changes?.leaves.find((l) => l.leafId === c.id);
  const wasScore = changed?.selfScore
    ? ` <span class="muted">(trước khi sửa: ${
        changed.selfScore.before === undefined ? 'chưa chấm' : e(formatPoints(changed.selfScore.before))
      })</span>`
    : '';
  // The "needs evidence" tag beside the maximum: one line less on a phone.
  return `<div class="leaf-head"><span>${e(c.id)}. ${e(c.name)}</span><span class="max">Tối đa ${e(formatPoints(c.max))} điểm${
    c.evidenceRequired ? ' <span class="tag">Cần minh chứng</span>' : ''
  }</span></div>
${changed && changes ? `<a class="tag changed" href="#${CHANGES_ID}">Đã sửa sau vòng ${e(changes.round)}: ${e(changeWords(changed))}</a>` : ''}
<div class="cols"><div>
<p>Đơn vị tự chấm: <strong>${entry ? e(formatPoints(entry.selfScore)) : 'chưa chấm'}</strong>${wasScore}</p>
${flagged.has(c.id) ? '<p class="flag">⚠ Tự chấm điểm nhưng chưa có minh chứng</p>' : ''}
${entry?.explanation ? explanationHtml(entry.explanation, Boolean(changed?.explanation)) : ''}
${
  // The ⚠ flag above already says there is none.
  flagged.has(c.id) && !entry?.evidence.length
    ? ''
    : evidenceHtml(entry?.evidence, downloads, Boolean(changed?.evidenceAdded || changed?.evidenceRemoved))
}
${before ? `<p class="muted">Vòng trước: ${e(formatPoints(before.score))} điểm${before.comment ? ` — ${e(before.comment)}` : ''}</p>` : ''}`;
}

/** An explanation longer than this (in characters) is folded under its beginning. */
export const LONG_EXPLANATION = 280;
const PREVIEW = 80;

/**
 * The unit's explanation: in full when short; a long one folded (a phone scrolls past 68 of them)
 * under its beginning, which says what it is about, and opened with a tap — open already when the
 * unit rewrote it since the last round.
 */
function explanationHtml(text: string, changed: boolean): Html {
  const chars = [...text.trim()];
  // Short: on the label's line (as written: its own line breaks kept).
  if (chars.length <= LONG_EXPLANATION)
    return `<div class="ro"><strong>Giải thích:</strong> ${e(text.trim())}</div>`;
  // Cut at a word's end, not inside one.
  const preview = chars
    .slice(0, PREVIEW)
    .join('')
    .replace(/\s+/g, ' ')
    .replace(/\s\S*$/, '');
  return `<details class="unit-part explanation"${changed ? ' open' : ''}><summary><strong>Giải thích</strong> (${e(
    String(chars.length).replace(/\B(?=(\d{3})+(?!\d))/g, '.'),
  )} ký tự)<span class="preview">: ${e(preview)}…</span></summary>${readOnlyText(text)}</details>`;
}

/**
 * The unit's evidence, folded under its count (a criterion without any says so in the open, and
 * its ⚠ flag stays above); open when the unit changed it since the last round, which is what that
 * round's reviewer reads it for.
 */
function evidenceHtml(
  evidence: readonly EvidenceRef[] | undefined,
  downloads: DownloadLinks | undefined,
  changed: boolean,
): Html {
  const all = evidence ?? [];
  if (all.length === 0) return evidenceList(all, downloads);
  const files = all.filter((ref) => ref.file).length;
  const refs = all.length - files;
  const count = [refs ? `${refs} văn bản, đường dẫn` : '', files ? `${files} tệp` : '']
    .filter(Boolean)
    .join(', ');
  return `<details class="unit-part evidence"${changed ? ' open' : ''}><summary><strong>Minh chứng:</strong> ${e(count)}</summary>${evidenceList(all, downloads)}</details>`;
}

function criterionHtml(c: Criterion, ctx: LeafContext): Html {
  if (c.children && c.children.length > 0) {
    return `<h3>${e(c.id)}. ${e(c.name)} <span class="muted">tối đa ${e(formatPoints(c.max))} điểm</span></h3>
${c.children.map((child) => criterionHtml(child, ctx)).join('\n')}`;
  }
  const entry = ctx.report.entries[c.id];
  const before = ctx.previous?.entries[c.id];
  const hasProblem = ctx.problems.has(reviewField.score(c.id)) || ctx.problems.has(reviewField.comment(c.id));
  // data-max and data-self (hundredths): what the page's script needs to total and compare the score.
  return `<div class="leaf${hasProblem ? ' has-problem' : ''}" id="leaf-${e(c.id)}" data-max="${e(c.max)}"${
    entry ? ` data-self="${e(entry.selfScore)}"` : ''
  }>
${unitSide(c, ctx.report, ctx.flagged, before, ctx.downloads, ctx.changes)}
</div><div class="appraise"><div class="score-row">
${textInput({
  name: reviewField.score(c.id),
  label: `Điểm thẩm định (0 – ${formatPoints(c.max)})`,
  value: ctx.value(reviewField.score(c.id), prefillOf(c.id, ctx.report, ctx.previous)),
  problems: ctx.problems,
  inputmode: 'decimal',
  className: 'score',
  maxlength: REVIEW_LIMITS.score,
})}
</div><div>
${textArea({
  name: reviewField.comment(c.id),
  label: 'Nhận xét',
  value: ctx.value(reviewField.comment(c.id), ''),
  problems: ctx.problems,
  maxlength: REVIEW_LIMITS.comment,
  rows: 2,
})}
</div></div></div></div>`;
}

/**
 * `level`: the heading level of the section (the admin's page nests it under the report's h2);
 * `id`: its anchor, where a page's contents link to it.
 */
export function initiativesAndCheck(report: Report, level: 2 | 3 = 2, id?: string): Html {
  const h = `h${level}`;
  const sub = `h${level + 1}`;
  const initiatives = report.initiatives.length
    ? report.initiatives.map(initiativeItem).join('')
    : '<li class="muted">Không có.</li>';
  const check = report.selfCheck;
  const count = (a: boolean[] | undefined) => (a ?? []).filter(Boolean).length;
  const nominations = report.nominations.length
    ? report.nominations
        .map(
          (n) =>
            `<li><strong>${e(n.name)}</strong>${n.position ? `, ${e(n.position)}` : ''} – đề nghị ${e(
              FORM_LABELS[n.form] ?? n.form,
            )}<br>Thành tích: ${e(n.achievements)}<br>Tình trạng: ${e(DISCIPLINE_LABELS[n.status] ?? n.status)}</li>`,
        )
        .join('')
    : '<li class="muted">Không có.</li>';
  return `<section${id ? ` id="${e(id)}"` : ''}><${h}>Sáng kiến, tự kiểm tra 05T/05K, đề nghị khen thưởng</${h}>
<${sub}>Sáng kiến</${sub}><ul>${initiatives}</ul>
<${sub}>Tự kiểm tra 05T/05K</${sub}><p>${
    check
      ? `05T: ${count(check.t05)}/5 nội dung đã thực hiện; 05K: ${count(check.k05)}/5 nội dung đã thực hiện.`
      : 'Chưa tự kiểm tra.'
  }</p>${check?.note ? readOnlyText(check.note) : ''}
<${sub}>Đề nghị khen thưởng cá nhân</${sub}><ul>${nominations}</ul></section>`;
}
