/**
 * `thidua commend`: the commendation proposal from a results file (written by `thidua score
 * --out`) and the units' nominations, and with the council's ballots the tally and the final
 * list, every inclusion and exclusion with its reason (rules: docs/commendation.md). The files
 * are read and checked by cli/commendation-files.ts.
 */
import { formatDate, formatDateAndTime, localDateOf, parseInstant } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import { type Candidate, CommendationInputError, type Proposal } from '#domain/commendation-model';
import type { ConfigProblem } from '#domain/config';
import type { LoadedDistrict } from '#domain/config-files';
import { type Tally, tallyCouncil } from '#domain/council';
import { FINAL_STATUS_LABELS, type FinalList, finalList } from '#domain/final-list';
import { FORM_LABELS, movementAwards } from '#domain/issuers';
import { UNIT_GROUPS } from '#domain/model';
import { proposalHtml, voteRecordHtml } from '#functions/documents/print';
import { recordSigners } from '#functions/documents/signers';
import { contextFromConfig, councilBody, homeAffairsOffice, type Signer } from '#functions/documents/types';
import {
  type BallotsFile,
  ballotCandidateProblems,
  readBallots,
  readNominations,
  readResults,
} from './commendation-files.ts';
import {
  defineCommand,
  deliver,
  districtOf,
  EXIT_OK,
  helpText,
  OPTIONS,
  onDateOption,
  ProblemsError,
  requireOption,
  UsageError,
  writeBytes,
} from './common.ts';
import { makeDocument, outKind, signerOption } from './documents.ts';
import { groupTitles, renderTable, wrap } from './text.ts';

/** The Word writer, loaded only when a .docx is asked for: other commands start without it. */
const word = () => import('#functions/documents/word');

const COMMEND_OPTIONS = {
  district: OPTIONS.district,
  results: { type: 'string', arg: '<tệp>', help: 'kết quả JSON do thidua score --out ghi' },
  nominations: {
    type: 'string',
    arg: '<tệp>',
    help: 'đề nghị khen thưởng cá nhân (.yaml, .yml hoặc .json; docs/cli.md)',
  },
  ballots: { type: 'string', arg: '<tệp>', help: 'phiếu biểu quyết của Hội đồng (.yaml, .yml hoặc .json)' },
  out: {
    type: 'string',
    arg: '<tệp>',
    help: [
      'ghi tệp theo đuôi: .json kết quả {proposal, tally, final};',
      '.docx, .html tờ trình đề nghị khen thưởng kèm danh sách (cần --ballots)',
    ],
  },
  'vote-record': {
    type: 'string',
    arg: '<tệp>',
    help: 'ghi biên bản kiểm phiếu của Hội đồng (.docx hoặc .html; cần --ballots)',
  },
  signer: {
    type: 'string',
    arg: '<chức danh: họ tên>',
    help: 'người ký tờ trình (mặc định: quản trị có chức danh cao nhất trong cấu hình)',
  },
  chair: { type: 'string', arg: '<họ tên>', help: 'Chủ tịch Hội đồng ký biên bản (mặc định: theo cấu hình)' },
  secretary: {
    type: 'string',
    arg: '<họ tên>',
    help: 'Thư ký Hội đồng ký biên bản (mặc định: quản trị đầu tiên trong cấu hình)',
  },
  json: OPTIONS.json,
  on: {
    type: 'string',
    arg: '<yyyy-mm-dd>',
    help: [
      'ngày xét khen thưởng, chọn danh mục thẩm quyền có hiệu lực',
      '(mặc định: ngày kết thúc thẩm định của kỳ cuối trong kết quả)',
    ],
  },
  criteria: OPTIONS.criteria,
} as const;

