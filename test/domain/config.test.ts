import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { addDays, formatDate, localDateOf, periodsOf } from '#domain/calendar';
import {
  ConfigError,
  type ConfigProblem,
  findCriterion,
  leafCriteria,
  parseCriteriaSet,
  parseDistrictConfig,
} from '#domain/config';
import { loadCriteriaSet, loadDistrict } from '#domain/config-files';
import { pointsFromFile } from '#domain/config-values';
import { surveyArea } from '#domain/criteria-tree';
import type { CriteriaSet, Criterion } from '#domain/model';

const root = fileURLToPath(new URL('../../', import.meta.url));
const criteriaDir = join(root, 'criteria');
const demoFile = join(root, 'districts/demo.yaml');
const NOW = new Date('2024-07-15T03:00:00Z');

const demo = loadDistrict(demoFile, { now: NOW });
// biome-ignore lint/suspicious/noExplicitAny: the tests break arbitrary fields of the raw YAML on purpose
const demoRaw = (): Record<string, any> => parse(readFileSync(demoFile, 'utf8'));

/** The problems a bad input produces (fails the test if it is accepted). */
function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError, but the input was accepted');
}

const parseDemo = (raw: unknown, now = NOW) =>
  parseDistrictConfig(raw, 'districts/demo.yaml', demo.criteriaSets, now);

