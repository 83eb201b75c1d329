/**
 * The reviewer's page of a later round, and the confirmation a decision passes through: what they
 * prefill and what they show, from view models; the page's contents, its running appraised total
 * (and its script's reading of it, held to the server's), and what it folds on a phone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Appraisal } from '#domain/model';
import { formatPoints } from '#domain/points';
import { reportChanges } from '#domain/report';
import { e } from '#web/pages';
import { renderDecisionConfirmation } from '#web/review-confirm';
import { renderReviewPage } from '#web/review-page';
import { appraisalProgress } from '#web/review-progress';
import { appraisalTally } from '../../functions/web/assets/review-form.js';
import { config, fullScores, leaves, must, officeSet, period, reportWith, unit } from './fixtures.ts';

const reviewer = must(config.reviewers[0], 'a reviewer');
const [first, second] = Object.keys(fullScores());
if (!first || !second) throw new Error('the office set has fewer than two leaves');
const max = fullScores();

/** Round 1's appraisal: the first leaf lowered to half, the second kept at the unit's maximum. */
const round1: Appraisal = {
  unitId: unit.id,
  periodId: period.id,
  criteriaSetId: officeSet.id,
  reviewerId: reviewer.id,
  entries: Object.fromEntries(
    Object.entries(max).map(([id, m]) => [
      id,
      id === first ? { score: m / 2, comment: 'Chưa có minh chứng.' } : { score: m, comment: '' },
    ]),
  ),
};

function scoreField(page: string, leaf: string): string | undefined {
  const name = `score[${leaf}]`.replace(/[[\].]/g, '\\$&');
  return new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
}

describe('a later round of the review page', () => {
  it('prefills the last appraisal, but never above what the unit now claims', () => {
    // The explanation lowered the second leaf's self-score to a quarter of its maximum.
    const explained = reportWith({ ...max, [second]: (max[second] as number) / 4 });
    const page = renderReviewPage({
      authority: config.district.authority,
      unit,
      period,
      set: officeSet,
      stored: { status: 'in-review', version: 4, updatedAt: '2022-10-20T02:00:00Z', report: explained },
      round: 2,
      reviewer,
      rounds: [
        {
          round: 1,
          appraisal: { appraisal: round1, round: 1, approvalId: 'a1', recordedAt: '2022-10-14T03:00:00Z' },
        },
      ],
    });
    const points = (hundredths: number) => (hundredths / 100).toString().replace('.', ',');
    // The reviewer's own lowering stands where the unit did not change its claim,
    expect(scoreField(page, first)).toBe(points((max[first] as number) / 2));
    // and the unit's lowered claim is offered where it fell below the last appraisal.
    expect(scoreField(page, second)).toBe(points((max[second] as number) / 4));
  });

  it('lists what the unit changed since round 1, linked to each criterion and marked there', () => {
    const seen = reportWith(max);
    const explained = reportWith(
      { ...max, [second]: (max[second] as number) / 4 },
      { summary: 'Đã bổ sung <minh chứng>.' },
    );
    const withEvidence = must(explained.entries[first], 'the first leaf');
    explained.entries[first] = { ...withEvidence, evidence: [{ number: '05/KH-TP' }] };
    const model = {
      authority: config.district.authority,
      unit,
      period,
      set: officeSet,
      stored: {
        status: 'in-review' as const,
        version: 4,
        updatedAt: '2022-10-20T02:00:00Z',
        report: explained,
      },
      round: 2,
      reviewer,
      rounds: [
        {
          round: 1,
          appraisal: {
            appraisal: round1,
            round: 1,
            reportVersion: 2,
            approvalId: 'a1',
            recordedAt: '2022-10-14T03:00:00Z',
          },
        },
      ],
    };
    const page = renderReviewPage({
      ...model,
      changes: { ...reportChanges(seen, explained, officeSet), round: 1, version: 2 },
    });
    const leafName = (id: string) =>
      must(
        leaves.find((l) => l.leaf.id === id),
        id,
      ).leaf.name;
    const text = (hundredths: number) => (hundredths / 100).toString().replace('.', ',');
    expect(page).toContain('<h2>Đơn vị đã sửa sau vòng 1</h2>');
    expect(page).toContain('So với phiên bản 2 (bản đã thẩm định ở vòng 1).');
    expect(page).toContain(`<a href="#leaf-${first}">${first}. ${e(leafName(first))}</a>: thêm 1 minh chứng`);
    expect(page).toContain(
      `<a href="#leaf-${second}">${second}. ${e(leafName(second))}</a>: tự chấm ${text(max[second] as number)} → ${text((max[second] as number) / 4)}`,
    );
    expect(page).toContain('Cũng đã sửa: Tóm tắt.');
    // Each changed criterion is marked where it stands, its score beside the one before.
    expect([...page.matchAll(/<a class="tag changed" href="#thay-doi">Đã sửa sau vòng 1: /g)]).toHaveLength(
      2,
    );
    expect(page).toContain('<section id="thay-doi">');
    expect(page).toContain(`(trước khi sửa: ${text(max[second] as number)})`);
    // Nothing changed but the explanation: the page says so.
    const unchanged = renderReviewPage({
      ...model,
      stored: { ...model.stored, report: seen },
      changes: { ...reportChanges(seen, seen, officeSet), round: 1, version: 2 },
    });
    expect(unchanged).toContain('Đơn vị không sửa báo cáo; chỉ gửi giải trình.');
    expect(unchanged).not.toContain('class="tag changed"');
  });
});