const HELP = helpText({
  usage:
    'thidua commend --district <cấu hình> --results <kết quả.json> --nominations <tệp> [--ballots <tệp>] [--out <tệp>] [--vote-record <tệp>]',
  about: `Lập đề xuất khen thưởng từ kết quả chấm điểm (tệp do "thidua score --out" ghi, của một kỳ,
một năm hoặc cả giai đoạn) và danh sách cá nhân các đơn vị đề nghị; in mọi ứng viên với trạng
thái và lý do. Có phiếu của Hội đồng Thi đua – Khen thưởng thì kiểm phiếu (số thành viên, số
tham gia, số cần để đủ số và để thông qua, phiếu từng ứng viên) và in danh sách cuối cùng.
Xếp loại, thứ hạng trong tệp kết quả phải khớp với tỷ lệ chính xác; phiếu của người không thuộc
Hội đồng, phiếu cho ứng viên không có trong danh sách biểu quyết, lá phiếu khác yes/no/abstain
hay thời điểm không đọc được là lỗi của tệp. Phiếu hợp lệ nhưng không được tính (gửi sau khi hết
hạn, phiếu thứ hai của một thành viên) được liệt kê cùng lý do.`,
  options: COMMEND_OPTIONS,
  exits: '0 xong (kể cả khi Hội đồng không đủ số: kết quả nói rõ); 1 dữ liệu có lỗi; 2 sai cú pháp lệnh.',
  english: `Builds the commendation proposal from a results file written by "thidua score --out" and the
units' nominations, printing every candidate with its status and reasons; given the council's
ballots, tallies them (members, present, quorum, pass threshold, votes per candidate) and prints
the final list. Bands and ranks must follow from the exact percentages; a ballot of a non-member,
a vote for a candidate not on the ballot, a vote other than yes/no/abstain or an unreadable time
is an error of the file. --out writes {proposal, tally, final} as JSON (.json) or, with --ballots,
the submission for commendation with its list (.docx, .html); --vote-record writes the council's
vote record (.docx, .html); --signer, --chair and --secretary name who signs them; --on sets the
decision date.
Exit codes: 0 done (also without quorum: the outcome says so), 1 problems, 2 usage error.`,
});

export const commendCommand = defineCommand({
  name: 'commend',
  summary: 'đề xuất khen thưởng, kiểm phiếu Hội đồng (commendation proposal and council tally)',
  help: HELP,
  options: COMMEND_OPTIONS,
  async run(values, _positionals, io) {
    const resultsFile = requireOption(values.results, 'results');
    const nominationsFile = requireOption(values.nominations, 'nominations');
    onDateOption(values.on);
    const files = documentFiles(values);
    const { loaded } = districtOf(values);
    const signer = signerOption(values.signer, loaded.config);
    const outcome = commend(loaded, {
      results: resultsFile,
      nominations: nominationsFile,
      ...(values.ballots !== undefined ? { ballots: values.ballots } : {}),
      ...(values.on !== undefined ? { on: values.on } : {}),
    });
    const { config } = loaded;
    const json = {
      district: { slug: config.district.slug, name: config.district.name },
      results: { kind: outcome.kind, scope: outcome.scope },
      proposal: outcome.proposal,
      tally: outcome.tally,
      final: outcome.final,
    };
    const { out, ...shown } = values;
    const written = await writeCommendationDocuments(loaded, outcome, files, {
      signer,
      ...(values.chair ? { chair: values.chair } : {}),
      ...(values.secretary ? { secretary: values.secretary } : {}),
    });
    deliver(
      io,
      { ...shown, ...(files.json ? { out: files.json } : {}), written: 'Đã ghi kết quả (outcome written)' },
      json,
      () => renderCommendation(loaded, outcome),
    );
    if (!values.json) for (const file of written) io.out(`\nĐã ghi tệp (written): ${file}`);
    return EXIT_OK;
  },
});

interface Outcome {
  kind: 'period' | 'year' | 'phase';
  scope: string;
  proposal: Proposal;
  tally: Tally | null;
  final: FinalList | null;
  /** For each individual's achievements in the submission's list. */
  nominations: readonly { id: string; achievements: string }[];
  /** The vote's close, from the ballots file. */
  closesAt?: string;
}

/** Where --out and --vote-record go, checked before anything is read. */
interface DocumentFiles {
  json?: string;
  proposal?: string;
  voteRecord?: string;
}

function documentFiles(values: { out?: string; 'vote-record'?: string; ballots?: string }): DocumentFiles {
  const kind = outKind(values.out);
  const record = values['vote-record'];
  const recordKind = outKind(record);
  if (
    kind === '.xlsx' ||
    kind === '.csv' ||
    (record !== undefined && recordKind !== '.docx' && recordKind !== '.html')
  ) {
    throw new UsageError(
      'commend ghi tờ trình và biên bản dạng .docx hoặc .html, kết quả dạng .json (documents are .docx or .html, the outcome .json)',
    );
  }
  const documents = (kind !== undefined && kind !== 'json') || record !== undefined;
  if (documents && values.ballots === undefined) {
    throw new UsageError(
      'tờ trình và biên bản kiểm phiếu cần phiếu của Hội đồng: thêm --ballots (the documents need --ballots)',
    );
  }
  return {
    ...(kind === 'json' ? { json: values.out } : values.out !== undefined ? { proposal: values.out } : {}),
    ...(record !== undefined ? { voteRecord: record } : {}),
  };
}

