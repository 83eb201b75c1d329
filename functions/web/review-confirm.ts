/**
 * The reviewer's second look before a decision is recorded (two presses: functions/web/confirm.ts):
 * the decision page's POST without `confirm=yes` answers this page and writes nothing. It shows what the decision will record —
 * the appraised total beside the self-scored one, every criterion whose score the reviewer
 * changed or commented, the general comment — and carries the form as it was posted, so that
 * *Xác nhận* records exactly that and *Quay lại sửa* reopens the form as it was typed.
 *
 * Why: a decision is recorded once per link and cannot be taken back; one press on the wrong
 * button, or on *Phê duyệt* before the scores were changed, used to be final.
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { Report } from '#domain/model';
import { formatPoints } from '#domain/points';
import { assessedScaleOf } from '#domain/unit-score';
import type { AppraiseDecisionPayload } from '#steps/decisions';
import { confirmationForm } from './confirm.ts';
import { e, type Html, layout, periodLabel, periodMeta, readOnlyText } from './pages.ts';
import type { ReviewDecision, ReviewPageModel } from './review-page.ts';

export interface ConfirmationModel
  extends Pick<ReviewPageModel, 'authority' | 'unit' | 'period' | 'set' | 'round' | 'reviewer' | 'reviewBy'> {
  report: Report;
  decision: ReviewDecision;
  payload: AppraiseDecisionPayload;
  /** The form as posted: carried through, hidden, so the decision recorded is the one reviewed here. */
  form: URLSearchParams;
}

const WHAT_FOLLOWS: Record<ReviewDecision, string> = {
  approve:
    'Báo cáo sẽ được phê duyệt với điểm thẩm định trên; đơn vị được thông báo qua email. Điểm thẩm định là điểm được tính khi xếp loại.',
  return:
    'Báo cáo sẽ được trả lại để đơn vị giải trình; đơn vị nhận email và xem được điểm thẩm định cùng các nhận xét trên. Sau khi đơn vị giải trình, bạn sẽ nhận liên kết thẩm định vòng tiếp theo.',
};

export function renderDecisionConfirmation(m: ConfirmationModel): Html {
  const { leaves } = indexCriteria(m.set);
  const entries = m.payload.appraisal.entries;
  let selfTotal = 0;
  let appraisedTotal = 0;
  const rows: Html[] = [];
  for (const { leaf } of leaves) {
    const self = m.report.entries[leaf.id]?.selfScore;
    const appraised = entries[leaf.id];
    selfTotal += self ?? 0;
    appraisedTotal += appraised?.score ?? 0;
    if (!appraised || (appraised.score === self && !appraised.comment)) continue;
    // data-label: on a phone each row stacks, its cells named (the `stack` table in pages.ts).
    rows.push(
      `<tr><td><strong>${e(leaf.id)}. ${e(leaf.name)}</strong></td><td class="num" data-label="Tự chấm">${
        self === undefined ? 'chưa chấm' : e(formatPoints(self))
      }</td><td class="num" data-label="Thẩm định"><strong>${e(formatPoints(appraised.score))}</strong></td><td data-label="Nhận xét">${
        appraised.comment ? e(appraised.comment) : '<span class="muted">(không có)</span>'
      }</td></tr>`,
    );
  }
  const scale = assessedScaleOf(m.set);
  const survey = scale.max - scale.assessedMax;
  const approve = m.decision === 'approve';
  const title = approve ? 'Xác nhận phê duyệt' : 'Xác nhận trả lại để giải trình';
  const body = `<h1>${title}</h1>
<p><strong>${e(m.unit.name)}</strong></p>
<div class="meta">${periodMeta(m.period, m.reviewBy)}<span>Vòng thẩm định: <strong>${e(m.round)}</strong></span>${
    m.reviewer ? `<span>Người thẩm định: ${e(m.reviewer.name)}</span>` : ''
  }<span class="muted">Báo cáo phiên bản ${e(m.payload.reportVersion)}</span></div>
<div class="notice warn" role="status"><p><strong>Quyết định chưa được ghi nhận.</strong> Hãy kiểm tra lại rồi bấm <strong>${title}</strong>. Sau khi xác nhận, quyết định không thể thay đổi qua liên kết này.</p></div>
<section><h2>Điểm</h2>
<p>Tổng điểm thẩm định: <strong>${e(formatPoints(appraisedTotal))}</strong>/${e(
    formatPoints(scale.assessedMax),
  )} điểm; đơn vị tự chấm: ${e(formatPoints(selfTotal))}/${e(formatPoints(scale.assessedMax))} điểm${survey > 0 ? ` (chưa kể ${e(formatPoints(survey))} điểm khảo sát)` : ''}.</p>
${
  rows.length
    ? `<h3>Tiêu chí có điểm thẩm định khác điểm tự chấm hoặc có nhận xét: ${rows.length}</h3>
<div class="table-wrap"><table class="stack"><thead><tr><th scope="col">Tiêu chí</th><th scope="col" class="num">Tự chấm</th><th scope="col" class="num">Thẩm định</th><th scope="col">Nhận xét</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`
    : '<p>Điểm thẩm định của mọi tiêu chí bằng điểm đơn vị tự chấm; không có nhận xét ở tiêu chí nào.</p>'
}
</section>
<section><h2>Nhận xét chung</h2>${readOnlyText(m.payload.generalComment)}</section>
<p>${WHAT_FOLLOWS[m.decision]}</p>
${confirmationForm(m.form, title, approve ? 'approve' : 'danger')}`;
  return layout({
    title: `${title} – ${m.unit.name}, ${periodLabel(m.period.id)}`,
    header: m.authority,
    body,
  });
}
