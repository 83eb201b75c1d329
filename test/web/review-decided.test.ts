/**
 * A reviewer who opens a decided link reads the report and the decision, and can decide nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Appraisal } from '#domain/model';
import { renderDecidedReviewPage } from '#web/review-decided';
import { config, fullScores, must, officeSet, period, reportWith, unit } from './fixtures.ts';

const reviewer = must(config.reviewers[0], 'a reviewer');
const report = reportWith(fullScores(), { summary: 'Hoàn thành kế hoạch CCHC năm 2022.' });
report.entries['1.1.1'] = {
  selfScore: 100,
  explanation: 'Kế hoạch số 05/KH-TP.',
  evidence: [{ number: '05/KH-TP', date: '2022-01-10' }],
};
const appraisal: Appraisal = {
  unitId: unit.id,
  periodId: period.id,
  criteriaSetId: officeSet.id,
  reviewerId: reviewer.id,
  entries: Object.fromEntries(
    Object.entries(fullScores()).map(([id, max]) => [
      id,
      id === '3.1.1' ? { score: max / 2, comment: 'Tỷ lệ <đúng hạn> 85%.' } : { score: max, comment: '' },
    ]),
  ),
};

const page = renderDecidedReviewPage({
  authority: config.district.authority,
  unit,
  period,
  set: officeSet,
  stored: {
    status: 'approved',
    version: 3,
    updatedAt: '2022-10-12T01:00:00Z',
    submittedAt: '2022-10-11T08:00:00Z',
    report,
  },
  round: 1,
  reviewer,
  rounds: [],
  decision: {
    action: 'approve',
    decidedAt: '2022-10-14T03:20:00Z',
    decidedBy: reviewer.name,
    appraisal,
    generalComment: 'Báo cáo đầy đủ.',
  },
});

describe('a decided review link', () => {
  it('says what was decided, when and by whom', () => {
    expect(page).toContain('Đã có quyết định: Phê duyệt');
    expect(page).toContain(`Quyết định được ghi nhận lúc 10:20 14/10/2022, bởi ${reviewer.name}.`);
    expect(page).toContain('Báo cáo đầy đủ.');
  });

  it('shows the report beside each appraised score and comment', () => {
    expect(page).toContain('Kế hoạch số 05/KH-TP.');
    expect(page).toContain('Số 05/KH-TP ngày 10/01/2022');
    expect(page).toContain('Điểm thẩm định: 0,25</strong> / 0,5');
    expect(page).toContain('Nhận xét: Tỷ lệ &lt;đúng hạn&gt; 85%.');
    for (const area of officeSet.areas) expect(page).toContain(`${area.id}. ${area.name}`);
  });

  it('names criteria without evidence but, decided, no longer calls them grounds for a return', () => {
    expect(page).toContain('chưa có minh chứng, đánh dấu ⚠ bên dưới.');
    expect(page).not.toContain('căn cứ để trả lại');
  });

  it('can decide nothing: no form, no button, no field', () => {
    expect(page).not.toMatch(/<form|<button|<input|<textarea/);
  });
});