/** The submission and the vote record, each written whole; returns the files written. */
async function writeCommendationDocuments(
  loaded: LoadedDistrict,
  outcome: Outcome,
  files: DocumentFiles,
  who: { signer: Signer; chair?: string; secretary?: string },
): Promise<string[]> {
  const { config } = loaded;
  const { tally, final } = outcome;
  if (!tally || !final) return [];
  const context = contextFromConfig(config, { producedAt: new Date() });
  const scope = { kind: outcome.kind, id: outcome.scope };
  const made: [string, Buffer][] = [];
  if (files.voteRecord) {
    const input = {
      context,
      issuer: councilBody(config),
      scope,
      proposal: outcome.proposal,
      tally,
      members: config.council,
      rule: config.commendation.council,
      ...(outcome.closesAt ? { closesAt: outcome.closesAt } : {}),
      ...recordSigners(config, who),
    };
    const html = files.voteRecord.toLowerCase().endsWith('.html');
    const file = files.voteRecord;
    made.push([
      file,
      await makeDocument(file, () =>
        html ? voteRecordHtml(input) : word().then((w) => w.voteRecordDocx(input)),
      ),
    ]);
  }
  if (files.proposal) {
    const input = {
      context,
      issuer: homeAffairsOffice(config),
      signer: who.signer,
      scope,
      proposal: outcome.proposal,
      final,
      nominations: outcome.nominations,
      ...(outcome.closesAt
        ? { voteRecordDate: localDateOf(new Date(outcome.closesAt), config.district.timeZone) }
        : {}),
    };
    const html = files.proposal.toLowerCase().endsWith('.html');
    const file = files.proposal;
    made.push([
      file,
      await makeDocument(file, () =>
        html ? proposalHtml(input) : word().then((w) => w.proposalDocx(input)),
      ),
    ]);
  }
  // Written only once every file could be made: a refused submission leaves no vote record behind.
  for (const [file, bytes] of made) writeBytes(file, bytes);
  return made.map(([file]) => file);
}

/**
 * Reads every file before failing (the admin sees all problems at once), then the proposal; the
 * ballots are checked against it before the tally. Nothing is computed past a problem.
 */
function commend(
  loaded: LoadedDistrict,
  files: { results: string; nominations: string; ballots?: string; on?: string },
): Outcome {
  const { config } = loaded;
  const problems: ConfigProblem[] = [];
  const results = readResults(files.results, loaded, problems);
  const nominations = readNominations(files.nominations, loaded, problems);
  const ballots =
    files.ballots === undefined ? undefined : readBallots(files.ballots, config.council, problems);
  if (!results || !nominations) throw new ProblemsError(problems, 'Dữ liệu không hợp lệ (invalid input)');
  const proposal = judged(files.nominations, () =>
    proposeCommendations({
      results: results.ranked,
      units: config.units,
      nominations: nominations.nominations,
      settings: config.commendation,
      issuerLevel: config.commendation.issuerLevel,
      onDate: files.on ?? results.defaultOnDate,
      timeZone: config.district.timeZone,
      ...(nominations.initiativesApproved ? { initiativesApproved: nominations.initiativesApproved } : {}),
      ...(nominations.unitStatuses ? { unitStatuses: nominations.unitStatuses } : {}),
    }),
  );
  if (ballots) problems.push(...ballotCandidateProblems(ballots, proposal));
  if (problems.length > 0) throw new ProblemsError(problems, 'Dữ liệu không hợp lệ (invalid input)');
  const outcome: Outcome = {
    kind: results.kind,
    scope: results.scope,
    proposal,
    tally: null,
    final: null,
    nominations: nominations.nominations,
  };
  if (!ballots?.ballots) return outcome;
  const valid = ballots.ballots;
  const tally = judged(files.nominations, () => tallyOf(loaded, valid, proposal));
  return {
    ...outcome,
    tally,
    final: finalList(proposal, tally),
    ...(valid.closesAt ? { closesAt: valid.closesAt } : {}),
  };
}

function tallyOf(loaded: LoadedDistrict, file: BallotsFile, proposal: Proposal): Tally {
  const { config } = loaded;
  const { closesAt } = file;
  return tallyCouncil({
    members: config.council,
    ballots: file.ballots,
    candidates: proposal.ballot,
    settings: config.commendation,
    timeZone: config.district.timeZone,
    ...(closesAt ? { closesAt } : {}),
  });
}

