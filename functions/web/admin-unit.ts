/**
 * A unit's history, readable long after the emailed links expired: every period with its state,
 * review rounds and result, the trend across periods; and one period in full — the report as
 * submitted (read-only), the reviewer's score and comment beside each criterion, the rounds of
 * explanation, the recorded survey, bonus and penalty, and the result. The same pages serve the
 * admin and the unit's own focal point (signed in by a fresh emailed link), who sees no actions.
 * Also the page where a focal point asks for that link.
 */
import { formatDate } from '#domain/calendar';
import type { CriteriaSet, Criterion, Period, Points, Report, Unit, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { BandThreshold } from '#domain/ranking';
import type { UnitPeriodResult } from '#domain/scoring';
import { assessedScaleOf } from '#domain/unit-score';
import { type TrendPoint, unitTrendSvg } from '#functions/documents/charts';
import { assessedOfMax, rescaledText } from '#functions/documents/format';
import {
  type AdminFrame,
  adminPage,
  type Crumb,
  chartFigure,
  groupTitles,
  percentText,
  pointsText,
  scrollTable,
} from './admin-frame.ts';
import { LATENESS_LABELS, type Lateness, PROGRESS_LABELS, type ProgressState } from './admin-progress.ts';
import { adminHref, unitHref } from './admin-routes.ts';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  type Html,
  layout,
  periodLabel,
  problemMap,
  problemSummary,
  readOnlyText,
  textInput,
} from './pages.ts';
import { evidenceList } from './report-page.ts';
import { formProgress, selfTotalText } from './report-progress.ts';
import { initiativesAndCheck } from './review-page.ts';

export type UnitInfo = Pick<Unit, 'id' | 'name' | 'group' | 'focalPoint'>;

/** A unit-period's result line as published, with the version it comes from. */
export interface PublishedLine {
  version: number;
  line: UnitPeriodResult;
  /**
   * Ranked units of the group, for "hạng 3/12": the denominator the unit's results email and
   * page give (a unit not yet appraised has no rank and is not counted).
   */
  rankedInGroup: number;
}

export interface UnitPeriodSummary {
  period: Period;
  state: ProgressState;
  lateness?: Lateness;
  /** The admin's view only: who appraises a unit is the Phòng Nội vụ's to tell (README). */
  reviewerName?: string;
  /** Review rounds so far. */
  rounds: number;
  result?: PublishedLine;
}

export interface UnitHistoryModel {
  frame: AdminFrame;
  unit: UnitInfo;
  groupLabels?: Record<UnitGroup, string>;
  /** Every period that has opened, in calendar order. */
  periods: UnitPeriodSummary[];
  /** The unit's percentage per published period (trendFrom), for the chart. */
  trend: TrendPoint[];
  /** The district's band thresholds (the chart's lines), when not DOMAIN.md's. */
  bands?: readonly BandThreshold[];
}

/** One round of review: the reviewer's decision, and the unit's explanation answering a return. */
export interface ReviewRoundView {
  round: number;
  /** The admin's view only (see UnitPeriodSummary). */
  reviewerName?: string;
  decision?: 'approve' | 'return';
  decidedAt?: string;
  generalComment?: string;
  explanation?: string;
  explainedAt?: string;
}

export interface UnitPeriodModel {
  frame: AdminFrame;
  unit: UnitInfo;
  period: Period;
  set: CriteriaSet;
  state: ProgressState;
  lateness?: Lateness;
  report?: { version: number; submittedAt?: string; report: Report };
  /** The latest appraisal's score and comment per leaf. */
  appraisal?: Readonly<Record<string, { score: Points; comment: string }>>;
  rounds: ReviewRoundView[];
  adjustments?: { survey: Points | null; bonus: Points; penalty: Points; note?: string };
  result?: PublishedLine;
}

const isAdmin = (frame: AdminFrame) => frame.viewer.kind === 'admin';

