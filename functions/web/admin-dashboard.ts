/**
 * The campaign dashboard: every period of the calendar with its dates, state and progress; and a
 * period's page — units per state, who is waiting on whom since when, the unit table with its
 * filters, sort, search and paging (a GET form, so every view has its own address), and what
 * needs attention. Pure renderers of the view models below.
 */
import { formatDate } from '#domain/calendar';
import type { IsoInstant, Period, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { type AttentionModel, renderAttention } from './admin-attention.ts';
import {
  type AdminFrame,
  adminPage,
  groupTitles,
  linkOr,
  option,
  scrollTable,
  sinceText,
} from './admin-frame.ts';
import {
  countRows,
  LATENESS_LABELS,
  PAGE_SIZES,
  type PeriodState,
  PROGRESS_LABELS,
  PROGRESS_STATES,
  type ProgressCounts,
  type ProgressState,
  queryParams,
  SEARCH_MAX,
  SORT_KEYS,
  type SortKey,
  selectUnitRows,
  type UnitQuery,
  type UnitRow,
} from './admin-progress.ts';
import { adminHref } from './admin-routes.ts';
import { dateTime, e, type Html, periodLabel } from './pages.ts';

export interface CampaignInfo {
  title: string;
  planNumber: string;
  planDate: string;
  phaseStart: string;
  phaseEnd: string;
}

export interface PeriodOverview {
  period: Period;
  state: PeriodState;
  counts: ProgressCounts;
  /** The latest published results version, if any. */
  results?: { version: number; publishedAt: IsoInstant };
}

export interface CampaignDashboardModel {
  frame: AdminFrame;
  campaign: CampaignInfo;
  periods: PeriodOverview[];
  attention: AttentionModel;
}

export interface PeriodProgressModel {
  frame: AdminFrame;
  period: Period;
  state: PeriodState;
  /** Every period, for moving between them. */
  periods: readonly Pick<Period, 'id'>[];
  /** Every unit of the period (the page filters, sorts and pages them). */
  rows: UnitRow[];
  query: UnitQuery;
  /** Query parameters that were not understood and were left out. */
  ignored: string[];
  results?: { version: number };
  attention: AttentionModel;
  groupLabels?: Record<UnitGroup, string>;
}

/** Where a period stands in words: before, during submissions, during review, after. */
export function periodStateText(period: Period, state: PeriodState, now: IsoInstant): string {
  if (state === 'scheduled') return 'Chưa mở';
  if (state === 'closed') return 'Đã kết thúc thẩm định';
  return Date.parse(now) < Date.parse(period.deadlineAt) ? 'Đang nhận báo cáo' : 'Đang thẩm định';
}

/** Reports submitted (whatever happened next) and reports approved, of all units. */
function submittedOf(c: ProgressCounts): number {
  const s = c.byState;
  return s.submitted + s['in-review'] + s.returned + s.explained + s.approved + s['not-appraised'];
}

export function renderCampaignDashboard(m: CampaignDashboardModel): Html {
  const c = m.campaign;
  const rows = m.periods
    .map((p) => {
      const label = periodLabel(p.period.id);
      return `<tr><th scope="row"><a href="${e(adminHref.period(p.period.id))}">${e(label)}</a></th>
<td>${e(formatDate(p.period.start))} – ${e(formatDate(p.period.end))}</td>
<td>${e(dateTime(p.period.deadlineAt))}</td><td>${e(dateTime(p.period.reviewClosesAt))}</td>
<td>${e(periodStateText(p.period, p.state, m.frame.now))}</td>
<td class="num">${p.state === 'scheduled' ? '—' : `${submittedOf(p.counts)}/${p.counts.total}`}</td>
<td class="num">${p.state === 'scheduled' ? '—' : p.counts.byState.approved}</td>
<td class="num">${p.state === 'scheduled' ? '—' : p.counts.late}</td>
<td>${
        p.results
          ? linkOr(adminHref.periodResults(p.period.id, p.results.version), `Phiên bản ${p.results.version}`)
          : 'Chưa công bố'
      }</td></tr>`;
    })
    .join('\n');
  const body = `<h1>Tiến độ phong trào thi đua</h1>
<p><strong>${e(c.title)}</strong></p>
<div class="meta"><span>Kế hoạch số ${e(c.planNumber)} ngày ${e(formatDate(c.planDate))}</span><span>Giai đoạn ${e(
    formatDate(c.phaseStart),
  )} – ${e(formatDate(c.phaseEnd))}</span></div>
<h2>Các kỳ báo cáo</h2>
${scrollTable(
  'Các kỳ báo cáo',
  `<table><caption class="visually-hidden">Các kỳ báo cáo, thời hạn và tiến độ</caption>
<thead><tr><th scope="col">Kỳ</th><th scope="col">Thời gian</th><th scope="col">Hạn nộp</th><th scope="col">Kết thúc thẩm định</th><th scope="col">Trạng thái</th><th scope="col">Đã nộp</th><th scope="col">Đã phê duyệt</th><th scope="col">Nộp muộn, quá hạn</th><th scope="col">Kết quả</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}
${renderAttention(m.attention, m.frame.now)}`;
  return adminPage(m.frame, { title: 'Tiến độ phong trào thi đua', current: 'campaign', body });
}

// ---------------------------------------------------------------- one period

const SORT_LABELS: Record<SortKey, string> = {
  name: 'Tên đơn vị',
  state: 'Trạng thái',
  since: 'Thời gian chờ',
  group: 'Khối',
};

function filterForm(m: PeriodProgressModel, labels: Record<UnitGroup, string>): Html {
  const q = m.query;
  const states = [
    option('', 'Tất cả', !q.state),
    ...PROGRESS_STATES.map((s) => option(s, PROGRESS_LABELS[s], q.state === s)),
    option('late', 'Nộp muộn hoặc quá hạn', q.state === 'late'),
  ].join('');
  const groups = [
    option('', 'Tất cả', !q.group),
    ...UNIT_GROUPS.map((g) => option(g, labels[g], q.group === g)),
  ].join('');
  const sorts = SORT_KEYS.map((k) => option(k, SORT_LABELS[k], q.sort === k)).join('');
  return `<form class="filters" method="get" action="${e(adminHref.period(m.period.id))}" role="search" aria-label="Lọc danh sách đơn vị">
<div><label for="loc-q">Tìm đơn vị, đầu mối, người thẩm định</label><input type="search" id="loc-q" name="q" value="${e(
    q.q ?? '',
  )}" maxlength="${SEARCH_MAX}"></div>
