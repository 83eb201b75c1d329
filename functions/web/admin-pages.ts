/**
 * The admin's pages: the sign-in form (an emailed, signed, single-use link), the page that link
 * opens (a button: a GET never signs anyone in), and a period's status (per unit: invited, draft,
 * submitted, in review, returned, explained, approved, with the reviewer; counts per status) with
 * what needs the admin's attention: decisions whose workflow was gone when delivered, and emails
 * whose delivery failed or is ambiguous (DESIGN.md, "Approval by email link" and "Email").
 */

import type { Unit } from '#domain/model';
import { GROUP_LABELS } from '#domain/model';
import type { Actor } from '#ports/actor';
import type { StoredPeriod } from '#ports/campaigns';
import { scrubString } from '#ports/log';
import type { OutboxRecord } from '#ports/outbox';
import type { ReportStatus } from '#ports/reports';
import type { Approval, ApprovalKind } from '#ports/reviews';
import type { AdminSession } from '#ports/sessions';
import type { FieldProblem } from './http.ts';
import {
  DECISION_LABELS,
  dateTime,
  e,
  type Html,
  layout,
  type ProblemMap,
  periodLabel,
  periodMeta,
  problemMap,
  REPORT_STATUS_LABELS,
  statusBadge,
  textInput,
} from './pages.ts';

export function renderSignInForm(m: { authority?: string; email?: string; problems?: FieldProblem[] }): Html {
  const problems: ProblemMap = problemMap(m.problems ?? []);
  return layout({
    title: 'Đăng nhập quản trị',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Đăng nhập quản trị</h1>
<p>Nhập địa chỉ email công vụ của cán bộ quản trị (Phòng Nội vụ). Hệ thống gửi một liên kết đăng nhập dùng một lần, có hiệu lực 15 phút.</p>
<form method="post" action="/admin/signin" novalidate>
${textInput({ name: 'email', label: 'Email', type: 'email', inputmode: 'email', value: m.email ?? '', problems, autocomplete: 'email', required: true, maxlength: 254 })}
<div class="actions"><button type="submit">Gửi liên kết đăng nhập</button></div>
</form>`,
  });
}

/** The same page whatever the address: nobody can learn who is an admin. */
export function renderSignInSent(m: { authority?: string }): Html {
  return layout({
    title: 'Kiểm tra hộp thư',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Kiểm tra hộp thư</h1>
<div class="notice ok" role="status"><p>Nếu địa chỉ vừa nhập thuộc danh sách cán bộ quản trị, một email chứa liên kết đăng nhập đã được gửi tới địa chỉ đó. Liên kết dùng một lần và hết hạn sau 15 phút.</p></div>
<p class="muted">(If this address belongs to an administrator, a sign-in link valid for 15 minutes has been sent to it.)</p>
<p><a href="/admin">Quay lại trang đăng nhập</a></p>`,
  });
}

export function renderSessionConfirm(m: { authority?: string; name?: string; expiresAt: string }): Html {
  return layout({
    title: 'Xác nhận đăng nhập',
    ...(m.authority ? { header: m.authority } : {}),
    body: `<h1>Xác nhận đăng nhập</h1>
<p>${m.name ? `Chào ${e(m.name)}. ` : ''}Bấm nút dưới đây để đăng nhập vào trang quản trị. Liên kết dùng một lần, hết hạn lúc ${e(dateTime(m.expiresAt))}.</p>
<form method="post" action=""><div class="actions"><button type="submit">Đăng nhập</button></div></form>`,
  });
}

export type UnitState = ReportStatus | 'invited' | 'not-invited';

export const UNIT_STATE_ORDER: readonly UnitState[] = [
  'not-invited',
  'invited',
  'draft',
  'submitted',
  'in-review',
  'returned',
  'explained',
  'approved',
];

export const UNIT_STATE_LABELS: Record<UnitState, string> = {
  'not-invited': 'Chưa mời',
  invited: 'Đã mời, chưa lập báo cáo',
  ...REPORT_STATUS_LABELS,
};

