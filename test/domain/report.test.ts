import { describe, expect, it } from 'vitest';
import type { Appraisal, Report } from '#domain/model';
import {
  appraisedScores,
  missingEvidence,
  type Problem,
  reportChanges,
  validateAppraisal,
  validateReport,
  validateSelfCheck,
} from '#domain/report';
import { nestedSet } from './scoring-fixtures.ts';

const set = nestedSet();
const evidence = [{ number: '45/BC-UBND', date: '2024-09-30', issuer: 'UBND xã' }];

function report(entries: Report['entries'] = fullEntries(), extra: Partial<Report> = {}): Report {
  return {
    unitId: 'phong-tu-phap',
    periodId: '2024Q3',
    criteriaSetId: set.id,
    entries,
    initiatives: [],
    selfCheck: { t05: [true, true, true, true, false], k05: [true, true, true, true, true] },
    nominations: [],
    ...extra,
  };
}

function fullEntries(): Report['entries'] {
  return {
    '1.1.1': { selfScore: 400, explanation: 'Ban hành kế hoạch đúng hạn', evidence },
    '1.1.2': { selfScore: 150, explanation: 'Kiểm tra 2 đơn vị', evidence: [] },
    '1.2': { selfScore: 300, explanation: 'Báo cáo đủ', evidence },
    '2.1': { selfScore: 5500, explanation: '98 % hồ sơ đúng hạn', evidence },
  };
}

function appraisal(entries: Appraisal['entries'], extra: Partial<Appraisal> = {}): Appraisal {
  return {
    unitId: 'phong-tu-phap',
    periodId: '2024Q3',
    criteriaSetId: set.id,
    reviewerId: 'nguyen-van-a',
    entries,
    ...extra,
  };
}

/** [criterion or field, code], sorted: problems come in the order of the input's keys. */
const codes = (problems: Problem[]) =>
  problems.map((p) => [p.criterionId ?? p.field, p.code]).sort((a, b) => String(a).localeCompare(String(b)));

