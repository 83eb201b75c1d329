/**
 * `thidua commend`: the commendation proposal from a results file (written by `thidua score
 * --out`) and the units' nominations, and with the council's ballots the tally and the final
 * list, every inclusion and exclusion with its reason (rules: docs/commendation.md).
 */
import type { z } from 'zod';
import { formatDate, formatDateAndTime, parseInstant, periodsOf } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import {
  type Candidate,
  CommendationInputError,
  type NominationInput,
  type Proposal,
  type RankedResult,
} from '#domain/commendation-model';
import type { ConfigProblem } from '#domain/config';
import type { LoadedDistrict } from '#domain/config-files';
import { type Tally, tallyCouncil } from '#domain/council';
import { type FinalList, finalList } from '#domain/final-list';
import { fractionFromJson } from '#domain/json';
import {
  BAND_LABELS,
  type Band,
  FLAG_LABELS,
  type ResultFlag,
  UNIT_GROUPS,
  type UnitGroup,
} from '#domain/model';
import { BallotsFileSchema, NominationsFileSchema } from './commendation-files.ts';
import {
  type Command,
  EXIT_OK,
  loadDistrictOrFail,
  onDateOption,
  ProblemsError,
  parseOptions,
  requireOption,
  toJsonText,
  writeOutput,
} from './common.ts';
import { type DataFile, describeValue, type FieldPath, isRecord, readDataFile } from './data-file.ts';
import { GROUP_TITLES } from './score.ts';
import { renderTable, wrap } from './text.ts';

const HELP = `thidua commend --district <cấu hình> --results <kết quả.json> --nominations <tệp> [--ballots <tệp>] [--out <tệp.json>]

Lập đề xuất khen thưởng từ kết quả chấm điểm (tệp do "thidua score --out" ghi, của một kỳ,
một năm hoặc cả giai đoạn) và danh sách cá nhân các đơn vị đề nghị; in mọi ứng viên với trạng
thái và lý do. Có phiếu của Hội đồng Thi đua – Khen thưởng thì kiểm phiếu (số thành viên, số
tham gia, số cần để đủ số và để thông qua, phiếu từng ứng viên) và in danh sách cuối cùng.

  --district <tệp>      cấu hình đơn vị triển khai (districts/*.yaml)
  --results <tệp>       kết quả JSON do thidua score --out ghi
  --nominations <tệp>   đề nghị khen thưởng cá nhân (.yaml, .yml hoặc .json; docs/cli.md)
  --ballots <tệp>       phiếu biểu quyết của Hội đồng (.yaml, .yml hoặc .json)
  --out <tệp.json>      ghi kết quả {proposal, tally, final} dạng JSON
  --json                in JSON ra màn hình thay cho bản trình bày
  --on <yyyy-mm-dd>     ngày xét khen thưởng, chọn danh mục thẩm quyền có hiệu lực
                        (mặc định: ngày kết thúc thẩm định của kỳ cuối trong kết quả)
  --criteria <thư mục>  thư mục bộ tiêu chí (mặc định: <thư mục cấu hình>/../criteria)
  -h, --help            hướng dẫn này

Mã thoát: 0 xong (kể cả khi Hội đồng không đủ số: kết quả nói rõ); 1 dữ liệu có lỗi; 2 sai cú pháp lệnh.

Builds the commendation proposal from a results file written by "thidua score --out" and the
units' nominations, printing every candidate with its status and reasons; given the council's
ballots, tallies them (members, present, quorum, pass threshold, votes per candidate) and prints
the final list. --out writes {proposal, tally, final} as JSON; --on sets the decision date.
Exit codes: 0 done (also without quorum: the outcome says so), 1 problems, 2 usage error.`;

