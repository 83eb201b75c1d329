/**
 * The reviewer's link once its decision is recorded: the report and the decision, read-only, in
 * place of a refusal — a reviewer who opens the link again can still read what was appraised.
 * A pure function of its view model; nothing on it can decide anything.
 */
import type { Appraisal, Criterion } from '#domain/model';
import { formatPoints } from '#domain/points';
import { missingEvidence } from '#domain/report';
import { DECISION_LABELS, dateTime, e, type Html, layout, periodLabel, readOnlyText } from './pages.ts';
import {
  initiativesAndCheck,
  REVIEW_CSS,
  type ReviewHeadModel,
  reviewAreas,
  reviewHead,
  unitSide,
} from './review-page.ts';

export interface DecidedReview {
  /** What was decided: `approve` or `return`. */
  action: string;
  decidedAt?: string;
  /** Who decided, as shown (the reviewer's name). */
  decidedBy?: string;
  /** The appraisal the decision carries. */
  appraisal?: Pick<Appraisal, 'entries'>;
  generalComment?: string;
}

export interface DecidedReviewModel extends ReviewHeadModel {
  authority: string;
  decision: DecidedReview;
  /** What happened since, when known (e.g. the unit's explanation awaited, the review over). */
  after?: string;
}

function decisionNotice(d: DecidedReview, after: string | undefined): Html {
  const label = DECISION_LABELS[d.action] ?? d.action;
  const when = d.decidedAt ? ` lúc ${dateTime(d.decidedAt)}` : '';
  const who = d.decidedBy ? `, bởi ${d.decidedBy}` : '';
  return `<div class="notice info" role="status"><h2>Đã có quyết định: ${e(label)}</h2>
<p>${e(`Quyết định được ghi nhận${when}${who}. Liên kết này chỉ còn để xem lại báo cáo và quyết định; không thay đổi được nữa.`)}</p>
${after ? `<p>${e(after)}</p>` : ''}</div>`;
}

function appraisedLeaf(c: Criterion, m: DecidedReviewModel, flagged: ReadonlySet<string>): Html {
  if (c.children && c.children.length > 0) {
    return `<h3>${e(c.id)}. ${e(c.name)} <span class="muted">tối đa ${e(formatPoints(c.max))} điểm</span></h3>
${c.children.map((child) => appraisedLeaf(child, m, flagged)).join('\n')}`;
  }
  const before = m.rounds.at(-1)?.appraisal?.appraisal.entries[c.id];
  const given = m.decision.appraisal?.entries[c.id];
  return `<div class="leaf" id="leaf-${e(c.id)}">
${unitSide(c, m.stored.report, flagged, before, m.downloads)}
</div><div class="appraised">
<p><strong>Điểm thẩm định: ${given ? e(formatPoints(given.score)) : 'không có'}</strong> / ${e(formatPoints(c.max))}</p>
${given?.comment ? `<p>Nhận xét: ${e(given.comment)}</p>` : ''}
</div></div></div>`;
}

export function renderDecidedReviewPage(m: DecidedReviewModel): Html {
  const flagged = new Set(missingEvidence(m.stored.report, m.set));
  const body = `${reviewHead(m, decisionNotice(m.decision, m.after), true)}
${reviewAreas(m.set, (c) => appraisedLeaf(c, m, flagged))}
${initiativesAndCheck(m.stored.report)}
<section><h2>Kết luận</h2>
<p>Quyết định: <strong>${e(DECISION_LABELS[m.decision.action] ?? m.decision.action)}</strong></p>
${m.decision.generalComment ? `<p><strong>Nhận xét chung:</strong></p>${readOnlyText(m.decision.generalComment)}` : ''}
</section>`;
  return layout({
    title: `Thẩm định ${periodLabel(m.period.id)} – ${m.unit.name}: đã có quyết định`,
    header: m.authority,
    body,
    styles: REVIEW_CSS,
  });
}
