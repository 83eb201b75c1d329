/**
 * Writes examples/appraisals-2024.yaml: the appraised results of the demo district (huyện Sông
 * Lam) for the four quarters of 2024, for `thidua score`. Deterministic: a seeded generator, no
 * clock, so running it again gives the same file byte for byte.
 *
 *   node examples/generate-appraisals.ts [output-file]
 *
 * The data are fictional but shaped like a real year: each unit has its own level and drifts a
 * little from quarter to quarter; scores move in quarter-point steps, survey results have two
 * decimals. Situations the example must show, on purpose:
 * - xa-dai-dong does not submit its 2024Q2 report (Không nộp báo cáo);
 * - phong-y-te submits 2024Q3 but it is not appraised by review close (Chưa thẩm định);
 * - xa-quynh-lam has no satisfaction survey all year (its score is rescaled to 100);
 * - xa-hung-loc and xa-nam-phuc end 2024Q4 on exactly the same total (they share a rank);
 * - bonuses and penalties, one above the cap (counted as the cap).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { criteriaSetFor, periodsOfYear } from '#domain/calendar';
import { leafCriteria } from '#domain/config';
import { loadDistrict } from '#domain/config-files';
import { surveyArea } from '#domain/criteria-tree';
import type { CriteriaSet, Criterion, Period, Unit } from '#domain/model';
import { seededRandom } from '../bench/lib.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'examples', 'appraisals-2024.yaml');
const { config, criteriaSets } = loadDistrict(join(root, 'districts', 'demo.yaml'), {
  now: new Date('2024-01-01T00:00:00Z'),
});

// The seed fixes the whole file.
const random = seededRandom(20_240_802);

/** Each unit's level over the year (share of the maximum a reviewer tends to grant). */
const LEVEL: Record<string, number> = {
  'van-phong-hdnd-ubnd': 0.985,
  'phong-noi-vu': 0.95,
  'phong-tu-phap': 0.92,
  'phong-tai-chinh-ke-hoach': 0.9,
  'phong-kinh-te-ha-tang': 0.84,
  'phong-tai-nguyen-moi-truong': 0.8,
  'phong-lao-dong-tbxh': 0.87,
  'phong-van-hoa-thong-tin': 0.86,
  'phong-giao-duc-dao-tao': 0.89,
  'phong-y-te': 0.83,
  'thanh-tra-huyen': 0.78,
  'phong-nong-nghiep-ptnt': 0.72,
  'thi-tran-song-lam': 0.98,
  'thi-tran-ben-dinh': 0.93,
  'xa-thanh-son': 0.88,
  'xa-hung-loc': 0.9,
  'xa-nam-phuc': 0.9,
  'xa-dong-hoa': 0.83,
  'xa-tan-lap': 0.76,
  'xa-yen-hoa': 0.81,
  'xa-binh-minh': 0.86,
  'xa-hong-phong': 0.68,
  'xa-quynh-lam': 0.85,
  'xa-dai-dong': 0.74,
  'xa-vinh-thanh': 0.79,
  'xa-phuc-loi': 0.58,
  'xa-trung-son': 0.82,
};

/** Bonus (initiatives recognised) and penalty (late or incomplete reports), in points, by period. */
const BONUS: Record<string, Record<string, number>> = {
  '2024Q1': { 'phong-noi-vu': 1, 'thi-tran-song-lam': 0.5 },
  '2024Q2': { 'van-phong-hdnd-ubnd': 1.5, 'xa-thanh-son': 0.75 },
  '2024Q3': { 'phong-tu-phap': 1, 'xa-binh-minh': 0.5 },
  // 6 points asked for, above the set's cap of 5: counted as 5.
  '2024Q4': { 'van-phong-hdnd-ubnd': 6, 'thi-tran-ben-dinh': 1 },
};
const PENALTY: Record<string, Record<string, number>> = {
  '2024Q1': { 'xa-phuc-loi': 1 },
  '2024Q2': { 'thanh-tra-huyen': 0.5 },
  '2024Q3': { 'xa-hong-phong': 1.5, 'phong-nong-nghiep-ptnt': 0.5 },
  '2024Q4': { 'xa-phuc-loi': 0.5 },
};
const NOT_SUBMITTED = { period: '2024Q2', unit: 'xa-dai-dong' };
const NOT_APPRAISED = { period: '2024Q3', unit: 'phong-y-te' };
const NO_SURVEY = 'xa-quynh-lam';
const TIE = { period: '2024Q4', unit: 'xa-nam-phuc', sameAs: 'xa-hung-loc' };