describe('the confirmation of a decision', () => {
  it('totals both sides, lists what the reviewer changed or commented, and carries the form', () => {
    const report = reportWith(max);
    const form = new URLSearchParams({ decision: 'approve', reportVersion: '3', writeId: 'w-1' });
    const page = renderDecisionConfirmation({
      authority: config.district.authority,
      unit,
      period,
      set: officeSet,
      round: 1,
      reviewer,
      report,
      decision: 'approve',
      payload: { appraisal: round1, reportVersion: 3 },
      form,
    });
    const total = Object.values(max).reduce((s, m) => s + m, 0);
    const appraised = total - (max[first] as number) / 2;
    const text = (hundredths: number) =>
      (hundredths / 100).toLocaleString('vi-VN', { maximumFractionDigits: 2 }).replace(/\./g, '');
    expect(page).toContain(
      // Out of the appraised areas' maximum (every leaf's), as the unit's report page reads it.
      `Tổng điểm thẩm định: <strong>${text(appraised)}</strong>/${text(total)} điểm; đơn vị tự chấm: ${text(total)}/${text(total)} điểm`,
    );
    expect(page).toContain('Tiêu chí có điểm thẩm định khác điểm tự chấm hoặc có nhận xét: 1');
    expect(page).toContain('Chưa có minh chứng.');
    expect(page).toContain('<input type="hidden" name="writeId" value="w-1">');
    expect(page).toContain('name="confirm" value="yes"');
    expect(page).toContain('name="back" value="1"');
  });
});

describe("the report's initiatives and nominations on the review page", () => {
  it('read as sentences: the effect on its own line, each nominee with the form asked and their standing', () => {
    const report = {
      ...reportWith(max),
      initiatives: [
        {
          id: 'mot-cua',
          title: 'Một cửa <điện tử>',
          description: 'Hướng dẫn viên tình nguyện.',
          effect: 'Giảm 40 % thời gian chờ',
        },
      ],
      nominations: [
        {
          id: 'cn-1',
          name: 'Nguyễn Văn An',
          position: 'Chuyên viên',
          form: 'giay-khen' as const,
          achievements: 'Số hóa hồ sơ.',
          status: 'inspection' as const,
          unitId: unit.id,
          submittedAt: '2022-10-05T02:00:00Z',
        },
      ],
    };
    const page = renderReviewPage({
      authority: config.district.authority,
      unit,
      period,
      set: officeSet,
      stored: { status: 'in-review', version: 2, updatedAt: '2022-10-20T02:00:00Z', report },
      round: 1,
      reviewer,
      rounds: [],
    });
    expect(page).toContain(
      `${e('Một cửa <điện tử>')}</strong>: Hướng dẫn viên tình nguyện.<br>Hiệu quả: Giảm 40 % thời gian chờ`,
    );
    expect(page).not.toContain('.; ');
    // The unit's own total beside the round, without the survey the unit does not score.
    const claimed = Object.values(max).reduce((s, v) => s + v, 0);
    expect(page).toMatch(
      new RegExp(`Tổng tự chấm: ${(claimed / 100).toString().replace('.', ',')}/\\d+(,\\d+)? điểm`),
    );
    expect(page).toContain(
      '<strong>Nguyễn Văn An</strong>, Chuyên viên – đề nghị Giấy khen<br>Thành tích: Số hóa hồ sơ.<br>Tình trạng: Đang bị thanh tra, kiểm tra',
    );
  });
});