export interface UnitStatusRow {
  unit: Unit;
  state: UnitState;
  reviewerName?: string;
  updatedAt?: string;
  late?: boolean;
}

export function renderPeriodStatus(m: {
  authority: string;
  period: StoredPeriod;
  periods: StoredPeriod[];
  rows: UnitStatusRow[];
  session: AdminSession;
  attention?: Attention;
}): Html {
  const counts = new Map<UnitState, number>();
  for (const r of m.rows) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  const periodNav = m.periods
    .map((p) =>
      p.period.id === m.period.period.id
        ? `<strong>${e(periodLabel(p.period.id))}</strong>`
        : `<a href="/admin/periods/${encodeURIComponent(p.period.id)}">${e(periodLabel(p.period.id))}</a>`,
    )
    .join(' · ');
  const periodStatus = { scheduled: 'Chưa mở', open: 'Đang mở', closed: 'Đã đóng' }[m.period.status];
  return layout({
    title: `Tình hình báo cáo ${periodLabel(m.period.period.id)}`,
    header: m.authority,
    body: `<h1>Tình hình báo cáo – ${e(periodLabel(m.period.period.id))}</h1>
<div class="meta">${periodMeta(m.period.period)}<span>Kỳ: ${e(periodStatus)}</span><span>Hạn thẩm định: ${e(dateTime(m.period.period.reviewClosesAt))}</span></div>
<nav aria-label="Các kỳ báo cáo"><p class="muted">Kỳ khác: ${periodNav}</p></nav>
<h2>Số đơn vị theo trạng thái</h2>
<ul class="counts">${UNIT_STATE_ORDER.filter((s) => counts.has(s))
      .map((s) => `<li>${statusBadge(s, UNIT_STATE_LABELS[s])} <strong>${counts.get(s)}</strong></li>`)
      .join('')}<li>Tổng: <strong>${m.rows.length}</strong></li></ul>
<h2>Từng đơn vị</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Khối</th><th scope="col">Trạng thái</th><th scope="col">Người thẩm định</th><th scope="col">Cập nhật</th></tr></thead>
<tbody>${m.rows
      .map(
        (r) =>
          `<tr><td>${e(r.unit.name)}</td><td>${e(GROUP_LABELS[r.unit.group])}</td><td>${statusBadge(r.state, UNIT_STATE_LABELS[r.state])}${
            r.late ? ' <span class="flag">Nộp muộn</span>' : ''
          }</td><td>${e(r.reviewerName ?? '')}</td><td>${e(dateTime(r.updatedAt))}</td></tr>`,
      )
      .join('')}</tbody>
</table></div>
${renderAttention(m.attention ?? { taskGone: [], mail: [], unitNames: new Map() })}
<p class="muted">Đăng nhập: ${e(m.session.email)} · phiên hết hạn lúc ${e(dateTime(m.session.expiresAt))}</p>
<form method="post" action="/admin/signout"><button type="submit" class="secondary">Đăng xuất</button></form>`,
  });
}

// ---------------------------------------------------------------- needs attention

/** What the admin should look at (read-only: the page changes nothing). */
export interface Attention {
  /** Decisions recorded whose workflow was gone when delivered (`task-gone`). */
  taskGone: Approval[];
  /** Emails whose delivery failed or is ambiguous, newest first. */
  mail: OutboxRecord[];
  /** Unit id → name, for the decisions. */
  unitNames: ReadonlyMap<string, string>;
}

export const APPROVAL_KIND_LABELS: Record<ApprovalKind, string> = {
  appraise: 'Thẩm định (appraisal)',
  explain: 'Giải trình (explanation)',
  vote: 'Bỏ phiếu (vote)',
  signin: 'Đăng nhập (sign-in)',
  report: 'Báo cáo (report)',
};

