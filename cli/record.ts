/**
 * `thidua record`: records what scoring needs from the admin for each unit-period — the
 * satisfaction survey result (or none: the unit's score is rescaled), bonus and penalty — from a
 * file (format: functions/scoring/adjustments.ts, docs/cli.md) into the deployed stack's table, with
 * the operator's own AWS credentials (the SDK's default chain), as `cli:<os user>`.
 *
 * Everything is checked before anything is written: against the config file, and then against the
 * campaign stored in the table (the one scoring reads), which must be the same district's. The
 * AWS SDK is loaded only when a call is made (`--dry-run` never loads it, and calls nothing).
 */
import { userInfo } from 'node:os';
import { formatDate, periodsOf } from '#domain/calendar';
import { ConfigError, type ConfigProblem } from '#domain/config';
import type { LoadedDistrict } from '#domain/config-files';
import type { Period } from '#domain/model';
import { formatPoints } from '#domain/points';
import {
  type AdjustmentCaps,
  type AdjustmentsDocument,
  type AdjustmentsEntry,
  adjustmentCaps,
  cappedText,
  checkAdjustments,
  overCaps,
  overCapText,
  type RecordAdjustmentsResult,
} from '#functions/scoring/adjustments';
import { readAdjustments } from '#functions/scoring/adjustments-file';
import { periodName } from '#mail/letter';
import type { Actor } from '#ports/actor';
import {
  defineCommand,
  EXIT_OK,
  EXIT_PROBLEMS,
  helpText,
  type Io,
  loadDistrictOrFail,
  OPTIONS,
  ProblemsError,
  regionOption,
  requireOption,
  UsageError,
} from './common.ts';
import { renderTable } from './text.ts';

const RECORD_OPTIONS = {
  district: OPTIONS.district,
  file: {
    type: 'string',
    arg: '<tệp>',
    help: 'số liệu theo kỳ, theo đơn vị (.yaml, .yml hoặc .json; định dạng: docs/cli.md)',
  },
  table: {
    type: 'string',
    arg: '<tên bảng>',
    help: 'giá trị TableName trong Outputs của stack (không bắt buộc khi --dry-run)',
  },
  region: OPTIONS.region,
  'dry-run': { type: 'boolean', help: 'chỉ kiểm tra và in những gì sẽ ghi; không gọi AWS' },
  criteria: OPTIONS.criteria,
} as const;

const HELP = helpText({
  usage:
    'thidua record --district <cấu hình> --file <tệp số liệu> --table <tên bảng> [--region <vùng>] [--dry-run]',
  about: `Ghi nhận số liệu quản trị viên nhập cho việc chấm điểm từng đơn vị, từng kỳ: kết quả khảo sát sự
hài lòng (không có khảo sát: điểm thẩm định được quy đổi), điểm thưởng, điểm trừ. Tệp được kiểm
tra toàn bộ theo cấu hình và theo phong trào đã lưu trong bảng trước khi ghi: có lỗi thì không
ghi gì. Ghi bằng thông tin đăng nhập AWS của người chạy lệnh; người ghi là cli:<tên người dùng>.
Ghi lại cùng số liệu không thay đổi gì; mỗi thay đổi được lưu vết (trước và sau).`,
  options: RECORD_OPTIONS,
  notes: `Kỳ đã công bố kết quả: số liệu mới chỉ có hiệu lực khi chạy lại tính điểm (phiên bản kết quả
mới); lệnh in cảnh báo và cách chạy lại.`,
  exits: `0 đã ghi (hoặc chạy thử); 1 tệp có lỗi, bảng không đúng huyện hoặc AWS từ chối;
2 sai cú pháp lệnh.`,
  english: `Records the admin's scoring inputs per unit and period: satisfaction survey result (none: the
appraised score is rescaled), bonus, penalty. The file is checked against the config and the
campaign stored in the table before anything is written (any problem: nothing written). Writes
with your AWS credentials to the table (TableName, a stack output) as cli:<os user>; the same
values again change nothing. A period whose results are published needs scoring rerun to get a
new results version: the command warns and says how. --dry-run checks and prints, calling nothing.
Exit codes: 0 recorded / dry run, 1 problems, wrong table or AWS refused, 2 usage error.`,
});