<div><label for="loc-state">Trạng thái</label><select id="loc-state" name="state">${states}</select></div>
<div><label for="loc-group">Khối</label><select id="loc-group" name="group">${groups}</select></div>
<div><label for="loc-sort">Sắp xếp theo</label><select id="loc-sort" name="sort">${sorts}</select></div>
<div><label for="loc-dir">Thứ tự</label><select id="loc-dir" name="dir">${option('asc', 'Tăng dần', q.dir === 'asc')}${option(
    'desc',
    'Giảm dần',
    q.dir === 'desc',
  )}</select></div>
<div><label for="loc-size">Số dòng mỗi trang</label><select id="loc-size" name="size">${PAGE_SIZES.map((n) =>
    option(String(n), String(n), q.size === n),
  ).join('')}</select></div>
<div class="buttons"><button type="submit">Lọc</button><a href="${e(adminHref.period(m.period.id))}">Bỏ lọc</a></div>
</form>`;
}

function hrefWith(m: PeriodProgressModel, change: Partial<UnitQuery>): string {
  const params = queryParams(m.query, change).toString();
  return `${adminHref.period(m.period.id)}${params ? `?${params}` : ''}`;
}

function countsList(m: PeriodProgressModel, counts: ProgressCounts): Html {
  const shown = PROGRESS_STATES.filter((s) => counts.byState[s] > 0);
  const item = (state: ProgressState | 'late', label: string, n: number) =>
    `<li><a href="${e(hrefWith(m, { state, page: 1 }))}">${e(label)}: <strong>${n}</strong></a></li>`;
  return `<ul class="counts">${shown.map((s) => item(s, PROGRESS_LABELS[s], counts.byState[s])).join('')}${
    counts.late > 0 ? item('late', 'Nộp muộn hoặc quá hạn', counts.late) : ''
  }<li>Tổng: <strong>${counts.total}</strong></li></ul>`;
}

/** A column header that sorts by its key: ascending first, then the other way. */
function sortHeader(m: PeriodProgressModel, key: SortKey, label: string): Html {
  const active = m.query.sort === key;
  const dir = active && m.query.dir === 'asc' ? 'desc' : 'asc';
  const aria = active ? ` aria-sort="${m.query.dir === 'asc' ? 'ascending' : 'descending'}"` : '';
  return `<th scope="col"${aria}><a href="${e(hrefWith(m, { sort: key, dir, page: 1 }))}">${e(label)}</a></th>`;
}

function rowActions(m: PeriodProgressModel, r: UnitRow): Html {
  const links = [
    `<a href="${e(adminHref.unitPeriod(r.unitId, m.period.id))}">Báo cáo</a>`,
    `<a href="${e(adminHref.unit(r.unitId))}">Lịch sử</a>`,
  ];
  const open = m.state === 'open';
  if (open && (r.state === 'invited' || r.state === 'draft')) {
    links.push(`<a href="${e(adminHref.remind(m.period.id, r.unitId))}">Nhắc ngay</a>`);
  }
  if (r.reviewerName && ['in-review', 'explained'].includes(r.state)) {
    links.push(`<a href="${e(adminHref.reassign(m.period.id, r.unitId))}">Đổi người thẩm định</a>`);
  }
  return links.join(' · ');
}

function unitTable(
  m: PeriodProgressModel,
  rows: readonly UnitRow[],
  labels: Record<UnitGroup, string>,
): Html {
  const body = rows
    .map((r) => {
      const waiting = r.waitingOn
        ? `${e(r.waitingOn.who)}<br><span class="muted">${e(
            r.waitingOn.party === 'unit'
              ? 'Đơn vị'
              : r.waitingOn.party === 'reviewer'
                ? 'Người thẩm định'
                : 'Hệ thống',
          )}</span>`
        : '<span class="muted">Không chờ ai</span>';
      return `<tr><th scope="row"><a href="${e(adminHref.unit(r.unitId))}">${e(r.unitName)}</a></th><td>${e(
        labels[r.group],
      )}</td><td><span class="badge ${e(r.state)}">${e(PROGRESS_LABELS[r.state])}</span>${
        r.lateness ? ` <span class="flag">${e(LATENESS_LABELS[r.lateness])}</span>` : ''
      }</td><td>${waiting}</td><td>${e(sinceText(r.waitingOn?.since, m.frame.now))}</td><td>${e(r.reviewerName ?? '')}${
        r.round ? ` <span class="muted">(vòng ${e(r.round)})</span>` : ''
      }</td><td>${rowActions(m, r)}</td></tr>`;
    })
    .join('\n');
  return scrollTable(
    'Danh sách đơn vị',
    `<table><caption class="visually-hidden">Từng đơn vị: trạng thái, người đang phải xử lý và từ lúc nào</caption>
