/**
 * The frame of every page behind a sign-in (the admin's, and a unit's own history): the top
 * navigation, the breadcrumbs, who is signed in until when and the sign-out button, on the common
 * layout of pages.ts with a few more styles. Also the small pieces those pages share: a table that
 * scrolls inside its own box (never the page), numbers and instants as Vietnamese readers write
 * them, and how long someone has been waiting.
 */
import type { Fraction, IsoInstant, UnitGroup } from '#domain/model';
import { GROUP_LABELS } from '#domain/model';
import { formatHundredths, percentHundredths, pointsHundredths } from '#functions/documents/format';
import { adminHref, unitHref } from './admin-routes.ts';
import { dateTime, e, type Html, layout } from './pages.ts';

/**
 * Who is signed in: an admin, a leader (the results pages only, read-only), or a unit's focal
 * point reaching its own history.
 */
export type Viewer =
  | { kind: 'admin'; name: string; email: string; sessionExpiresAt: IsoInstant }
  | { kind: 'leader'; name: string; email: string; sessionExpiresAt: IsoInstant }
  | { kind: 'unit'; unitId: string; unitName: string; email: string; sessionExpiresAt: IsoInstant };

export type NavItem = 'campaign' | 'units' | 'results' | 'audit' | 'commendation';

export interface AdminFrame {
  /** The People's Committee, shown in the top bar. */
  authority: string;
  viewer: Viewer;
  /** The product's time the page is made at (stored times and waiting times are on it). */
  now: IsoInstant;
  /**
   * The machine's real time, which sessions run on. On the local runtime the demo's clock is
   * elsewhere (02/08/2022, say): the session line then says its expiry is real time.
   */
  realNow?: IsoInstant;
  /** The groups' names at the district's level (`groupLabelsFor`): a province's communes are xã, phường. */
  groupLabels?: Record<UnitGroup, string>;
}

export interface Crumb {
  label: string;
  href?: string;
}

const NAV: readonly (readonly [NavItem, string, string])[] = [
  ['campaign', adminHref.home(), 'Tiến độ'],
  ['units', adminHref.units(), 'Đơn vị'],
  ['results', adminHref.results(), 'Kết quả'],
  ['commendation', adminHref.commendation(), 'Khen thưởng'],
  ['audit', adminHref.audit(), 'Nhật ký'],
];

export const ADMIN_CSS = `
.admin-nav{border-bottom:1px solid #d8dee4;margin:-.4rem 0 .8rem}
.admin-nav ul{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
.admin-nav a{display:inline-block;padding:.55rem 0;text-decoration:none;color:#0b5cad;font-weight:600}
.admin-nav a[aria-current=page]{color:#1b1f24;border-bottom:3px solid #8b1a1a}
.crumbs ol{list-style:none;margin:0 0 .4rem;padding:0;display:flex;flex-wrap:wrap;gap:.2rem;font-size:.92rem}
.crumbs li+li::before{content:"›";margin:0 .35rem;color:#57606a}
svg{max-width:100%;height:auto}
.chart{margin:1rem 0}
.chart-narrow{display:none}
@media (max-width:44rem){.chart-wide{display:none}.chart-narrow{display:block}}
.filters{display:grid;gap:.2rem .8rem;grid-template-columns:1fr;align-items:end;border:1px solid #d8dee4;border-radius:.5rem;padding:.4rem .8rem .8rem;margin:1rem 0}
@media (min-width:48rem){.filters{grid-template-columns:repeat(3,1fr)}.filters .buttons{grid-column:1/-1}}
input[type=search],input[type=number]{width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #8c959f;border-radius:.35rem;background:#fff;color:inherit}
.filters .buttons{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:.6rem}
.pager{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;margin:.8rem 0}
.pager a,.pager span.current{display:inline-block;padding:.3rem .6rem;border:1px solid #d8dee4;border-radius:.3rem;text-decoration:none}
.pager span.current{font-weight:700;background:#f6f8fa}
.downloads{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:0;list-style:none}
.downloads a{display:inline-block;padding:.35rem .7rem;border:1px solid #0b5cad;border-radius:.35rem;text-decoration:none}
.session{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.session form{margin:0}
dl.facts{display:grid;grid-template-columns:fit-content(45%) minmax(0,1fr);gap:.2rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.badge.not-reported{background:#f8d7da;color:#842029}.badge.not-appraised{background:#fff3cd;color:#664d03}
.change-up{color:#0f5132}.change-down{color:#842029}
`;

function navHtml(viewer: Viewer, current: NavItem | undefined): Html {
  const items =
    viewer.kind === 'admin'
      ? NAV
      : viewer.kind === 'leader'
        ? NAV.filter(([id]) => id === 'results')
        : ([['campaign', unitHref.history(viewer.unitId), 'Lịch sử của đơn vị']] as const);
  return `<nav class="admin-nav" aria-label="Trang quản trị"><ul>${items
    .map(
      ([id, href, label]) =>
        `<li><a href="${e(href)}"${id === current ? ' aria-current="page"' : ''}>${e(label)}</a></li>`,
    )
    .join('')}</ul></nav>`;
}