function home(frame: AdminFrame, unit: UnitInfo): Crumb[] {
  return isAdmin(frame)
    ? [
        { label: 'Tiến độ', href: adminHref.home() },
        { label: unit.name, href: adminHref.unit(unit.id) },
      ]
    : [{ label: unit.name, href: unitHref.history(unit.id) }];
}

function resultText(r: PublishedLine | undefined): string {
  if (!r) return 'Chưa công bố';
  const l = r.line;
  if (l.flags.length) return l.flags.map((f) => FLAG_LABELS[f]).join('; ');
  return `${percentText(l.percent)}, ${l.band ? BAND_LABELS[l.band] : '—'}, hạng ${l.rank ?? '—'}/${r.rankedInGroup}`;
}

export function renderUnitHistory(m: UnitHistoryModel): Html {
  const admin = isAdmin(m.frame);
  const periodHref = (p: string) =>
    admin ? adminHref.unitPeriod(m.unit.id, p) : unitHref.period(m.unit.id, p);
  const rows = m.periods
    .map(
      (p) =>
        `<tr><th scope="row"><a href="${e(periodHref(p.period.id))}">${e(periodLabel(p.period.id))}</a></th><td><span class="badge ${e(
          p.state,
        )}">${e(PROGRESS_LABELS[p.state])}</span>${
          p.lateness ? ` <span class="flag">${e(LATENESS_LABELS[p.lateness])}</span>` : ''
        }</td>${admin ? `<td>${e(p.reviewerName ?? '')}</td>` : ''}<td class="num">${p.rounds || ''}</td><td>${e(
          resultText(p.result),
        )}</td>${
          p.result && admin
            ? `<td><a href="${e(adminHref.periodResults(p.period.id, p.result.version))}">Phiên bản ${p.result.version}</a></td>`
            : admin
              ? '<td></td>'
              : ''
        }</tr>`,
    )
    .join('\n');
  const body = `<h1>${e(m.unit.name)}</h1>
<dl class="facts"><dt>Khối</dt><dd>${e(groupTitles(m.groupLabels ?? m.frame.groupLabels)[m.unit.group])}</dd><dt>Cán bộ đầu mối</dt><dd>${e(
    m.unit.focalPoint.name,
  )} (${e(m.unit.focalPoint.email)})</dd></dl>
${
  admin
    ? `<p><a href="${e(adminHref.audit({ unitId: m.unit.id }))}">Nhật ký của đơn vị</a> · <a href="${e(
        adminHref.standing(m.unit.id),
      )}">Tình trạng khi xét khen thưởng</a></p>`
    : ''
}
<h2>Các kỳ báo cáo</h2>
${
  m.periods.length === 0
    ? '<p>Chưa có kỳ báo cáo nào được mở.</p>'
    : scrollTable(
        'Các kỳ báo cáo của đơn vị',
        `<table><caption class="visually-hidden">Báo cáo, thẩm định và kết quả từng kỳ</caption>
<thead><tr><th scope="col">Kỳ</th><th scope="col">Trạng thái</th>${
          admin ? '<th scope="col">Người thẩm định</th>' : ''
        }<th scope="col">Số vòng thẩm định</th><th scope="col">Kết quả</th>${
          admin ? '<th scope="col">Phiên bản kết quả</th>' : ''
        }</tr></thead>
<tbody>${rows}</tbody></table>`,
      )
}
${
  m.trend.length
    ? `<h2>Diễn biến qua các kỳ</h2>${chartFigure(
        unitTrendSvg(m.unit.name, m.trend, m.bands ? { bands: m.bands } : {}),
        unitTrendSvg(m.unit.name, m.trend, { ...(m.bands ? { bands: m.bands } : {}), layout: 'narrow' }),
      )}`
    : ''
}`;
  return adminPage(m.frame, {
    title: `Lịch sử – ${m.unit.name}`,
    current: 'campaign',
    crumbs: home(m.frame, m.unit).slice(0, -1).concat({ label: m.unit.name }),
    body,
  });
}

// ---------------------------------------------------------------- one period

function leaves(c: Criterion): Criterion[] {
  return c.children?.length ? c.children.flatMap(leaves) : [c];
}

function criteriaTables(m: UnitPeriodModel): Html {
  const report = m.report?.report;
  return m.set.areas
    .map((area) => {
      const head = `<h3>${e(area.id)}. ${e(area.name)} <span class="muted">(tối đa ${e(formatPoints(area.max))} điểm)</span></h3>`;
      if (area.kind === 'survey') {
        const a = m.adjustments;
        const text = !a
          ? 'Chưa ghi nhận kết quả khảo sát.'
          : a.survey === null
            ? 'Đơn vị không có kết quả khảo sát: điểm thẩm định được quy đổi.'
            : `Kết quả khảo sát: ${formatPoints(a.survey)} điểm${a.note ? ` (${a.note})` : ''}.`;
        return `${head}<p>${e(text)}</p>`;
      }
      const rows = area.criteria
        .flatMap(leaves)
        .map((leaf) => {
          const entry = report?.entries[leaf.id];
          const appraised = m.appraisal?.[leaf.id];
          return `<tr><th scope="row">${e(leaf.id)}. ${e(leaf.name)}</th><td class="num">${e(
            formatPoints(leaf.max),
          )}</td><td class="num">${entry ? e(formatPoints(entry.selfScore)) : '—'}</td><td class="num">${
            appraised ? e(formatPoints(appraised.score)) : '—'
          }</td><td>${readOnlyText(appraised?.comment, '')}</td><td>${readOnlyText(entry?.explanation, '')}${
            // Files download through the session (an admin, or the unit's own focal point).
            entry ? evidenceList(entry.evidence, { query: '' }) : ''
          }</td></tr>`;
        })
        .join('\n');
      const areaLeaves = area.criteria.flatMap(leaves);
      const selfSum = areaLeaves.reduce((s, leaf) => s + (report?.entries[leaf.id]?.selfScore ?? 0), 0);
      const appraisedSum = areaLeaves.reduce((s, leaf) => s + (m.appraisal?.[leaf.id]?.score ?? 0), 0);
      // The area's sums, as the unit's form shows its subtotal: nobody adds a column by hand.
      const foot = `<tfoot><tr><th scope="row">Cộng lĩnh vực ${e(area.id)}</th><td class="num">${e(
        formatPoints(area.max),
      )}</td><td class="num">${report ? e(formatPoints(selfSum)) : '—'}</td><td class="num">${
        m.appraisal ? e(formatPoints(appraisedSum)) : '—'
      }</td><td></td><td></td></tr></tfoot>`;
      return `${head}${scrollTable(
        `Lĩnh vực ${area.id}`,
        `<table><caption class="visually-hidden">Lĩnh vực ${e(area.id)}: điểm tự chấm, điểm thẩm định và minh chứng</caption>
<thead><tr><th scope="col">Tiêu chí</th><th scope="col">Tối đa</th><th scope="col">Tự chấm</th><th scope="col">Thẩm định</th><th scope="col">Nhận xét của người thẩm định</th><th scope="col">Giải thích, minh chứng của đơn vị</th></tr></thead>
<tbody>${rows}</tbody>${foot}</table>`,
      )}`;
    })
    .join('\n');
}

function roundsSection(rounds: readonly ReviewRoundView[]): Html {
  if (rounds.length === 0) return '<p>Chưa có vòng thẩm định nào.</p>';
  return rounds
    .map(
      (r) => `<h3>Vòng ${e(r.round)}${r.reviewerName ? ` – ${e(r.reviewerName)}` : ''}</h3>
