/**
 * The submission for commendation (tờ trình đề nghị khen thưởng) with its list: the
 * collectives and individuals the council passed, the units proposed upward, and any tie the
 * council left to the chairman. Only what the final list says; nothing is re-decided here.
 */
import type { FinalEntry } from '#domain/final-list';
import { legalBasesOn } from '#domain/issuers';
import { BAND_LABELS, UNIT_GROUPS, type UnitGroup } from '#domain/model';
import { scopeLabel } from './aggregate-sheet.ts';
import { dateLineVn, formatDateVn, groupNames, localDate, lowerFirst, periodLabel, upper } from './format.ts';
import { type Block, type OfficialDocument, p, type TableColumn } from './official.ts';
import { type CommendationScope, DocumentInputError, type ProposalDocumentInput } from './types.ts';

/** "năm 2024", "quý IV năm 2024", "giai đoạn 2022 – 2025". */
export function commendationScopeLabel(scope: CommendationScope): string {
  if (scope.kind === 'period') return periodLabel({ id: scope.id, year: Number(scope.id.slice(0, 4)) });
  return scopeLabel(scope.kind, scope.id);
}

const byGroupThenRank = (a: FinalEntry, b: FinalEntry) =>
  UNIT_GROUPS.indexOf(a.group) - UNIT_GROUPS.indexOf(b.group) ||
  (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function achievement(e: FinalEntry, groups: Record<UnitGroup, string>): string {
  const parts = [`Xếp hạng ${e.rank ?? '—'}/${e.rankedInGroup} ${groups[e.group]}`];
  if (e.percent) parts.push(`tỷ lệ ${e.percent} %`);
  if (e.band) parts.push(`xếp loại ${BAND_LABELS[e.band]}`);
  return parts.join(', ');
}

function votes(e: FinalEntry, N: number): string {
  return e.votes ? `${e.votes.yes}/${N}` : '—';
}

export function proposalDocument(input: ProposalDocumentInput): OfficialDocument {
  const { context, final, proposal } = input;
  const entries = [...final.entries].sort(byGroupThenRank);
  const collectives = entries.filter((e) => e.status === 'awarded' && e.kind === 'collective');
  const individuals = entries.filter((e) => e.status === 'awarded' && e.kind === 'individual');
  const upward = entries.filter((e) => e.status === 'proposed-upward');
  const undecided = entries.filter((e) => e.status === 'tie-undecided');
  if (collectives.length + individuals.length + upward.length + undecided.length === 0) {
    throw new DocumentInputError(
      `Không có tập thể, cá nhân nào được Hội đồng thông qua: không lập tờ trình. ${final.council.outcome}`,
    );
  }
  const scope = commendationScopeLabel(input.scope);
  const chairman = input.addressee ?? `Chủ tịch ${context.authority}`;
  const year = context.documentDate
    ? Number(context.documentDate.slice(0, 4))
    : Number(localDate(context.producedAt, context.timeZone).slice(0, 4));
  const symbol = `TTr-${input.issuer.abbreviation}`;
  const grounds = [
    ...(input.legalBases ?? legalBasesOn(proposal.issuer.onDate)),
    `Căn cứ Kế hoạch số ${context.campaign.planNumber} ngày ${formatDateVn(context.campaign.planDate)} của ` +
      `${context.authority} về ${lowerFirst(context.campaign.title)};`,
    `Căn cứ kết quả chấm điểm, xếp hạng thi đua cải cách hành chính ${scope} và kết quả biểu quyết của ` +
      `Hội đồng Thi đua – Khen thưởng${input.voteRecordDate ? ` (biên bản kiểm phiếu ngày ${formatDateVn(input.voteRecordDate)})` : ''},`,
  ];
  const body: Block[] = grounds.map((g) => p(g, { italic: true }));
  body.push(...requests(input, { chairman, scope, collectives, individuals, upward, undecided }));
  return {
    fileTitle: `Tờ trình đề nghị khen thưởng phong trào thi đua cải cách hành chính ${scope}`,
    issuer: input.issuer,
    symbol,
    place: context.place,
    ...(context.documentDate ? { date: context.documentDate } : {}),
    year,
    kind: 'Tờ trình',
    summary: `Về việc đề nghị khen thưởng tập thể, cá nhân có thành tích xuất sắc trong phong trào thi đua cải cách hành chính ${scope}`,
    addressee: `Kính gửi: ${chairman}.`,
    body,
    signers: [input.signer],
    recipients: [
      ...(input.recipients ?? [
        'Như trên',
        'Hội đồng Thi đua – Khen thưởng',
        `Lưu: VT, ${input.issuer.abbreviation}`,
      ]),
    ],
    appendix: appendix(input, { chairman, scope, symbol, year, collectives, individuals, upward, undecided }),
  };
}

interface Lists {
  chairman: string;
  scope: string;
  collectives: FinalEntry[];
  individuals: FinalEntry[];
  upward: FinalEntry[];
  undecided: FinalEntry[];
}

function requests(input: ProposalDocumentInput, l: Lists): Block[] {
  const { final } = input;
  const issuerName = input.issuer.name;
  const out: Block[] = [];
  if (l.collectives.length + l.individuals.length > 0) {
    out.push(
      p(
        `${issuerName} kính trình ${l.chairman} xem xét, quyết định tặng Giấy khen cho ${l.collectives.length} tập thể ` +
          `và ${l.individuals.length} cá nhân có thành tích xuất sắc trong phong trào thi đua cải cách hành chính ` +
          `${l.scope} (danh sách kèm theo, mục I và II). Đây là hình thức khen thưởng theo chuyên đề của phong trào; ` +
          'kết quả này không dùng làm căn cứ xét danh hiệu thi đua hằng năm.',
      ),
    );
  }
  if (l.upward.length > 0) {
    out.push(
      p(
        `${l.collectives.length + l.individuals.length > 0 ? 'Đồng thời, ' : ''}${issuerName} kính đề nghị ${l.chairman} ` +
          `xem xét, trình cấp trên tặng Bằng khen cho ${l.upward.length} tập thể tiêu biểu: ` +
          `${l.upward.map((e) => e.name).join('; ')} (danh sách kèm theo, mục III).`,
      ),
    );
  }
  const c = final.council;
  out.push(
    p(
      `Hội đồng Thi đua – Khen thưởng có ${c.N} thành viên, ${c.present} thành viên tham gia biểu quyết ` +
        `(tối thiểu ${c.quorumRequired}); mỗi trường hợp được đề nghị khi có ít nhất ${c.passRequired} phiếu tán thành ` +
        'trên tổng số thành viên Hội đồng. Các trường hợp không đạt số phiếu tán thành cần thiết không có trong danh sách.',
    ),
  );
  if (l.undecided.length > 0) {
    out.push(
      p(
        `Có ${l.undecided.length} trường hợp đồng hạng tại ngưỡng cắt cùng được Hội đồng thông qua nhưng vượt số suất: ` +
          `${l.undecided.map((e) => e.name).join('; ')}. Kính đề nghị ${l.chairman} quyết định (danh sách kèm theo, mục IV).`,
      ),
    );
  }
  out.push(...dossierBlocks(input), p(`${issuerName} kính trình ${l.chairman} xem xét, quyết định./.`));
  return out;
}

function dossierBlocks(input: ProposalDocumentInput): Block[] {
  const items = input.final.dossier;
  const achievements = items.filter((d) => d.code === 'bao-cao-thanh-tich').length;
  const initiatives = items.filter((d) => d.code === 'xac-nhan-sang-kien');
  const parts = [
    'biên bản kiểm phiếu của Hội đồng Thi đua – Khen thưởng',
    `${achievements} báo cáo thành tích`,
  ];
  if (initiatives.length > 0) parts.push(`${initiatives.length} văn bản công nhận sáng kiến`);
  const out = [p(`Hồ sơ kèm theo: ${parts.join('; ')}.`)];
  const missing = initiatives.filter((d) => d.status === 'missing');
  if (missing.length > 0) {
    out.push(p(`Còn thiếu văn bản công nhận sáng kiến: ${missing.map((d) => d.label).join('; ')}.`));
  }
  return out;
}

function appendix(input: ProposalDocumentInput, l: Lists & { symbol: string; year: number }): Block[] {
  const N = input.final.council.N;
  const groups = groupNames(input.context.level).inSentence;
  const achievementsById = new Map((input.nominations ?? []).map((n) => [n.id, n.achievements]));
  const collectiveColumns: TableColumn[] = [
    { header: 'STT', width: 8, align: 'center' },
    { header: 'Tên tập thể', width: 35, align: 'left' },
    { header: 'Thành tích trong phong trào', width: 42, align: 'left' },
    { header: 'Phiếu tán thành', width: 15, align: 'center' },
  ];
  const collectiveRows = (list: FinalEntry[]) =>
    list.map((e, i) => [String(i + 1), e.name, achievement(e, groups), votes(e, N)]);
  const out: Block[] = [
    { kind: 'centered', text: 'DANH SÁCH' },
    {
      kind: 'centered',
      text: `Tập thể, cá nhân được đề nghị khen thưởng trong phong trào thi đua cải cách hành chính ${l.scope}`,
    },
    {
      kind: 'centered',
      plain: true,
      italic: true,
      text: `(Kèm theo Tờ trình số        /${l.symbol} ${dateLineVn(input.context.documentDate, l.year)} của ${input.issuer.name})`,
    },
  ];
  if (l.collectives.length > 0) {
    out.push(
      {
        kind: 'section',
        text: `I. TẬP THỂ ĐỀ NGHỊ TẶNG GIẤY KHEN CỦA ${upper(l.chairman)} (${l.collectives.length})`,
      },
      { kind: 'table', columns: collectiveColumns, rows: collectiveRows(l.collectives) },
    );
  }
  if (l.individuals.length > 0) {
    out.push(
      {
        kind: 'section',
        text: `II. CÁ NHÂN ĐỀ NGHỊ TẶNG GIẤY KHEN CỦA ${upper(l.chairman)} (${l.individuals.length})`,
      },
      {
        kind: 'table',
        columns: [
          { header: 'STT', width: 8, align: 'center' },
          { header: 'Họ và tên', width: 22, align: 'left' },
          { header: 'Chức vụ, đơn vị', width: 25, align: 'left' },
          { header: 'Thành tích', width: 30, align: 'left' },
          { header: 'Phiếu tán thành', width: 15, align: 'center' },
        ],
        rows: l.individuals.map((e, i) => [
          String(i + 1),
          e.name,
          [e.position, e.unitName].filter((x) => x).join(', '),
          [achievementsById.get(e.nominationId ?? ''), e.initiative ? `Sáng kiến: ${e.initiative.id}` : '']
            .filter((x) => x)
            .join('\n') || achievement(e, groups),
          votes(e, N),
        ]),
      },
    );
  }
  if (l.upward.length > 0) {
    out.push(
      { kind: 'section', text: `III. TẬP THỂ ĐỀ NGHỊ CẤP TRÊN TẶNG BẰNG KHEN (${l.upward.length})` },
      { kind: 'table', columns: collectiveColumns, rows: collectiveRows(l.upward) },
    );
  }
  if (l.undecided.length > 0) {
    out.push(
      {
        kind: 'section',
        text: `IV. TRƯỜNG HỢP ĐỒNG HẠNG TẠI NGƯỠNG CẮT, ĐỀ NGHỊ CHỦ TỊCH QUYẾT ĐỊNH (${l.undecided.length})`,
      },
      { kind: 'table', columns: collectiveColumns, rows: collectiveRows(l.undecided) },
    );
  }
  return out;
}
