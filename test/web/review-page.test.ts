/**
 * The reviewer's page of a later round, and the confirmation a decision passes through: what they
 * prefill and what they show, from view models.
 */
import { describe, expect, it } from 'vitest';
import type { Appraisal } from '#domain/model';
import { reportChanges } from '#domain/report';
import { e } from '#web/pages';
import { renderDecisionConfirmation } from '#web/review-confirm';
import { renderReviewPage } from '#web/review-page';
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