const tmp = mkdtempSync(join(tmpdir(), 'thidua-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeDistrict(name: string, body: string): string {
  mkdirSync(join(tmp, 'districts'), { recursive: true });
  const file = join(tmp, 'districts', name);
  writeFileSync(file, body);
  return file;
}

describe('the demo district', () => {
  it('loads with its offices, communes, people and criteria sets', () => {
    const { config, criteriaSets } = demo;
    expect(config.district).toMatchObject({ slug: 'demo', level: 'huyen', timeZone: 'Asia/Ho_Chi_Minh' });
    expect(config.campaign).toMatchObject({
      planNumber: '111/KH-UBND',
      planDate: '2022-08-02',
      phaseStart: '2022-08-02',
      phaseEnd: '2025-12-31',
      allowPastPhase: true,
    });
    expect(config.units.filter((u) => u.group === 'office').map((u) => u.name)).toEqual(
      expect.arrayContaining([
        'Văn phòng HĐND và UBND huyện',
        'Phòng Nội vụ',
        'Phòng Tư pháp',
        'Phòng Tài chính – Kế hoạch',
      ]),
    );
    expect(config.units.filter((u) => u.group === 'commune').length).toBe(15);
    expect(config.reviewers.length).toBe(6);
    expect(config.council.length).toBe(8);
    expect(config.council[0]?.title).toMatch(/^Chủ tịch UBND huyện/);
    expect(config.admins.length).toBeGreaterThanOrEqual(1);
    expect(config.commendation).toMatchObject({
      issuerLevel: 'huyen',
      collectives: { mode: 'top', perGroup: 3 },
      upward: { minPercent: 95, perGroup: 1 },
      minBand: 'tot',
      council: {
        quorum: { numerator: 2, denominator: 3 },
        passPercent: 70,
        voteDays: 7,
        reminderLeadDays: 1,
      },
    });
    expect(config.commendation.quotaPerGroup).toBeUndefined();
    expect(criteriaSets.map((s) => s.id)).toEqual([
      'huyen-co-quan-2022',
      'huyen-co-quan-2025',
      'huyen-xa-2022',
    ]);
  });

  it('sends mail only to the reserved example.org domain', () => {
    const { config } = demo;
    const emails = [
      config.district.mailFrom,
      ...config.units.map((u) => u.focalPoint.email),
      ...[config.reviewers, config.council, config.admins, config.leadership].flat().map((p) => p.email),
    ];
    for (const e of emails) expect(e).toMatch(/@([a-z0-9-]+\.)*example\.org$/);
  });

  it("carries the plan's content with the 05T/05K messages, without the web page's chrome", () => {
    const { content } = demo.config.campaign;
    expect(content).toContain('kế hoạch số 111/KH-UBND ngày 02/8/2022');
    expect(content).toContain('05 T là: Tiếp xúc tổ chức, cá nhân lịch sự');
    expect(content).toContain('05 K là: Không gây khó, phiền hà, sách nhiễu');
    expect(content).not.toMatch(/Lượt xem|Thống kê truy cập|Đăng nhập|ipv6/);
  });

  it('the commune-level deployment loads too, with a current phase', () => {
    const { config, criteriaSets } = loadDistrict(join(root, 'districts/demo-xa.yaml'), {
      now: new Date('2026-03-01T00:00:00Z'),
    });
    expect(config.district.level).toBe('xa');
    expect(config.commendation.issuerLevel).toBe('xa');
    expect(config.calendar.frequency).toBe('half-yearly');
    expect(config.campaign.allowPastPhase).toBeUndefined();
    expect(criteriaSets.map((s) => s.id)).toEqual(['huyen-co-quan-2025']);
  });
});

describe('the shipped criteria sets', () => {
  const sumOf = (list: readonly { max: number }[]) => list.reduce((n, c) => n + c.max, 0);
  const expectTreeAddsUp = (c: Criterion) => {
    if (c.children) {
      expect(sumOf(c.children), `children of ${c.id}`).toBe(c.max);
      c.children.forEach(expectTreeAddsUp);
    }
  };
  const sets = ['huyen-co-quan-2022', 'huyen-xa-2022', 'huyen-co-quan-2025'].map((id) =>
    loadCriteriaSet(join(criteriaDir, `${id}.yaml`)),
  );

  it.each(sets.map((s) => [s.id, s] as const))(
    '%s: 100 points whose maxima add up at every level',
    (_, set) => {
      expect(set.max).toBe(10000);
      expect(sumOf(set.areas)).toBe(10000);
      for (const area of set.areas) {
        if (area.kind === 'assessed') expect(sumOf(area.criteria), `area ${area.id}`).toBe(area.max);
        area.criteria.forEach(expectTreeAddsUp);
      }
      expect(set.bonusCap).toBe(500);
      expect(set.penaltyCap).toBe(500);
      expect(set.source).toMatch(/QĐ .*BNV/);
      expect(surveyArea(set)).toMatchObject({ id: '9', kind: 'survey', max: 3000, criteria: [] });
    },
  );

  it('the 2022 sets use the default area maxima, and the 2025 revision changes some', () => {
    const maxima = (s: CriteriaSet) => s.areas.map((a) => a.max / 100);
    const [office2022, commune2022, office2025] = sets as [CriteriaSet, CriteriaSet, CriteriaSet];
    expect(maxima(office2022)).toEqual([9, 6, 14, 5, 9, 5, 12, 10, 30]);
    expect(maxima(commune2022)).toEqual([9, 6, 14, 5, 9, 5, 12, 10, 30]);
    expect(maxima(office2025)).not.toEqual(maxima(office2022));
    expect(office2025).toMatchObject({ effectiveFrom: '2025-01-01' });
    expect(office2025.source).toContain('QĐ 892/QĐ-BNV ngày 05/12/2024');
    expect(office2022.effectiveFrom).toBe('2022-08-02');
  });

  it('turn the 05T and 05K messages into scored service-quality criteria', () => {
    const [office2022, commune2022] = sets as [CriteriaSet, CriteriaSet];
    expect(findCriterion(office2022, '5.4.5')?.name).toBe('Trả hồ sơ trước hẹn');
    expect(findCriterion(office2022, '5.5.3')?.name).toBe('Không nhận quà, tiền bôi trơn');
    // Communes: the one-stop shop weighs more than in offices.
    expect(findCriterion(commune2022, '3.3')?.max).toBeGreaterThan(
      findCriterion(office2022, '3.3')?.max ?? 0,
    );
  });

  it('leafCriteria lists only scored leaves, in order', () => {
    const leaves = leafCriteria(sets[0] as CriteriaSet);
    expect(leaves[0]?.id).toBe('1.1.1');
    expect(leaves.every((c) => !c.children)).toBe(true);
    expect(leaves.reduce((n, c) => n + c.max, 0)).toBe(7000); // everything but the 30-point survey
    expect(findCriterion(sets[0] as CriteriaSet, '9.9')).toBeUndefined();
  });
});

describe('points in files', () => {
  it('are exact integer hundredths', () => {
    expect(pointsFromFile(8.73)).toEqual({ points: 873 });
    expect(pointsFromFile(0.25)).toEqual({ points: 25 });
    expect(pointsFromFile('8,5')).toEqual({ points: 850 });
    expect(pointsFromFile(100)).toEqual({ points: 10000 });
  });

  it('reject three decimals and negative values', () => {
    expect(pointsFromFile(0.125)).toEqual({ error: expect.stringContaining('hai chữ số thập phân') });
    expect(pointsFromFile(-1)).toEqual({ error: expect.stringContaining('không được âm') });
  });
});

describe('a bad district config names the file, the field and what is wrong', () => {
  it('a wrong email', () => {
    const raw = demoRaw();
    raw.units[3].focalPoint.email = 'huongpt.tckh@song-lam';
    expect(problemsOf(() => parseDemo(raw))).toEqual([
      {
        file: 'districts/demo.yaml',
        path: 'units[3].focalPoint.email',
        message: expect.stringContaining('không phải địa chỉ email hợp lệ: "huongpt.tckh@song-lam"'),
      },
    ]);
  });

  it("bands: DOMAIN.md's by default; thresholds a district sets, checked and named when wrong", () => {
    expect(demo.config.bands).toBeUndefined();
    const raw = demoRaw();
    raw.bands = { 'xuat-sac': 95, tot: 85.5, kha: 70, 'trung-binh': 50 };
    expect(parseDemo(raw).bands).toEqual([
      { band: 'xuat-sac', minPercent: 95 },
      { band: 'tot', minPercent: 85.5 },
      { band: 'kha', minPercent: 70 },
      { band: 'trung-binh', minPercent: 50 },
      { band: 'yeu', minPercent: 0 },
    ]);
    const wrong = (bands: unknown) => {
      const r = demoRaw();
      r.bands = bands;
      return problemsOf(() => parseDemo(r)).map((p) => `${p.path}: ${p.message}`);
    };
    expect(wrong({ 'xuat-sac': 80, tot: 85, kha: 70, 'trung-binh': 50 })).toEqual([
      expect.stringMatching(/^bands: ngưỡng phải giảm dần: xuat-sac > tot > kha > trung-binh/),
    ]);
    expect(wrong({ 'xuat-sac': 90.125, tot: 80, kha: 70, 'trung-binh': 0 })).toEqual([
      expect.stringMatching(/^bands\.xuat-sac: tối đa hai chữ số thập phân/),
      expect.stringMatching(/^bands\.trung-binh: phải lớn hơn 0/),
    ]);
    expect(wrong({ 'xuat-sac': 101, tot: 80, kha: 70, 'trung-binh': 50 })).toEqual([
      expect.stringMatching(/^bands\.xuat-sac: phải từ 0 đến 100/),
    ]);
    expect(wrong({ 'xuat-sac': 90, tot: 80, kha: 70 })).toEqual([
      expect.stringMatching(/^bands\.trung-binh: thiếu trường bắt buộc/),
    ]);
    expect(wrong({ 'xuat-sac': 90, tot: 80, kha: 70, 'trung-binh': 50, yeu: 0 })).toEqual([
      // Yếu is everything below trung-binh: it has no threshold of its own.
      'bands.yeu: trường không được hỗ trợ, có thể viết sai tên (unknown field, possibly misspelt)',
    ]);
  });

  it('a duplicate unit id', () => {
    const raw = demoRaw();
    raw.units[5].id = 'phong-tu-phap';
    const problems = problemsOf(() => parseDemo(raw));
    expect(problems).toContainEqual({
      file: 'districts/demo.yaml',
      path: 'units[5].id',
      message: expect.stringMatching(/"phong-tu-phap" bị trùng với units\[2\]\.id.*duplicate unit id/),
    });
  });

  it('names with invisible control characters (a NUL, a right-to-left override), each named with its code point', () => {
    const raw = demoRaw();
    raw.district.name = 'huyện\u0000Sông Lam';
    raw.units[1].name = 'Phòng \u202eNội vụ';
    raw.admins[0].title = 'Chuyên viên\u0008';
    // Tabs and line ends are text: the campaign's content keeps its paragraphs.
    raw.campaign.content = `${raw.campaign.content}\r\n\tThêm một đoạn.`;
    const problems = problemsOf(() => parseDemo(raw));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'district.name',
        message: expect.stringContaining('chứa ký tự điều khiển không nhìn thấy U+0000 ở vị trí 6'),
      }),
      expect.objectContaining({
        path: 'units[1].name',
        message: expect.stringContaining('chứa ký tự điều khiển không nhìn thấy U+202E ở vị trí 7'),
      }),
      expect.objectContaining({ path: 'admins[0].title', message: expect.stringContaining('U+0008') }),
    ]);
  });

  it('a unit id that is not an ASCII slug', () => {
    const raw = demoRaw();
    raw.units[1].id = 'phòng-nội-vụ';
    const problems = problemsOf(() => parseDemo(raw));
    expect(problems[0]).toMatchObject({
      file: 'districts/demo.yaml',
      path: 'units[1].id',
      message: expect.stringContaining('"phòng-nội-vụ"'),
    });
    // People who belonged to phong-noi-vu now point at a unit that does not exist.
    expect(problems).toContainEqual(expect.objectContaining({ path: 'reviewers[0].unit' }));
  });

  it('a council reminder that would come before the vote opens; 0 turns it off, and a one-day vote has none by default', () => {
    const raw = demoRaw();
    raw.commendation.council.reminderLeadDays = 7;
    expect(problemsOf(() => parseDemo(raw))).toEqual([
      {
        file: 'districts/demo.yaml',
        path: 'commendation.council.reminderLeadDays',
        message: expect.stringMatching(/phải nhỏ hơn số ngày bỏ phiếu \(7\).*reminderLeadDays < voteDays/),
      },
    ]);
    raw.commendation.council.reminderLeadDays = 0;
    expect(parseDemo(raw).commendation.council.reminderLeadDays).toBe(0);
    delete raw.commendation.council.reminderLeadDays;
    raw.commendation.council.voteDays = 1;
    // The default (1) stays in the config; the proposal sends no reminder (voteTimes, council.test.ts).
    expect(parseDemo(raw).commendation.council).toMatchObject({ voteDays: 1, reminderLeadDays: 1 });
  });

  it('an unknown criteria set', () => {
    const raw = demoRaw();
    raw.groups.office.criteriaSets = ['huyen-co-quan-2022', 'huyen-co-quan-2099'];
    expect(problemsOf(() => parseDemo(raw))).toEqual([
      {
        file: 'districts/demo.yaml',
        path: 'groups.office.criteriaSets[1]',
        message: 'không có bộ tiêu chí "huyen-co-quan-2099" (unknown criteria set)',
      },
    ]);
  });

  it('a phase already over, unless allowPastPhase', () => {
    const raw = demoRaw();
    delete raw.campaign.allowPastPhase;
    const after = new Date('2026-01-05T02:00:00Z');
    const [problem, ...rest] = problemsOf(() => parseDemo(raw, after));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: 'districts/demo.yaml', path: 'campaign.phaseEnd' });
    expect(problem?.message).toContain('giai đoạn đã kết thúc ngày 31/12/2025');
    expect(problem?.message).toContain('the phase ended on 2025-12-31');
    expect(problem?.message).toContain('allowPastPhase');
    // "Today" is Việt Nam's date: 23:59 on 31/12/2025 is still inside the phase, while 00:30 on
    // 01/01/2026 is past it although UTC still says 31/12.
    expect(() => parseDemo(raw, new Date('2025-12-31T16:59:00Z'))).not.toThrow();
    expect(() => parseDemo(raw, new Date('2025-12-31T17:30:00Z'))).toThrow(/phaseEnd/);
    raw.campaign.allowPastPhase = true;
    expect(() => parseDemo(raw, after)).not.toThrow();
  });

  it('collects every problem at once, with the defaults applied where fields are left out', () => {
    const raw = demoRaw();
    raw.units[0].focalPoint.email = 'not-an-email';
    raw.units[4].group = 'ward';
    raw.reviewers[2].unit = 'phong-khong-co';
    raw.council = raw.council.slice(0, 2);
    raw.campaign.phaseStart = '2026-01-01';
    raw.calendar.openTime = '8h';
    raw.calendar.frequencey = 'yearly';
    delete raw.district.mailFrom;
    const problems = problemsOf(() => parseDemo(raw));
    expect(problems.map((p) => p.path).sort()).toEqual(
      [
        'units[0].focalPoint.email',
        'units[4].group',
        'reviewers[2].unit',
        'council',
        'campaign.phaseEnd',
        'calendar.openTime',
        'calendar.frequencey',
        'district.mailFrom',
      ].sort(),
    );
    expect(problems.find((p) => p.path === 'district.mailFrom')?.message).toContain('thiếu trường bắt buộc');
    expect(problems.find((p) => p.path === 'calendar.frequencey')?.message).toContain('unknown field');
    expect(problems.find((p) => p.path === 'council')?.message).toContain('ít nhất 3 thành viên');
    const error = (() => {
      try {
        parseDemo(raw);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/^Cấu hình không hợp lệ: 8 lỗi/);
    expect(error?.message).toContain(
      '- districts/demo.yaml: units[4].group: phải là một trong "office", "commune"',
    );
  });

  it('reviewers who cannot cover a unit, and a group without a criteria set', () => {
    const raw = demoRaw();
    raw.reviewers = [
      { id: 'chi-mot-nguoi', name: 'Chỉ Một Người', email: 'a@song-lam.example.org', unit: 'phong-y-te' },
    ];
    raw.groups.commune.criteriaSets = [];
    const problems = problemsOf(() => parseDemo(raw));
    expect(problems).toEqual([
      {
        file: 'districts/demo.yaml',
        path: 'reviewers',
        message: expect.stringContaining('không có người thẩm định nào ngoài đơn vị "phong-y-te"'),
      },
      {
        file: 'districts/demo.yaml',
        path: 'groups.commune.criteriaSets',
        message: expect.stringContaining('chưa có bộ tiêu chí nào'),
      },
    ]);
  });

  it('a criteria set not yet in force when the first period opens', () => {
    const raw = demoRaw();
    raw.groups.office.criteriaSets = ['huyen-co-quan-2025'];
    const opens = periodsOf(demo.config)[0]!;
    expect(opens.id).toBe('2022Q3');
    const openDate = formatDate(localDateOf(new Date(opens.opensAt), 'Asia/Ho_Chi_Minh'));
    expect(problemsOf(() => parseDemo(raw))).toEqual([
      expect.objectContaining({
        path: 'groups.office.criteriaSets',
        message: expect.stringContaining(`kỳ đầu tiên (2022Q3) mở nộp báo cáo, ${openDate}`),
      }),
    ]);
  });

  it('a criteria set that takes effect after the phase starts but by the first opening is enough', () => {
    // DOMAIN.md: a period is scored with the set in force when it opened, not on the phase's first day.
    const raw = demoRaw();
    const office = demo.criteriaSets.find((set) => raw.groups.office.criteriaSets.includes(set.id))!;
    const opening = localDateOf(new Date(periodsOf(demo.config)[0]!.opensAt), 'Asia/Ho_Chi_Minh');
    expect(opening > '2022-08-02').toBe(true);
    const later = { ...office, id: 'co-quan-tu-ngay-mo', effectiveFrom: opening };
    raw.groups.office.criteriaSets = [later.id];
    const sets = [...demo.criteriaSets, later];
    expect(() => parseDistrictConfig(raw, 'districts/demo.yaml', sets, NOW)).not.toThrow();
    // A day later, it is not.
    const tooLate = { ...later, effectiveFrom: addDays(opening, 1) };
    expect(
      problemsOf(() => parseDistrictConfig(raw, 'districts/demo.yaml', [...demo.criteriaSets, tooLate], NOW)),
    ).toEqual([expect.objectContaining({ path: 'groups.office.criteriaSets' })]);
  });
});