<p>${
        r.decision
          ? `${r.decision === 'approve' ? 'Phê duyệt' : 'Trả lại để giải trình'} lúc ${e(dateTime(r.decidedAt))}`
          : 'Đang chờ người thẩm định.'
      }</p>
${r.generalComment ? `<p><strong>Nhận xét chung:</strong></p>${readOnlyText(r.generalComment)}` : ''}
${r.explanation ? `<p><strong>Giải trình của đơn vị (${e(dateTime(r.explainedAt))}):</strong></p>${readOnlyText(r.explanation)}` : ''}`,
    )
    .join('\n');
}

function resultSection(m: UnitPeriodModel): Html {
  const r = m.result;
  if (!r) return '<p>Kết quả kỳ này chưa được công bố.</p>';
  const l = r.line;
  const b = l.breakdown;
  const facts: [string, string][] = [
    ['Tổng điểm', pointsText(l.totalExact)],
    ['Tỷ lệ', percentText(l.percent)],
    ['Xếp loại', l.band ? BAND_LABELS[l.band] : '—'],
    ['Thứ hạng trong khối', l.rank === null ? '—' : `${l.rank}/${r.rankedInGroup}`],
  ];
  if (b) {
    // Out of the appraised areas' maximum, and rescaled as the total above counts it (no survey).
    const scale = assessedScaleOf(m.set);
    const rescaled = b.rescaled ? rescaledText(b.assessed, scale) : undefined;
    facts.push(['Điểm thẩm định (không kể khảo sát)', rescaled ?? assessedOfMax(b.assessed, scale)]);
    facts.push(['Khảo sát', b.survey === null ? 'Không có: quy đổi' : formatPoints(b.survey)]);
    facts.push(['Điểm thưởng được tính', formatPoints(b.bonusCounted)]);
    facts.push(['Điểm trừ được tính', formatPoints(b.penaltyCounted)]);
  }
  if (l.flags.length) facts.push(['Ghi chú', l.flags.map((f) => FLAG_LABELS[f]).join('; ')]);
  return `<p class="muted">Theo phiên bản kết quả ${r.version}.</p>
<dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
}

function actionLinks(m: UnitPeriodModel): Html {
  if (!isAdmin(m.frame)) return '';
  const p = m.period.id;
  const u = m.unit.id;
  const links: [string, string][] = [[adminHref.audit({ unitId: u, periodId: p }), 'Nhật ký']];
  if (['invited', 'draft'].includes(m.state)) links.push([adminHref.remind(p, u), 'Nhắc đơn vị ngay']);
  if (['in-review', 'explained'].includes(m.state))
    links.push([adminHref.reassign(p, u), 'Đổi người thẩm định']);
  // The page says whether the review is stuck (a failed run, a decision whose task was gone).
  if (['submitted', 'in-review', 'returned', 'explained', 'not-appraised'].includes(m.state))
    links.push([adminHref.restart(p, u), 'Kiểm tra, khởi động lại thẩm định']);
  return `<p>${links.map(([href, label]) => `<a href="${e(href)}">${e(label)}</a>`).join(' · ')}</p>`;
}

/**
 * The report's totals (the unit's self-assessment and, once appraised, the reviewer's), out of the
 * assessed areas' maximum, as the unit's own page and the approval mail state them.
 */
function totalsLine(m: UnitPeriodModel): Html {
  const report = m.report?.report;
  if (!report) return '';
  const p = formProgress(m.set, { report });
  const parts = [`${selfTotalText(p)}.`];
  if (m.appraisal) {
    const appraised = m.set.areas
      .filter((a) => a.kind !== 'survey')
      .flatMap((a) => a.criteria.flatMap(leaves))
      .reduce((s, leaf) => s + (m.appraisal?.[leaf.id]?.score ?? 0), 0);
    parts.push(
      `Tổng điểm thẩm định (vòng gần nhất): ${formatPoints(appraised)}/${formatPoints(p.max)} điểm.`,
    );
  }
  return `<p>${parts.map((t) => e(t)).join(' ')}</p>`;
}