const ACTOR_LABELS: Record<Actor['kind'], string> = {
  unit: 'Đơn vị',
  reviewer: 'Người thẩm định',
  council: 'Thành viên hội đồng',
  admin: 'Quản trị',
  leadership: 'Lãnh đạo',
  system: 'Hệ thống',
};

const MAIL_STATUS_LABELS: Partial<Record<OutboxRecord['status'], string>> = {
  failed: 'Gửi thất bại (failed)',
  ambiguous: 'Không rõ đã gửi hay chưa (ambiguous)',
};

/** Error text as recorded, scrubbed of anything token-like and cut short. */
function errorText(error: string | undefined): string {
  return scrubString(error ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function actorText(actor: Actor | undefined): string {
  if (!actor) return '';
  return `${ACTOR_LABELS[actor.kind] ?? actor.kind}: ${actor.email ?? actor.id}`;
}

export function renderAttention(a: Attention): Html {
  const heading = '<h2>Cần chú ý <span class="muted">(needs attention)</span></h2>';
  if (a.taskGone.length === 0 && a.mail.length === 0) {
    return `${heading}
<div class="notice ok" role="status"><p>Không có gì cần chú ý (nothing needs attention).</p></div>`;
  }
  const gone =
    a.taskGone.length === 0
      ? '<p class="muted">Không có. (None.)</p>'
      : `<div class="table-wrap"><table>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Kỳ</th><th scope="col">Loại</th><th scope="col">Vòng</th><th scope="col">Quyết định</th><th scope="col">Người quyết định</th><th scope="col">Lúc</th><th scope="col">Lỗi</th></tr></thead>
<tbody>${a.taskGone
          .map((x) => {
            const unit = x.unitId ? (a.unitNames.get(x.unitId) ?? x.unitId) : '';
            const period = x.periodId ? periodLabel(x.periodId) : '';
            const action = x.decision ? (DECISION_LABELS[x.decision.action] ?? x.decision.action) : '';
            return `<tr><td>${e(unit)}</td><td>${e(period)}</td><td>${e(APPROVAL_KIND_LABELS[x.kind] ?? x.kind)}</td><td>${e(
              x.round === undefined ? '' : String(x.round),
            )}</td><td>${e(action)}</td><td>${e(actorText(x.decidedBy))}</td><td>${e(dateTime(x.decidedAt))}</td><td>${e(
              errorText(x.lastError),
            )}</td></tr>`;
          })
          .join('')}</tbody>
</table></div>`;
  const mail =
    a.mail.length === 0
      ? '<p class="muted">Không có. (None.)</p>'
      : `<div class="table-wrap"><table>
<thead><tr><th scope="col">Người nhận</th><th scope="col">Tiêu đề</th><th scope="col">Trạng thái</th><th scope="col">Lúc</th><th scope="col">Lỗi</th></tr></thead>
<tbody>${a.mail
          .map(
            (r) =>
              `<tr><td>${e(r.to)}</td><td>${e(r.subject)}</td><td><span class="flag">${e(
                MAIL_STATUS_LABELS[r.status] ?? r.status,
              )}</span></td><td>${e(dateTime(r.claimedAt))}</td><td>${e(errorText(r.lastError))}</td></tr>`,
          )
          .join('')}</tbody>
</table></div>`;
  return `${heading}
<h3>Quyết định đã ghi nhận nhưng quy trình không còn chờ <span class="muted">(decisions recorded, workflow gone)</span></h3>
<p class="muted">Quyết định đã được lưu nhưng không chuyển được cho quy trình (hết hạn hoặc không còn tồn tại); cần xử lý thủ công. (The decision is kept but its workflow task was gone; handle it by hand.)</p>
${gone}
<h3>Email gửi thất bại hoặc không rõ kết quả <span class="muted">(emails failed or ambiguous)</span></h3>
<p class="muted">Mới nhất trước, tối đa 50. Email không rõ kết quả không được tự động gửi lại. (Newest first, at most 50; an ambiguous email is never re-sent by guess.)</p>
${mail}`;
}
