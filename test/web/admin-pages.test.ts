/**
 * The admin's pages as HTML, rendered from view models built with the domain's own functions on
 * the demo district's 2024: what a reader sees (rankings, versions, dates in Hồ Chí Minh City's
 * time, Vietnamese), what it links to, what it offers to do, and that nothing from the data can
 * become markup.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BAND_LABELS, groupLabelsFor } from '#domain/model';
import { formatPoints } from '#domain/points';
import { auditCsv, auditViaText } from '#functions/documents/audit';
import { parseReassignForm, renderActionPage } from '#web/admin-actions';
import { checkAdjustmentsForm, previewAdjustments, renderAdjustmentsPage } from '#web/admin-adjustments';
import { pasteAsForm, readPaste } from '#web/admin-adjustments-paste';
import { renderAttention } from '#web/admin-attention';
import { renderAuditPage } from '#web/admin-audit';
import { parseCandidateQuery, renderCommendationIndex, renderCycle } from '#web/admin-commendation';
import { renderCampaignDashboard, renderPeriodProgress } from '#web/admin-dashboard';
import { renderAggregatePending, renderResultsIndex, renderResultsPage } from '#web/admin-results';
import { renderUnitHistory, renderUnitPeriod } from '#web/admin-unit';
import { renderUnitIndex } from '#web/admin-units';
import { demo2024, noQuorumTally } from '../documents/fixture.ts';
import { htmlText, parseCsv } from '../documents/read-back.ts';
import { SMALL_UNITS, smallResults, TRICKY_NAME } from '../documents/small.ts';
import * as f from './admin-fixtures.ts';
import { adminGallery } from './admin-gallery.ts';

/** The text of each body row of the table inside the region named `label`. */
function tableRows(html: string, label: string): string[] {
  const at = html.indexOf(`aria-label="${label}"`);
  if (at < 0) throw new Error(`no table ${label}`);
  const table = html.slice(at, html.indexOf('</table>', at));
  const body = table.slice(table.indexOf('<tbody>'));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map(([, r = '']) => htmlText(r));
}

const hrefs = (html: string) =>
  [...html.matchAll(/href="([^"]*)"/g)].map(([, h = '']) => h.replaceAll('&amp;', '&'));