export function renderUnitPeriod(m: UnitPeriodModel): Html {
  const title = `${m.unit.name} – ${periodLabel(m.period.id)}`;
  const r = m.report;
  const body = `<h1>${e(title)}</h1>
<div class="meta"><span>${e(formatDate(m.period.start))} – ${e(formatDate(m.period.end))}</span><span><span class="badge ${e(
    m.state,
  )}">${e(PROGRESS_LABELS[m.state])}</span>${m.lateness ? ` <span class="flag">${e(LATENESS_LABELS[m.lateness])}</span>` : ''}</span>${
    r
      ? `<span>Phiên bản báo cáo ${e(r.version)}${r.submittedAt ? `, nộp lúc ${e(dateTime(r.submittedAt))}` : ''}</span>`
      : ''
  }</div>
${actionLinks(m)}
<h2>Kết quả</h2>
${resultSection(m)}
<h2>Thẩm định và giải trình</h2>
${roundsSection(m.rounds)}
<h2>Báo cáo của đơn vị</h2>
${
  r
    ? `<p class="muted">Chỉ để xem: báo cáo như đơn vị đã lưu, bên cạnh điểm và nhận xét của vòng thẩm định gần nhất.</p>
${totalsLine(m)}
<h3>Tóm tắt kết quả thực hiện</h3>${readOnlyText(r.report.summary)}
${criteriaTables(m)}
${initiativesAndCheck(r.report, 3)}`
    : '<p>Đơn vị chưa lập báo cáo kỳ này.</p>'
}`;
  return adminPage(m.frame, {
    title,
    current: 'campaign',
    crumbs: [...home(m.frame, m.unit), { label: periodLabel(m.period.id) }],
    body,
  });
}

// ---------------------------------------------------------------- the focal point's own link

const LINK_FOOTER = 'Liên kết trong email là riêng của bạn, không chuyển tiếp cho người khác.';

/** Where a focal point asks for a fresh link to its unit's history (the same page for any address). */
export function renderUnitLinkRequest(m: {
  authority: string;
  email?: string;
  problems?: FieldProblem[];
}): Html {
  const problems = problemMap(m.problems ?? []);
  return layout({
    title: 'Xem lại báo cáo của đơn vị',
    header: m.authority,
    footer: LINK_FOOTER,
    body: `<h1>Xem lại báo cáo của đơn vị</h1>
<p>Cán bộ đầu mối nhập địa chỉ email đã đăng ký với Phòng Nội vụ. Hệ thống gửi một liên kết dùng một lần, có hiệu lực 15 phút, để xem lại mọi báo cáo, kết quả thẩm định và kết quả của đơn vị.</p>
${m.problems?.length ? problemSummary(m.problems) : ''}
<form method="post" action="${e(unitHref.request())}" novalidate>
${textInput({ name: 'email', label: 'Email', type: 'email', inputmode: 'email', value: m.email ?? '', problems, autocomplete: 'email', required: true, maxlength: 254 })}
<div class="actions"><button type="submit">Gửi liên kết</button></div>
</form>`,
  });
}

/** The answer whatever the address: nobody learns which addresses are focal points. */
export function renderUnitLinkSent(m: { authority: string }): Html {
  return layout({
    title: 'Kiểm tra hộp thư',
    header: m.authority,
    footer: LINK_FOOTER,
    body: `<h1>Kiểm tra hộp thư</h1>
<div class="notice ok" role="status"><p>Nếu địa chỉ vừa nhập là email của cán bộ đầu mối một đơn vị, một liên kết dùng một lần đã được gửi tới địa chỉ đó. Liên kết hết hạn sau 15 phút.</p></div>
<p><a href="${e(unitHref.request())}">Quay lại</a></p>`,
  });
}

/** The page the emailed link opens: a button (a mail scanner's GET signs nobody in). */
export function renderUnitSessionConfirm(m: {
  authority: string;
  unitName: string;
  expiresAt: string;
}): Html {
  return layout({
    title: 'Xác nhận đăng nhập',
    header: m.authority,
    footer: LINK_FOOTER,
    body: `<h1>Xác nhận đăng nhập</h1>
<p>Bấm nút dưới đây để xem lại lịch sử báo cáo của ${e(m.unitName)}. Liên kết dùng một lần, hết hạn lúc ${e(
      dateTime(m.expiresAt),
    )}.</p>
<form method="post" action=""><div class="actions"><button type="submit">Xem lịch sử đơn vị</button></div></form>`,
  });
}
