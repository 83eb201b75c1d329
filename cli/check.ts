/**
 * `thidua check <district-config>`: validates a district config and the criteria sets it
 * names; prints a short summary of what the campaign will run, or every problem found.
 */
import { criteriaSetFor, formatDate, formatDateTime, periodsOf } from '#domain/calendar';
import type { LoadedDistrict } from '#domain/config-files';
import { passRequired, quorumRequired } from '#domain/council';
import { indexCriteria } from '#domain/criteria-tree';
import { FORM_LABELS, ISSUER_LABELS, issuerCautions, movementAwards } from '#domain/issuers';
import type { AdministrativeLevel, Frequency, Period, UnitGroup } from '#domain/model';
import { BAND_LABELS, UNIT_GROUPS } from '#domain/model';
import { formatPoints } from '#domain/points';
import { DEFAULT_BANDS } from '#domain/ranking';
import {
  defineCommand,
  EXIT_OK,
  EXIT_PROBLEMS,
  helpText,
  loadDistrictOrFail,
  OPTIONS,
  ProblemsError,
  printProblems,
  UsageError,
} from './common.ts';
import { groupTitles, renderTable, wrap } from './text.ts';

const CHECK_OPTIONS = { criteria: OPTIONS.criteria } as const;

const HELP = helpText({
  usage: 'thidua check <cấu hình> [--criteria <thư mục>]',
  about: `Kiểm tra tệp cấu hình đơn vị triển khai (districts/*.yaml hoặc .json) cùng các bộ tiêu chí nó
dùng (criteria/<mã>.yaml). Hợp lệ: in "Hợp lệ" và tóm tắt (đơn vị, người thẩm định, Hội đồng,
các kỳ báo cáo, bộ tiêu chí áp dụng từng năm) cùng các cảnh báo. Không hợp lệ: liệt kê mọi lỗi,
mỗi lỗi ghi tệp, dòng, đường dẫn trường và nội dung lỗi.`,
  options: CHECK_OPTIONS,
  exits: '0 hợp lệ; 1 có lỗi; 2 sai cú pháp lệnh.',
  english: `Validates a district config and the criteria sets it names. Prints "Hợp lệ" (valid), a summary
and any warnings, or every problem with its file, line, field path and message.
Exit codes: 0 valid, 1 problems found, 2 usage error.`,
});

export const checkCommand = defineCommand({
  name: 'check',
  summary: 'kiểm tra cấu hình và bộ tiêu chí (validate a district config)',
  help: HELP,
  options: CHECK_OPTIONS,
  positionals: 1,
  run(values, positionals, io) {
    const file = positionals[0];
    if (!file) throw new UsageError('thiếu tệp cấu hình cần kiểm tra (missing the district config file)');
    let loaded: LoadedDistrict;
    try {
      loaded = loadDistrictOrFail(file, values.criteria);
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      // The problems are this command's findings: they go to stdout.
      printProblems(io.out, `Không hợp lệ (invalid): ${file}`, e.problems);
      return EXIT_PROBLEMS;
    }
    for (const line of summary(file, loaded)) io.out(line);
    return EXIT_OK;
  },
});

const LEVELS: Record<AdministrativeLevel, string> = {
  huyen: 'cấp huyện',
  xa: 'cấp xã, phường',
  tinh: 'cấp tỉnh',
  so: 'sở, ngành',
};

const FREQUENCIES: Record<Frequency, string> = {
  quarterly: 'theo quý',
  'half-yearly': 'sáu tháng',
  yearly: 'hằng năm',
};

function periodLine(p: Period, timeZone: string): string {
  return (
    `${p.id} (${formatDate(p.start)}–${formatDate(p.end)}; mở ${formatDateTime(p.opensAt, timeZone)}, ` +
    `hạn nộp ${formatDateTime(p.deadlineAt, timeZone)}, kết thúc thẩm định ${formatDateTime(p.reviewClosesAt, timeZone)})`
  );
}

export function summary(file: string, loaded: LoadedDistrict): string[] {
  return [
    `Hợp lệ (valid): ${file}`,
    '',
    ...districtLines(loaded),
    '',
    ...criteriaLines(loaded),
    bandsLine(loaded),
    '',
    commendationLine(loaded),
    ...warningLines(loaded),
  ];
}

/** The bands every result is classified by: the district's own, or DOMAIN.md's defaults. */
function bandsLine(loaded: LoadedDistrict): string {
  const bands = loaded.config.bands ?? DEFAULT_BANDS;
  const percent = (n: number) => `${String(n).replace('.', ',')} %`;
  const parts = bands.map((b, i) =>
    b.minPercent > 0
      ? `${BAND_LABELS[b.band]} ≥ ${percent(b.minPercent)}`
      : `${BAND_LABELS[b.band]} < ${percent(bands[i - 1]?.minPercent ?? 0)}`,
  );
  return `Xếp loại${loaded.config.bands ? ' (ngưỡng riêng của đơn vị triển khai)' : ' (mặc định)'}: ${parts.join(', ')}`;
}