export const commendCommand: Command = {
  name: 'commend',
  summary: 'đề xuất khen thưởng, kiểm phiếu Hội đồng (commendation proposal and council tally)',
  help: HELP,
  run(args, io) {
    const { values } = parseOptions(args, {
      district: { type: 'string' },
      results: { type: 'string' },
      nominations: { type: 'string' },
      ballots: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      on: { type: 'string' },
      criteria: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(HELP);
      return EXIT_OK;
    }
    const districtFile = requireOption(values.district, 'district');
    const resultsFile = requireOption(values.results, 'results');
    const nominationsFile = requireOption(values.nominations, 'nominations');
    onDateOption(values.on);
    const loaded = loadDistrictOrFail(districtFile, values.criteria);

    // Read every file before failing, so the admin sees all problems at once.
    const problems: ConfigProblem[] = [];
    const results = readResults(resultsFile, loaded, problems);
    const nominations = readNominations(nominationsFile, loaded, problems);
    const ballots = values.ballots === undefined ? undefined : readBallots(values.ballots, problems);
    if (problems.length > 0 || !results || !nominations || (values.ballots !== undefined && !ballots)) {
      throw new ProblemsError(problems, 'Dữ liệu không hợp lệ (invalid input)');
    }

    const { config } = loaded;
    const onDate = values.on ?? results.defaultOnDate;
    let proposal: Proposal;
    let tally: Tally | null = null;
    let final: FinalList | null = null;
    try {
      proposal = proposeCommendations({
        timeZone: config.district.timeZone,
        results: results.ranked,
        units: config.units,
        nominations: nominations.nominations,
        settings: config.commendation,
        issuerLevel: config.commendation.issuerLevel,
        onDate,
        ...(nominations.initiativesApproved ? { initiativesApproved: nominations.initiativesApproved } : {}),
      });
      if (ballots) {
        tally = tallyCouncil({
          timeZone: config.district.timeZone,
          members: config.council,
          ballots: ballots.ballots,
          candidates: proposal.ballot,
          settings: config.commendation,
          ...(ballots.closesAt ? { closesAt: ballots.closesAt } : {}),
        });
        final = finalList(proposal, tally);
      }
    } catch (e) {
      if (!(e instanceof CommendationInputError)) throw e;
      throw new ProblemsError(
        [{ file: nominationsFile, path: '', message: e.message }],
        'Không lập được đề xuất (cannot build the proposal)',
      );
    }

    const json = {
      district: { slug: config.district.slug, name: config.district.name },
      results: { kind: results.kind, scope: results.scope },
      proposal,
      tally,
      final,
    };
    // Written before anything is printed: a failed write must not follow a table that looks final.
    if (values.out !== undefined) writeOutput(values.out, toJsonText(json));
    if (values.json) io.out(toJsonText(json).trimEnd());
    else {
      const scopeVi =
        results.kind === 'period'
          ? `kỳ ${results.scope}`
          : results.kind === 'year'
            ? `năm ${results.scope}`
            : `giai đoạn ${results.scope}`;
      for (const line of renderProposal(config.district.name, scopeVi, proposal)) io.out(line);
      if (tally && final)
        for (const line of renderOutcome(proposal, tally, final, config.council, config.district.timeZone))
          io.out(line);
      else {
        io.out('');
        io.out('Chưa có phiếu của Hội đồng (--ballots): chưa có kết quả xét khen thưởng.');
      }
    }
    if (values.out !== undefined && !values.json) io.out(`\nĐã ghi kết quả (outcome written): ${values.out}`);
    return EXIT_OK;
  },
};

// ---------------------------------------------------------------- reading the files

interface ResultsInput {
  kind: 'period' | 'year' | 'phase';
  /** Period id, year, or "2022-2025". */
  scope: string;
  ranked: RankedResult[];
  defaultOnDate: string;
}

const FLAGS = Object.keys(FLAG_LABELS) as ResultFlag[];
const BANDS = Object.keys(BAND_LABELS) as Band[];

function readResults(
  file: string,
  loaded: LoadedDistrict,
  problems: ConfigProblem[],
): ResultsInput | undefined {
  const read = readDataFile(file);
  if (!('data' in read)) {
    problems.push(...read.problems);
    return undefined;
  }
  const before = problems.length;
  const at = (path: FieldPath, message: string) => problems.push(read.problem(path, message));
  const data = read.data;
  if (!isRecord(data)) {
    at(
      [],
      'tệp kết quả phải là một đối tượng JSON do thidua score --out ghi (must be the JSON written by thidua score --out)',
    );
    return undefined;
  }
  const kind = data.kind;
  if (kind !== 'period' && kind !== 'year' && kind !== 'phase') {
    at(
      ['kind'],
      `phải là "period", "year" hoặc "phase", nhận được ${describeValue(kind)} (must be period, year or phase)`,
    );
    return undefined;
  }
  const { config } = loaded;
  const district = isRecord(data.district) ? data.district.slug : undefined;
  if (district !== undefined && district !== config.district.slug) {
    at(
      ['district', 'slug'],
      `kết quả của "${String(district)}", cấu hình là của "${config.district.slug}" (results of another district)`,
    );
  }
  const calendar = periodsOf(config);
  const periodIds: string[] = [];
  let scope = '';
  if (kind === 'period') {
    if (typeof data.periodId !== 'string') at(['periodId'], 'thiếu mã kỳ (missing periodId)');
    else {
      scope = data.periodId;
      periodIds.push(data.periodId);
    }
  } else {
    if (typeof data.scopeId !== 'string') at(['scopeId'], 'thiếu phạm vi (missing scopeId)');
    else scope = data.scopeId;
    if (!Array.isArray(data.periodIds) || data.periodIds.some((p) => typeof p !== 'string')) {
      at(['periodIds'], 'phải là danh sách mã kỳ (must be a list of period ids)');
    } else periodIds.push(...(data.periodIds as string[]));
  }
  periodIds.forEach((id, i) => {
    if (!calendar.some((p) => p.id === id)) {
      at(
        kind === 'period' ? ['periodId'] : ['periodIds', i],
        `không có kỳ "${id}" trong lịch báo cáo (no such period in the calendar)`,
      );
    }
  });
  const units = new Map(config.units.map((u) => [u.id, u]));
  const ranked: RankedResult[] = [];
  if (!Array.isArray(data.units)) {
    at(['units'], 'thiếu danh sách đơn vị (missing units)');
  } else {
    data.units.forEach((u: unknown, i: number) => {
      const path = ['units', i];
      if (!isRecord(u)) {
        at(path, 'phải là một đối tượng (must be an object)');
        return;
      }
      const unit = typeof u.unitId === 'string' ? units.get(u.unitId) : undefined;
      if (!unit) {
        at(
          [...path, 'unitId'],
          `không có đơn vị ${describeValue(u.unitId)} trong cấu hình (no such unit in the district config)`,
        );
        return;
      }
      if (u.group !== unit.group) {
        at(
          [...path, 'group'],
          `đơn vị ${unit.id} thuộc nhóm ${unit.group}, không phải ${describeValue(u.group)} (wrong group)`,
        );
        return;
      }
      let percent: RankedResult['percent'] = null;
      if (u.percentExact !== null) {
        try {
          percent = fractionFromJson(String(u.percentExact));
        } catch {
          at(
            [...path, 'percentExact'],
            `phải là phân số "tử/mẫu" hoặc null, nhận được ${describeValue(u.percentExact)} (must be "num/den" or null)`,
          );
          return;
        }
      }
      if (u.band !== null && !BANDS.includes(u.band as Band)) {
        at(
          [...path, 'band'],
          `xếp loại ${describeValue(u.band)} không hợp lệ; dùng ${BANDS.join(', ')} hoặc null (invalid band)`,
        );
        return;
      }
      if (u.rank !== null && !(Number.isInteger(u.rank) && (u.rank as number) >= 1)) {
        at(
          [...path, 'rank'],
          `hạng phải là số nguyên ≥ 1 hoặc null, nhận được ${describeValue(u.rank)} (rank must be an integer ≥ 1 or null)`,
        );
        return;
      }
      if (!Array.isArray(u.flags) || u.flags.some((f) => !FLAGS.includes(f as ResultFlag))) {
        at([...path, 'flags'], `phải là danh sách trong ${FLAGS.join(', ')} (must be a list of known flags)`);
        return;
      }
      ranked.push({
        unitId: unit.id,
        group: unit.group,
        percent,
        band: (u.band as Band | null) ?? null,
        rank: (u.rank as number | null) ?? null,
        flags: u.flags as ResultFlag[],
      });
    });
  }
  if (problems.length > before) return undefined;
  const last = calendar.find((p) => p.id === periodIds[periodIds.length - 1]);
  return { kind, scope, ranked, defaultOnDate: (last?.reviewClosesAt ?? '').slice(0, 10) };
}

/** Zod issues as problems of the file: Vietnamese first, with the field's line. */
function zodProblems(f: DataFile, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((iss) => {
    const path = iss.path.filter((k): k is string | number => typeof k !== 'symbol');
    let value: unknown = f.data;
    for (const k of path)
      value = isRecord(value) || Array.isArray(value) ? (value as Record<string, unknown>)[k] : undefined;
    const message =
      iss.code === 'invalid_type' && value === undefined
        ? 'thiếu trường bắt buộc (required field is missing)'
        : iss.code === 'invalid_value'
          ? `phải là một trong ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, nhận được ${describeValue(value)} (must be one of these values)`
          : `giá trị không hợp lệ ${describeValue(value)}: ${iss.message} (invalid value)`;
    return f.problem(path, message);
  });
}

/** Fields the schema would silently drop: a misspelt optional field must not vanish. */
function unknownKeys(
  f: DataFile,
  value: unknown,
  allowed: readonly string[],
  path: FieldPath,
): ConfigProblem[] {
  if (!isRecord(value)) return [];
  return Object.keys(value)
    .filter((k) => !allowed.includes(k))
    .map((k) =>
      f.problem(
        [...path, k],
        `trường không được hỗ trợ, có thể viết sai tên; các trường: ${allowed.join(', ')} (unknown field)`,
      ),
    );
}

const NOMINATION_FIELDS = Object.keys(NominationsFileSchema.shape.nominations.element.shape);
const BALLOT_FIELDS = Object.keys(BallotsFileSchema.shape.ballots.element.shape);

function readNominations(
  file: string,
  loaded: LoadedDistrict,
  problems: ConfigProblem[],
): { nominations: NominationInput[]; initiativesApproved?: Set<string> } | undefined {
  const read = readDataFile(file);
  if (!('data' in read)) {
    problems.push(...read.problems);
    return undefined;
  }
  const before = problems.length;
  problems.push(...unknownKeys(read, read.data, ['nominations', 'initiativesApproved'], []));
  if (isRecord(read.data) && Array.isArray(read.data.nominations)) {
    read.data.nominations.forEach((n: unknown, i: number) => {
      problems.push(...unknownKeys(read, n, NOMINATION_FIELDS, ['nominations', i]));
    });
  }
  const parsed = NominationsFileSchema.safeParse(read.data);
  if (!parsed.success) {
    problems.push(...zodProblems(read, parsed.error));
    return undefined;
  }
  const units = new Map(loaded.config.units.map((u) => [u.id, u]));
  const seen = new Map<string, number>();
  parsed.data.nominations.forEach((n, i) => {
    if (!units.has(n.unitId)) {
      problems.push(
        read.problem(
          ['nominations', i, 'unitId'],
          `không có đơn vị "${n.unitId}" trong cấu hình (no such unit in the district config)`,
        ),
      );
    }
    const first = seen.get(n.id);
    if (first !== undefined) {
      problems.push(
        read.problem(
          ['nominations', i, 'id'],
          `mã đề nghị "${n.id}" trùng với nominations[${first}] (duplicate nomination id)`,
        ),
      );
    } else seen.set(n.id, i);
  });
  if (problems.length > before) return undefined;
  const nominations: NominationInput[] = parsed.data.nominations.map((n) => ({
    id: n.id,
    name: n.name,
    unitId: n.unitId,
    form: n.form,
    achievements: n.achievements,
    status: n.status,
    submittedAt: n.submittedAt,
    ...(n.position !== undefined ? { position: n.position } : {}),
    ...(n.initiativeId !== undefined ? { initiativeId: n.initiativeId } : {}),
  }));
  return parsed.data.initiativesApproved
    ? { nominations, initiativesApproved: new Set(parsed.data.initiativesApproved) }
    : { nominations };
}

function readBallots(file: string, problems: ConfigProblem[]): z.infer<typeof BallotsFileSchema> | undefined {
  const read = readDataFile(file);
  if (!('data' in read)) {
    problems.push(...read.problems);
    return undefined;
  }
  const before = problems.length;
  problems.push(...unknownKeys(read, read.data, ['closesAt', 'ballots'], []));
  if (isRecord(read.data) && Array.isArray(read.data.ballots)) {
    read.data.ballots.forEach((b: unknown, i: number) => {
      problems.push(...unknownKeys(read, b, BALLOT_FIELDS, ['ballots', i]));
    });
  }
  const parsed = BallotsFileSchema.safeParse(read.data);
  if (!parsed.success) {
    problems.push(...zodProblems(read, parsed.error));
    return undefined;
  }
  return problems.length > before ? undefined : parsed.data;
}

// ---------------------------------------------------------------- terminal

const STATUS_LABELS: Record<Candidate['status'], string> = {
  'propose-upward': 'ĐỀ NGHỊ CẤP TRÊN',
  proposed: 'ĐỀ NGHỊ',
  'tie-at-cutoff': 'ĐỒNG HẠNG – HỘI ĐỒNG XÉT',
  excluded: 'KHÔNG ĐỀ NGHỊ',
};

const FINAL_LABELS: Record<FinalList['entries'][number]['status'], string> = {
  awarded: 'Được khen thưởng',
  'proposed-upward': 'Đề nghị cấp trên khen thưởng',
  'tie-undecided': 'Đồng hạng, vượt số suất: Chủ tịch/Hội đồng quyết định',
  'not-passed': 'Không được Hội đồng thông qua',
  excluded: 'Không đề nghị',
};

const KIND_TITLES: Record<Candidate['kind'], string> = {
  upward: 'Đề nghị cấp trên khen thưởng (Bằng khen)',
  collective: 'Tập thể (Giấy khen)',
  individual: 'Cá nhân',
};

const WIDTH = 100;

const DOSSIER_STATUS: Record<FinalList['dossier'][number]['status'], string> = {
  'to-prepare': 'cần lập',
  confirmed: 'đã có',
  missing: 'còn thiếu',
};

/** A paragraph wrapped to WIDTH: the first line after `first`, the others after `rest`. */
function indented(text: string, first: string, rest: string): string[] {
  return wrap(text, WIDTH - rest.length).map((l, i) => `${i === 0 ? first : rest}${l}`);
}

function candidateLines(c: Candidate): string[] {
  const who =
    c.kind === 'individual' ? `${c.name}${c.position ? `, ${c.position}` : ''} – ${c.unitName}` : c.name;
  const out = indented(`[${STATUS_LABELS[c.status]}] ${who} – ${c.formLabel} (${c.id})`, '  ', '        ');
  for (const r of c.reasons) out.push(...indented(`· ${r.message}`, '      ', '        '));
  return out;
}

export function renderProposal(districtName: string, scopeVi: string, proposal: Proposal): string[] {
  const { issuer } = proposal;
  const out = [
    `Đề xuất khen thưởng phong trào thi đua CCHC – ${districtName}, kết quả ${scopeVi}`,
    `Ngày xét ${formatDate(issuer.onDate)}; thẩm quyền: ${issuer.label}` +
      (issuer.listId
        ? ` (danh mục ${issuer.listId}: ${issuer.source})`
        : ' (không có danh mục thẩm quyền có hiệu lực)'),
  ];
  for (const w of proposal.warnings) out.push(...indented(`Cảnh báo: ${w}`, '', '  '));
  for (const group of UNIT_GROUPS) {
    const inGroup = proposal.candidates.filter((c) => c.group === group);
    if (inGroup.length === 0) continue;
    out.push('', `${GROUP_TITLES[group as UnitGroup]}`);
    for (const kind of ['upward', 'collective', 'individual'] as const) {
      const list = inGroup.filter((c) => c.kind === kind);
      if (list.length === 0) continue;
      const counted = list.filter((c) => c.status !== 'excluded').length;
      out.push(` ${KIND_TITLES[kind]}: ${counted}/${list.length} vào danh sách biểu quyết`);
      for (const c of list) out.push(...candidateLines(c));
    }
  }
  if (proposal.tiesForCouncil.length > 0) {
    out.push('', 'Đồng hạng tại ngưỡng cắt (Hội đồng xét, hệ thống không tự phân định):');
    for (const t of proposal.tiesForCouncil) out.push(...indented(`- ${t.message}`, '', '  '));
  }
  out.push(
    '',
    ...indented(
      `Danh sách biểu quyết (${proposal.ballot.length}): ${proposal.ballot.join(', ') || '(trống)'}`,
      '',
      '  ',
    ),
  );
  return out;
}

export function renderOutcome(
  proposal: Proposal,
  tally: Tally,
  final: FinalList,
  council: readonly { id: string; name: string }[],
  timeZone: string,
): string[] {
  const names = new Map(proposal.candidates.map((c) => [c.id, c.name]));
  const memberName = new Map(council.map((m) => [m.id, m.name]));
  const out = [
    '',
    'Kiểm phiếu Hội đồng Thi đua – Khen thưởng',
    `  Số thành viên N = ${tally.N}; tham gia (có ít nhất một phiếu hợp lệ): ${tally.present}`,
    `  Đủ số cần ít nhất ${tally.quorumRequired}: ${tally.quorumMet ? 'ĐỦ SỐ' : 'KHÔNG ĐỦ SỐ'}`,
    `  Thông qua cần ít nhất ${tally.passRequired} phiếu tán thành (của tất cả ${tally.N} thành viên)`,
  ];
  if (tally.absentMembers.length > 0) {
    out.push(`  Không tham gia: ${tally.absentMembers.map((id) => memberName.get(id) ?? id).join(', ')}`);
  }
  for (const b of tally.ignoredBallots) {
    const who = memberName.get(b.memberId) ?? b.memberId;
    out.push(
      ...indented(
        `Phiếu không tính – ${who} (${parseInstant(b.castAt) === null ? b.castAt : formatDateAndTime(b.castAt, timeZone)}): ${b.reason.message}`,
        '  ',
        '    ',
      ),
    );
  }
  for (const v of tally.ignoredVotes) {
    const who = memberName.get(v.memberId) ?? v.memberId;
    out.push(
      ...indented(`Lá phiếu không tính – ${who}, ${v.candidateId}: ${v.reason.message}`, '  ', '    '),
    );
  }
  out.push('');
  out.push(
    ...renderTable(
      [
        { header: 'Ứng viên' },
        { header: 'Tán thành', align: 'right' },
        { header: 'Không', align: 'right' },
        { header: 'Không b.quyết', align: 'right' },
        { header: 'Không phiếu', align: 'right' },
        { header: 'Cần', align: 'right' },
        { header: 'Kết quả' },
      ],
      tally.candidates.map((c) => [
        `${names.get(c.candidateId) ?? c.candidateId} (${c.candidateId.split(':')[0]})`,
        String(c.yes),
        String(c.no),
        String(c.abstain),
        String(c.absent),
        String(c.required),
        c.passed ? 'Thông qua' : tally.quorumMet ? 'Không thông qua' : 'Không xét (không đủ số)',
      ]),
    ).map((l) => `  ${l}`),
  );
  out.push('', ...indented(tally.outcome, '  ', '    '));

  out.push('', 'Danh sách cuối cùng (final list)');
  for (const status of ['awarded', 'proposed-upward', 'tie-undecided', 'not-passed', 'excluded'] as const) {
    const entries = final.entries.filter((e) => e.status === status);
    if (entries.length === 0) continue;
    out.push(` ${FINAL_LABELS[status]} (${entries.length}):`);
    for (const e of entries) {
      const who = e.kind === 'individual' ? `${e.name} – ${e.unitName}` : e.name;
      out.push(...indented(`- ${who} – ${e.formLabel} (${e.id})`, '  ', '      '));
      // The decisive reasons: the council's for those voted on, the refusals for the excluded.
      const decisive =
        status === 'excluded'
          ? e.reasons.filter(
              (r) => !['ranking', 'nominated', 'initiative', 'upward-threshold'].includes(r.code),
            )
          : e.reasons.filter(
              (r) => r.code.startsWith('council') || r.code.startsWith('tie') || r.code === 'no-quorum',
            );
      for (const r of decisive) out.push(...indented(`· ${r.message}`, '      ', '        '));
    }
  }
  if (!final.council.quorumMet) {
    out.push(
      '',
      'Hội đồng không đủ số thành viên tham gia: không ứng viên nào được thông qua; cần tổ chức bỏ phiếu lại.',
    );
  }
  if (final.dossier.length > 0) {
    out.push('', 'Hồ sơ cần chuẩn bị (Luật Thi đua, Khen thưởng 2022, Điều 84):');
    for (const d of final.dossier) {
      out.push(...indented(`- ${d.label} [${DOSSIER_STATUS[d.status]}]: ${d.note}`, '  ', '    '));
    }
  }
  return out;
}
