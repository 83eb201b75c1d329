/**
 * *Cần chú ý*: what the admin must look at, on the dashboard and on each period's page — reviews
 * waiting too long (with the way to hand them to someone else), decisions recorded whose workflow
 * was gone, and emails that failed or may not have gone out. Read-only: every action it offers is
 * a link to that action's own confirmation page, but for the one-click re-send of an ambiguous mail.
 */
import { scrubString } from '#ports/log';
import { linkOr, scrollTable, sinceText } from './admin-frame.ts';
import { dateTime, e, type Html, periodLabel } from './pages.ts';
import { newWriteId } from './write-id.ts';

export type DecisionKind = 'appraise' | 'explain' | 'vote' | 'signin' | 'report';

export const DECISION_KIND_LABELS: Record<DecisionKind, string> = {
  appraise: 'Thẩm định',
  explain: 'Giải trình',
  vote: 'Bỏ phiếu',
  signin: 'Đăng nhập',
  report: 'Báo cáo',
};

/** A review whose reviewer has not answered within the waiting time (the admins were told). */
export interface OverdueReview {
  unitName: string;
  periodId: string;
  reviewerName: string;
  round: number;
  /** Since when the reviewer has had it. */
  since: string;
  /**
   * When the period's review closes. Before it the review is only late in answering, as the
   * escalation letter says (*Chưa có kết quả thẩm định*); from it, it is overdue (*Quá hạn*).
   */
  reviewClosesAt?: string;
  /** The reassignment page of this unit-period. */
  reassignHref: string;
}

/** A decision recorded whose waiting workflow task was gone when it was delivered. */
export interface GoneDecision {
  unitName?: string;
  periodId?: string;
  kind: DecisionKind;
  round?: number;
  /** The decision in words ("Phê duyệt"). */
  decision?: string;
  decidedBy?: string;
  decidedAt?: string;
  error?: string;
  /** Where to restart the review, when the decision belongs to one. */
  restartHref?: string;
}

export interface MailProblem {
  to: string;
  subject: string;
  status: 'failed' | 'ambiguous';
  at: string;
  error?: string;
  /** An ambiguous mail's outbox key: the admin may re-send it (functions/http/admin-resend.ts). */
  resendKey?: string;
}

export interface AttentionModel {
  overdue: OverdueReview[];
  gone: GoneDecision[];
  /** Newest first, at most `mailLimit`. */
  mail: MailProblem[];
  mailLimit: number;
}

/** Reviews still unanswered after the admins were told (not "overdue": the review may still run). */
const SILENT_REVIEWS = 'Thẩm định chưa có kết quả';

const MAIL_STATUS: Record<MailProblem['status'], string> = {
  failed: 'Gửi thất bại',
  ambiguous: 'Không rõ đã gửi hay chưa',
};

