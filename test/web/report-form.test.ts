/**
 * Reading the report form: what a unit typed comes back as a valid report, possibly partial, with
 * every value that has a problem left out and named beside its field; a submit asks to confirm a
 * 05T/05K message with nothing ticked.
 */
import { describe, expect, it } from 'vitest';
import { validateReport } from '#domain/report';
import { parseReportForm, ROWS } from '#web/report-form';
import { formOf, fullScores, officeSet, period, unit } from './fixtures.ts';

const NOW = new Date('2022-10-05T03:00:00Z');
const parse = (form: URLSearchParams, mode: 'draft' | 'submit' = 'draft') =>
  parseReportForm(form, { unitId: unit.id, periodId: period.id, set: officeSet, now: NOW, mode });
const fieldsOf = (problems: { field: string }[]) => problems.map((p) => p.field);

/** Every leaf scored at its maximum, as typed on the page (decimal comma). */
function everyScore(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fullScores()).map(([id, max]) => [
      `score[${id}]`,
      (max / 100).toString().replace('.', ','),
    ]),
  );
}

describe('a draft keeps what is valid and names what is not', () => {
  it('leaves out a score that is not a number, over its maximum or too precise, keeping the others', () => {
    const parsed = parse(
      formOf({
        'score[1.1.1]': '1',
        'explanation[1.1.1]': 'Kế hoạch ban hành ngày 05/01/2022.',
        'score[1.1.2]': 'một',
        'score[1.2.1]': '0,75',
        'score[1.2.2]': '0,125',
        'score[1.3.1]': '0,5',
      }),
    );
    expect(Object.keys(parsed.report.entries).sort()).toEqual(['1.1.1', '1.3.1']);
    expect(parsed.report.entries['1.1.1']?.explanation).toBe('Kế hoạch ban hành ngày 05/01/2022.');
    expect(fieldsOf(parsed.problems).sort()).toEqual(['score[1.1.2]', 'score[1.2.1]', 'score[1.2.2]']);
    expect(parsed.problems.find((p) => p.field === 'score[1.2.1]')?.message).toContain(
      'ngoài khoảng 0–0,5 điểm',
    );
    // What is kept is itself a valid draft: saving it stores nothing the domain would refuse.
    expect(validateReport(parsed.report, officeSet, { mode: 'draft' })).toEqual([]);
  });

  it('keeps an evidence row without its bad date or link, and leaves out an explanation that is too long', () => {
    const parsed = parse(
      formOf({
        'score[1.1.1]': '1',
        'explanation[1.1.1]': 'x'.repeat(5_001),
        'evidence[1.1.1][0][number]': '05/KH-TP',
        'evidence[1.1.1][0][date]': '31/02/2022',
        'evidence[1.1.1][1][url]': 'javascript:alert(1)',
        'evidence[1.1.1][1][title]': 'Kế hoạch CCHC',
      }),
    );
    expect(parsed.report.entries['1.1.1']).toEqual({
      selfScore: 100,
      explanation: '',
      evidence: [{ number: '05/KH-TP' }, { title: 'Kế hoạch CCHC' }],
    });
    expect(fieldsOf(parsed.problems).sort()).toEqual([
      'evidence[1.1.1][0][date]',
      'evidence[1.1.1][1][url]',
      'explanation[1.1.1]',
    ]);
  });

  it('reads evidence rows the page’s script added after the one it drew, gaps and blank rows skipped', () => {
    const rows = Object.fromEntries(
      [0, 1, 2, 3, 4].flatMap((i) =>
        i === 2
          ? [[`evidence[1.1.1][${i}][number]`, '']]
          : [
              [`evidence[1.1.1][${i}][number]`, `${i + 1}/KH-TP`],
              [`evidence[1.1.1][${i}][date]`, '10/01/2022'],
            ],
      ),
    );
    const parsed = parse(
      formOf({ 'score[1.1.1]': '1', ...rows, 'evidence[1.1.1][7][title]': 'Báo cáo quý' }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.report.entries['1.1.1']?.evidence).toEqual([
      { number: '1/KH-TP', date: '2022-01-10' },
      { number: '2/KH-TP', date: '2022-01-10' },
      { number: '4/KH-TP', date: '2022-01-10' },
      { number: '5/KH-TP', date: '2022-01-10' },
      { title: 'Báo cáo quý' },
    ]);
  });

  it(`refuses a filled evidence row past the last one (${ROWS.evidenceMax}), naming the criterion’s rows and quoting what it held`, () => {
    const last = ROWS.evidenceMax - 1;
    const parsed = parse(
      formOf({
        'score[1.1.1]': '1',
        'evidence[1.1.1][0][number]': '05/KH-TP',
        [`evidence[1.1.1][${last}][number]`]: '10/KH-TP',
        [`evidence[1.1.1][${ROWS.evidenceMax}][number]`]: '11/KH-TP',
        [`evidence[1.1.1][${ROWS.evidenceMax + 5}][date]`]: 'không phải ngày',
        // A blank row past the last one is a blank row: skipped, as any other.
        [`evidence[1.1.2][${ROWS.evidenceMax}][number]`]: '',
      }),
    );
    expect(parsed.problems).toEqual([
      {
        field: 'evidence[1.1.1]',
        message:
          'Tiêu chí 1.1.1: mỗi tiêu chí ghi được tối đa 10 dòng minh chứng; 2 dòng nhập thêm sau dòng thứ 10 chưa được lưu. Hãy gộp bớt các dòng rồi lưu lại. Nội dung chưa lưu: “11/KH-TP”; “không phải ngày”.',
      },
    ]);
    // What is kept is the valid part, the rows within the maximum.
    expect(parsed.report.entries['1.1.1']?.evidence).toEqual([
      { number: '05/KH-TP' },
      { number: '10/KH-TP' },
    ]);
  });

  it('asks for a score before keeping an explanation or evidence, and needs no leaf scored', () => {
    const parsed = parse(formOf({ 'explanation[2.1.1]': 'Đã rà soát văn bản.' }));
    expect(parsed.report.entries).toEqual({});
    expect(parsed.problems).toEqual([
      { field: 'score[2.1.1]', message: expect.stringContaining('nhập điểm tự chấm') },
    ]);
    expect(parse(formOf({})).problems).toEqual([]);
  });

  it('keeps a new nominee’s first saved time when the page saves again before it is reloaded', () => {
    const fields = {
      'nomination[0][name]': 'Trần Văn Nam',
      'nomination[0][achievements]': 'Hoàn thành xuất sắc.',
    };
    const first = parseReportForm(formOf(fields), {
      unitId: unit.id,
      periodId: period.id,
      set: officeSet,
      now: NOW,
      mode: 'draft',
    }).report;
    expect(first.nominations.map((n) => [n.id, n.submittedAt])).toEqual([['cn-1', NOW.toISOString()]]);
    // An autosave an hour later from the same page (the row still has no id): the same time.
    const later = new Date(NOW.getTime() + 3_600_000);
    const again = (name: string) =>
      parseReportForm(formOf({ ...fields, 'nomination[0][name]': name }), {
        unitId: unit.id,
        periodId: period.id,
        set: officeSet,
        now: later,
        mode: 'draft',
        previous: first,
      }).report.nominations?.[0];
    expect(again('Trần Văn Nam')).toMatchObject({ id: 'cn-1', submittedAt: NOW.toISOString() });
    // Another person in that row is a new nomination: its own time.
    expect(again('Lê Thị Hoa')).toMatchObject({ id: 'cn-1', submittedAt: later.toISOString() });
  });

  it('leaves out an initiative without a title and a nomination’s reference to it', () => {
    const parsed = parse(
      formOf({
        'initiative[0][title]': 'Một cửa điện tử tại xã',
        'initiative[0][description]': 'Tiếp nhận hồ sơ trực tuyến.',
        'initiative[1][description]': 'Mô tả mà chưa có tên.',
        'nomination[0][name]': 'Trần Văn Nam',
        'nomination[0][achievements]': 'Hoàn thành xuất sắc.',
        'nomination[0][initiative]': 'sk-9',
      }),
    );
    expect(parsed.report.initiatives).toEqual([
      { id: 'sk-1', title: 'Một cửa điện tử tại xã', description: 'Tiếp nhận hồ sơ trực tuyến.' },
    ]);
    expect(parsed.report.nominations).toHaveLength(1);
    expect(parsed.report.nominations[0]).not.toHaveProperty('initiativeId');
    expect(fieldsOf(parsed.problems)).toEqual(['initiative[1][title]', 'nomination[0][initiative]']);
  });

  it('refuses the same person nominated twice in one report, naming the row; positions tell namesakes apart', () => {
    const parsed = parse(
      formOf({
        'nomination[0][name]': 'Nguyễn Thị Thủy',
        'nomination[0][achievements]': 'Hoàn thành xuất sắc.',
        'nomination[1][name]': 'nguyễn thị thuỷ',
        'nomination[1][achievements]': 'Lại một lần nữa.',
        'nomination[2][name]': 'Trần Văn Bình',
        'nomination[2][position]': 'Chuyên viên',
        'nomination[2][achievements]': 'Một cửa.',
        'nomination[3][name]': 'Trần Văn Bình',
        'nomination[3][position]': 'Phó Trưởng phòng',
        'nomination[3][achievements]': 'Số hóa hồ sơ.',
      }),
    );
    expect(parsed.report.nominations.map((n) => n.name)).toEqual([
      'Nguyễn Thị Thủy',
      'Trần Văn Bình',
      'Trần Văn Bình',
    ]);
    expect(parsed.problems).toEqual([
      {
        field: 'nomination[1][name]',
        message:
          'Đề nghị khen thưởng 2: nguyễn thị thuỷ đã có ở đề nghị 1. Mỗi người chỉ được đề nghị một lần: nếu là hai ' +
          'người trùng tên, hãy ghi chức vụ của từng người; nếu không, hãy bỏ một đề nghị.',
      },
    ]);
  });

  it('reads the write id, the autosave marker and the save-valid action', () => {
    const parsed = parse(formOf({ action: 'save-valid', writeId: 'a1b2c3d4e5f60718', autosave: '1' }));
    expect(parsed).toMatchObject({
      action: 'save-valid',
      version: 3,
      writeId: 'a1b2c3d4e5f60718',
      autosave: true,
    });
    expect(parse(formOf({ action: 'delete', writeId: '../x' }))).toMatchObject({
      action: undefined,
      writeId: undefined,
      autosave: false,
    });
  });
});

describe('a submit', () => {
  it('needs every criterion', () => {
    const parsed = parse(formOf({ 'score[1.1.1]': '1', t05: '0', k05: '0' }), 'submit');
    expect(parsed.problems.filter((p) => p.message.includes('Chưa tự chấm tiêu chí'))).toHaveLength(70);
  });

  it('asks to confirm a 05K message with nothing ticked, naming it, and accepts the confirmation', () => {
    const ticked05T = { ...everyScore(), t05: ['0', '1', '2', '3', '4'] };
    const asked = parse(formOf(ticked05T), 'submit');
    expect(asked.problems).toEqual([
      {
        field: 'selfcheck-confirmed',
        message: expect.stringContaining('Phần tự kiểm tra 05K chưa đánh dấu'),
      },
    ]);
    expect(asked.problems[0]?.message).not.toContain('05T');
    const confirmed = parse(formOf({ ...ticked05T, 'selfcheck-confirmed': '1' }), 'submit');
    expect(confirmed.problems).toEqual([]);
    expect(confirmed.report.selfCheck?.k05).toEqual([false, false, false, false, false]);
  });

  it('does not ask when both messages have an item ticked, nor for a draft', () => {
    expect(parse(formOf({ ...everyScore(), t05: '0', k05: '4' }), 'submit').problems).toEqual([]);
    expect(parse(formOf(everyScore())).problems).toEqual([]);
  });
});