function crumbsHtml(crumbs: readonly Crumb[]): Html {
  if (crumbs.length === 0) return '';
  return `<nav class="crumbs" aria-label="Vị trí trang"><ol>${crumbs
    .map((c, i) =>
      c.href && i < crumbs.length - 1
        ? `<li><a href="${e(c.href)}">${e(c.label)}</a></li>`
        : `<li${i === crumbs.length - 1 ? ' aria-current="page"' : ''}>${e(c.label)}</li>`,
    )
    .join('')}</ol></nav>`;
}

function sessionFooter(frame: AdminFrame): Html {
  const { viewer } = frame;
  const who =
    viewer.kind === 'unit' ? `${viewer.unitName} (${viewer.email})` : `${viewer.name} (${viewer.email})`;
  const action = viewer.kind === 'unit' ? '/u/signout' : '/admin/signout';
  const clocksApart =
    frame.realNow !== undefined && Math.abs(Date.parse(frame.realNow) - Date.parse(frame.now)) > 5 * 60_000;
  const expires = `phiên hết hạn lúc ${dateTime(viewer.sessionExpiresAt)}${
    clocksApart ? ` theo giờ thực của máy (đồng hồ mô phỏng của hệ thống đang ở ${dateTime(frame.now)})` : ''
  }`;
  return `<div class="session"><span>Đăng nhập: ${e(who)} · ${e(expires)}</span>
<form method="post" action="${action}"><button type="submit" class="secondary">Đăng xuất</button></form></div>`;
}

/** A page behind a sign-in: navigation, breadcrumbs, the body, and the session line at the foot. */
export function adminPage(
  frame: AdminFrame,
  page: { title: string; current?: NavItem; crumbs?: readonly Crumb[]; body: Html },
): Html {
  return layout({
    title: page.title,
    header: frame.authority,
    styles: ADMIN_CSS,
    footer: sessionFooter(frame),
    body: `${navHtml(frame.viewer, page.current)}\n${crumbsHtml(page.crumbs ?? [])}\n${page.body}`,
  });
}

/**
 * A table that may be wider than a phone: it scrolls inside its own box, which can take the
 * keyboard focus (so it can be scrolled without a mouse) and is named for screen readers.
 */
export function scrollTable(label: string, table: Html): Html {
  return `<div class="table-wrap" role="region" aria-label="${e(label)}" tabindex="0">${table}</div>`;
}

/**
 * A chart in both its layouts (functions/documents/charts.ts): the wide one, and below 44 rem —
 * where the wide one, scaled to the page, would draw its text under 11 px — the narrow one, drawn
 * 1:1 on a phone. The other is display: none, so neither the eye nor a screen reader meets it twice.
 */
export function chartFigure(wide: Html, narrow: Html): Html {
  return `<figure class="chart"><div class="chart-wide">${wide}</div><div class="chart-narrow">${narrow}</div></figure>`;
}

/** "89,99 %" from an exact percentage (rounded half-up for display only). */
export function percentText(percent: Fraction | null): string {
  return percent ? `${formatHundredths(percentHundredths(percent))} %` : '—';
}

/** "89,99" from exact hundredths of a point. */
export function pointsText(total: Fraction | null): string {
  return total ? formatHundredths(pointsHundredths(total)) : '—';
}

/** Percentage points gained or lost, signed: "+2,35", "-1,20", "0,00". */
export function percentPointsText(change: Fraction | null): string {
  return change ? formatHundredths(percentHundredths(change), { signed: true }) : '—';
}

/** How long since `at`, in whole days: "hôm nay", "3 ngày". */
export function waitedFor(at: IsoInstant, now: IsoInstant): string {
  const days = Math.floor((Date.parse(now) - Date.parse(at)) / 86_400_000);
  if (!Number.isFinite(days) || days < 1) return 'dưới 1 ngày';
  return `${days} ngày`;
}

/** An instant and how long ago: "08:00 01/10/2024 (12 ngày)". */
export function sinceText(at: IsoInstant | undefined, now: IsoInstant): string {
  if (!at) return '';
  return `${dateTime(at)} (${waitedFor(at, now)})`;
}

/** Group names as headings and table cells ("Khối cơ quan"), from the district level's labels. */
export function groupTitles(labels: Record<UnitGroup, string> = GROUP_LABELS): Record<UnitGroup, string> {
  const up = (t: string) => t.charAt(0).toLocaleUpperCase('vi') + t.slice(1);
  return { office: up(labels.office), commune: up(labels.commune) };
}

/** One choice of a select. */
export function option(value: string, label: string, selected: boolean): Html {
  return `<option value="${e(value)}"${selected ? ' selected' : ''}>${e(label)}</option>`;
}

/** A link, or its text alone when there is nowhere to go. */
export function linkOr(href: string | undefined, text: string): Html {
  return href ? `<a href="${e(href)}">${e(text)}</a>` : e(text);
}