describe('validateReport', () => {
  it('accepts a complete report', () => {
    expect(validateReport(report(), set)).toEqual([]);
  });

  it('lets a draft be partial but a submitted report must score every leaf', () => {
    const partial = report({ '1.2': { selfScore: 300, explanation: '', evidence } });
    expect(validateReport(partial, set, { mode: 'draft' })).toEqual([]);
    const problems = validateReport(partial, set, { mode: 'submit' });
    expect(codes(problems)).toEqual([
      ['1.1.1', 'missing-criterion'],
      ['1.1.2', 'missing-criterion'],
      ['2.1', 'missing-criterion'],
    ]);
    expect(problems[0]?.message).toBe(
      'Chưa tự chấm tiêu chí 1.1.1 "Tiêu chí 1.1.1" (tối đa 4 điểm); báo cáo gửi đi phải chấm đủ mọi tiêu chí.',
    );
  });

  it('refuses a self-score outside 0..max of its leaf, even in a draft', () => {
    const entries = fullEntries();
    entries['1.2'] = { selfScore: 450, explanation: '', evidence };
    entries['2.1'] = { selfScore: -25, explanation: '', evidence };
    const problems = validateReport(report(entries), set, { mode: 'draft' });
    expect(codes(problems)).toEqual([
      ['1.2', 'score-out-of-range'],
      ['2.1', 'score-out-of-range'],
    ]);
    expect(problems[0]).toMatchObject({ field: 'entries.1.2.selfScore' });
    expect(problems[0]?.message).toBe('Điểm tự chấm của tiêu chí 1.2 là 4,5, ngoài khoảng 0–4 điểm.');
  });

  it('refuses a score that is not whole hundredths', () => {
    const entries = fullEntries();
    entries['1.2'] = { selfScore: 3.5, explanation: '', evidence };
    expect(codes(validateReport(report(entries), set))).toEqual([['1.2', 'invalid-score']]);
  });

  it('names unknown criteria, group criteria and the survey area', () => {
    const entries = {
      ...fullEntries(),
      '4.4': { selfScore: 100, explanation: '', evidence },
      '1.1': { selfScore: 100, explanation: '', evidence },
      '3': { selfScore: 2500, explanation: 'Khảo sát tốt', evidence },
    };
    const problems = validateReport(report(entries), set);
    expect(codes(problems)).toEqual([
      ['1.1', 'not-a-leaf'],
      ['3', 'survey-not-scored'],
      ['4.4', 'unknown-criterion'],
    ]);
    expect(problems.find((p) => p.code === 'survey-not-scored')?.message).toContain(
      'do Phòng Nội vụ ghi nhận',
    );
  });

  it('refuses the wrong criteria set', () => {
    expect(codes(validateReport(report(fullEntries(), { criteriaSetId: 'other' }), set))).toEqual([
      ['criteriaSetId', 'wrong-criteria-set'],
    ]);
  });

  it('requires the 05T/05K self-check on submit, five yes/no answers each', () => {
    const noCheck = report(fullEntries(), { selfCheck: undefined });
    expect(validateReport(noCheck, set, { mode: 'draft' })).toEqual([]);
    expect(codes(validateReport(noCheck, set))).toEqual([['selfCheck', 'missing-self-check']]);

    expect(
      codes(validateSelfCheck({ t05: [true, true, true, true], k05: [true, true, true, true, true] })),
    ).toEqual([['selfCheck.t05', 'invalid-self-check']]);
    const notBoolean = validateSelfCheck({
      t05: [true, true, true, true, true],
      k05: [true, true, 'có' as unknown as boolean, true, true],
    });
    expect(codes(notBoolean)).toEqual([['selfCheck.k05.2', 'invalid-self-check']]);
    expect(notBoolean[0]?.message).toContain('Không nhận quà, tiền bôi trơn');
  });

  it('refuses duplicate and untitled initiatives', () => {
    const initiatives = [
      { id: 'mot-cua', title: 'Một cửa số', description: '' },
      { id: 'mot-cua', title: ' ', description: '' },
    ];
    expect(codes(validateReport(report(fullEntries(), { initiatives }), set))).toEqual([
      ['initiatives.1.id', 'duplicate-initiative'],
      ['initiatives.1.title', 'missing-initiative-title'],
    ]);
  });
});

describe('missingEvidence', () => {
  it('flags claims without evidence where required, without blocking submission', () => {
    const entries = fullEntries();
    entries['1.2'] = { selfScore: 300, explanation: 'Có báo cáo', evidence: [] };
    entries['2.1'] = { selfScore: 5500, explanation: '', evidence: [{ date: '2024-09-01' }] };
    const r = report(entries);
    expect(missingEvidence(r, set)).toEqual(['1.2', '2.1']);
    expect(validateReport(r, set)).toEqual([]);
  });

  it('does not flag a claim of 0 or a leaf that does not require evidence', () => {
    const entries = fullEntries();
    entries['1.2'] = { selfScore: 0, explanation: 'Chưa thực hiện', evidence: [] };
    entries['1.1.2'] = { selfScore: 200, explanation: '', evidence: [] };
    expect(missingEvidence(report(entries), set)).toEqual([]);
  });
});