describe('a bad criteria set names the file, the field and what is wrong', () => {
  it('maxima that do not add up (the broken fixture)', () => {
    const file = join(root, 'test/fixtures/criteria-maxima-khong-khop.yaml');
    const problems = problemsOf(() => loadCriteriaSet(file));
    expect(problems).toEqual([
      {
        file,
        path: 'areas[0].criteria[0].max',
        line: 18,
        message: expect.stringContaining('điểm tối đa 2 khác tổng điểm tối đa của các tiêu chí con là 1,5'),
      },
      {
        file,
        path: 'areas[1].max',
        line: 31,
        message: expect.stringContaining('điểm tối đa 6 khác tổng điểm tối đa của các tiêu chí là 5'),
      },
      {
        file,
        path: 'max',
        line: 10,
        message: expect.stringContaining('tổng điểm tối đa của các lĩnh vực là 98'),
      },
    ]);
  });

  it('a score with three decimals, a negative maximum, a duplicate id and a survey with criteria', () => {
    const raw = parse(readFileSync(join(criteriaDir, 'huyen-co-quan-2022.yaml'), 'utf8'));
    raw.areas[0].criteria[1].children[0].max = 0.125;
    raw.areas[1].criteria[3].max = -1;
    raw.areas[2].criteria[1].id = '3.1';
    raw.areas[8].criteria = [{ id: '9.1', name: 'Khảo sát', max: 30 }];
    const problems = problemsOf(() => parseCriteriaSet(raw, 'criteria/huyen-co-quan-2022.yaml'));
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
    expect(problems.every((p) => p.file === 'criteria/huyen-co-quan-2022.yaml')).toBe(true);
    expect(byPath['areas[0].criteria[1].children[0].max']).toContain('nhiều hơn hai chữ số thập phân: 0.125');
    expect(byPath['areas[1].criteria[3].max']).toContain('không được âm');
    expect(byPath['areas[2].criteria[1].id']).toContain('"3.1" bị trùng với areas[2].criteria[0].id');
    expect(byPath['areas[8].criteria']).toContain('lĩnh vực khảo sát không có tiêu chí');
  });
});

