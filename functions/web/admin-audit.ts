/**
 * The audit trail page: every decision and admin action, newest first, for a period, the entries
 * of no period (sign-ins, commendation), a unit or a unit-period; who, when, in which role,
 * through which link or session, what; paged by the storage's cursor, and exportable as CSV
 * (functions/documents/audit.ts).
 */
import { AUDIT_ROLE_LABELS, type AuditRow, auditActionText, auditViaText } from '#functions/documents/audit';
import { type AdminFrame, adminPage, option, scrollTable } from './admin-frame.ts';
import { type AuditFilter, adminHref, CAMPAIGN_AUDIT } from './admin-routes.ts';
import { dateTime, e, type Html, periodLabel } from './pages.ts';

/** The unit list in the order a reader looks for a name (Vietnamese letters: Đ after D), as the period's table sorts. */
const byName = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export interface AuditPageModel {
  frame: AdminFrame;
  /** A period, `chung` (entries of no period), a unit, or a unit and a period. */
  filter: AuditFilter;
  /** For the filter's choices. */
  periods: readonly { id: string }[];
  units: readonly { id: string; name: string }[];
  /** This page of entries, newest first. */
  rows: AuditRow[];
  /** The next (older) page, when there is one: the storage's cursor in the address. */
  olderHref?: string;
  /** Back to the newest entries, when this is not the first page. */
  newestHref?: string;
}

function scopeText(m: AuditPageModel): string {
  const unit = m.filter.unitId
    ? (m.units.find((u) => u.id === m.filter.unitId)?.name ?? m.filter.unitId)
    : undefined;
  const period =
    m.filter.periodId === CAMPAIGN_AUDIT
      ? 'chung'
      : m.filter.periodId
        ? periodLabel(m.filter.periodId)
        : undefined;
  if (unit && period) return `${unit}, ${period}`;
  return unit ?? period ?? 'chung';
}

/** The role and address under the name; nothing where they would repeat it ("Hệ thống"). */
function whoDetail(r: AuditRow): Html {
  const role = AUDIT_ROLE_LABELS[r.who.role];
  const parts = [...(role === r.who.name ? [] : [role]), ...(r.who.email ? [r.who.email] : [])];
  return parts.length ? `<br><span class="muted">${e(parts.join(', '))}</span>` : '';
}

export function renderAuditPage(m: AuditPageModel): Html {
  const rows = m.rows
    .map(
      (r) =>
        `<tr><td>${e(dateTime(r.at, true))}</td><td>${e(r.who.name)}${whoDetail(r)}</td><td>${e(auditViaText(r.via))}${r.ip ? `<br><span class="muted">IP ${e(r.ip)}</span>` : ''}</td><td>${e(
          auditActionText(r.action),
        )}</td><td>${
          r.unitId ? `<a href="${e(adminHref.unit(r.unitId))}">${e(r.unitName ?? r.unitId)}</a>` : ''
        }</td><td>${e(r.periodId ? periodLabel(r.periodId) : '')}</td><td>${e(r.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  const title = `Nhật ký – ${scopeText(m)}`;
  const body = `<h1>${e(title)}</h1>
<form class="filters" method="get" action="${e(adminHref.audit())}" aria-label="Chọn phạm vi nhật ký">
<div><label for="nk-period">Kỳ báo cáo</label><select id="nk-period" name="period">${[
    // Every period at once is a unit's listing; the district's is read a period at a time.
    ...(m.filter.unitId ? [option('', 'Tất cả các kỳ', !m.filter.periodId)] : []),
    ...m.periods.map((p) => option(p.id, periodLabel(p.id), p.id === m.filter.periodId)),
    ...(m.filter.unitId
      ? []
      : [option(CAMPAIGN_AUDIT, 'Chung (đăng nhập, khen thưởng)', m.filter.periodId === CAMPAIGN_AUDIT)]),
  ].join('')}</select></div>
<div><label for="nk-unit">Đơn vị</label><select id="nk-unit" name="unit">${[
    option('', 'Tất cả', !m.filter.unitId),
    ...[...m.units]
      .sort((a, b) => byName.compare(a.name, b.name))
      .map((u) => option(u.id, u.name, u.id === m.filter.unitId)),
  ].join('')}</select></div>
<div class="buttons"><button type="submit">Xem</button><a href="${e(adminHref.auditCsv(m.filter))}">Tải về CSV</a></div>
</form>
${
  m.rows.length === 0
    ? '<p role="status">Chưa có mục nào trong nhật ký.</p>'
    : scrollTable(
        'Nhật ký',
        `<table><caption class="visually-hidden">Nhật ký quyết định và thao tác quản trị, mới nhất trước</caption>
<thead><tr><th scope="col">Thời điểm</th><th scope="col">Người thực hiện</th><th scope="col">Cách thực hiện</th><th scope="col">Hành động</th><th scope="col">Đơn vị</th><th scope="col">Kỳ</th><th scope="col">Chi tiết</th></tr></thead>
<tbody>${rows}</tbody></table>`,
      )
}
${
  m.olderHref || m.newestHref
    ? `<nav class="pager" aria-label="Phân trang">${m.newestHref ? `<a href="${e(m.newestHref)}">Mới nhất</a>` : ''}${
        m.olderHref ? `<a href="${e(m.olderHref)}" rel="next">Cũ hơn</a>` : ''
      }</nav>`
    : ''
}`;
  return adminPage(m.frame, { title, current: 'audit', body });
}