/** DynamoDB's table name rule. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Who writes: the operator's OS account (audited with every change). */
export function operatorActor(): Actor {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME;
  }
  return { kind: 'admin', id: `cli:${user?.trim() || 'unknown'}` };
}

const NO_SURVEY = 'không có khảo sát (quy đổi)';

/** Survey, or the words that say the unit has none (its appraised sum is rescaled). */
export function surveyText(survey: number | null): string {
  return survey === null ? NO_SURVEY : formatPoints(survey);
}

/** The caps scoring will apply to the unit in the period (functions/scoring/adjustments.ts). */
function capsOf(district: LoadedDistrict, unitId: string, period: Period): AdjustmentCaps | undefined {
  const unit = district.config.units.find((u) => u.id === unitId);
  if (!unit) return undefined;
  try {
    return adjustmentCaps(district, unit.group, period);
  } catch {
    return undefined;
  }
}

/** The plan, per period: every unit with its survey, bonus and penalty. */
export function describeEntries(district: LoadedDistrict, entries: readonly AdjustmentsEntry[]): string[] {
  const periods = new Map(periodsOf(district.config).map((p) => [p.id, p]));
  const names = new Map(district.config.units.map((u) => [u.id, u.name]));
  const byPeriod = new Map<string, AdjustmentsEntry[]>();
  for (const e of entries) byPeriod.set(e.periodId, [...(byPeriod.get(e.periodId) ?? []), e]);
  const out: string[] = [];
  for (const [periodId, list] of byPeriod) {
    const period = periods.get(periodId);
    // checkAdjustments accepted only periods of the calendar.
    if (!period) continue;
    out.push(
      '',
      `Kỳ ${periodId} — ${periodName(period)} (${formatDate(period.start)}–${formatDate(period.end)}): ` +
        `${list.length} đơn vị (units)`,
    );
    const rows = list.map((e) => {
      const caps = capsOf(district, e.unitId, period);
      return [
        `${names.get(e.unitId) ?? e.unitId} (${e.unitId})`,
        surveyText(e.survey),
        cappedText(e.bonus, caps?.bonusCap),
        cappedText(e.penalty, caps?.penaltyCap),
      ];
    });
    out.push(
      ...renderTable(
        [
          { header: 'Đơn vị (unit)' },
          { header: 'Khảo sát (survey)', align: 'right' },
          { header: 'Thưởng (bonus)', align: 'right' },
          { header: 'Trừ (penalty)', align: 'right' },
        ],
        rows,
      ).map((line) => `  ${line}`),
    );
    // Each bonus or penalty above its cap said in words too, as the admin's page says it.
    for (const o of overCaps(list, district))
      out.push(
        `  Vượt trần (above the cap): ${overCapText(o)} (recorded as written; scoring counts the cap)`,
      );
    // Notes are long (a report's number and date): under the table, not in a column.
    const notes = list.filter((e) => e.note);
    if (notes.length > 0) {
      out.push('  Ghi chú (notes):');
      for (const e of notes) out.push(`    ${e.unitId}: ${e.note}`);
    }
  }
  return out;
}

/** The warning for periods whose results are published, with how to rerun scoring. */
export function publishedWarning(
  result: RecordAdjustmentsResult,
  changedPeriods: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const periodId of result.periodsWithResults) {
    const latest = result.latestResults[periodId] ?? 0;
    const name = result.rerunAs[periodId] ?? '';
    const changed = changedPeriods.has(periodId);
    out.push(
      '',
      `Cảnh báo (warning): kỳ ${periodId} đã có kết quả công bố (phiên bản ${latest}): ` +
        'kết quả đã công bố; chạy lại tính điểm để có phiên bản mới.' +
        (changed ? '' : ' (Số liệu kỳ này không đổi: chỉ cần chạy lại nếu lần ghi trước chưa được tính.)'),
      `  (Results of ${periodId} are published, version ${latest}: rerun scoring to publish a new version.)`,
      '  Chạy lại tính điểm (rerun scoring): khởi chạy quy trình "scoring" (ScoringStateMachineArn trong Outputs của stack)',
      `  với tên ${name}, ví dụ (for example):`,
      `    aws stepfunctions start-execution --state-machine-arn <ScoringStateMachineArn> --name ${name} --input '{"periodId":"${periodId}"}'`,
      '  Tên này chỉ dùng một lần cho số liệu đã ghi đến nay; kết quả mới chỉ được lưu thành phiên bản mới nếu khác phiên bản cũ.',
      '  (The name stands for the adjustments recorded so far; a new version is stored only if results differ.)',
    );
  }
  return out;
}