<thead><tr>${sortHeader(m, 'name', 'Đơn vị')}${sortHeader(m, 'group', 'Khối')}${sortHeader(
      m,
      'state',
      'Trạng thái',
    )}<th scope="col">Đang chờ</th>${sortHeader(m, 'since', 'Chờ từ')}<th scope="col">Người thẩm định</th><th scope="col">Xem, xử lý</th></tr></thead>
<tbody>${body}</tbody></table>`,
  );
}

function pager(m: PeriodProgressModel, page: number, pages: number): Html {
  if (pages <= 1) return '';
  const near = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages);
  const links = near.map((n) =>
    n === page
      ? `<span class="current" aria-current="page">${n}</span>`
      : `<a href="${e(hrefWith(m, { page: n }))}">${n}</a>`,
  );
  const prev = page > 1 ? `<a href="${e(hrefWith(m, { page: page - 1 }))}" rel="prev">Trang trước</a>` : '';
  const next = page < pages ? `<a href="${e(hrefWith(m, { page: page + 1 }))}" rel="next">Trang sau</a>` : '';
  return `<nav class="pager" aria-label="Phân trang">${prev}${links.join('')}${next}</nav>`;
}

export function renderPeriodProgress(m: PeriodProgressModel): Html {
  const labels = groupTitles(m.groupLabels ?? m.frame.groupLabels);
  const title = `Tiến độ ${periodLabel(m.period.id)}`;
  const counts = countRows(m.rows);
  const page = selectUnitRows(m.rows, m.query);
  const nav = m.periods
    .map((p) =>
      p.id === m.period.id
        ? `<strong aria-current="page">${e(periodLabel(p.id))}</strong>`
        : `<a href="${e(adminHref.period(p.id))}">${e(periodLabel(p.id))}</a>`,
    )
    .join(' · ');
  const shown =
    page.matched === 0
      ? '<p role="status">Không có đơn vị nào phù hợp với bộ lọc.</p>'
      : `<p role="status">Đơn vị ${page.from}–${page.to} trong ${page.matched} đơn vị phù hợp (trang ${page.page}/${page.pages}).</p>`;
  const body = `<h1>${e(title)}</h1>
<div class="meta"><span>${e(formatDate(m.period.start))} – ${e(formatDate(m.period.end))}</span><span>Hạn nộp: <strong>${e(
    dateTime(m.period.deadlineAt),
  )}</strong></span><span>Kết thúc thẩm định: <strong>${e(dateTime(m.period.reviewClosesAt))}</strong></span><span>${e(
    periodStateText(m.period, m.state, m.frame.now),
  )}</span></div>
<p>${m.results ? linkOr(adminHref.periodResults(m.period.id, m.results.version), `Kết quả (phiên bản ${m.results.version})`) : 'Chưa công bố kết quả.'} · <a href="${e(
    adminHref.audit({ periodId: m.period.id }),
  )}">Nhật ký của kỳ</a> · <a href="${e(adminHref.adjustments(m.period.id))}">Khảo sát, điểm thưởng, điểm trừ</a></p>
<nav aria-label="Các kỳ báo cáo"><p class="muted">Các kỳ (kỳ đang xem in đậm): ${nav}</p></nav>
<h2>Số đơn vị theo trạng thái</h2>
${countsList(m, counts)}
<h2>Từng đơn vị</h2>
${m.ignored.length ? `<div class="notice warn" role="status"><p>Một số điều kiện lọc không hợp lệ đã được bỏ qua.</p></div>` : ''}
${filterForm(m, labels)}
${shown}
${page.rows.length ? unitTable(m, page.rows, labels) : ''}
${pager(m, page.page, page.pages)}
${renderAttention(m.attention, m.frame.now)}`;
  return adminPage(m.frame, {
    title,
    current: 'campaign',
    crumbs: [{ label: 'Tiến độ', href: adminHref.home() }, { label: periodLabel(m.period.id) }],
    body,
  });
}