describe('the contents and the running appraised total', () => {
  const survey = officeSet.areas.filter((a) => a.kind === 'survey').reduce((s, a) => s + a.max, 0);
  const total = Object.values(max).reduce((s, m) => s + m, 0);
  const areaOf = (id: string) =>
    must(
      leaves.find((l) => l.leaf.id === id),
      id,
    ).area;
  const selfOfArea = (areaId: string) =>
    leaves.filter((l) => l.area.id === areaId).reduce((s, l) => s + l.leaf.max, 0);
  /** Round 2, pre-filled from round 1's appraisal: the first leaf at half its maximum. */
  const model = {
    authority: config.district.authority,
    unit,
    period,
    set: officeSet,
    stored: {
      status: 'in-review' as const,
      version: 4,
      updatedAt: '2022-10-20T02:00:00Z',
      report: reportWith(max),
    },
    round: 2,
    reviewer,
    rounds: [
      {
        round: 1,
        appraisal: { appraisal: round1, round: 1, approvalId: 'a1', recordedAt: '2022-10-14T03:00:00Z' },
      },
    ],
    assets: { script: '/assets/review-form.js', style: '/assets/report-form.css' },
  };

  it('links every area from a table of contents, each with the unit’s subtotal and the appraised one', () => {
    const page = renderReviewPage(model);
    const nav = must(/<nav id="muc-luc"[\s\S]*?<\/nav>/.exec(page)?.[0], 'the contents');
    for (const area of officeSet.areas) {
      expect(nav).toContain(`<a href="#linh-vuc-${area.id}">${area.id}. ${e(area.name)}</a>`);
      // Each link lands on its area's section.
      expect(page).toContain(`id="linh-vuc-${area.id}"`);
    }
    expect(nav).toContain('<a href="#sang-kien">');
    expect(page).toContain('<section id="sang-kien">');
    expect(nav).toContain('<a href="#ket-luan">');
    expect(page).toContain('<section id="ket-luan">');
    // The first leaf's area: the unit claimed its maximum; the pre-filled appraisal is half of
    // the first leaf lower. That figure follows the typing, so only the script shows it.
    const area = areaOf(first);
    const self = selfOfArea(area.id);
    expect(nav).toContain(
      `<li data-area-link="${area.id}"><a href="#linh-vuc-${area.id}">${area.id}. ${e(area.name)}</a><br><span class="area-sum">Tự chấm ${formatPoints(self)} / ${formatPoints(area.max)} điểm<span data-with-script hidden> · thẩm định <strong data-subtotal>${formatPoints(self - (max[first] as number) / 2)}</strong></span>`,
    );
    // The survey area is listed, as what it is.
    expect(nav).toContain('theo kết quả khảo sát; không thẩm định ở đây');
  });

  it('keeps the appraised total in a bar on top, beside the unit’s own, counting what the boxes hold', () => {
    const page = renderReviewPage(model);
    const bar = must(/<div class="progress-bar" id="tien-do">[\s\S]*?<\/div>/.exec(page)?.[0], 'the bar');
    expect(page.indexOf(bar)).toBeLessThan(page.indexOf('<h1>'));
    expect(bar).toContain(
      `<span data-with-script hidden>Thẩm định: <strong data-total>${formatPoints(total - (max[first] as number) / 2)}</strong>/${formatPoints(total)} điểm, tự chấm ${formatPoints(total)}</span>`,
    );
    // Without script the bar says the unit's total, which typing does not change.
    expect(bar).toContain(
      `<span data-without-script>Tổng tự chấm: <strong>${formatPoints(total)}</strong>/${formatPoints(total)} điểm (chưa kể ${formatPoints(survey)} điểm khảo sát)</span>`,
    );
    expect(bar).toContain('Khác tự chấm: <strong data-differ>1</strong> tiêu chí');
    expect(bar).toContain('<span class="invalid" data-unset-wrap hidden>');
    expect(bar).toContain('<a href="#muc-luc">Mục lục</a>');
    // The script the figures need is the product's own file, never inline.
    expect(page).toContain('<script type="module" src="/assets/review-form.js"></script>');
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    // What the script reads: each leaf's maximum and self-score, each area's id.
    expect(page).toContain(`id="leaf-${first}" data-max="${max[first]}" data-self="${max[first]}"`);
    expect(page).toContain(`data-area="${areaOf(first).id}"`);
  });

  it('counts a refused form as typed: a blank box and one above its maximum apart, not added', () => {
    const raw = new URLSearchParams(
      Object.entries(max).map(([id, m]): [string, string] => [`score[${id}]`, formatPoints(m)]),
    );
    raw.set(`score[${first}]`, '');
    raw.set(`score[${second}]`, formatPoints((max[second] as number) + 100));
    const page = renderReviewPage({ ...model, raw });
    expect(page).toContain(
      `<strong data-total>${formatPoints(total - (max[first] as number) - (max[second] as number))}</strong>`,
    );
    expect(page).toContain(
      '<span class="invalid" data-unset-wrap><strong data-unset>2</strong> ô điểm trống hoặc chưa hợp lệ</span>',
    );
    expect(page).toContain('Khác tự chấm: <strong data-differ>0</strong> tiêu chí');
  });

  it('folds a long explanation under its beginning and the evidence under its count; opens what the unit changed', () => {
    const long = `Đơn vị đã ban hành kế hoạch <số 12>, ${'triển khai đầy đủ, đúng thời hạn; '.repeat(12)}kết thúc.`;
    const report = reportWith(max);
    const [third] = Object.keys(max).slice(2);
    report.entries[first] = {
      selfScore: max[first] as number,
      explanation: long,
      evidence: [{ number: '45/BC-UBND' }, { url: 'https://vanban.example.org/45', title: 'Báo cáo' }],
    };
    report.entries[second] = { selfScore: max[second] as number, explanation: 'Đã thực hiện.', evidence: [] };
    const page = renderReviewPage({ ...model, stored: { ...model.stored, report } });
    const leaf = (id: string) =>
      must(new RegExp(`id="leaf-${id.replace(/\./g, '\\.')}"[\\s\\S]*?class="appraise"`).exec(page)?.[0], id);
    // Folded, closed: the beginning (escaped) stands in the summary, the whole text inside.
    expect(leaf(first)).toMatch(
      /<details class="unit-part explanation"><summary><strong>Giải thích<\/strong> \(\d+ ký tự\)<span class="preview">: Đơn vị đã ban hành kế hoạch &lt;số 12&gt;, [^<]*…<\/span><\/summary>/,
    );
    expect(leaf(first)).toContain(e(long));
    expect(leaf(first)).toContain(
      '<details class="unit-part evidence"><summary><strong>Minh chứng:</strong> 2 văn bản, đường dẫn</summary>',
    );
    // A short explanation stays open; a criterion without evidence says so in the open: its ⚠
    // flag where evidence is required (once, not again under it), else in words.
    expect(leaf(second)).toContain('<div class="ro"><strong>Giải thích:</strong> Đã thực hiện.</div>');
    expect(leaf(must(third, 'a third leaf'))).toContain('⚠ Tự chấm điểm nhưng chưa có minh chứng');
    expect(leaf(must(third, 'a third leaf'))).not.toContain('Minh chứng: không có');
    const optional = must(
      leaves.find((l) => !l.leaf.evidenceRequired),
      'a criterion not requiring evidence',
    ).leaf.id;
    expect(leaf(optional)).toContain('Minh chứng: không có');
    // In a later round, what the unit changed is what the reviewer reads it for: open.
    const changed = renderReviewPage({
      ...model,
      stored: { ...model.stored, report },
      changes: { ...reportChanges(reportWith(max), report, officeSet), round: 1, version: 2 },
    });
    expect(changed).toContain('<details class="unit-part evidence" open>');
    expect(changed).toContain('<details class="unit-part explanation" open>');
  });
});