function problemsOf(error: unknown): ConfigProblem[] {
  if (error instanceof ConfigError) return error.problems;
  throw error;
}

export const recordCommand = defineCommand({
  name: 'record',
  summary: 'ghi nhận khảo sát, điểm thưởng, điểm trừ (record survey results, bonus, penalty)',
  help: HELP,
  options: RECORD_OPTIONS,
  async run(values, _positionals, io) {
    const districtFile = requireOption(values.district, 'district');
    const file = requireOption(values.file, 'file');
    const table = values['dry-run'] === true ? undefined : requireOption(values.table, 'table');
    const named = table ?? values.table;
    if (named !== undefined && !TABLE_NAME.test(named)) {
      throw new UsageError(
        `--table không phải tên bảng DynamoDB: "${named}" (expected a table name, the TableName stack output)`,
      );
    }
    regionOption(values.region);

    const district = loadDistrictOrFail(districtFile, values.criteria);
    const { doc, entries } = adjustmentsOf(file, district);
    io.out(
      `${table === undefined ? 'Sẽ ghi (will record)' : 'Ghi nhận (recording)'}: ${entries.length} dòng số liệu ` +
        `(${entries.length} unit-period line${entries.length === 1 ? '' : 's'}) — ${district.config.district.name}`,
    );
    for (const line of describeEntries(district, entries)) io.out(line);
    io.out('');
    if (table === undefined) {
      io.out('Chạy thử (dry run): không gọi AWS, không ghi gì. (Nothing was written.)');
      return EXIT_OK;
    }
    return write(io, { district, doc, entries, table, region: values.region });
  },
});

/** The file read and checked against the config: every problem, or at least one line to record. */
function adjustmentsOf(
  file: string,
  district: LoadedDistrict,
): { doc: AdjustmentsDocument; entries: AdjustmentsEntry[] } {
  let doc: AdjustmentsDocument;
  try {
    doc = readAdjustments(file);
  } catch (e) {
    throw new ProblemsError(problemsOf(e), INVALID_FILE);
  }
  const { entries, problems } = checkAdjustments(doc, district);
  if (problems.length > 0) throw new ProblemsError(problems, INVALID_FILE);
  if (entries.length === 0) {
    throw new ProblemsError(
      [{ file, path: 'periods', message: 'không có đơn vị nào để ghi (no unit to record)' }],
      INVALID_FILE,
    );
  }
  return { doc, entries };
}

const INVALID_FILE = 'Tệp số liệu không hợp lệ, chưa ghi gì (invalid adjustments file, nothing written)';

interface WriteJob {
  district: LoadedDistrict;
  doc: AdjustmentsDocument;
  entries: AdjustmentsEntry[];
  table: string;
  region: string | undefined;
}

