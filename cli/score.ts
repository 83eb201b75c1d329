/**
 * `thidua score`: results of a period, a year or the phase from a file of appraised reports,
 * as a table on the terminal and, with --out, the results JSON of docs/scoring.md plus the
 * commendation candidates (docs/cli.md).
 */

import { type AggregateResults, aggregateResults } from '#domain/aggregate';
import { formatDate, periodsOf, periodsOfYear } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import type { Proposal, RankedResult } from '#domain/commendation-model';
import type { LoadedDistrict } from '#domain/config-files';
import { FORM_LABELS, movementAwards } from '#domain/issuers';
import type { DistrictConfig, Period, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS } from '#domain/model';
import { formatPercent, formatPoints } from '#domain/points';
import type { UnitChange } from '#domain/ranking';
import { aggregateResultsToJson, periodResultsToJson } from '#domain/results-json';
import { computePeriodResults, type PeriodResults } from '#domain/scoring';
import { ScoringError } from '#domain/unit-score';
import { resultsReportHtml } from '#functions/documents/print';
import { summaryCsv, summaryHtml } from '#functions/documents/summary';
import { contextFromConfig, homeAffairsOffice, type Signer } from '#functions/documents/types';
import { type Appraisals, describePeriod, readAppraisals } from './appraisals.ts';
import {
  defineCommand,
  deliver,
  EXIT_OK,
  helpText,
  loadDistrictOrFail,
  OPTIONS,
  onDateOption,
  ProblemsError,
  requireOption,
  UsageError,
  writeBytes,
} from './common.ts';
import { type DocumentExtension, makeDocument, outKind, signerOption } from './documents.ts';
import { groupTitles, renderTable } from './text.ts';

const SCORE_OPTIONS = {
  district: OPTIONS.district,
  appraisals: {
    type: 'string',
    arg: '<tệp>',
    help: 'kết quả thẩm định theo kỳ, theo đơn vị (.yaml, .yml hoặc .json)',
  },
  period: {
    type: 'string',
    arg: '<kỳ>',
    help: 'một kỳ của lịch, ví dụ 2024Q3 (mặc định: kỳ cuối cùng có trong tệp)',
  },
  year: { type: 'string', arg: '<yyyy>', help: 'kết quả năm: trung bình tỷ lệ các kỳ của năm theo lịch' },
  phase: {
    type: 'boolean',
    help: [
      'kết quả cả giai đoạn: trung bình tỷ lệ mọi kỳ của giai đoạn',
      '(kỳ không có trong tệp tính là Không nộp báo cáo, 0 %)',
    ],
  },
  out: {
    type: 'string',
    arg: '<tệp>',
    help: [
      'ghi tệp theo đuôi: .json kết quả (docs/scoring.md) và đề xuất khen thưởng tập thể;',
      '.xlsx, .csv bảng tổng hợp điểm; .docx, .html báo cáo kết quả của một kỳ',
      '(.html của năm, giai đoạn: bảng tổng hợp điểm bản in)',
    ],
  },
  signer: {
    type: 'string',
    arg: '<chức danh: họ tên>',
    help: [
      'người ký báo cáo kết quả, ví dụ "Trưởng phòng: Nguyễn Văn Thành"',
      '(mặc định: quản trị có chức danh cao nhất trong cấu hình, docs/cli.md)',
    ],
  },
  json: { type: 'boolean', help: 'in JSON ra màn hình thay cho bảng' },
  on: {
    type: 'string',
    arg: '<yyyy-mm-dd>',
    help: 'ngày xét khen thưởng (mặc định: ngày kết thúc thẩm định của kỳ cuối)',
  },
  criteria: OPTIONS.criteria,
} as const;