describe('the review page’s script', () => {
  it('totals, counts apart and compares a typed appraisal exactly as the server does', () => {
    const typed = fc.oneof(
      fc.integer({ min: 0, max: 1200 }).map((h) => formatPoints(h)),
      fc.constantFrom('', ' ', 'abc', '0,125', '-1', '1e2', '0.5', '99'),
    );
    const self = reportWith(
      Object.fromEntries(Object.entries(max).map(([id, m]) => [id, Math.floor(m / 2)])),
    );
    fc.assert(
      fc.property(fc.array(typed, { minLength: leaves.length, maxLength: leaves.length }), (texts) => {
        const text = new Map(leaves.map(({ leaf }, i) => [leaf.id, texts[i] ?? '']));
        const server = appraisalProgress(officeSet, self, (id) => text.get(id) ?? '', new Set());
        const script = appraisalTally(
          leaves.map(({ leaf, area }) => ({
            area: area.id,
            max: leaf.max,
            self: self.entries[leaf.id]?.selfScore,
            text: text.get(leaf.id) ?? '',
          })),
        );
        expect(script.all).toEqual({
          appraised: server.appraised,
          unset: server.unset,
          differ: server.differ,
        });
        for (const area of server.areas.filter((a) => !a.survey)) {
          expect(script.areas.get(area.id)?.appraised).toBe(area.appraised);
        }
      }),
      { numRuns: 200 },
    );
  });
});