describe('admin pages', { timeout: 30_000 }, () => {
  beforeAll(() => {
    demo2024();
  }, 60_000);

  it('results of a period: each group ranked as the domain ranked it, with totals, percentages, bands and the change', () => {
    const m = f.periodResultsModel();
    const html = renderResultsPage(m);
    const offices = tableRows(html, 'Xếp hạng Khối cơ quan');
    const ranked = m.results.units.filter((u) => u.group === 'office');
    expect(offices).toHaveLength(ranked.length);
    // The 2024Q3 leader of the offices, as `thidua score` prints it (docs/cli.md).
    expect(offices[0]).toMatch(/^1 Văn phòng HĐND và UBND huyện 95,32 95,32 % Xuất sắc \+2,42 Giữ nguyên/);
    ranked.forEach((u, i) => {
      expect(offices[i]).toContain(u.name);
      if (u.band) expect(offices[i]).toContain(BAND_LABELS[u.band]);
    });
    expect(htmlText(html)).toContain('± điểm % so với Quý II/2024');
    // Why 69,64 % is Trung bình: the thresholds are said on the page, the district's own if it set them.
    expect(htmlText(html)).toContain(
      'Xếp loại: Xuất sắc từ 90 % trở lên; Tốt từ 80 đến dưới 90 %; Khá từ 70 đến dưới 80 %; Trung bình từ 50 đến dưới 70 %; Yếu dưới 50 %.',
    );
    const own = renderResultsPage({
      ...m,
      bands: [
        { band: 'xuat-sac', minPercent: 92.5 },
        { band: 'tot', minPercent: 85 },
        { band: 'kha', minPercent: 70 },
        { band: 'trung-binh', minPercent: 50 },
        { band: 'yeu', minPercent: 0 },
      ],
    });
    expect(htmlText(own)).toContain('Xếp loại: Xuất sắc từ 92,5 % trở lên; Tốt từ 85 đến dưới 92,5 %;');
  });

  it('a silent reviewer is "Chưa có kết quả" while the review runs, as the escalation letter says, and overdue after', () => {
    const during = htmlText(renderAttention(f.attention(), '2025-01-10T03:00:00.000Z'));
    expect(during).toContain('Thẩm định chưa có kết quả (1)');
    expect(during).toContain('Chưa có kết quả (thời gian thẩm định của kỳ còn đến 17:00 21/01/2025)');
    expect(during).not.toContain('Quá hạn');
    const after = htmlText(renderAttention(f.attention(), '2025-01-21T10:00:00.000Z'));
    expect(after).toContain(
      'Quá hạn thẩm định (thời gian thẩm định của kỳ đã kết thúc lúc 17:00 21/01/2025)',
    );
  });

  it('a unit without a report reads Cuối khối in the rank column, as in its mail, not a number', () => {
    const q2 = demo2024().quarters[1];
    if (!q2) throw new Error('no 2024Q2');
    const html = renderResultsPage({
      ...f.periodResultsModel(),
      scope: { kind: 'period', period: q2.period },
      results: q2.results,
      versions: [],
    });
    const communes = tableRows(html, 'Xếp hạng Khối xã, thị trấn');
    // xa-dai-dong did not report 2024Q2 (examples/generate-appraisals.ts).
    const missed = communes.find((r) => r.includes('Xã Đại Đồng'));
    expect(missed).toMatch(/^Cuối khối Xã Đại Đồng /);
    expect(communes.filter((r) => r.startsWith('Cuối khối'))).toHaveLength(1);
  });

  it('results carry their version: the one shown, the older one linked, why each was made, and its downloads', () => {
    const html = renderResultsPage(f.periodResultsModel());
    const text = htmlText(html);
    expect(html).toContain('<strong aria-current="page">Phiên bản 2</strong>');
    expect(hrefs(html)).toContain('/admin/periods/2024Q3/results?version=1');
    expect(text).toContain(
      'công bố 10:00 30/10/2024; Báo cáo của Phòng Y tế được phê duyệt sau khi kết thúc thẩm định (vòng 2); thay đổi: Phòng Y tế',
    );
    expect(text).toContain('công bố 17:00 21/10/2024; Kết quả khi kết thúc thẩm định; lần công bố đầu tiên');
    for (const h of [
      '/admin/periods/2024Q3/summary.xlsx?version=2',
      '/admin/periods/2024Q3/summary.csv?version=2',
      '/admin/periods/2024Q3/report.docx?version=2',
    ])
      expect(hrefs(html)).toContain(h);
    const older = renderResultsPage({
      ...f.periodResultsModel(),
      results: { ...f.periodResultsModel().results, version: 1 },
    });
    expect(htmlText(older)).toMatch(
      /Đây là phiên bản 1, không phải phiên bản mới nhất\. Xem phiên bản 2 ?\./,
    );
    expect(hrefs(older)).toContain('/admin/periods/2024Q3/results?version=2');
  });

  it('charts are drawn on the server: distribution, bands and reform areas per group, each an image with its values in words', () => {
    const html = renderResultsPage(f.periodResultsModel());
    const svgs = [...html.matchAll(/<svg [^>]*role="img" aria-labelledby="([^"]+)"/g)].map(([, ids]) => ids);
    // Each chart twice: the wide layout and the phone's narrow one (only one displayed at a time),
    // under ids of their own.
    expect(svgs).toHaveLength(12);
    expect(new Set(svgs).size).toBe(12);
    const figures = [
      ...html.matchAll(
        /<figure class="chart"><div class="chart-wide">(.*?)<\/div><div class="chart-narrow">(.*?)<\/div><\/figure>/gs,
      ),
    ];
    expect(figures).toHaveLength(6);
    for (const [, wide = '', narrow = ''] of figures) {
      expect(wide).toMatch(/^<svg [^>]*viewBox="0 0 640 /);
      expect(narrow).toMatch(/^<svg [^>]*viewBox="0 0 340 /);
    }
    expect(html).toMatch(
      /\.chart-narrow\{display:none\}\s*@media \(max-width:44rem\)\{\.chart-wide\{display:none\}\.chart-narrow\{display:block\}\}/,
    );
    // The period in words, as the page's own heading names it, not its code.
    expect(html).toContain('Tỷ lệ điểm bình quân theo lĩnh vực – Khối xã, thị trấn, quý III năm 2024');
    expect(html).not.toMatch(/<script|<img|src=/);
  });

  it('the year: each quarter beside the mean, as the year was aggregated', () => {
    const html = renderResultsPage(f.yearResultsModel());
    expect(htmlText(html)).toContain('Quý I/2024 Quý II/2024 Quý III/2024 Quý IV/2024 Tỷ lệ bình quân');
    expect(tableRows(html, 'Xếp hạng Khối cơ quan')).toHaveLength(12);
    expect(hrefs(html)).toContain('/admin/years/2024/summary.xlsx');
  });

  it('a year with units that never reported: they read Cuối khối, and only places earned count as ranked', () => {
    const s = f.sparseYear();
    const html = renderResultsPage(f.sparseYearModel());
    const offices = tableRows(html, 'Xếp hạng Khối cơ quan');
    expect(offices).toHaveLength(12);
    const name = (id: string) => s.year.units.find((u) => u.unitId === id)?.name ?? id;
    for (const id of s.never) {
      const row = offices.find((r) => r.includes(name(id)));
      expect(row).toMatch(new RegExp(`^Cuối khối ${name(id)} 0,00 % 0,00 % 0,00 % Yếu`));
      expect(row).toContain('Không nộp báo cáo: Quý III/2024, Quý IV/2024');
    }
    // The office that missed one quarter keeps the place its mean earned (the missed quarter counts 0).
    expect(offices.find((r) => r.includes(name(s.firstOnly)))).toMatch(/^3 /);
    expect(offices.filter((r) => /^\d/.test(r))).toHaveLength(3);
    const section = htmlText(html.slice(html.indexOf('id="khoi-office"'), html.indexOf('id="khoi-commune"')));
    // Places earned and last places by rule add up to the n of "r/n" each unit reads, and to the
    // group's units: the one that missed a quarter is among those ranked by score, not beside them.
    expect(section).toContain(
      'Đơn vị: 12 Xếp hạng theo điểm: 3 (trong đó 1 không nộp báo cáo ở một số kỳ, kỳ đó tính 0 điểm) ' +
        'Không nộp báo cáo kỳ nào, xếp cuối khối: 9 Chưa thẩm định: 0',
    );
    expect(htmlText(html)).toContain('đơn vị không nộp báo cáo kỳ nào xếp cuối khối');
  });

  it('a year not complete yet: an admin page naming in words the periods still without results, and where each stands', () => {
    const html = renderAggregatePending(f.yearPendingModel());
    const text = htmlText(html);
    expect(text).toContain(
      'Chưa có kết quả của quý IV năm 2024. Kết quả năm 2024 được tổng hợp khi tất cả các kỳ trong năm đã được chấm điểm và công bố kết quả.',
    );
    // 15/01/2025: after 2024Q4's deadline, before its review closes.
    expect(text).toContain('Các kỳ chưa có kết quả Quý IV/2024 (01/10/2024 – 31/12/2024): Đang thẩm định');
    expect(text).toContain('Các kỳ đã có kết quả Quý III/2024 (01/07/2024 – 30/09/2024)');
    expect(text).not.toMatch(/2024Q\d|Mã lỗi/);
    // The admin's frame: its navigation (Kết quả current) and the way back to the results.
    expect(html).toContain('<nav class="admin-nav"');
    expect(html).toMatch(/<a href="\/admin\/results" aria-current="page">/);
    expect(hrefs(html)).toEqual(
      expect.arrayContaining(['/admin/periods/2024Q4', '/admin/periods/2024Q3/results']),
    );
    expect(hrefs(html)).not.toContain('/admin/years/2024/summary.xlsx');
    const phase = htmlText(
      renderAggregatePending({
        ...f.yearPendingModel(),
        scope: { kind: 'phase', id: '2022-2025', periods: f.yearPendingModel().scope.periods },
      }),
    );
    expect(phase).toContain(
      'Kết quả giai đoạn 2022-2025 được tổng hợp khi tất cả các kỳ trong giai đoạn đã được',
    );
  });

  it('the results index says beside a year or the phase that it is not complete yet, naming what is missing', () => {
    const text = htmlText(renderResultsIndex(f.resultsIndexModel()));
    expect(text).toContain(
      'Năm 2024 – chưa đủ kết quả để tổng hợp, còn thiếu quý I năm 2024, quý II năm 2024, quý IV năm 2024',
    );
    expect(text).toContain('Giai đoạn 2022-2025 – chưa đủ kết quả để tổng hợp, còn thiếu 13/14 kỳ');
    const all = f.resultsIndexModel();
    const published = all.periods.map(({ period }) => ({ period, latest: f.Q3_VERSIONS[0] }));
    const complete = htmlText(renderResultsIndex({ ...all, periods: published }));
    expect(complete).not.toContain('chưa đủ kết quả');
    expect(complete).toContain('Năm 2024 Giai đoạn 2022-2025');
  });

  it('escapes every name from the data: a unit, a person, an explanation', () => {
    const small = smallResults();
    const html = renderResultsPage({
      frame: f.FRAME,
      scope: { kind: 'period', period: f.period('2024Q4') },
      results: small,
      versions: [],
    });
    expect(html).not.toContain(TRICKY_NAME);
    expect(html).toContain('Xã &quot;Tân; Lập&quot; &lt;b&gt;&amp;&lt;/b&gt;');
    expect(SMALL_UNITS.length).toBe(5);
    const audit = renderAuditPage(f.auditModel());
    expect(audit).not.toContain('<script>');
    expect(audit).toContain('=HYPERLINK(&quot;http://x&quot;;&quot;a&quot;) &lt;script&gt;');
    expect(renderUnitPeriod(f.unitPeriodModel())).toContain(
      'Kế hoạch &lt;b&gt;số 05&lt;/b&gt; ban hành đúng hạn',
    );
  });

  it("the audit's unit list is in alphabetical order, so one of a province's 150 units is found by its name", () => {
    const m = f.auditModel();
    const html = renderAuditPage(m);
    const select = html.slice(
      html.indexOf('<select id="nk-unit"'),
      html.indexOf('</select>', html.indexOf('<select id="nk-unit"')),
    );
    const names = [...select.matchAll(/<option value="[^"]+"[^>]*>([^<]*)<\/option>/g)].map(
      ([, n = '']) => n,
    );
    expect(names).toHaveLength(m.units.length);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
    // The config's order is not alphabetical: the list was sorted, not merely kept.
    expect(names).not.toEqual(m.units.map((u) => u.name));
  });

  it('campaign dashboard: every period with its dates, deadline and review close in Hồ Chí Minh City time, and its state', () => {
    const html = renderCampaignDashboard(f.campaignModel());
    const rows = tableRows(html, 'Các kỳ báo cáo');
    expect(rows).toHaveLength(14);
    expect(rows.find((r) => r.startsWith('Quý IV/2024'))).toBe(
      'Quý IV/2024 01/10/2024 – 31/12/2024 17:00 11/01/2025 17:00 21/01/2025 Đang thẩm định 26/27 23 1 Chưa công bố',
    );
    expect(rows.find((r) => r.startsWith('Quý III/2024'))).toMatch(/Đã kết thúc thẩm định .* Phiên bản 1$/);
    expect(rows.find((r) => r.startsWith('Quý I/2025'))).toMatch(/Chưa mở — — — Chưa công bố$/);
  });

  it('a period: units per state linking to the filtered table, who is waiting on whom and for how long', () => {
    const html = renderPeriodProgress(f.progressModel('sort=since'));
    // A count links to the table filtered by it, keeping the chosen sort.
    expect(hrefs(html)).toContain('/admin/periods/2024Q4?state=late&sort=since');
    const rows = tableRows(html, 'Danh sách đơn vị');
    const draft = rows.find((r) => r.includes('Đang lập báo cáo'));
    // Invited at 08:00 01/01/2025, the page made at 09:00 15/01/2025: fourteen days.
    expect(draft).toContain('08:00 01/01/2025 (14 ngày)');
    const explained = rows.find((r) => r.includes('Đã giải trình, chờ thẩm định lại'));
    expect(explained).toMatch(/Người thẩm định 11:00 12\/01\/2025 \(2 ngày\)/);
    expect(html).toContain('aria-sort="ascending"');
  });

  it('after close the units that never reported read Không nộp báo cáo', () => {
    const m = f.progressModel('state=not-reported');
    const closed = { ...m, state: 'closed' as const, rows: f.q4Rows('closed') };
    const rows = tableRows(renderPeriodProgress(closed), 'Danh sách đơn vị');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes('Không nộp báo cáo'))).toBe(true);
  });

  it("a unit's own session sees its history and reports, never an admin page or action", () => {
    for (const html of [
      renderUnitHistory(f.unitHistoryModel(f.UNIT_FRAME)),
      renderUnitPeriod(f.unitPeriodModel(f.UNIT_FRAME)),
    ]) {
      expect(hrefs(html).filter((h) => h.startsWith('/admin'))).toEqual([]);
      expect(html).toContain('action="/u/signout"');
    }
    const admin = renderUnitPeriod(f.unitPeriodModel());
    // Only served actions are offered: an approved unit-period has none.
    expect(hrefs(admin).filter((h) => /\/(remind|reassign|restart)$/.test(h))).toEqual([]);
  });

  it('a unit-period shows the report read-only beside the appraisal, the rounds and the result', () => {
    const html = renderUnitPeriod(f.unitPeriodModel());
    const text = htmlText(html);
    expect(html).not.toMatch(/<input|<textarea|<select/);
    expect(text).toContain('Vòng 1 – Nguyễn Văn Thành Trả lại để giải trình lúc 10:00 12/10/2024');
    expect(text).toContain('Giải trình của đơn vị (10:00 14/10/2024): Đã bổ sung văn bản 05/KH-TP');
    expect(text).toContain('Kết quả khảo sát: 26,83 điểm (Báo cáo khảo sát 12/BC-UBND).');
    expect(text).toContain('Điểm thưởng được tính 1');
    // The appraised sum out of the appraised areas' 70 points (a survey result: nothing rescaled).
    expect(text).toMatch(/Điểm thẩm định \(không kể khảo sát\) \d+(,\d+)?\/70 Khảo sát 26,83/);
    // Over the ranked units of the group (11 of its 12: one was not appraised), as the unit is told.
    expect(text).toMatch(/Thứ hạng trong khối \d+\/11/);
    expect(hrefs(html)).toContain('https://vanban.example.org/05');
  });

  it('a unit-period adds up the self-scored and appraised points, per area and in all, and shows the 05T/05K self-check and the nominations', () => {
    const m = f.unitPeriodModel();
    if (!m.report || !m.appraisal) throw new Error('no report');
    const entries = { ...m.report.report.entries };
    const first = entries['1.1.1'];
    if (!first) throw new Error('no entry 1.1.1');
    // The unit claimed more than the reviewer gave on one criterion of area 1.
    entries['1.1.1'] = { ...first, selfScore: first.selfScore + 50 };
    const report = {
      ...m.report.report,
      entries,
      selfCheck: { t05: [true, true, true, false, false], k05: [true, true, true, true, true] },
      nominations: [
        {
          id: 'nguyen-van-an',
          name: 'Nguyễn Văn An',
          position: 'Chuyên viên',
          unitId: m.unit.id,
          form: 'giay-khen' as const,
          achievements: 'Số hóa hồ sơ một cửa',
          status: 'none' as const,
          submittedAt: '2024-10-08T02:00:00.000Z',
        },
      ],
    };
    const text = htmlText(renderUnitPeriod({ ...m, report: { ...m.report, report } }));
    const area1 = m.set.areas[0];
    if (!area1) throw new Error('no area 1');
    const leafIds = (c: (typeof area1.criteria)[number]): string[] =>
      c.children?.length ? c.children.flatMap(leafIds) : [c.id];
    const ids = area1.criteria.flatMap(leafIds);
    const appraised = ids.reduce((s, id) => s + (m.appraisal?.[id]?.score ?? 0), 0);
    const self = ids.reduce((s, id) => s + (entries[id]?.selfScore ?? 0), 0);
    expect(self).toBe(appraised + 50);
    expect(text).toContain(
      `Cộng lĩnh vực 1 ${formatPoints(area1.max)} ${formatPoints(self)} ${formatPoints(appraised)}`,
    );
    const assessed = m.set.areas.filter((a) => a.kind !== 'survey');
    const max = assessed.reduce((s, a) => s + a.max, 0);
    const allAppraised = Object.values(m.appraisal).reduce((s, a) => s + a.score, 0);
    expect(text).toContain(
      `Tổng tự chấm: ${formatPoints(allAppraised + 50)}/${formatPoints(max)} điểm (chưa kể 30 điểm khảo sát). Tổng điểm thẩm định (vòng gần nhất): ${formatPoints(allAppraised)}/${formatPoints(max)} điểm.`,
    );
    expect(text).toContain('05T: 3/5 nội dung đã thực hiện; 05K: 5/5 nội dung đã thực hiện.');
    expect(text).toMatch(/Nguyễn Văn An ?, Chuyên viên – đề nghị Giấy khen Thành tích: Số hóa hồ sơ một cửa/);
  });

  it("a unit-period's evidence joins only the parts given: a link alone is named, never after a dash", () => {
    const m = f.unitPeriodModel();
    const entry = m.report?.report.entries['1.1.1'];
    if (!m.report || !entry) throw new Error('no entry 1.1.1');
    const evidence = [
      { url: 'https://vanban.example.org/chi-lien-ket' },
      { number: '05/KH-TP', date: '2024-01-10', url: 'https://vanban.example.org/05' },
      { title: 'Kế hoạch cải cách hành chính' },
    ];
    const report = {
      ...m.report.report,
      entries: { ...m.report.report.entries, '1.1.1': { ...entry, evidence } },
    };
    const html = renderUnitPeriod({ ...m, report: { ...m.report, report } });
    const text = htmlText(html);
    expect(text).toContain(
      'Minh chứng: Đường dẫn: https://vanban.example.org/chi-lien-ket Số 05/KH-TP ngày 10/01/2024 — https://vanban.example.org/05 Kế hoạch cải cách hành chính',
    );
    expect(html).not.toMatch(/<li>\s*—/);
  });

  it('reassigning: only reviewers outside the unit, the current one left out; a second admin sees the conflict, no form', () => {
    const choices = f.reassignAction();
    if (choices.kind !== 'reassign') throw new Error('not a reassignment');
    const ids = choices.candidates.map((c) => c.id);
    expect(ids).not.toContain('nguyen-van-thanh');
    expect(ids).not.toContain('tran-quoc-huy');
    expect(ids).not.toContain('le-thi-mai');
    expect(ids.length).toBeGreaterThan(0);
    const form = new URLSearchParams({ reviewer: 'tran-quoc-huy', nonce: 'n-1' });
    expect(parseReassignForm(form, choices.candidates)).toMatchObject({ ok: false });
    form.set('reviewer', ids[0] ?? '');
    expect(parseReassignForm(form, choices.candidates)).toMatchObject({ ok: true, reviewerId: ids[0] });

    const [, conflict] = f.actionModels().find(([n]) => n === 'reassign-conflict') ?? [];
    if (!conflict) throw new Error('no conflict model');
    const html = renderActionPage(conflict);
    expect(htmlText(html)).toContain(
      'Đã có người thực hiện trước Trần Quốc Huy đã giao cho Nguyễn Văn Thành',
    );
    expect(html).not.toContain('method="post" action="/admin/periods/2024Q4/units/phong-noi-vu/reassign"');
    const fresh = renderActionPage({ ...conflict, outcome: undefined });
    expect(fresh).toContain('method="post" action="/admin/periods/2024Q4/units/phong-noi-vu/reassign"');
    expect(fresh).toContain('<input type="hidden" name="nonce" value="n-1">');
  });

  it('remind: the first reminder called the first, and a late unit told it is late', () => {
    const action = {
      kind: 'remind' as const,
      unit: {
        id: 'phong-tu-phap',
        name: 'Phòng Tư pháp',
        focalPoint: { name: 'Trần Văn Nam', email: 'namtv@example.org' },
      },
      period: f.period('2024Q4'),
      state: 'invited' as const,
      firstRemindedAt: '2025-01-08T01:00:00.000Z',
    };
    const before = htmlText(renderActionPage({ frame: f.FRAME, action, nonce: 'n-1' }));
    // The progress item keeps the first reminder's time: "gần nhất" (latest) was wrong after a second.
    expect(before).not.toContain('gần nhất');
    expect(before).toContain('Nhắc lần đầu 08:00 08/01/2025');
    expect(before).not.toContain('quá hạn nộp');
    const late = htmlText(
      renderActionPage({
        frame: f.FRAME,
        action: { ...action, lateNoticeAt: '2025-01-11T10:00:00.000Z' },
        nonce: 'n-2',
      }),
    );
    expect(late).toContain('Thông báo quá hạn nộp 17:00 11/01/2025');
    expect(late).toContain('đã quá hạn nộp, báo cáo nộp từ nay được ghi nhận là nộp muộn.');
  });

  it('adjustments: the shared checks beside each field in Vietnamese, then a preview of what changes', () => {
    const d = demo2024().loaded;
    const p = f.period('2024Q4');
    const bad = new URLSearchParams({ 'survey[phong-noi-vu]': '31', 'bonus[phong-tu-phap]': 'một' });
    const checked = checkAdjustmentsForm(bad, p, d);
    expect(checked.problems.map((x) => x.field).sort()).toEqual([
      'bonus[phong-tu-phap]',
      'survey[phong-noi-vu]',
    ]);
    // Each names its unit and box: the summary of a province's 150 rows says which.
    expect(checked.problems.map((x) => x.message).sort()).toEqual([
      // 2024Q4 opens on 01/01/2025: its offices are scored by the 2025 set.
      'Phòng Nội vụ – khảo sát: điểm khảo sát 31 vượt điểm tối đa 30 của lĩnh vực “Khảo sát sự hài lòng của người dân, tổ chức”',
      'Phòng Tư pháp – điểm thưởng: "một" không phải là một số điểm (ví dụ 8,75 hoặc 8.75).',
    ]);
    // Two problems in one row: both named at once, not the second only after the first is mended.
    const both = checkAdjustmentsForm(
      new URLSearchParams({ 'survey[phong-noi-vu]': '31', 'penalty[phong-noi-vu]': '-1' }),
      p,
      d,
    );
    expect(both.problems.map((x) => x.field).sort()).toEqual([
      'penalty[phong-noi-vu]',
      'survey[phong-noi-vu]',
    ]);
    const page = renderAdjustmentsPage(f.adjustmentsModel({ posted: bad, problems: checked.problems }));
    expect(page).toMatch(
      /id="f-survey-phong-noi-vu" name="survey\[phong-noi-vu\]" value="31"[^>]*aria-invalid="true"/,
    );

    // The first three units have stored values (survey 25, 26 with a bonus of 1, 27): one typed
    // again as stored, one changed, and a unit with nothing stored.
    const good = new URLSearchParams({
      'survey[phong-noi-vu]': '26,00',
      'bonus[phong-noi-vu]': '1',
      'survey[phong-tu-phap]': '28,5',
      'bonus[phong-tu-phap]': '1',
      'penalty[xa-dai-dong]': '0,5',
    });
    const ok = checkAdjustmentsForm(good, p, d);
    expect(ok.problems).toEqual([]);
    const preview = previewAdjustments(ok.entries, f.adjustmentUnits());
    const byId = Object.fromEntries(preview.map((r) => [r.unitId, r]));
    expect(byId['phong-noi-vu']?.changed).toBe(false);
    expect(byId['phong-tu-phap']?.after).toEqual({ survey: 2850, bonus: 100, penalty: 0 });
    expect(byId['xa-dai-dong']).toMatchObject({ changed: true, after: { survey: null, penalty: 50 } });
    const shown = htmlText(renderAdjustmentsPage(f.adjustmentsModel({ posted: good, preview })));
    expect(shown).toContain('Chưa ghi gì. 2 đơn vị sẽ thay đổi, 1 đơn vị không đổi.');
  });

  it('adjustments: each column heading says what the set in force allows, per group', () => {
    const page = renderAdjustmentsPage(
      f.adjustmentsModel({
        limits: {
          office: { survey: 3000, bonusCap: 500, penaltyCap: 250 },
          commune: { survey: null, bonusCap: 300, penaltyCap: 300 },
        },
      }),
    );
    const heads = [...page.matchAll(/<thead>(.*?)<\/thead>/gs)].map(([, h = '']) => htmlText(h));
    expect(heads).toEqual([
      'Đơn vị Khảo sát (0 – 30) Điểm thưởng (tính tối đa 5) Điểm trừ (tính tối đa 2,5) Nguồn số liệu',
      'Đơn vị Khảo sát (bộ tiêu chí không có) Điểm thưởng (tính tối đa 3) Điểm trừ (tính tối đa 3) Nguồn số liệu',
    ]);
    // The range never breaks at its dash on a phone.
    expect(page).toContain('Khảo sát (0\u00a0–\u00a030)');
  });

  it('adjustments: the search shows only the matching rows, typed without accents, and a post of them touches no other unit', () => {
    const d = demo2024().loaded;
    const p = f.period('2024Q4');
    const rowIds = (html: string) => [...html.matchAll(/name="survey\[([^\]]+)\]"/g)].map((m) => m[1]);
    const page = renderAdjustmentsPage(f.adjustmentsModel({ query: 'THI TRAN' }));
    expect(rowIds(page)).toEqual(['thi-tran-song-lam', 'thi-tran-ben-dinh']);
    expect(htmlText(page)).toContain(`2/${d.config.units.length} đơn vị khớp “THI TRAN”`);
    // The search travels with the post, and is what the box shows.
    expect(page).toContain('<input type="hidden" name="q" value="THI TRAN">');
    expect(page).toContain('<input type="search" id="q" name="q" value="THI TRAN" maxlength="100">');
    // With or without accents: "noi vu" finds Phòng Nội vụ (and its stored values), as "Nội vụ" does.
    const noiVu = renderAdjustmentsPage(f.adjustmentsModel({ query: 'noi vu' }));
    expect(rowIds(noiVu)).toEqual(['phong-noi-vu']);
    expect(rowIds(renderAdjustmentsPage(f.adjustmentsModel({ query: 'Nội vụ' })))).toEqual(['phong-noi-vu']);
    expect(noiVu).toContain('name="survey[phong-noi-vu]" value="26"');
    // Nothing matches: no form to post, and the query is text.
    const none = renderAdjustmentsPage(f.adjustmentsModel({ query: '<b>' }));
    expect(htmlText(none)).toContain('Không có đơn vị nào khớp “<b>”');
    expect(none).not.toContain('“<b>”');
    expect(rowIds(none)).toEqual([]);

    // The filtered form posts its rows only: entries for those units, none for the others (Phòng
    // Tư pháp and Văn phòng have stored values, and no row in this post).
    const posted = new URLSearchParams({
      q: 'noi vu',
      'survey[phong-noi-vu]': '29',
      'version[phong-noi-vu]': '0',
    });
    const checked = checkAdjustmentsForm(posted, p, d);
    expect(checked.entries.map((x) => x.unitId)).toEqual(['phong-noi-vu']);
    const preview = previewAdjustments(checked.entries, f.adjustmentUnits());
    const shown = renderAdjustmentsPage(f.adjustmentsModel({ query: 'noi vu', posted, preview }));
    expect(htmlText(shown)).toContain('Chưa ghi gì. 1 đơn vị sẽ thay đổi, 0 đơn vị không đổi.');
    expect(shown).toContain('<input type="hidden" name="q" value="noi vu">');
    // Back to the form (Sửa lại) on the same rows.
    expect(rowIds(renderAdjustmentsPage(f.adjustmentsModel({ query: 'noi vu', posted })))).toEqual([
      'phong-noi-vu',
    ]);
  });

  it('adjustments pasted from a spreadsheet: each bad line named by its number, good lines as the form posts them', () => {
    const d = demo2024().loaded;
    const p = f.period('2024Q4');
    const units = f.adjustmentUnits();
    const bad = [
      'Đơn vị\tKhảo sát\tĐiểm thưởng\tĐiểm trừ\tNguồn',
      'xa thanh son\t27,5\t1\t0\tBC 12',
      'Xã Không Có\t20',
      'Phòng Tư pháp\tabc',
      'XÃ THANH SƠN\t26',
      'Phòng Y tế\t1\t2\t3\t4\t5',
      'Phòng Nội vụ\t31',
    ].join('\r\n');
    const checked = pasteAsForm(bad, p, d, units);
    expect(checked.form).toBeUndefined();
    expect(checked.problems.map((x) => x.field)).toEqual(['paste', 'paste', 'paste', 'paste', 'paste']);
    expect(checked.problems.map((x) => x.message)).toEqual([
      'Dòng 3: không có đơn vị “Xã Không Có” trong phong trào (ghi tên đúng như trang Đơn vị, hoặc mã đơn vị).',
      'Dòng 4: Phòng Tư pháp – khảo sát: "abc" không phải là một số điểm (ví dụ 8,75 hoặc 8.75).',
      'Dòng 5: Xã Thanh Sơn đã có ở dòng 2; mỗi đơn vị chỉ ghi một dòng.',
      'Dòng 6 (Phòng Y tế): có 6 cột; chỉ nhận đơn vị, khảo sát, điểm thưởng, điểm trừ, nguồn số liệu.',
      'Dòng 7: Phòng Nội vụ – khảo sát: điểm khảo sát 31 vượt điểm tối đa 30 của lĩnh vực “Khảo sát sự hài lòng của người dân, tổ chức”',
    ]);
    const page = renderAdjustmentsPage(f.adjustmentsModel({ pasted: bad, problems: checked.problems }));
    expect(page).toContain('<details class="paste" open>');
    expect(page).toContain('Xã Không Có\t20');
    expect(htmlText(page)).toContain('Có 5 mục cần sửa — lần gửi này chưa lưu gì');
    expect(readPaste('', units).problems.map((x) => x.message)).toEqual([
      'Chưa có dòng nào. Dán các dòng có cột: đơn vị, khảo sát, điểm thưởng, điểm trừ, nguồn số liệu.',
    ]);
    expect(readPaste('Xã Thanh Sơn 27,5 1 0', units).problems[0]?.message).toContain('Dòng không có dấu tab');

    // Ids or names (accents, case, "Hoà" for "Hòa" aside), Excel's trailing tabs and quotes, a
    // line with no value left out; the versions stored now, as the preview shows them.
    const good = [
      '',
      'XA DONG HOA\t27.5\t\t0,5\t"Phiếu ""A"""\t',
      'phong-tu-phap\t\t1',
      'Phòng Nội vụ\t\t\t',
      'Xã Yên Hoà\t28,25',
    ].join('\n');
    const ok = pasteAsForm(good, p, d, units);
    expect(ok.problems).toEqual([]);
    const form = ok.form ?? new URLSearchParams();
    expect(form.get('survey[xa-dong-hoa]')).toBe('27.5');
    expect(form.get('note[xa-dong-hoa]')).toBe('Phiếu "A"');
    expect(form.get('version[phong-noi-vu]')).toBe('0');
    const entries = checkAdjustmentsForm(form, p, d).entries;
    expect(entries.map((x) => [x.unitId, x.survey, x.bonus, x.penalty])).toEqual([
      ['phong-tu-phap', null, 100, 0],
      ['xa-dong-hoa', 2750, 0, 50],
      ['xa-yen-hoa', 2825, 0, 0],
    ]);

    // Two units whose names differ only by their accents: the exact name, or the id.
    const twins = [
      { id: 'xa-an-hoa', name: 'Xã An Hòa', group: 'commune' as const },
      { id: 'xa-an-hoa-2', name: 'Xã An Hóa', group: 'commune' as const },
    ];
    expect(readPaste('Xã An Hóa\t1', twins).lines.map((l) => l.unit.id)).toEqual(['xa-an-hoa-2']);
    expect(readPaste('xa an hoa\t1', twins).problems[0]?.message).toBe(
      'Dòng 1: “xa an hoa” khớp nhiều đơn vị (Xã An Hòa: xa-an-hoa; Xã An Hóa: xa-an-hoa-2); hãy ghi mã đơn vị.',
    );
  });

  it('a paste of the first columns only keeps what the others store; an empty cell it reaches clears', () => {
    const d = demo2024().loaded;
    const p = f.period('2024Q4');
    const noted = { survey: 2500, bonus: 100, penalty: 50, note: 'Phiếu khảo sát 12/BC-UBND' };
    const units = f.adjustmentUnits().map((u, i) => (i === 1 ? { ...u, stored: noted, version: 2 } : u));
    const unit = units[1];
    if (!unit) throw new Error('the fixture has units');
    const previewOf = (text: string) => {
      const read = pasteAsForm(text, p, d, units);
      expect(read.problems).toEqual([]);
      const entries = checkAdjustmentsForm(read.form ?? new URLSearchParams(), p, d).entries;
      return previewAdjustments(entries, units)[0];
    };
    // A sheet of survey results alone: the bonus, the penalty and the note stay as stored.
    expect(previewOf(`${unit.name}\t27`)).toMatchObject({ after: { ...noted, survey: 2700 }, changed: true });
    // Every column but the note, the same values: nothing changes, the note included.
    expect(previewOf(`${unit.name}\t25\t1\t0,5`)).toMatchObject({ after: noted, changed: false });
    // The range copied with its empty cells (Excel copies them as cells): they clear.
    expect(previewOf(`${unit.name}\t25\t\t\t`)).toMatchObject({
      after: { survey: 2500, bonus: 0, penalty: 0 },
      changed: true,
    });
    expect(previewOf(`${unit.name}\t25\t\t\t`)?.after.note).toBeUndefined();
  });

  it('a paste: headings with numbers in words skipped, other accents are another name, problems past 50 counted', () => {
    const units = f.adjustmentUnits();
    const thanhSon = units.find((u) => u.id === 'xa-thanh-son');
    expect(thanhSon?.name).toBe('Xã Thanh Sơn');
    const heading = 'Đơn vị\tKhảo sát (30 điểm)\tThưởng (tối đa 5)\tTrừ';
    expect(readPaste(`${heading}\nXã Thanh Sơn\t25`, units)).toMatchObject({
      problems: [],
      lines: [{ line: 2, unit: { id: 'xa-thanh-son' } }],
    });
    // The same name typed without accents, or in another case: the unit. With other accents: none.
    expect(readPaste('xa thanh son\t25\nXÃ THANH SƠN\t25', units).lines.map((l) => l.unit.id)).toEqual([
      'xa-thanh-son',
    ]);
    expect(readPaste('Xã Thành Sơn\t25', units).problems.map((x) => x.message)).toEqual([
      'Dòng 1: không có đơn vị “Xã Thành Sơn” trong phong trào (ghi tên đúng như trang Đơn vị, hoặc mã đơn vị).',
    ]);
    // A whole sheet in the wrong box: 50 problems listed, the rest counted.
    const wrong = Array.from({ length: 400 }, (_, i) => `Hộ gia đình ${i + 1}\t${i}`).join('\n');
    const many = pasteAsForm(wrong, f.period('2024Q4'), demo2024().loaded, units).problems;
    expect(many).toHaveLength(51);
    expect(many.at(-1)?.message).toBe('… và 350 dòng khác có lỗi: hãy kiểm tra lại các cột đã sao chép.');
  });

  it('after a conflict, pasted rows outside the search come back with their values, and the paste with them', () => {
    const posted = new URLSearchParams({
      q: 'thi tran',
      'survey[xa-thanh-son]': '21',
      'bonus[xa-thanh-son]': '',
      'penalty[xa-thanh-son]': '',
      'note[xa-thanh-son]': '',
      'version[xa-thanh-son]': '0',
      paste: 'Xã Thanh Sơn\t21',
    });
    const html = renderAdjustmentsPage(
      f.adjustmentsModel({
        query: 'thi tran',
        posted,
        pasted: 'Xã Thanh Sơn\t21',
        conflicts: [{ unitId: 'thi-tran-song-lam', unitName: 'Thị trấn Sông Lam' }],
      }),
    );
    expect(html).toContain('name="survey[xa-thanh-son]" value="21"');
    expect(html).toContain('Xã Thanh Sơn\t21</textarea>');
    expect(htmlText(html)).toContain('2/');
  });

  it('the audit trail exports as CSV Excel opens: BOM, ";", times in Hồ Chí Minh City, formulas made text', () => {
    const csv = auditCsv(f.auditRows(), 'Asia/Ho_Chi_Minh').toString('utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]?.[0]).toBe('Thời điểm');
    expect(rows[1]).toEqual([
      '10:00:00 14/01/2025',
      'Lê Thị Mai',
      'Quản trị',
      'mailt.noivu@song-lam.example.org',
      'Phiên đăng nhập',
      'Đổi người thẩm định',
      'Phòng Y tế',
      'Quý IV/2024',
      'Người thẩm định: Trương Thị Lan → Nguyễn Văn Thành',
      '203.0.113.7',
    ]);
    expect(rows[2]?.[4]).toBe('Qua liên kết thẩm định trong email');
    expect(rows[3]?.[1]).toBe(`'=HYPERLINK("http://x";"a") <script>`);
    // Each period as the page names it, a half-year's and a year's too.
    const periods = ['2024Q4', '2025H2', '2025H1', '2025'];
    const named = f
      .auditRows()
      .slice(0, 1)
      .flatMap((row) => periods.map((periodId) => ({ ...row, periodId })));
    const said = parseCsv(auditCsv(named, 'Asia/Ho_Chi_Minh').toString('utf8').slice(1))
      .slice(1)
      .map((r) => r[7]);
    expect(said).toEqual(['Quý IV/2024', '6 tháng cuối năm 2025', '6 tháng đầu năm 2025', 'Năm 2025']);
    const page = htmlText(renderAuditPage({ ...f.auditModel(), rows: named }));
    for (const label of said) expect(page).toContain(`${label} `);
  });

  it("a workflow step's entries name the step in Vietnamese, never the code's name", () => {
    expect(auditViaText({ kind: 'system', step: 'record-approval' })).toBe(
      'Quy trình tự động (ghi nhận phê duyệt)',
    );
    expect(auditViaText({ kind: 'system', step: 'mark-unappraised' })).toBe(
      'Quy trình tự động (hết hạn thẩm định)',
    );
    // A step without a label yet: the words alone, not its code name.
    expect(auditViaText({ kind: 'system', step: 'some-new-step' })).toBe('Quy trình tự động');
  });

  it("before any vote, the commendation page says when a year's vote starts (as its schedule: a week after)", () => {
    const empty = htmlText(renderCommendationIndex({ ...f.commendationIndexModel(), cycles: [] }));
    expect(empty).toContain('Chưa có đợt xét khen thưởng nào.');
    expect(empty).toContain('bắt đầu 7 ngày sau khi kết thúc thẩm định kỳ cuối cùng của năm');
  });

  it('a vote without quorum says so and offers a new vote; with quorum, the documents to file', () => {
    const tally = noQuorumTally();
    const noneHtml = renderCycle(f.cycleModel(tally));
    const none = htmlText(noneHtml);
    const said = `Hội đồng không đủ số thành viên tham gia (${tally.present}/${tally.N}, cần ít nhất ${tally.quorumRequired}): chưa ứng viên nào được thông qua. Tổ chức bỏ phiếu lại`;
    expect(none).toContain(said);
    // Said once, right under the title and its facts: before the proposal and the tally, which on a
    // province's page run to thousands of pixels.
    expect(none.split(said)).toHaveLength(2);
    const at = noneHtml.indexOf('Hội đồng không đủ số thành viên tham gia (');
    expect(at).toBeGreaterThan(noneHtml.indexOf('<h1>'));
    expect(at).toBeLessThan(noneHtml.indexOf('<h2 id="de-xuat">Đề xuất</h2>'));
    expect(at).toBeLessThan(noneHtml.indexOf('<h2>Kiểm phiếu</h2>'));
    expect(hrefs(noneHtml).filter((h) => h === '/admin/commendation/2024/revote')).toHaveLength(1);
    const html = renderCycle(f.cycleModel());
    expect(hrefs(html)).toEqual(
      expect.arrayContaining([
        '/admin/commendation/2024/proposal.docx',
        '/admin/commendation/2024/vote-record.docx',
      ]),
    );
    expect(hrefs(html)).not.toContain('/admin/commendation/2024/revote');
  });

  it('a candidate whose unit never reported reads its last place in words, not a place such as 4/12', () => {
    const s = f.sparseYear();
    const model = f.sparseCycleModel();
    const rows = tableRows(renderCycle({ ...model, query: { status: 'all' } }), 'Ứng viên');
    const name = (id: string) => s.year.units.find((u) => u.unitId === id)?.name ?? id;
    for (const id of s.never) {
      const row = rows.find((r) => r.startsWith(`${name(id)} `));
      expect(row).toContain(
        'Xếp cuối khối cơ quan (không nộp báo cáo kỳ nào trong phạm vi xét), 0,00 % – Yếu',
      );
      expect(row).toContain('Không nộp báo cáo ở ít nhất một kỳ trong phạm vi xét: không xét khen thưởng.');
    }
    expect(rows.join('\n')).not.toMatch(/Xếp hạng 4\/12/);
    // A place earned keeps its number, even with a quarter missed.
    expect(rows.find((r) => r.startsWith(`${name(s.firstOnly)} `))).toContain('Xếp hạng 3/12 khối cơ quan');
    // Only the words shown: the candidates' codes, statuses and ranks stay as the domain decided.
    const strip = (p: typeof s.proposal) =>
      p.candidates.map((c) => ({ ...c, reasons: c.reasons.map((r) => r.code) }));
    expect(strip(model.proposal)).toEqual(strip(s.proposal));
    expect(model.proposal.ballot).toEqual(s.proposal.ballot);
  });

  it('candidates: a unit left out for a pending appraisal says so, n of r/n is explained, each cell labelled for a phone', () => {
    const model = f.cycleModel();
    const html = renderCycle({ ...model, query: { status: 'all' } });
    const rows = tableRows(html, 'Ứng viên');
    const candidates = model.proposal.candidates;
    const pending = candidates.filter((c) => c.reasons.some((r) => r.code === 'flag-chua-tham-dinh'));
    expect(pending.length).toBeGreaterThan(0);
    candidates.forEach((c, i) => {
      if (pending.includes(c)) expect(rows[i]).toContain('Không đề nghị (chưa thẩm định)');
      else expect(rows[i]).not.toContain('(chưa thẩm định)');
    });
    expect(candidates.some((c) => c.status === 'excluded' && !pending.includes(c))).toBe(true);
    expect(htmlText(html)).toContain(
      'Trong “Xếp hạng r/n”, n là số đơn vị được xếp hạng trong khối: gồm cả đơn vị không nộp báo cáo (xếp cuối khối), không gồm đơn vị chưa thẩm định.',
    );
    // At 40rem and below the rows stack (table.stack); each cell then reads its column's heading.
    const region = html.slice(html.indexOf('aria-label="Ứng viên"'));
    const table = region.slice(0, region.indexOf('</table>'));
    expect(table).toContain('<table class="stack">');
    const headings = [...table.matchAll(/<th scope="col">(.*?)<\/th>/g)].map(([, h]) => h);
    for (const [, row = ''] of table.matchAll(/<tr><th scope="row">(.*?)<\/tr>/gs)) {
      const labels = [...row.matchAll(/<td[^>]*data-label="([^"]*)"/g)].map(([, l]) => l);
      expect(labels).toEqual(headings.slice(1));
      expect(row.match(/<td/g)).toHaveLength(headings.length - 1);
    }
  });

  it('candidates: only the proposed at first, then filtered by status, group and a name typed without accents', () => {
    const model = f.cycleModel();
    const all = model.proposal.candidates;
    const proposed = all.filter((c) => c.status !== 'excluded');
    const view = (search: string) => {
      const { query, ignored } = parseCandidateQuery(new URLSearchParams(search));
      const html = renderCycle({ ...model, query, ignored });
      return {
        html,
        text: htmlText(html),
        rows: html.includes('aria-label="Ứng viên"') ? tableRows(html, 'Ứng viên') : [],
      };
    };
    const first = (row: string) => all.find((c) => row.startsWith(`${c.name} `));

    // No query: the proposed ones alone, in the proposal's order, and how to see the rest.
    const start = view('');
    // Rows by name (a unit proposed upward is also a collective candidate of the same name).
    expect(start.rows.map((r) => proposed.find((c) => r.startsWith(`${c.name} `))?.name)).toEqual(
      proposed.map((c) => c.name),
    );
    expect(proposed.length).toBeLessThan(all.length);
    expect(start.text).toContain(`Hiển thị ${proposed.length}/${all.length} ứng viên được đề xuất.`);
    expect(start.text).toContain(
      `Được đề xuất: ${proposed.length} Không đề nghị: ${all.length - proposed.length} Tất cả: ${all.length}`,
    );
    expect(hrefs(start.html)).toEqual(
      expect.arrayContaining([
        '/admin/commendation/2024?status=excluded#de-xuat',
        '/admin/commendation/2024?status=all#de-xuat',
      ]),
    );
    // A GET form that works without a script, each field labelled.
    expect(start.html).toMatch(
      /<form class="filters" method="get" action="\/admin\/commendation\/2024#de-xuat" role="search"/,
    );
    for (const [id, name] of [
      ['loc-q', 'q'],
      ['loc-status', 'status'],
      ['loc-group', 'group'],
    ]) {
      expect(start.html).toContain(`<label for="${id}">`);
      expect(start.html).toMatch(new RegExp(`id="${id}" name="${name}"`));
    }

    // The excluded alone, every one of them, and each row says so.
    const excluded = view('status=excluded');
    expect(excluded.rows).toHaveLength(all.length - proposed.length);
    for (const row of excluded.rows) expect(row).toContain('Không đề nghị');
    expect(view('status=all').rows).toHaveLength(all.length);

    // By group: the communes' candidates only, people of a commune included.
    const communes = view('status=all&group=commune');
    expect(communes.rows.map((r) => first(r)?.group)).toEqual(
      all.filter((c) => c.group === 'commune').map(() => 'commune'),
    );
    expect(communes.html).toContain('<option value="commune" selected>');

    // A name typed without accents or capitals finds it; a person is found by the unit's name too.
    expect(view('status=all&q=XA DAI DONG').rows.map((r) => first(r)?.name)).toEqual(['Xã Đại Đồng']);
    const person = all.find((c) => c.kind === 'individual' && c.status !== 'excluded');
    if (!person) throw new Error('no proposed person');
    const unitFolded = person.unitName
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D');
    expect(view(`q=${encodeURIComponent(unitFolded)}`).rows.map((r) => first(r)?.id)).toContain(person.id);

    // Searched among the proposed, found only among the rest: said, with the link to them.
    const elsewhere = view('q=dai+dong');
    expect(elsewhere.rows).toEqual([]);
    expect(elsewhere.text).toContain(
      'Không có ứng viên được đề xuất nào khớp “dai dong”. Có 1 ứng viên không đề nghị khớp: xem mọi ứng viên khớp “dai dong”',
    );
    expect(hrefs(elsewhere.html)).toContain('/admin/commendation/2024?status=all&q=dai+dong#de-xuat');

    // What the form could not have sent is dropped and said; what is typed is shown, never markup.
    const odd = view('status=bogus&group=x&q=%3Cb%3EĐại');
    expect(odd.text).toContain('Một số điều kiện lọc không hợp lệ đã được bỏ qua.');
    expect(odd.html).not.toContain('<b>Đại');
    expect(odd.html).toContain('value="&lt;b&gt;Đại"');
    expect(parseCandidateQuery(new URLSearchParams('status=bogus&group=x')).ignored).toEqual([
      'group',
      'status',
    ]);
    // The council's tally still lists every candidate on the ballot, whatever the table shows.
    expect(tableRows(view('status=excluded').html, 'Kết quả biểu quyết')).toHaveLength(
      model.tally?.candidates.length ?? -1,
    );
  });

  it('a year with nothing to vote on says so, never "without quorum", nor a vote deadline or vote minutes', () => {
    const model = f.cycleModel();
    const cycle = { ...model.cycle, state: 'no-candidates' as const };
    const text = htmlText(renderCycle({ ...model, cycle, proposal: { ...model.proposal, ballot: [] } }));
    expect(model.cycle.closesAt).toBeDefined();
    expect(model.tally).toBeDefined();
    expect(text).not.toContain('Hạn bỏ phiếu');
    expect(text).not.toContain('Biên bản kiểm phiếu');
    const index = htmlText(renderCommendationIndex({ frame: model.frame, cycles: [cycle] }));
    expect(index).toContain('Không có trường hợp để biểu quyết');
    expect(index).not.toContain('hạn bỏ phiếu');
    expect(text).toContain('Không có trường hợp để biểu quyết');
    expect(text).toContain('Không có trường hợp nào đủ điều kiện đưa ra Hội đồng biểu quyết');
    expect(text).not.toContain('Không đủ số thành viên tham gia');
    expect(text).not.toContain('Tiến độ bỏ phiếu');
  });

  it('a proposal made while late appraisals are accepted says until when, whose reports wait, and that it is not made again', () => {
    const NOTICE = 'Thứ hạng còn có thể thay đổi';
    // 10:00 UTC is 17:00 in Hồ Chí Minh City.
    const late = {
      periodId: '2024Q4',
      until: '2025-02-05T10:00:00.000Z',
      waiting: ['Phòng Y tế', 'Xã <b>Đại</b>'],
    };
    const voting = { ...f.votingCycleModel(), proposedAt: '2025-01-28T10:00:00.000Z' };
    const html = renderCycle({ ...voting, watch: { late: [late], recomputed: [] } });
    expect(html).toContain(
      'Quý IV/2024 vẫn nhận thẩm định muộn đến <strong>17:00 05/02/2025</strong>; báo cáo còn chờ giải trình hoặc thẩm định: Phòng Y tế, Xã &lt;b&gt;Đại&lt;/b&gt;.',
    );
    const text = htmlText(html);
    expect(text).toContain(NOTICE);
    expect(text).toContain('kết quả của kỳ được tính lại và công bố thành phiên bản mới');
    expect(text).toContain('Đề xuất này được lập lúc 17:00 28/01/2025 và không được lập lại tự động');
    expect(text).not.toContain('bỏ phiếu lại');
    // No period accepts late appraisals any more, no results recomputed since: nothing said.
    for (const model of [voting, { ...voting, watch: { late: [], recomputed: [] } }]) {
      expect(htmlText(renderCycle(model))).not.toContain(NOTICE);
      expect(htmlText(renderCycle(model))).not.toContain('thẩm định muộn');
    }
    // Results recomputed after a vote without quorum: a new vote proposes again from the latest.
    const recomputed = { late: [], recomputed: [{ periodId: '2024Q4', version: 1, latest: 2 }] };
    const again = htmlText(renderCycle({ ...f.cycleModel(noQuorumTally()), watch: recomputed }));
    expect(again).toContain('Kết quả đã thay đổi sau khi lập đề xuất');
    expect(again).toContain(
      'Kết quả Quý IV/2024 đã được tính lại sau khi lập đề xuất: nay là phiên bản 2, đề xuất dùng phiên bản 1.',
    );
    expect(again).toContain(
      'nếu tổ chức bỏ phiếu lại, đề xuất mới được lập từ kết quả mới nhất lúc bắt đầu bỏ phiếu lại',
    );
    // The form that opens the new vote says the same before the admin presses it.
    const action = {
      kind: 'revote' as const,
      cycleId: '2024-2',
      nextCycleId: '2024-3',
      present: 4,
      members: 8,
      quorum: 6,
    };
    const form = renderActionPage({ frame: f.FRAME, action: { ...action, late: [late] }, nonce: 'n-1' });
    expect(htmlText(form)).toContain(
      'Quý IV/2024 vẫn nhận thẩm định muộn đến 17:00 05/02/2025 (báo cáo còn chờ giải trình hoặc thẩm định: Phòng Y tế, Xã <b>Đại</b>)',
    );
    expect(form).not.toContain('<b>Đại');
    const plain = htmlText(renderActionPage({ frame: f.FRAME, action, nonce: 'n-2' }));
    expect(plain).toContain(
      'Đề xuất của đợt mới được lập lại từ kết quả mới nhất của từng kỳ lúc bắt đầu bỏ phiếu lại.',
    );
    expect(plain).not.toContain('thẩm định muộn');
  });

  it('while the council votes: who has voted and when, the quorum still missing, never a choice', () => {
    const html = renderCycle(f.votingCycleModel());
    const text = htmlText(html);
    expect(text).toContain(
      'Đã có 5/8 thành viên gửi phiếu; cần ít nhất 6 thành viên tham gia để đủ số biểu quyết (còn thiếu 1).',
    );
    // 02:30 UTC on 20/01/2025 is 09:30 in Hồ Chí Minh City.
    expect(text).toContain('Đã gửi phiếu lúc 09:30 20/01/2025');
    expect(text).toContain('Thành viên chưa gửi phiếu sẽ được nhắc tự động lúc 17:00 27/01/2025.');
    expect(text).toContain('Chưa gửi phiếu · đã được nhắc tự động lúc 10:00 26/01/2025 · Nhắc bỏ phiếu');
    expect([...html.matchAll(/Chưa gửi phiếu/g)]).toHaveLength(3);
    expect(html).toContain('class="notice warn"');
    expect(text).not.toContain('Kiểm phiếu');
    expect(hrefs(html)).not.toContain('/admin/commendation/2024/vote-record.docx');
  });

  it("the session line says its expiry is the machine's real time when the product's clock is elsewhere (the demo's)", () => {
    const line = (frame: typeof f.FRAME) =>
      htmlText(renderResultsIndex({ frame, periods: [], years: [], phaseId: '2021-2025' }));
    // On AWS both clocks agree: the expiry alone.
    const cloud = line({ ...f.FRAME, realNow: f.FRAME.now });
    expect(cloud).toContain('phiên hết hạn lúc 17:00 15/01/2025 Đăng xuất');
    expect(cloud).not.toContain('giờ thực');
    // The local demo at 02/08/2022 while the machine is in 2026.
    const demo = line({ ...f.FRAME, now: '2022-08-02T01:00:00.000Z', realNow: '2025-01-15T02:00:00.000Z' });
    expect(demo).toContain(
      'phiên hết hạn lúc 17:00 15/01/2025 theo giờ thực của máy (đồng hồ mô phỏng của hệ thống đang ở 08:00 02/08/2022)',
    );
  });

  it("a leader's frame offers the results only, and the results name units without linking their history", () => {
    const frame = {
      ...f.FRAME,
      viewer: {
        ...f.FRAME.viewer,
        kind: 'leader' as const,
        name: 'Đặng Văn Long',
        email: 'longdv.ubnd@song-lam.example.org',
      },
    };
    const results = renderResultsPage({ ...f.periodResultsModel(), frame });
    expect(hrefs(results)).toContain('/admin/results');
    for (const adminOnly of ['/admin', '/admin/units', '/admin/audit', '/admin/commendation']) {
      expect(hrefs(results), adminOnly).not.toContain(adminOnly);
    }
    expect(hrefs(results).some((h) => h.startsWith('/admin/units/'))).toBe(false);
    expect(htmlText(results)).toContain('Đăng nhập: Đặng Văn Long (longdv.ubnd@song-lam.example.org)');
    // An admin's copy of the same page links each unit.
    expect(hrefs(renderResultsPage(f.periodResultsModel())).some((h) => h.startsWith('/admin/units/'))).toBe(
      true,
    );
  });

  it("a province's pages name its communes xã, phường (no thị trấn since 1/7/2025), charts as the headings", () => {
    const frame = { ...f.FRAME, groupLabels: groupLabelsFor('tinh') };
    const results = renderResultsPage({ ...f.periodResultsModel(), frame });
    expect(htmlText(results)).toContain('Khối xã, phường');
    expect(tableRows(results, 'Xếp hạng Khối xã, phường').length).toBeGreaterThan(0);
    // Each chart is titled as the group's heading, never the huyện's words.
    expect(results).toContain('Phân bố tỷ lệ điểm – Khối xã, phường, quý III năm 2024');
    expect(results).toContain('Tỷ lệ điểm bình quân theo lĩnh vực – Khối xã, phường, quý III năm 2024');
    expect(results).toContain('Phân bố tỷ lệ điểm – Khối cơ quan, quý III năm 2024');
    const pages = [
      results,
      renderResultsPage({ ...f.yearResultsModel(), frame }),
      renderPeriodProgress({ ...f.progressModel(), frame }),
      renderAdjustmentsPage({ ...f.adjustmentsModel(), frame }),
    ];
    for (const html of pages) {
      expect(html).toContain('Khối xã, phường');
      expect(html).not.toContain('thị trấn');
    }
    // An office's history names its own group; nothing there may say thị trấn either.
    expect(renderUnitHistory(f.unitHistoryModel(frame))).not.toContain('thị trấn');
  });

  it('the units page lists every unit by group in Vietnamese order, each linked to its history, found typed without accents', () => {
    const units = demo2024().loaded.config.units;
    const all = renderUnitIndex({ frame: f.FRAME, units, query: '' });
    const links = [...all.matchAll(/<a href="\/admin\/units\/([^"/]+)">/g)].map((m) => m[1]);
    expect(new Set(links)).toEqual(new Set(units.map((u) => u.id)));
    expect(htmlText(all)).toContain(`${units.length} đơn vị.`);
    const officesAt = all.indexOf('aria-label="Đơn vị Khối cơ quan"');
    const offices = all.slice(officesAt, all.indexOf('</table>', officesAt));
    const names = [...offices.matchAll(/<th scope="row"><a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1] ?? '');
    expect(names).toHaveLength(units.filter((u) => u.group === 'office').length);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
    // Typed without accents, in any case: "tu phap" finds Phòng Tư pháp.
    const found = renderUnitIndex({ frame: f.FRAME, units, query: 'TU PHAP' });
    expect(htmlText(found)).toContain('1/27 đơn vị khớp “TU PHAP”');
    expect(found).toContain('href="/admin/units/phong-tu-phap"');
    expect(found).not.toContain('href="/admin/units/phong-noi-vu"');
    // Spaces typed twice are one space, as the page shows the query back.
    expect(renderUnitIndex({ frame: f.FRAME, units, query: 'Phòng  Tư   pháp' })).toContain(
      'href="/admin/units/phong-tu-phap"',
    );
    expect(htmlText(renderUnitIndex({ frame: f.FRAME, units, query: '<b>' }))).toContain(
      'Không có đơn vị nào khớp “<b>”',
    );
    expect(renderUnitIndex({ frame: f.FRAME, units, query: '<b>' })).not.toContain('“<b>”');
  });

  it('every page: Vietnamese without English glosses, one h1, labelled forms posting to the admin with a write id', () => {
    for (const [name, html] of adminGallery()) {
      expect(html, name).toMatch(/<html lang="vi">/);
      expect([...html.matchAll(/<h1>/g)], name).toHaveLength(1);
      expect(htmlText(html), name).not.toMatch(/\((?:[A-Za-z]+[ ,]+){2,}[A-Za-z]+\.?\)/);
      for (const [form] of html.matchAll(/<form method="post"[^>]*>.*?<\/form>/gs)) {
        if (form.includes('signout') || form.includes('action="/u"')) continue;
        expect(form, name).toContain('name="nonce"');
      }
    }
  });
});