function districtLines(loaded: LoadedDistrict): string[] {
  const { config } = loaded;
  const { district, campaign, commendation } = config;
  const periods = periodsOf(config);
  const N = config.council.length;
  const first = periods[0];
  const last = periods[periods.length - 1];
  return [
    `Đơn vị triển khai: ${district.name} (${district.slug}), ${LEVELS[district.level]}; ${district.authority}`,
    `Phong trào: Kế hoạch ${campaign.planNumber} ngày ${formatDate(campaign.planDate)}; giai đoạn ` +
      `${formatDate(campaign.phaseStart)}–${formatDate(campaign.phaseEnd)}; múi giờ ${district.timeZone}`,
    `Đơn vị: ${config.units.length} (${groupsOf(loaded)
      .map(
        (g) =>
          `${groupTitles(district.level)[g].toLowerCase()}: ${config.units.filter((u) => u.group === g).length}`,
      )
      .join('; ')})`,
    `Người thẩm định: ${config.reviewers.length}; quản trị: ${config.admins.length}; lãnh đạo nhận kết quả: ${config.leadership.length}`,
    `Hội đồng Thi đua – Khen thưởng: ${N} thành viên; đủ số khi ít nhất ${quorumRequired(N, commendation.council.quorum)} ` +
      `thành viên tham gia; thông qua khi ít nhất ${passRequired(N, commendation.council.passPercent)} phiếu tán thành ` +
      `(${commendation.council.passPercent} % của ${N}); bỏ phiếu trong ${commendation.council.voteDays} ngày`,
    `Kỳ báo cáo: ${FREQUENCIES[config.calendar.frequency]}, ${periods.length} kỳ`,
    ...(first ? [`  kỳ đầu:  ${periodLine(first, district.timeZone)}`] : []),
    ...(last && last !== first ? [`  kỳ cuối: ${periodLine(last, district.timeZone)}`] : []),
  ];
}

const groupsOf = (loaded: LoadedDistrict) =>
  UNIT_GROUPS.filter((g) => loaded.config.units.some((u) => u.group === g));

/** Each criteria set, then the one in force per group and year. */
function criteriaLines(loaded: LoadedDistrict): string[] {
  const { config, criteriaSets } = loaded;
  const groups = groupsOf(loaded);
  const titles = groupTitles(config.district.level);
  const out = ['Bộ tiêu chí:'];
  for (const set of [...criteriaSets].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1))) {
    const index = indexCriteria(set);
    const usedBy = groups.filter((g) => config.groups[g].criteriaSets.includes(set.id));
    out.push(
      `  ${set.id} (phiên bản ${set.version}), hiệu lực từ ${formatDate(set.effectiveFrom)}: ${formatPoints(set.max)} điểm, ` +
        `${set.areas.length} lĩnh vực, ${index.leaves.length} tiêu chí chấm điểm` +
        (index.survey ? `, khảo sát ${formatPoints(index.survey.max)} điểm` : '') +
        `; dùng cho ${usedBy.map((g) => titles[g].toLowerCase()).join(', ')}`,
    );
  }
  out.push('', 'Bộ tiêu chí áp dụng theo năm (criteria set in force, per group and year):');
  const periods = periodsOf(config);
  const years = [...new Set(periods.map((p) => p.year))];
  const rows = years.map((year) => [
    String(year),
    ...groups.map((g) =>
      setsOfYear(
        loaded,
        g,
        periods.filter((p) => p.year === year),
      ),
    ),
  ]);
  out.push(
    ...renderTable([{ header: 'Năm' }, ...groups.map((g) => ({ header: titles[g] }))], rows).map(
      (l) => `  ${l}`,
    ),
  );
  return out;
}

function commendationLine(loaded: LoadedDistrict): string {
  const { commendation } = loaded.config;
  const c = commendation.collectives;
  const awards = movementAwards(commendation.issuerLevel);
  return (
    `Khen thưởng: ${FORM_LABELS[awards.thematic]}${awards.thematic === 'giay-khen' ? ` của ${ISSUER_LABELS[commendation.issuerLevel]}` : ''}; tập thể: ${
      c.mode === 'top' ? `${c.perGroup} đơn vị dẫn đầu mỗi khối` : `đạt từ ${c.minPercent} %`
    }, xếp loại tối thiểu ${BAND_LABELS[commendation.minBand]}` +
    (commendation.quotaPerGroup !== undefined ? `; tối đa ${commendation.quotaPerGroup} mỗi khối` : '') +
    (commendation.upward
      ? `; đề nghị cấp trên (${FORM_LABELS[awards.upward]}): từ ${commendation.upward.minPercent} %, ${commendation.upward.perGroup} đơn vị mỗi khối`
      : '')
  );
}

/**
 * What to check before relying on the commendation rules over the campaign's decision dates
 * (from the phase's start to the last review close): lists not yet checked against the texts in
 * force, dates with no list, and awards still to be confirmed legally.
 */
function warningLines(loaded: LoadedDistrict): string[] {
  const { config } = loaded;
  const periods = periodsOf(config);
  const lastClose = periods[periods.length - 1]?.reviewClosesAt.slice(0, 10) ?? config.campaign.phaseEnd;
  const cautions = issuerCautions(config.commendation.issuerLevel, config.campaign.phaseStart, lastClose);
  if (cautions.length === 0) return [];
  return [
    '',
    'Cảnh báo (warnings):',
    ...cautions.flatMap((c) => wrap(`- ${c}`, 98).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`)),
  ];
}

/** "huyen-co-quan-2022" or, when the set changes within the year, "A (2025Q1–2025Q2); B (2025Q3–2025Q4)". */
function setsOfYear(loaded: LoadedDistrict, group: UnitGroup, periods: Period[]): string {
  const runs: { id: string; version: string; from: string; to: string }[] = [];
  for (const p of periods) {
    const set = criteriaSetFor(loaded.config, loaded.criteriaSets, group, p);
    const lastRun = runs[runs.length - 1];
    if (lastRun && lastRun.id === set.id) lastRun.to = p.id;
    else runs.push({ id: set.id, version: set.version, from: p.id, to: p.id });
  }
  const [only, ...more] = runs;
  if (only && more.length === 0) return `${only.id} (${only.version})`;
  return runs.map((r) => `${r.id} (${r.from === r.to ? r.from : `${r.from}–${r.to}`})`).join('; ');
}