describe('validateAppraisal', () => {
  const complete = {
    '1.1.1': { score: 400, comment: '' },
    '1.1.2': { score: 150, comment: '' },
    '1.2': { score: 250, comment: 'Báo cáo quý nộp trễ 5 ngày' },
    '2.1': { score: 5500, comment: '' },
  };

  it('accepts a complete appraisal and gives its scores to scoring', () => {
    expect(validateAppraisal(appraisal(complete), report(), set)).toEqual([]);
    expect(appraisedScores(appraisal(complete))).toEqual({
      '1.1.1': 400,
      '1.1.2': 150,
      '1.2': 250,
      '2.1': 5500,
    });
  });

  it('requires every leaf of the assessed areas', () => {
    const { '2.1': _omitted, ...partial } = complete;
    const problems = validateAppraisal(appraisal(partial), report(), set);
    expect(codes(problems)).toEqual([['2.1', 'missing-criterion']]);
    expect(problems[0]?.message).toContain('phải thẩm định đủ mọi tiêu chí');
  });

  it('refuses an appraised score outside 0..max and a score for the survey', () => {
    const problems = validateAppraisal(
      appraisal({ ...complete, '2.1': { score: 6025, comment: 'x' }, '3': { score: 2500, comment: 'x' } }),
      report(),
      set,
    );
    expect(codes(problems)).toEqual([
      ['2.1', 'score-out-of-range'],
      ['3', 'survey-not-scored'],
    ]);
    expect(problems.find((p) => p.criterionId === '2.1')?.message).toBe(
      'Điểm thẩm định của tiêu chí 2.1 là 60,25, ngoài khoảng 0–60 điểm.',
    );
  });

  it('requires a comment where the appraised score differs from the self-score', () => {
    const problems = validateAppraisal(
      appraisal({ ...complete, '1.2': { score: 250, comment: '' } }),
      report(),
      set,
    );
    expect(codes(problems)).toEqual([['1.2', 'missing-comment']]);
    expect(problems[0]?.message).toBe(
      'Tiêu chí 1.2: điểm thẩm định 2,5 khác điểm tự chấm 3, cần ghi nhận xét nêu lý do.',
    );
  });

  it('refuses an appraisal of another report, or by a reviewer from the unit', () => {
    expect(codes(validateAppraisal(appraisal(complete, { periodId: '2024Q2' }), report(), set))).toEqual([
      ['periodId', 'wrong-report'],
    ]);
    const reviewer = { id: 'b', name: 'Trần Thị B', email: 'b@example.org', unit: 'phong-tu-phap' };
    expect(codes(validateAppraisal(appraisal(complete), report(), set, { reviewer }))).toEqual([
      ['reviewerId', 'reviewer-own-unit'],
    ]);
  });
});

describe('reportChanges', () => {
  it("lists, in the set's order, the leaves whose score, explanation or evidence changed, and nothing else", () => {
    const before = report();
    const entries = fullEntries();
    const now = report(
      {
        ...entries,
        '2.1': { ...(entries['2.1'] as CriterionEntryOf), selfScore: 5000 },
        '1.1.2': { selfScore: 150, explanation: 'Kiểm tra 2 đơn vị', evidence: [{ number: '12/KH-UBND' }] },
        '1.1.1': { ...(entries['1.1.1'] as CriterionEntryOf), explanation: 'Ban hành kế hoạch ngày 05/01' },
      },
      { summary: 'Bổ sung minh chứng theo yêu cầu.' },
    );
    const changes = reportChanges(before, now, set);
    expect(changes.leaves).toEqual([
      { leafId: '1.1.1', explanation: true, evidenceAdded: 0, evidenceRemoved: 0 },
      { leafId: '1.1.2', explanation: false, evidenceAdded: 1, evidenceRemoved: 0 },
      {
        leafId: '2.1',
        selfScore: { before: 5500, now: 5000 },
        explanation: false,
        evidenceAdded: 0,
        evidenceRemoved: 0,
      },
    ]);
    expect(changes).toMatchObject({
      summary: true,
      initiatives: false,
      selfCheck: false,
      nominations: false,
    });
  });

  it('counts a corrected reference as one removed and one added, and ignores empty rows and spaces', () => {
    const entries = fullEntries();
    const now = report({
      ...entries,
      '1.2': {
        selfScore: 300,
        explanation: 'Báo cáo đủ ',
        evidence: [{ number: '46/BC-UBND', date: '2024-09-30', issuer: 'UBND xã' }, { number: ' ' }],
      },
    });
    expect(reportChanges(report(), now, set).leaves).toEqual([
      { leafId: '1.2', explanation: false, evidenceAdded: 1, evidenceRemoved: 1 },
    ]);
    expect(reportChanges(report(), report(), set).leaves).toEqual([]);
  });
});

type CriterionEntryOf = Report['entries'][string];