/** Error text as recorded, scrubbed of anything token-like and cut short. */
function errorText(error: string | undefined): string {
  return scrubString(error ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** Where a silent review stands, in the words of the escalation letter the admins had. */
function reviewStanding(r: OverdueReview, now: string): string {
  if (!r.reviewClosesAt) return 'Chưa có kết quả';
  return Date.parse(now) >= Date.parse(r.reviewClosesAt)
    ? `Quá hạn thẩm định (thời gian thẩm định của kỳ đã kết thúc lúc ${dateTime(r.reviewClosesAt)})`
    : `Chưa có kết quả (thời gian thẩm định của kỳ còn đến ${dateTime(r.reviewClosesAt)})`;
}

function overdueTable(rows: readonly OverdueReview[], now: string): Html {
  return scrollTable(
    SILENT_REVIEWS,
    `<table><caption class="visually-hidden">${e(SILENT_REVIEWS)}</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Kỳ</th><th scope="col">Người thẩm định</th><th scope="col">Vòng</th><th scope="col">Chờ từ</th><th scope="col">Tình trạng</th><th scope="col">Việc cần làm</th></tr></thead>
<tbody>${rows
      .map(
        (r) =>
          `<tr><td>${e(r.unitName)}</td><td>${e(periodLabel(r.periodId))}</td><td>${e(r.reviewerName)}</td><td class="num">${e(
            r.round,
          )}</td><td>${e(sinceText(r.since, now))}</td><td>${e(reviewStanding(r, now))}</td><td><a href="${e(
            r.reassignHref,
          )}">Đổi người thẩm định</a></td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
}

function goneTable(rows: readonly GoneDecision[]): Html {
  return scrollTable(
    'Quyết định đã ghi nhận nhưng quy trình không còn chờ',
    `<table><caption class="visually-hidden">Quyết định đã ghi nhận nhưng quy trình không còn chờ</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Kỳ</th><th scope="col">Loại</th><th scope="col">Vòng</th><th scope="col">Quyết định</th><th scope="col">Người quyết định</th><th scope="col">Lúc</th><th scope="col">Lỗi</th><th scope="col">Việc cần làm</th></tr></thead>
<tbody>${rows
      .map(
        (r) =>
          `<tr><td>${e(r.unitName ?? '')}</td><td>${e(r.periodId ? periodLabel(r.periodId) : '')}</td><td>${e(
            DECISION_KIND_LABELS[r.kind],
          )}</td><td class="num">${e(r.round ?? '')}</td><td>${e(r.decision ?? '')}</td><td>${e(
            r.decidedBy ?? '',
          )}</td><td>${e(dateTime(r.decidedAt))}</td><td>${e(errorText(r.error))}</td><td>${
            r.restartHref ? linkOr(r.restartHref, 'Khởi động lại thẩm định') : ''
          }</td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
}

/**
 * One click re-sends an ambiguous mail: the person may or may not have it, so only the admin
 * decides. The write id makes a retried POST answer as the first did.
 */
function resendForm(key: string): Html {
  return `<form method="post" action="/admin/mail/resend" class="inline"><input type="hidden" name="key" value="${e(
    key,
  )}"><input type="hidden" name="writeId" value="${e(newWriteId())}"><button type="submit">Gửi lại</button></form>`;
}

function mailTable(rows: readonly MailProblem[]): Html {
  return scrollTable(
    'Email gửi thất bại hoặc không rõ kết quả',
    `<table><caption class="visually-hidden">Email gửi thất bại hoặc không rõ kết quả</caption>
<thead><tr><th scope="col">Người nhận</th><th scope="col">Tiêu đề</th><th scope="col">Trạng thái</th><th scope="col">Lúc</th><th scope="col">Lỗi</th><th scope="col">Việc cần làm</th></tr></thead>
<tbody>${rows
      .map(
        (r) =>
          `<tr><td>${e(r.to)}</td><td>${e(r.subject)}</td><td><span class="flag">${e(MAIL_STATUS[r.status])}</span></td><td>${e(
            dateTime(r.at),
          )}</td><td>${e(errorText(r.error))}</td><td>${r.resendKey ? resendForm(r.resendKey) : ''}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
}

/** The section, with a heading at the given level (2 on a page of its own, 3 inside a period). */
export function renderAttention(a: AttentionModel, now: string, level: 2 | 3 = 2): Html {
  const h = `h${level}`;
  const sub = `h${level + 1}`;
  const heading = `<${h} id="can-chu-y">Cần chú ý</${h}>`;
  if (a.overdue.length + a.gone.length + a.mail.length === 0) {
    return `<section aria-labelledby="can-chu-y">${heading}
<div class="notice ok" role="status"><p>Không có việc gì cần chú ý.</p></div></section>`;
  }
  const part = (title: string, rows: readonly unknown[], hint: string, table: () => Html) =>
    rows.length === 0
      ? ''
      : `<${sub}>${e(title)} (${rows.length})</${sub}>\n<p class="muted">${e(hint)}</p>\n${table()}`;
  return `<section aria-labelledby="can-chu-y">${heading}
${part(
  SILENT_REVIEWS,
  a.overdue,
  'Người thẩm định chưa trả lời sau thời gian chờ, quản trị đã được báo qua email; có thể giao cho người khác, liên kết cũ sẽ hết hiệu lực.',
  () => overdueTable(a.overdue, now),
)}
${part(
  'Quyết định đã ghi nhận nhưng quy trình không còn chờ',
  a.gone,
  'Quyết định đã được lưu nhưng không chuyển được cho quy trình (hết hạn hoặc không còn tồn tại); cần xử lý thủ công.',
  () => goneTable(a.gone),
)}
${part(
  'Email gửi thất bại hoặc không rõ kết quả',
  a.mail,
  `Mới nhất trước, tối đa ${a.mailLimit}. Email không rõ kết quả không được tự động gửi lại.`,
  () => mailTable(a.mail),
)}
</section>`;
}