/** Hundredths → "8.75" as written in the file. */
const num = (hundredths: number) => {
  const whole = Math.floor(hundredths / 100);
  const cents = hundredths % 100;
  return cents === 0 ? String(whole) : `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
};

/** An appraised score: the unit's level for the quarter plus noise, in quarter-point steps. */
function leafScore(leaf: Criterion, level: number): number {
  const share = level - 0.07 + (random() - 0.5) * 0.24;
  const quarters = Math.round((leaf.max / 100) * share * 4);
  return Math.max(0, Math.min(leaf.max, quarters * 25));
}

interface Entry {
  unit: Unit;
  set: CriteriaSet;
  scores: Map<string, number>;
  survey: number | null;
  bonus: number;
  penalty: number;
  note?: string;
}

function appraise(unit: Unit, set: CriteriaSet, period: Period, quarterIndex: number): Entry {
  const drift = (random() - 0.5) * 0.06 + (quarterIndex - 1.5) * 0.005;
  const level = Math.min(1, (LEVEL[unit.id] ?? 0.8) + drift);
  const scores = new Map(leafCriteria(set).map((leaf) => [leaf.id, leafScore(leaf, level)]));
  const survey = surveyArea(set);
  const surveyShare = Math.min(0.99, 0.45 + level * 0.5 + (random() - 0.5) * 0.04);
  return {
    unit,
    set,
    scores,
    survey: unit.id === NO_SURVEY || !survey ? null : Math.round(survey.max * surveyShare),
    bonus: Math.round((BONUS[period.id]?.[unit.id] ?? 0) * 100),
    penalty: Math.round((PENALTY[period.id]?.[unit.id] ?? 0) * 100),
  };
}

/** The same total as `model`, on a different score sheet: a quarter point moved between two leaves. */
function tiedWith(model: Entry, unit: Unit): Entry {
  const scores = new Map(model.scores);
  const leaves = leafCriteria(model.set);
  const from = leaves.find((l) => (scores.get(l.id) ?? 0) >= 25 && l.max >= 100);
  const to = leaves.find((l) => l !== from && (scores.get(l.id) ?? 0) + 25 <= l.max);
  if (!from || !to) throw new Error('no two leaves to move a quarter point between');
  scores.set(from.id, (scores.get(from.id) ?? 0) - 25);
  scores.set(to.id, (scores.get(to.id) ?? 0) + 25);
  return { ...model, unit, scores };
}

const lines: string[] = [
  '# Kết quả thẩm định năm 2024 của huyện Sông Lam (hư cấu), dùng cho `thidua score`.',
  '# Tạo bởi examples/generate-appraisals.ts (cố định hạt giống ngẫu nhiên: chạy lại cho đúng tệp này).',
  '# Định dạng: docs/cli.md. Điểm viết dạng thập phân, tối đa hai chữ số sau dấu chấm; mã tiêu chí đặt trong',
  '# dấu nháy. survey: null = đơn vị không có kết quả khảo sát (điểm thẩm định được quy đổi về thang 100).',
  '#',
  '# Các tình huống có chủ đích: xa-dai-dong không nộp báo cáo quý II; phong-y-te nộp nhưng chưa được',
  '# thẩm định quý III; xa-quynh-lam không có khảo sát cả năm; xa-hung-loc và xa-nam-phuc bằng điểm quý IV;',
  '# van-phong-hdnd-ubnd được đề nghị 6 điểm thưởng quý IV, vượt mức trần 5 điểm (tính 5).',
  'district: demo',
  'title: Kết quả thẩm định chấm điểm thi đua cải cách hành chính năm 2024',
  'periods:',
];

const periods = periodsOfYear(config, 2024);
periods.forEach((period, quarterIndex) => {
  lines.push(`  ${period.id}:`, '    units:');
  const entries = new Map<string, Entry>();
  for (const unit of config.units) {
    const set = criteriaSetFor(config, criteriaSets, unit.group, period);
    // Drawn for every unit, special or not, so that one special case does not shift the others.
    entries.set(unit.id, appraise(unit, set, period, quarterIndex));
  }
  if (period.id === TIE.period) {
    const model = entries.get(TIE.sameAs);
    const unit = config.units.find((u) => u.id === TIE.unit);
    if (!model || !unit) throw new Error(`the demo has no unit ${TIE.sameAs} or ${TIE.unit}`);
    entries.set(TIE.unit, tiedWith(model, unit));
  }
  for (const unit of config.units) {
    lines.push(`      # ${unit.name}`);
    if (period.id === NOT_SUBMITTED.period && unit.id === NOT_SUBMITTED.unit) {
      lines.push(
        `      ${unit.id}:`,
        '        status: not-submitted',
        '        note: Không nộp báo cáo đến hết hạn thẩm định.',
      );
      continue;
    }
    if (period.id === NOT_APPRAISED.period && unit.id === NOT_APPRAISED.unit) {
      lines.push(
        `      ${unit.id}:`,
        '        status: submitted-not-appraised',
        '        note: Báo cáo nộp ngày 11/10/2024; trả lại để giải trình, chưa thẩm định xong khi hết hạn thẩm định.',
      );
      continue;
    }
    const e = entries.get(unit.id);
    if (!e) throw new Error(`no appraisal drawn for ${unit.id}`);
    lines.push(
      `      ${unit.id}:`,
      '        status: approved',
      `        survey: ${e.survey === null ? 'null' : num(e.survey)}`,
    );
    if (e.bonus > 0) lines.push(`        bonus: ${num(e.bonus)}`);
    if (e.penalty > 0) lines.push(`        penalty: ${num(e.penalty)}`);
    // One line per leaf criterion, in the set's order, each area introduced by a comment.
    lines.push(`        scores: # ${e.set.id}`);
    for (const area of e.set.areas.filter((a) => a.kind === 'assessed')) {
      lines.push(`          # ${area.id}. ${area.name} (${num(area.max)} điểm)`);
      for (const leaf of leafCriteria({ ...e.set, areas: [area] })) {
        lines.push(`          "${leaf.id}": ${num(e.scores.get(leaf.id) ?? 0)}`);
      }
    }
  }
});

writeFileSync(out, `${lines.join('\n')}\n`, 'utf8');
process.stdout.write(`Đã ghi (written): ${out}\n`);