const HELP = helpText({
  usage:
    'thidua score --district <cấu hình> --appraisals <tệp> [--period <kỳ> | --year <yyyy> | --phase] [--out <tệp>] [--signer <người ký>] [--json]',
  about: `Tính điểm, xếp loại và xếp hạng từ tệp kết quả thẩm định (định dạng: docs/cli.md), in bảng xếp
hạng theo từng khối. Tệp thẩm định được kiểm tra toàn bộ trước khi tính: có lỗi thì không tính
gì, không ghi tệp nào.`,
  options: SCORE_OPTIONS,
  exits: '0 xong; 1 dữ liệu có lỗi (liệt kê tệp, trường, dòng); 2 sai cú pháp lệnh.',
  english: `Computes scores, bands and ranks from a file of appraised reports and prints the ranking per
group. The whole file is checked first: on any problem nothing is computed or written.
--period (default: the file's latest period), --year or --phase (the mean over the calendar's
periods; periods missing from the file count as not submitted); --out writes, by its extension,
the results JSON plus the collective commendation candidates (.json), the scoring summary
(.xlsx, .csv) or the period's results report (.docx, .html; for a year or the phase .html is the
printable summary); --signer names who signs the report; --json prints the JSON instead of the
table; --on sets the decision date for the candidates. Exit codes: 0 ok, 1 problems, 2 usage error.`,
});

/** What score computed: one period, or a year/phase over several. */
export type Scored =
  | { kind: 'period'; results: PeriodResults; period: Period; notes: string[] }
  | { kind: 'year' | 'phase'; results: AggregateResults; periods: Period[]; notes: string[] };

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'tính điểm, xếp hạng từ tệp thẩm định (score and rank from appraisals)',
  help: HELP,
  options: SCORE_OPTIONS,
  async run(values, _positionals, io) {
    const districtFile = requireOption(values.district, 'district');
    const kind = outKind(values.out);
    const appraisalsFile = requireOption(values.appraisals, 'appraisals');
    const scopes = [values.period !== undefined, values.year !== undefined, values.phase === true];
    if (scopes.filter(Boolean).length > 1) {
      throw new UsageError(
        'chỉ chọn một trong --period, --year, --phase (choose one of --period, --year, --phase)',
      );
    }
    if (values.year !== undefined && !/^\d{4}$/.test(values.year)) {
      throw new UsageError(`--year phải là năm dạng yyyy, nhận được "${values.year}" (--year must be yyyy)`);
    }
    onDateOption(values.on);
    const loaded = loadDistrictOrFail(districtFile, values.criteria);
    const signer = signerOption(values.signer, loaded.config);
    const scope = scopeOf(loaded, values);
    const appraisals = readAppraisals(appraisalsFile, loaded);
    const scored = computeScope(loaded, appraisals, scope);
    if (kind === '.docx' && scored.kind !== 'period') {
      throw new UsageError(
        'báo cáo kết quả (.docx) chỉ lập cho một kỳ; kết quả năm, giai đoạn: dùng .xlsx, .csv hoặc .html ' +
          '(the results report is made for a period only)',
      );
    }
    const proposal = proposeCommendations({
      results: rankedResultsOf(scored.results),
      units: loaded.config.units,
      nominations: [],
      settings: loaded.config.commendation,
      issuerLevel: loaded.config.commendation.issuerLevel,
      onDate: values.on ?? defaultDecisionDate(scored),
      timeZone: loaded.config.district.timeZone,
    });
    const { out, ...shown } = values;
    if (out !== undefined && kind !== 'json') {
      writeBytes(out, await makeDocument(out, () => scoreDocument(kind, loaded, appraisals, scored, signer)));
    }
    deliver(
      io,
      { ...shown, ...(kind === 'json' ? { out } : {}), written: 'Đã ghi kết quả (results written)' },
      scoredToJson(loaded.config, scored, proposal),
      () => renderScored(loaded.config, scored, proposal),
    );
    if (out !== undefined && kind !== 'json' && !values.json) io.out(`\nĐã ghi tệp (written): ${out}`);
    return EXIT_OK;
  },
});

/**
 * The scope the options ask for, checked against the calendar before the file is read: a period
 * or year outside it is a usage error.
 */
function scopeOf(loaded: LoadedDistrict, values: { period?: string; year?: string; phase?: boolean }): Scope {
  const calendar = periodsOf(loaded.config);
  if (values.period !== undefined && !calendar.some((p) => p.id === values.period)) {
    throw new UsageError(
      `không có kỳ "${values.period}" trong lịch báo cáo (các kỳ: ${calendar[0]?.id}…${calendar[calendar.length - 1]?.id}) ` +
        `(no such period in the calendar)`,
    );
  }
  if (values.year !== undefined && periodsOfYear(loaded.config, Number(values.year)).length === 0) {
    throw new UsageError(
      `năm ${values.year} không thuộc giai đoạn ${formatDate(loaded.config.campaign.phaseStart)}–` +
        `${formatDate(loaded.config.campaign.phaseEnd)} (the year is outside the phase)`,
    );
  }
  if (values.period !== undefined) return { kind: 'period', periodId: values.period };
  if (values.year !== undefined) return { kind: 'year', year: Number(values.year) };
  return values.phase ? { kind: 'phase' } : { kind: 'latest' };
}

