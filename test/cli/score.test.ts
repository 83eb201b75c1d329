import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { displayWidth } from '../../cli/text.ts';
import { type CliResult, repo, script, tempDir, thidua } from '../helpers/cli.ts';

const dir = tempDir('score');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DISTRICT = 'districts/demo.yaml';
const APPRAISALS = 'examples/appraisals-2024.yaml';

interface UnitJson {
  unitId: string;
  name: string;
  group: string;
  status?: string;
  total?: number | null;
  percentExact: string | null;
  band: string | null;
  rank: number | null;
  flags: string[];
  breakdown?: { rescaled: boolean; bonus: number; penalty: number } | null;
  periods?: { periodId: string; status: string; percentExact: string | null }[];
  missedPeriods?: string[];
  pendingPeriods?: string[];
}
interface ResultsJson {
  kind: string;
  units: UnitJson[];
  notes: string[];
  commendationCandidates: { ballot: string[]; candidates: { id: string; status: string }[] };
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ResultsJson;
const unit = (r: ResultsJson, id: string) => {
  const u = r.units.find((x) => x.unitId === id);
  if (!u) throw new Error(`no ${id} in the results`);
  return u;
};

/** "num/den" → [num, den] as bigints, to compare percentages exactly. */
const frac = (s: string | null): [bigint, bigint] => {
  if (s === null) throw new Error('no percentage');
  const [n, d = '1'] = s.split('/');
  return [BigInt(n ?? '0'), BigInt(d)];
};
const cmp = (a: string | null, b: string | null) => {
  const [an, ad] = frac(a);
  const [bn, bd] = frac(b);
  return an * bd < bn * ad ? -1 : an * bd > bn * ad ? 1 : 0;
};

/** Ranks follow the exact percentages within each group: rank = 1 + units strictly better. */
function expectConsistentRanks(r: ResultsJson, expect: (v: unknown) => { toBe(x: unknown): void }) {
  for (const group of ['office', 'commune']) {
    const ranked = r.units.filter(
      (u) => u.group === group && u.rank !== null && !u.flags.includes('khong-nop-bao-cao'),
    );
    for (const u of ranked) {
      expect(u.rank).toBe(1 + ranked.filter((v) => cmp(v.percentExact, u.percentExact) > 0).length);
    }
  }
}

/** Hundredths of a point from a file value such as 8.75. */
const hundredths = (v: unknown) => Math.round(Number(v) * 100);

let q2: CliResult;
let q4: CliResult;
let year: CliResult;
let invalid: CliResult;
let regenerated: CliResult;
let banded: CliResult;
let bandedCommend: CliResult;
let defaultCommend: CliResult;
/** The demo with its own bands (Xuất sắc from 85 %), beside a link to the repository's criteria. */
const bandsDistrict = join(dir, 'bands', 'districts', 'demo-bands.yaml');
const out = (name: string) => join(dir, name);
const badFile = join(dir, 'appraisals-bad.yaml');

beforeAll(async () => {
  // One file with several mistakes: a score above its maximum, an unknown unit, an unknown
  // criterion and a missing leaf, in different places.
  const doc = parseDocument(readFileSync(repo(APPRAISALS), 'utf8'));
  doc.setIn(['periods', '2024Q1', 'units', 'phong-tu-phap', 'scores', '1.1.1'], 1.5);
  doc.setIn(
    ['periods', '2024Q2', 'units', 'phong-khong-ton-tai'],
    doc.createNode({ status: 'not-submitted' }),
  );
  doc.setIn(['periods', '2024Q3', 'units', 'xa-tan-lap', 'scores', '9.9.9'], 1);
  doc.deleteIn(['periods', '2024Q4', 'units', 'xa-yen-hoa', 'scores', '3.2.1']);
  writeFileSync(badFile, doc.toString());
  const score = (appraisals: string, ...more: string[]) =>
    thidua('score', '--district', DISTRICT, '--appraisals', appraisals, ...more);
  mkdirSync(dirname(bandsDistrict), { recursive: true });
  symlinkSync(repo('criteria'), join(dir, 'bands', 'criteria'));
  const district = parseDocument(readFileSync(repo(DISTRICT), 'utf8'));
  district.set('bands', district.createNode({ 'xuat-sac': 85, tot: 75, kha: 65, 'trung-binh': 45 }));
  writeFileSync(bandsDistrict, district.toString());
  [q2, q4, year, invalid, regenerated, banded] = await Promise.all([
    score(APPRAISALS, '--period', '2024Q2', '--out', out('q2.json')),
    score(APPRAISALS, '--period', '2024Q4', '--out', out('q4.json')),
    score(APPRAISALS, '--year', '2024', '--out', out('y.json')),
    score(badFile, '--period', '2024Q1', '--out', out('bad.json')),
    script('examples/generate-appraisals.ts', out('regenerated.yaml')),
    thidua(
      'score',
      '--district',
      bandsDistrict,
      '--appraisals',
      APPRAISALS,
      '--year',
      '2024',
      '--out',
      out('yb.json'),
    ),
  ]);
  // The results file is checked against the bands of the district it is given with.
  const commend = (districtFile: string) =>
    thidua(
      'commend',
      '--district',
      districtFile,
      '--results',
      out('yb.json'),
      '--nominations',
      'examples/nominations-2024.yaml',
      '--ballots',
      'examples/ballots-2024.yaml',
    );
  [bandedCommend, defaultCommend] = await Promise.all([commend(bandsDistrict), commend(DISTRICT)]);
}, 60_000);

describe('thidua score', () => {
  it("bands a district's own thresholds, and commend checks a results file against them", ({ expect }) => {
    expect(banded.code, banded.stderr).toBe(0);
    const withBands = readJson(out('yb.json'));
    const byDefault = readJson(out('y.json'));
    // Xuất sắc from 85 %, Tốt from 75 %, Khá from 65 %, Trung bình from 45 %.
    const expected = (percentExact: string | null) => {
      if (percentExact === null) return null;
      const [n, d] = frac(percentExact);
      const at = (p: bigint) => n >= p * d;
      return at(85n) ? 'xuat-sac' : at(75n) ? 'tot' : at(65n) ? 'kha' : at(45n) ? 'trung-binh' : 'yeu';
    };
    let moved = 0;
    for (const u of withBands.units) {
      expect(u.band, u.unitId).toBe(expected(u.percentExact));
      // Same percentages and ranks: only the bands differ.
      const d = unit(byDefault, u.unitId);
      expect([u.percentExact, u.rank]).toEqual([d.percentExact, d.rank]);
      if (u.band !== d.band) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    expect(bandedCommend.stderr).not.toContain('không khớp với tỷ lệ chính xác');
    expect(bandedCommend.code, bandedCommend.stderr).toBe(0);
    expect(defaultCommend.code).toBe(1);
    expect(defaultCommend.stderr).toContain('không khớp với tỷ lệ chính xác');
  });

  it('ships an example file its generator reproduces byte for byte', ({ expect }) => {
    expect(regenerated.code, regenerated.stderr).toBe(0);
    expect(readFileSync(out('regenerated.yaml'), 'utf8')).toBe(readFileSync(repo(APPRAISALS), 'utf8'));
  });

  it('ranks a period: the unit that did not report is last in its group, 0 %, Không nộp báo cáo', ({
    expect,
  }) => {
    expect(q2.code, q2.stderr).toBe(0);
    const r = readJson(out('q2.json'));
    expect(r.kind).toBe('period');
    const communes = r.units.filter((u) => u.group === 'commune');
    const missed = unit(r, 'xa-dai-dong');
    expect(missed).toMatchObject({ status: 'not-submitted', total: 0, band: 'yeu', rank: communes.length });
    expect(missed.flags).toEqual(['khong-nop-bao-cao']);
    expect(communes.filter((u) => u.rank === communes.length).map((u) => u.unitId)).toEqual(['xa-dai-dong']);
    expectConsistentRanks(r, expect);
    // On the terminal: the same line, and the change against 2024Q1 (also in the file).
    const line = q2.stdout.split('\n').find((l) => l.includes('Xã Đại Đồng'));
    expect(line).toMatch(/^ +15 +Xã Đại Đồng +0,00 +0,00 +Yếu +Không nộp báo cáo/);
    expect(q2.stdout).toContain('±% so với 2024Q1');
  });

  it('computes a unit without survey by rescaling, exactly as a person would by hand', ({ expect }) => {
    const raw = parse(readFileSync(repo(APPRAISALS), 'utf8'));
    const entry = raw.periods['2024Q2'].units['xa-quynh-lam'];
    expect(entry.survey).toBeNull();
    const assessed = Object.values(entry.scores as Record<string, number>).reduce<number>(
      (a, v) => a + hundredths(v),
      0,
    );
    // 100-point set with a 30-point survey: percent = assessed × 100 / 70 (assessed in points) = hundredths / 70.
    const u = unit(readJson(out('q2.json')), 'xa-quynh-lam');
    const [num, den] = frac(u.percentExact);
    expect(num * 70n).toBe(BigInt(assessed) * den);
    expect(u.breakdown?.rescaled).toBe(true);
    // And one with a survey and a bonus: (assessed + survey + bonus) / 100.
    const ts = raw.periods['2024Q2'].units['xa-thanh-son'];
    const sum =
      Object.values(ts.scores as Record<string, number>).reduce<number>((a, v) => a + hundredths(v), 0) +
      hundredths(ts.survey) +
      hundredths(ts.bonus);
    expect(unit(readJson(out('q2.json')), 'xa-thanh-son').percentExact).toBe(
      `${sum / gcd(sum, 100)}/${100 / gcd(sum, 100)}`,
    );
  });

  it('gives two units with the same total the same rank, the next one skipping (… n, n, n + 2)', ({
    expect,
  }) => {
    expect(q4.code, q4.stderr).toBe(0);
    const r = readJson(out('q4.json'));
    const a = unit(r, 'xa-hung-loc');
    const b = unit(r, 'xa-nam-phuc');
    expect(a.percentExact).toBe(b.percentExact);
    expect(a.rank).toBe(b.rank);
    const next = r.units.filter((u) => u.group === 'commune' && u.rank !== null && u.rank > (a.rank ?? 0));
    expect(Math.min(...next.map((u) => u.rank ?? 0))).toBe((a.rank ?? 0) + 2);
    expectConsistentRanks(r, expect);
    // A bonus of 6 asked for counts as the cap, 5.
    expect(unit(r, 'van-phong-hdnd-ubnd').breakdown?.bonus).toBe(5);
    // The tie reaches the terminal too, and columns line up despite Vietnamese diacritics.
    const rows = q4.stdout.split('\n').filter((l) => /^ +\d+ {2}(Xã|Thị trấn) /.test(l));
    expect(
      rows
        .filter((l) => l.includes('Xã Hưng Lộc') || l.includes('Xã Nam Phúc'))
        .every((l) => l.trimStart().startsWith(`${a.rank} `)),
    ).toBe(true);
    const percentEnds = rows.map((l) => {
      const m = /^(.*? \d+,\d\d +\d+,\d\d)/.exec(l);
      return m ? displayWidth(m[1] ?? '') : -1;
    });
    expect(new Set(percentEnds).size).toBe(1);
  });

  it('averages the calendar periods of a year: a missed quarter counts 0, a pending one keeps the unit unranked', ({
    expect,
  }) => {
    expect(year.code, year.stderr).toBe(0);
    const r = readJson(out('y.json'));
    expect(r.kind).toBe('year');
    const missed = unit(r, 'xa-dai-dong');
    expect(missed.missedPeriods).toEqual(['2024Q2']);
    expect(missed.flags).toContain('khong-nop-bao-cao');
    // Mean of the four quarters, the missed one as 0.
    const [yn, yd] = frac(missed.percentExact);
    const quarters = (missed.periods ?? []).map((p) =>
      p.percentExact === null ? [0n, 1n] : frac(p.percentExact),
    );
    const sumDen = quarters.reduce((d, [, qd]) => d * (qd ?? 1n), 1n);
    const sumNum = quarters.reduce((n, [qn, qd]) => n + (qn ?? 0n) * (sumDen / (qd ?? 1n)), 0n);
    expect(yn * 4n * sumDen).toBe(sumNum * yd);
    const pending = unit(r, 'phong-y-te');
    expect(pending).toMatchObject({ rank: null, band: null, percentExact: null, pendingPeriods: ['2024Q3'] });
    expect(pending.flags).toContain('chua-tham-dinh');
    expectConsistentRanks(r, expect);
    expect(year.stdout).toContain('Năm 2024: trung bình tỷ lệ 4 kỳ');
    // The candidates for the movement's commendation come with the results.
    expect(r.commendationCandidates.ballot.length).toBeGreaterThan(0);
    expect(r.commendationCandidates.candidates.find((c) => c.id === 'collective:phong-y-te')?.status).toBe(
      'excluded',
    );
  });

  it('checks the whole appraisals file first: every problem named, nothing computed or written', ({
    expect,
  }) => {
    expect(invalid.code).toBe(1);
    expect(existsSync(out('bad.json'))).toBe(false);
    expect(invalid.stdout).not.toContain('Hạng');
    const err = invalid.stderr;
    expect(err).toContain('4 lỗi');
    expect(err).toMatch(
      new RegExp(`${badFile}:\\d+: periods\\.2024Q1\\.units\\.phong-tu-phap\\.scores\\["1\\.1\\.1"\\]: `),
    );
    expect(err).toContain('điểm thẩm định 1,5 của Phòng Tư pháp (phong-tu-phap) cho tiêu chí 1.1.1');
    expect(err).toContain('vượt điểm tối đa 1');
    expect(err).toContain('periods.2024Q2.units.phong-khong-ton-tai: không có đơn vị "phong-khong-ton-tai"');
    expect(err).toContain('periods.2024Q3.units.xa-tan-lap.scores["9.9.9"]: không có tiêu chí "9.9.9"');
    expect(err).toContain(
      'periods.2024Q4.units.xa-yen-hoa.scores["3.2.1"]: thiếu điểm thẩm định của Xã Yên Hòa cho tiêu chí 3.2.1',
    );
  });
});

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