/** Input the rules cannot judge at all is a problem of the input, not a crash. */
function judged<T>(file: string, compute: () => T): T {
  try {
    return compute();
  } catch (e) {
    if (!(e instanceof CommendationInputError)) throw e;
    throw new ProblemsError(
      [{ file, path: '', message: e.message }],
      'Không lập được đề xuất (cannot build the proposal)',
    );
  }
}

function renderCommendation(loaded: LoadedDistrict, outcome: Outcome): string[] {
  const { config } = loaded;
  const scopeVi =
    outcome.kind === 'period'
      ? `kỳ ${outcome.scope}`
      : outcome.kind === 'year'
        ? `năm ${outcome.scope}`
        : `giai đoạn ${outcome.scope}`;
  const out = renderProposal(config.district.name, scopeVi, outcome.proposal);
  if (outcome.tally && outcome.final) {
    out.push(
      ...renderOutcome(
        outcome.proposal,
        outcome.tally,
        outcome.final,
        config.council,
        config.district.timeZone,
      ),
    );
  } else {
    out.push('', 'Chưa có phiếu của Hội đồng (--ballots): chưa có kết quả xét khen thưởng.');
  }
  return out;
}

// ---------------------------------------------------------------- terminal

const STATUS_LABELS: Record<Candidate['status'], string> = {
  'propose-upward': 'ĐỀ NGHỊ CẤP TRÊN',
  proposed: 'ĐỀ NGHỊ',
  'tie-at-cutoff': 'ĐỒNG HẠNG – HỘI ĐỒNG XÉT',
  excluded: 'KHÔNG ĐỀ NGHỊ',
};

/** The title of each kind of candidate; the collectives' names the movement's award. */
function kindTitles(proposal: Proposal): Record<Candidate['kind'], string> {
  const thematic = FORM_LABELS[movementAwards(proposal.issuer.level).thematic];
  return {
    upward: 'Đề nghị cấp trên khen thưởng (Bằng khen)',
    collective: `Tập thể (${thematic})`,
    individual: 'Cá nhân',
  };
}

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
  const titles = kindTitles(proposal);
  for (const group of UNIT_GROUPS) {
    const inGroup = proposal.candidates.filter((c) => c.group === group);
    if (inGroup.length === 0) continue;
    out.push('', groupTitles(proposal.issuer.level)[group]);
    for (const kind of ['upward', 'collective', 'individual'] as const) {
      const list = inGroup.filter((c) => c.kind === kind);
      if (list.length === 0) continue;
      const counted = list.filter((c) => c.status !== 'excluded').length;
      out.push(` ${titles[kind]}: ${counted}/${list.length} vào danh sách biểu quyết`);
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
  const memberName = new Map(council.map((m) => [m.id, m.name]));
  return [...tallyLines(proposal, tally, memberName, timeZone), ...finalLines(final), ...dossierLines(final)];
}

function tallyLines(
  proposal: Proposal,
  tally: Tally,
  memberName: ReadonlyMap<string, string>,
  timeZone: string,
): string[] {
  const names = new Map(proposal.candidates.map((c) => [c.id, c.name]));
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
    const when = parseInstant(b.castAt) === null ? b.castAt : formatDateAndTime(b.castAt, timeZone);
    out.push(...indented(`Phiếu không tính – ${who} (${when}): ${b.reason.message}`, '  ', '    '));
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
  return out;
}

/** The final list by status, with the decisive reasons: the council's, or the refusals of the excluded. */
function finalLines(final: FinalList): string[] {
  const out = ['', 'Danh sách cuối cùng (final list)'];
  for (const status of ['awarded', 'proposed-upward', 'tie-undecided', 'not-passed', 'excluded'] as const) {
    const entries = final.entries.filter((e) => e.status === status);
    if (entries.length === 0) continue;
    out.push(` ${FINAL_STATUS_LABELS[status]} (${entries.length}):`);
    for (const e of entries) {
      const who = e.kind === 'individual' ? `${e.name} – ${e.unitName}` : e.name;
      out.push(...indented(`- ${who} – ${e.formLabel} (${e.id})`, '  ', '      '));
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
  return out;
}

function dossierLines(final: FinalList): string[] {
  if (final.dossier.length === 0) return [];
  const out = ['', 'Hồ sơ cần chuẩn bị (Luật Thi đua, Khen thưởng 2022, Điều 84):'];
  for (const d of final.dossier) {
    out.push(...indented(`- ${d.label} [${DOSSIER_STATUS[d.status]}]: ${d.note}`, '  ', '    '));
  }
  return out;
}