describe('loading files', () => {
  it('reports a YAML syntax error with its line', () => {
    const file = writeDistrict('hong.yaml', 'district:\n  name: huyện Hỏng\n  slug: demo: x\nunits: []\n');
    const [problem, ...rest] = problemsOf(() => loadDistrict(file, { criteriaDir }));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file, path: '', line: 3 });
    expect(problem?.message).toMatch(
      /lỗi cú pháp YAML ở dòng 3, cột 9: Nested mappings.*YAML syntax error at line 3/,
    );
  });

  it('points a field problem at its line in the YAML file', () => {
    const raw = demoRaw();
    raw.units[3].focalPoint.email = 'sai-dia-chi';
    const text = stringify(raw);
    const file = writeDistrict('demo.yaml', text);
    const problems = problemsOf(() => loadDistrict(file, { criteriaDir, now: NOW }));
    const lineOfEmail = text.split('\n').findIndex((l) => l.includes('email: sai-dia-chi')) + 1;
    expect(problems).toEqual([
      { file, path: 'units[3].focalPoint.email', line: lineOfEmail, message: expect.any(String) },
    ]);
  });

  it('reads JSON too, and finds criteria sets next to the districts folder by default', () => {
    const file = writeDistrict('demo.json', JSON.stringify(demoRaw()));
    expect(() => loadDistrict(file, { now: NOW })).toThrow(
      /không tìm thấy tệp bộ tiêu chí .*huyen-co-quan-2022\.yaml/,
    );
    mkdirSync(join(tmp, 'criteria'), { recursive: true });
    for (const id of ['huyen-co-quan-2022', 'huyen-co-quan-2025', 'huyen-xa-2022']) {
      writeFileSync(join(tmp, 'criteria', `${id}.yaml`), readFileSync(join(criteriaDir, `${id}.yaml`)));
    }
    expect(loadDistrict(file, { now: NOW }).config.units.length).toBe(27);
  });

  it('reports a broken criteria file under its own name, and not again as an unknown set', () => {
    const dir = join(tmp, 'criteria-broken');
    mkdirSync(dir, { recursive: true });
    const broken = readFileSync(join(root, 'test/fixtures/criteria-maxima-khong-khop.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'huyen-xa-2022.yaml'),
      broken.replace('id: criteria-maxima-khong-khop', 'id: huyen-xa-2022'),
    );
    for (const id of ['huyen-co-quan-2022', 'huyen-co-quan-2025']) {
      writeFileSync(join(dir, `${id}.yaml`), readFileSync(join(criteriaDir, `${id}.yaml`)));
    }
    const problems = problemsOf(() => loadDistrict(demoFile, { criteriaDir: dir, now: NOW }));
    expect(problems.map((p) => [p.file, p.path])).toEqual([
      [join(dir, 'huyen-xa-2022.yaml'), 'areas[0].criteria[0].max'],
      [join(dir, 'huyen-xa-2022.yaml'), 'areas[1].max'],
      [join(dir, 'huyen-xa-2022.yaml'), 'max'],
    ]);
  });

  it('a missing config file', () => {
    const file = join(tmp, 'districts', 'khong-co.yaml');
    expect(problemsOf(() => loadDistrict(file))).toEqual([
      { file, path: '', message: 'không tìm thấy tệp (file not found)' },
    ]);
  });
});