export type Scope =
  | { kind: 'period'; periodId: string }
  | { kind: 'year'; year: number }
  | { kind: 'phase' }
  | { kind: 'latest' };

/** Every period of the file, in calendar order, each compared with the preceding period if the file has it. */
function computeFilePeriods(loaded: LoadedDistrict, appraisals: Appraisals): Map<string, PeriodResults> {
  const calendar = periodsOf(loaded.config);
  const out = new Map<string, PeriodResults>();
  for (const p of appraisals.periods) {
    const before = calendar[calendar.findIndex((c) => c.id === p.period.id) - 1];
    const previous = before ? out.get(before.id) : undefined;
    try {
      out.set(
        p.period.id,
        computePeriodResults({
          periodId: p.period.id,
          units: loaded.config.units,
          inputs: p.inputs,
          setsByGroup: p.setsByGroup,
          caps: loaded.config.groups,
          bands: loaded.config.bands,
          ...(previous ? { previous } : {}),
        }),
      );
    } catch (e) {
      if (!(e instanceof ScoringError)) throw e;
      // The file check above should have caught these; report them rather than crash.
      throw new ProblemsError(
        e.problems.map((pr) => ({
          file: appraisals.file,
          path: `periods.${p.period.id}.${pr.field}`,
          message: pr.message,
        })),
        'Không tính được điểm (cannot compute the scores)',
      );
    }
  }
  return out;
}

/** Results of a period in which no unit reported: every unit Không nộp báo cáo. */
function emptyPeriod(loaded: LoadedDistrict, periodId: string): PeriodResults {
  return computePeriodResults({
    periodId,
    units: loaded.config.units,
    inputs: {},
    setsByGroup: {},
    bands: loaded.config.bands,
  });
}

function aggregateOver(
  loaded: LoadedDistrict,
  computed: Map<string, PeriodResults>,
  kind: 'year' | 'phase',
  periods: Period[],
  notes: string[] | null,
  previous?: AggregateResults,
): AggregateResults {
  const missing = periods.filter((p) => !computed.has(p.id)).map((p) => p.id);
  if (notes && missing.length > 0) {
    notes.push(
      `Tệp không có kỳ ${missing.join(', ')}: mọi đơn vị được tính Không nộp báo cáo (0 %) ở ${missing.length === 1 ? 'kỳ này' : 'các kỳ này'} ` +
        `(periods missing from the file count as not submitted, 0 %).`,
    );
  }
  const perPeriod = periods.map((p) => computed.get(p.id) ?? emptyPeriod(loaded, p.id));
  return aggregateResults(
    kind,
    periods.map((p) => p.id),
    perPeriod,
    loaded.config.units,
    { bands: loaded.config.bands, ...(previous ? { previous } : {}) },
  );
}