async function write(io: Io, job: WriteJob): Promise<number> {
  const { entries, table } = job;
  // Loaded here: the other commands, and a dry run, never load the AWS SDK.
  const [
    { table: tablePort, tableNamed },
    { replacePort, resetPorts },
    { storedDistrict },
    { storeAdjustments },
  ] = await Promise.all([
    import('#ports/dynamo/table'),
    import('#ports/registry'),
    import('#functions/scoring/record-adjustments'),
    import('#functions/scoring/store-adjustments'),
  ]);
  const named = tableNamed(table, job.region);
  // Every port of this run writes to the operator's table.
  replacePort(tablePort, named);
  const actor = operatorActor();
  const done: RecordAdjustmentsResult['recorded'] = [];
  const awsFailed = (e: unknown, what: string) => reportAwsFailure(io, e, what);
  try {
    // The table must hold this district's campaign: scoring reads that one, not the file.
    let stored: StoredDistrict | undefined;
    try {
      stored = await storedDistrict();
    } catch (e) {
      return awsFailed(e, `Không đọc được bảng ${table} (cannot read the table)`);
    }
    checkStoredCampaign(stored, job);

    io.out(`Ghi vào bảng (writing to table) ${table} với tư cách (as) ${actor.id}:`);
    const width = Math.max(...entries.map((e) => e.unitId.length));
    let result: RecordAdjustmentsResult;
    try {
      result = await storeAdjustments(entries, actor, (r) => {
        done.push(r);
        io.out(
          `  ${r.periodId}  ${r.unitId.padEnd(width)}  ${
            r.changed
              ? `đã thay đổi (changed), phiên bản ${r.version}`
              : `không đổi (unchanged), phiên bản ${r.version}`
          }`,
        );
      });
    } catch (e) {
      if (done.length === entries.length) {
        // Everything is written; only the check for published results failed.
        return awsFailed(
          e,
          'Đã ghi đủ, nhưng không kiểm tra được kỳ nào đã công bố kết quả (all written; could not check for published results)',
        );
      }
      const failed = awsFailed(
        e,
        `Không ghi được (write failed) sau ${done.length}/${entries.length} dòng (after ${done.length} of ${entries.length} lines)`,
      );
      io.err(
        'Các dòng đã in ở trên đã được ghi; chạy lại lệnh để ghi phần còn lại (dòng đã ghi sẽ "không đổi"). ' +
          '(The lines above were written; run the command again for the rest.)',
      );
      return failed;
    }
    const changed = result.recorded.filter((r) => r.changed);
    io.out(
      `Xong (done): ${changed.length} thay đổi, ${result.recorded.length - changed.length} không đổi ` +
        `(${changed.length} changed, ${result.recorded.length - changed.length} unchanged).`,
    );
    for (const line of publishedWarning(result, new Set(changed.map((r) => r.periodId)))) io.out(line);
    return EXIT_OK;
  } finally {
    resetPorts();
    named.db.destroy();
  }
}

/** The campaign stored in the table, as far as checking a file against it needs. */
type StoredDistrict = Pick<LoadedDistrict, 'config' | 'criteriaSets'>;

/**
 * The table must hold this district's campaign, and the file must also be valid against it (its
 * units or sets may have changed since the config was launched): otherwise nothing is written.
 */
function checkStoredCampaign(stored: StoredDistrict | undefined, job: WriteJob): void {
  const { district, doc, table } = job;
  const slug = district.config.district.slug;
  const refuse = (message: string) =>
    new ProblemsError([{ file: table, path: '', message }], 'Không ghi được (cannot record)');
  if (!stored) {
    throw refuse(
      `bảng chưa có phong trào nào: hãy phát động trước (thidua launch) hoặc kiểm tra --table ` +
        '(the table holds no campaign: launch first, or check --table)',
    );
  }
  if (stored.config.district.slug !== slug) {
    throw refuse(
      `bảng thuộc "${stored.config.district.name}" (${stored.config.district.slug}), không phải ` +
        `"${district.config.district.name}" (${slug}) của ${doc.file}: kiểm tra --table và --district ` +
        `(the table belongs to district ${stored.config.district.slug}, not ${slug})`,
    );
  }
  const againstStored = checkAdjustments(doc, {
    config: stored.config,
    criteriaSets: stored.criteriaSets,
  }).problems.map((p) => ({
    ...p,
    message: `${p.message} — theo phong trào đã lưu trong bảng ${table} (per the campaign stored in the table)`,
  }));
  if (againstStored.length > 0) throw new ProblemsError(againstStored, INVALID_FILE);
}

/** An AWS call failed: what failed, why, and what to check. */
function reportAwsFailure(io: Io, e: unknown, what: string): number {
  io.err(`${what}: ${e instanceof Error ? `${e.name ? `${e.name}: ` : ''}${e.message}` : String(e)}`);
  io.err(
    'Kiểm tra thông tin đăng nhập AWS, vùng (--region) và tên bảng (TableName trong Outputs của stack). ' +
      '(Check your AWS credentials, the region and the table name.)',
  );
  return EXIT_PROBLEMS;
}
