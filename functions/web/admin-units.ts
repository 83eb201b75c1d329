/**
 * `GET /admin/units`: every unit of the campaign by group, each linked to its history, found by
 * a part of its name or its focal point's typed with or without accents (a province has hundreds
 * of units). Read from the campaign alone: the page costs no table read, whatever the size.
 */
import type { Unit } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { type AdminFrame, adminPage, groupTitles, scrollTable } from './admin-frame.ts';
import { foldForSearch } from './admin-progress.ts';
import { adminHref } from './admin-routes.ts';
import { e, type Html } from './pages.ts';

export interface UnitIndexModel {
  frame: AdminFrame;
  units: readonly Unit[];
  /** What the search box holds (`?q=`); empty: every unit. */
  query: string;
}

/** What the search matches a unit by: its name, id and focal point (name, email). */
export type SearchableUnit = Pick<Unit, 'id' | 'name'> & {
  focalPoint?: Pick<Unit['focalPoint'], 'name' | 'email'>;
};

/**
 * Whether a unit matches what the search box holds: a part of its name, id, focal point's name or
 * email, typed with or without accents, in any case ("ha noi" finds "Hà Nội"). An empty query
 * matches every unit. The units page and the adjustments page search with it.
 */
export function unitMatches(u: SearchableUnit, query: string): boolean {
  const folded = foldForSearch(query.trim());
  return (
    !folded ||
    foldForSearch(`${u.name} ${u.id} ${u.focalPoint?.name ?? ''} ${u.focalPoint?.email ?? ''}`).includes(
      folded,
    )
  );
}

/**
 * The search box of a page of units (`?q=`, matched by `unitMatches`) and what it found: "12/150
 * đơn vị khớp “…”." and, when the page's form posts only those, what happens to the others.
 */
export function unitSearch(s: {
  action: string;
  query: string;
  matched: number;
  total: number;
  /** Said after the count when nothing is searched. */
  unfiltered?: string;
  /** Said after the count of a search. */
  narrowed?: string;
}): Html {
  const query = s.query.trim();
  const count = !query
    ? `<p>${s.total} đơn vị.${s.unfiltered ? ` ${s.unfiltered}` : ''}</p>`
    : s.matched === 0
      ? `<p role="status">Không có đơn vị nào khớp “${e(query)}”.</p>`
      : `<p role="status">${s.matched}/${s.total} đơn vị khớp “${e(query)}”.${s.narrowed ? ` ${s.narrowed}` : ''}</p>`;
  return `<form class="filters" method="get" action="${e(s.action)}" role="search">
<div><label for="q">Tìm theo tên đơn vị hoặc cán bộ đầu mối (gõ có dấu hoặc không)</label>
<input type="search" id="q" name="q" value="${e(query)}" maxlength="100"></div>
<div class="buttons"><button type="submit">Tìm</button>${query ? ` <a href="${e(s.action)}">Xem tất cả</a>` : ''}</div>
</form>
${count}`;
}

/** The order a reader looks for a name in (Vietnamese letters: Đ after D), as the period's table sorts. */
const byName = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

export function renderUnitIndex(m: UnitIndexModel): Html {
  const query = m.query.trim();
  const shown = m.units.filter((u) => unitMatches(u, query)).sort((a, b) => byName.compare(a.name, b.name));
  const titles = groupTitles(m.frame.groupLabels);
  const sections = UNIT_GROUPS.map((group) => {
    const units = shown.filter((u) => u.group === group);
    if (units.length === 0) return '';
    const rows = units
      .map(
        (u) =>
          `<tr><th scope="row"><a href="${e(adminHref.unit(u.id))}">${e(u.name)}</a></th><td>${e(
            u.focalPoint.name,
          )}</td><td>${e(u.focalPoint.email)}</td></tr>`,
      )
      .join('\n');
    return `<h2 id="khoi-${group}">${e(titles[group])} (${units.length})</h2>
${scrollTable(
  `Đơn vị ${titles[group]}`,
  `<table><caption class="visually-hidden">${e(titles[group])}: đơn vị và cán bộ đầu mối</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Cán bộ đầu mối</th><th scope="col">Email</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}`;
  }).join('\n');
  const body = `<h1>Đơn vị</h1>
${unitSearch({
  action: adminHref.units(),
  query,
  matched: shown.length,
  total: m.units.length,
  unfiltered: 'Mở một đơn vị để xem báo cáo, thẩm định và kết quả của từng kỳ.',
})}
${sections}`;
  return adminPage(m.frame, {
    title: 'Đơn vị',
    current: 'units',
    crumbs: [{ label: 'Tiến độ', href: adminHref.home() }, { label: 'Đơn vị' }],
    body,
  });
}