export function computeScope(loaded: LoadedDistrict, appraisals: Appraisals, scope: Scope): Scored {
  const { config } = loaded;
  const computed = computeFilePeriods(loaded, appraisals);
  const notes: string[] = [];
  if (scope.kind === 'period' || scope.kind === 'latest') {
    const last = appraisals.periods[appraisals.periods.length - 1];
    const periodId = scope.kind === 'period' ? scope.periodId : last?.period.id;
    const entry = appraisals.periods.find((p) => p.period.id === periodId);
    if (!entry || !periodId) {
      const inFile = appraisals.periods.map((p) => p.period.id).join(', ');
      throw new ProblemsError(
        [
          {
            file: appraisals.file,
            path: 'periods',
            message: `tệp không có kỳ ${periodId}; các kỳ trong tệp: ${inFile || '(không có)'} (the file has no such period)`,
          },
        ],
        'Thiếu dữ liệu (missing data)',
      );
    }
    if (scope.kind === 'latest' && appraisals.periods.length > 1) {
      notes.push(
        `Tệp có ${appraisals.periods.length} kỳ (${appraisals.periods.map((p) => p.period.id).join(', ')}); ` +
          `đang hiển thị kỳ cuối ${periodId} — chọn kỳ khác bằng --period, cả năm bằng --year ` +
          '(showing the latest period; use --period, --year or --phase).',
      );
    }
    if (entry.absentUnits.length > 0) {
      notes.push(
        `${entry.absentUnits.length} đơn vị không có trong tệp ở kỳ ${periodId}, tính là Không nộp báo cáo: ` +
          `${entry.absentUnits.join(', ')} (units absent from the file count as not submitted).`,
      );
    }
    const results = computed.get(periodId);
    // Every period of the file was computed just above.
    if (!results) throw new Error(`period ${periodId} was not computed`);
    return { kind: 'period', results, period: entry.period, notes };
  }
  if (scope.kind === 'year') {
    const periods = periodsOfYear(config, scope.year);
    if (!periods.some((p) => computed.has(p.id))) {
      // Every unit "not submitted" all year is far more likely a wrong --year than the truth.
      throw new ProblemsError(
        [
          {
            file: appraisals.file,
            path: 'periods',
            message:
              `tệp không có kỳ nào của năm ${scope.year}; các kỳ trong tệp: ${[...computed.keys()].join(', ')} ` +
              `(the file has no period of ${scope.year})`,
          },
        ],
        'Thiếu dữ liệu (missing data)',
      );
    }
    const beforeYear = periodsOfYear(config, scope.year - 1);
    const previous = beforeYear.some((p) => computed.has(p.id))
      ? aggregateOver(loaded, computed, 'year', beforeYear, null)
      : undefined;
    const results = aggregateOver(loaded, computed, 'year', periods, notes, previous);
    return { kind: 'year', results, periods, notes };
  }
  const periods = periodsOf(config);
  const results = aggregateOver(loaded, computed, 'phase', periods, notes);
  return { kind: 'phase', results, periods, notes };
}

/** The decision date when none is given: the day review closes for the last period in scope. */
export function defaultDecisionDate(scored: Scored): string {
  const last = scored.kind === 'period' ? scored.period : scored.periods[scored.periods.length - 1];
  return (last?.reviewClosesAt ?? '').slice(0, 10);
}

export function rankedResultsOf(results: PeriodResults | AggregateResults): RankedResult[] {
  return results.units.map((u) => ({
    unitId: u.unitId,
    group: u.group,
    percent: u.percent,
    band: u.band,
    rank: u.rank,
    flags: u.flags,
  }));
}

// ---------------------------------------------------------------- documents

/** The Word and Excel writers, loaded only for .docx and .xlsx: other commands start without them. */
const word = () => import('#functions/documents/word');
const excel = () => import('#functions/documents/xlsx');

/** The summary (XLSX, CSV, printable HTML of a year or the phase) or a period's results report. */
async function scoreDocument(
  kind: DocumentExtension | undefined,
  loaded: LoadedDistrict,
  appraisals: Appraisals,
  scored: Scored,
  signer: Signer,
): Promise<Buffer | string> {
  const { config } = loaded;
  const base = {
    context: contextFromConfig(config, { producedAt: new Date() }),
    issuer: homeAffairsOffice(config),
    bands: config.bands,
  };
  if (scored.kind !== 'period') {
    const input = { ...base, results: scored.results, periods: scored.periods };
    return kind === '.xlsx'
      ? (await excel()).summaryXlsx(input)
      : kind === '.csv'
        ? summaryCsv(input)
        : summaryHtml(input);
  }
  const entry = appraisals.periods.find((p) => p.period.id === scored.period.id);
  const input = {
    ...base,
    period: scored.period,
    results: scored.results,
    setsByGroup: entry?.setsByGroup ?? {},
    appraisals: entry?.inputs ?? {},
    caps: config.groups,
  };
  if (kind === '.xlsx') return (await excel()).summaryXlsx(input);
  if (kind === '.csv') return summaryCsv(input);
  if (kind !== '.docx') return resultsReportHtml({ ...input, signer });
  return (await word()).resultsReportDocx({ ...input, signer });
}

// ---------------------------------------------------------------- JSON

export function scoredToJson(config: DistrictConfig, scored: Scored, proposal: Proposal) {
  const results =
    scored.kind === 'period' ? periodResultsToJson(scored.results) : aggregateResultsToJson(scored.results);
  return {
    ...results,
    district: { slug: config.district.slug, name: config.district.name },
    notes: scored.notes,
    commendationCandidates: proposal,
  };
}

// ---------------------------------------------------------------- terminal

/** Percentage points gained against the previous period or year, signed ("+2,35", "-1,20"). */
function changePercentCell(change: UnitChange | null): string {
  if (!change?.percentPoints) return '—';
  return `${change.percentPoints.num > 0n ? '+' : ''}${formatPercent(change.percentPoints)}`;
}

/** Places gained: "↑2", "↓1", "=". */
function changeRankCell(change: UnitChange | null): string {
  const r = change?.rankChange ?? null;
  return r === null ? '—' : r > 0 ? `↑${r}` : r < 0 ? `↓${-r}` : '=';
}

const changeColumns = (prevId: string | undefined) =>
  prevId
    ? [
        { header: `±% so với ${prevId}`, align: 'right' as const },
        { header: '±hạng', align: 'right' as const },
      ]
    : [];

const changeCells = (prevId: string | undefined, change: UnitChange | null) =>
  prevId ? [changePercentCell(change), changeRankCell(change)] : [];

const dash = '—';

/** "2024Q2" or "2024Q2, 2024Q3"; beyond three, just how many. */
function periodList(ids: readonly string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.length} kỳ`;
}

export function renderScored(config: DistrictConfig, scored: Scored, proposal: Proposal): string[] {
  const titles = groupTitles(config.district.level);
  const out: string[] = [];
  out.push(`Kết quả thi đua cải cách hành chính – ${config.district.name} (${config.campaign.planNumber})`);
  if (scored.kind === 'period') {
    out.push(`Kỳ ${describePeriod(scored.period)}, phiên bản ${scored.results.version}`);
  } else {
    const first = scored.periods[0];
    const last = scored.periods[scored.periods.length - 1];
    out.push(
      `${scored.kind === 'year' ? 'Năm' : 'Giai đoạn'} ${scored.results.scopeId}: trung bình tỷ lệ ${scored.periods.length} kỳ ` +
        `(${scored.periods.map((p) => p.id).join(', ')}; ${first ? formatDate(first.start) : ''}–${last ? formatDate(last.end) : ''})`,
    );
  }
  for (const group of UNIT_GROUPS) {
    const count = scored.results.units.filter((u) => u.group === group).length;
    if (count === 0) continue;
    out.push(
      '',
      ...(scored.kind === 'period'
        ? periodTable(scored.results, group, titles)
        : aggregateTable(scored.results, group, titles)),
    );
  }
  out.push('');
  out.push(
    'Xếp hạng theo tỷ lệ chính xác (không làm tròn), trong từng khối; tỷ lệ bằng nhau thì đồng hạng. ' +
      (scored.kind === 'period'
        ? 'Không nộp báo cáo: 0 điểm, xếp cuối khối; Chưa thẩm định: không xếp hạng kỳ này.'
        : scored.results.periodIds.length <= 4
          ? '—: kỳ không nộp báo cáo (tính 0 %); chờ: kỳ chưa thẩm định (đơn vị chưa được xếp hạng).'
          : 'Kỳ không nộp báo cáo tính 0 %; đơn vị có kỳ chưa thẩm định chưa được xếp hạng.'),
  );
  for (const note of scored.notes) out.push(`Lưu ý: ${note}`);
  out.push(...renderCandidatesSummary(proposal, titles));
  return out;
}

/** A period's table for one group: rank, unit, total, percentage, band, notes, change. */
function periodTable(results: PeriodResults, group: UnitGroup, titles: Record<UnitGroup, string>): string[] {
  const units = results.units.filter((u) => u.group === group);
  const set = results.criteriaSets[group];
  const prevId = results.units.find((u) => u.change)?.change?.previousId;
  const rows = units.map((u) => {
    const notes = u.flags.map((f) => FLAG_LABELS[f]);
    if (u.breakdown?.rescaled) notes.push('không có khảo sát: quy đổi');
    if (u.breakdown && u.breakdown.bonusCounted > 0)
      notes.push(`thưởng ${formatPoints(u.breakdown.bonusCounted)}`);
    if (u.breakdown && u.breakdown.penaltyCounted > 0)
      notes.push(`trừ ${formatPoints(u.breakdown.penaltyCounted)}`);
    if (u.breakdown && u.breakdown.clamped !== 'none') notes.push('giới hạn 0–100');
    return [
      u.rank === null ? dash : String(u.rank),
      u.name,
      u.total === null ? dash : formatPoints(u.total, { fixed: true }),
      u.percent === null ? dash : formatPercent(u.percent),
      u.band ? BAND_LABELS[u.band] : dash,
      notes.join('; '),
      ...changeCells(prevId, u.change),
    ];
  });
  return [
    `${titles[group]} (${units.length} đơn vị) – bộ tiêu chí ${set ? `${set.id}, phiên bản ${set.version}` : dash}`,
    ...renderTable(
      [
        { header: 'Hạng', align: 'right' },
        { header: 'Đơn vị' },
        { header: 'Tổng điểm', align: 'right' },
        { header: 'Tỷ lệ %', align: 'right' },
        { header: 'Xếp loại' },
        { header: 'Ghi chú' },
        ...changeColumns(prevId),
      ],
      rows,
    ),
  ];
}

/** A year's or the phase's table for one group: the mean, each period's percentage (up to four), notes, change. */
function aggregateTable(
  results: AggregateResults,
  group: UnitGroup,
  titles: Record<UnitGroup, string>,
): string[] {
  const units = results.units.filter((u) => u.group === group);
  const showPeriods = results.periodIds.length <= 4;
  const prevId = results.units.find((u) => u.change)?.change?.previousId;
  const rows = units.map((u) => {
    const notes = u.flags.map((f) => {
      const which = f === 'khong-nop-bao-cao' ? u.missedPeriods : u.pendingPeriods;
      return which.length === 0 ? FLAG_LABELS[f] : `${FLAG_LABELS[f]}: ${periodList(which)}`;
    });
    const perPeriod = showPeriods
      ? u.periods.map((p) =>
          p.status === 'not-submitted' ? dash : p.percent === null ? 'chờ' : formatPercent(p.percent),
        )
      : [];
    return [
      u.rank === null ? dash : String(u.rank),
      u.name,
      u.percent === null ? dash : formatPercent(u.percent),
      u.band ? BAND_LABELS[u.band] : dash,
      ...perPeriod,
      notes.join('; '),
      ...changeCells(prevId, u.change),
    ];
  });
  return [
    `${titles[group]} (${units.length} đơn vị)`,
    ...renderTable(
      [
        { header: 'Hạng', align: 'right' },
        { header: 'Đơn vị' },
        { header: 'Tỷ lệ TB %', align: 'right' },
        { header: 'Xếp loại' },
        ...(showPeriods ? results.periodIds.map((id) => ({ header: id, align: 'right' as const })) : []),
        { header: 'Ghi chú' },
        ...changeColumns(prevId),
      ],
      rows,
    ),
  ];
}

/** The collectives the ranking puts forward (no nominations at this stage). */
function renderCandidatesSummary(proposal: Proposal, titles: Record<UnitGroup, string>): string[] {
  const thematic = FORM_LABELS[movementAwards(proposal.issuer.level).thematic];
  const out = [
    '',
    `Đề xuất khen thưởng tập thể (${proposal.issuer.label}, ngày xét ${formatDate(proposal.issuer.onDate)}):`,
  ];
  for (const group of UNIT_GROUPS) {
    const of = (pred: (c: Proposal['candidates'][number]) => boolean) =>
      proposal.candidates.filter((c) => c.group === group && pred(c)).map((c) => c.name);
    const up = of((c) => c.kind === 'upward' && c.status === 'propose-upward');
    const gk = of((c) => c.kind === 'collective' && c.status === 'proposed');
    const tie = of((c) => c.status === 'tie-at-cutoff');
    if (up.length + gk.length + tie.length === 0) continue;
    out.push(`  ${titles[group]}:`);
    if (up.length > 0) out.push(`    Đề nghị cấp trên tặng Bằng khen: ${up.join('; ')}`);
    if (gk.length > 0) out.push(`    ${thematic}: ${gk.join('; ')}`);
    if (tie.length > 0) out.push(`    Đồng hạng tại ngưỡng cắt, Hội đồng xét: ${tie.join('; ')}`);
  }
  for (const w of proposal.warnings) out.push(`  Cảnh báo: ${w}`);
  return out;
}
