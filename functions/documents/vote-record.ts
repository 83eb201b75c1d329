/**
 * The council's vote record (biên bản kiểm phiếu): who took part, the quorum ⌈2/3·N⌉ and the
 * pass threshold ⌈0.7·N⌉ of all members as the tally computed them, each candidate's yes, no,
 * abstain and missing votes, ballots and votes not counted, and the outcome.
 */
import { formatDateTime } from '#domain/calendar';
import { localDate } from './format.ts';
import { type Block, type OfficialDocument, p } from './official.ts';
import { commendationScopeLabel } from './proposal.ts';
import type { VoteRecordInput } from './types.ts';

const decimal = (x: number) => String(x).replace('.', ',');

/** "09:15 ngày 22/01/2025" in the district's zone; a time that cannot be read is shown as written. */
function instantText(instant: string, timeZone: string): string {
  return Number.isNaN(Date.parse(instant))
    ? instant
    : formatDateTime(instant, timeZone).replace(' ', ' ngày ');
}

export function voteRecordDocument(input: VoteRecordInput): OfficialDocument {
  const { context, tally, rule } = input;
  const scope = commendationScopeLabel(input.scope);
  const nameOf = new Map(input.members.map((m) => [m.id, m.name]));
  const member = (id: string) => nameOf.get(id) ?? id;
  const list = (ids: readonly string[]) =>
    ids.length === 0 ? 'không có' : `${ids.length} (${ids.map(member).join(', ')})`;
  const body: Block[] = [
    p(
      `${input.issuer.name} biểu quyết về đề nghị khen thưởng tập thể, cá nhân trong phong trào thi đua cải cách ` +
        `hành chính ${scope} bằng phiếu điện tử: mỗi thành viên nhận một đường liên kết riêng qua thư điện tử và ` +
        'chọn tán thành, không tán thành hoặc không biểu quyết cho từng trường hợp; phiếu gửi đầu tiên của mỗi ' +
        'thành viên được tính.' +
        (input.closesAt ? ` Hạn bỏ phiếu: ${instantText(input.closesAt, context.timeZone)}.` : ''),
    ),
    { kind: 'section', text: '1. Thành phần' },
    p(`Tổng số thành viên Hội đồng: ${tally.N}.`),
    p(`Số thành viên tham gia biểu quyết: ${list(tally.presentMembers)}.`),
    p(`Số thành viên không tham gia biểu quyết: ${list(tally.absentMembers)}.`),
    { kind: 'section', text: '2. Điều kiện biểu quyết' },
    p(
      `Số thành viên tham gia tối thiểu để Hội đồng đủ điều kiện xét: ⌈${rule.quorum.numerator}/${rule.quorum.denominator} × ` +
        `${tally.N}⌉ = ${tally.quorumRequired}. Số thành viên tham gia: ${tally.present}/${tally.N} – ` +
        (tally.quorumMet ? 'đủ điều kiện.' : 'không đủ điều kiện: không trường hợp nào được thông qua.'),
    ),
    p(
      `Số phiếu tán thành tối thiểu để một trường hợp được thông qua: ⌈${decimal(rule.passPercent)} % × ${tally.N}⌉ = ` +
        `${tally.passRequired} phiếu, tính trên tổng số thành viên Hội đồng (không phải trên số thành viên tham gia).`,
    ),
    { kind: 'section', text: '3. Kết quả biểu quyết từng trường hợp' },
    candidatesTable(input),
    ...notCounted(input, member),
    { kind: 'section', text: `${hasNotCounted(input) ? 5 : 4}. Kết luận` },
    p(tally.outcome),
    p(passedLine(input)),
    p('Biên bản được lập từ các phiếu do hệ thống ghi nhận đến hết hạn bỏ phiếu./.'),
  ];
  const year = context.documentDate
    ? Number(context.documentDate.slice(0, 4))
    : Number(localDate(context.producedAt, context.timeZone).slice(0, 4));
  return {
    fileTitle: `Biên bản kiểm phiếu đề nghị khen thưởng phong trào thi đua cải cách hành chính ${scope}`,
    issuer: input.issuer,
    symbol: `BB-${input.issuer.abbreviation}`,
    place: context.place,
    ...(context.documentDate ? { date: context.documentDate } : {}),
    year,
    kind: 'Biên bản',
    summary: `Kiểm phiếu biểu quyết đề nghị khen thưởng phong trào thi đua cải cách hành chính ${scope}`,
    body,
    signers: [input.secretary, input.chair],
    recipients: [...(input.recipients ?? ['Thành viên Hội đồng', `Lưu: VT, ${input.issuer.abbreviation}`])],
  };
}

function candidatesTable(input: VoteRecordInput): Block {
  const { tally, proposal } = input;
  const byId = new Map(proposal.candidates.map((c) => [c.id, c]));
  const rows = tally.candidates.map((t, i) => {
    const c = byId.get(t.candidateId);
    const name = c ? (c.kind === 'individual' ? `${c.name}\n${c.unitName}` : c.name) : t.candidateId;
    const result = t.passed ? 'Thông qua' : tally.quorumMet ? 'Không thông qua' : 'Không xét';
    return [
      String(i + 1),
      name,
      c?.formLabel ?? '',
      String(t.yes),
      String(t.no),
      String(t.abstain),
      String(t.absent),
      result,
    ];
  });
  return {
    kind: 'table',
    columns: [
      { header: 'STT', width: 6, align: 'center' },
      { header: 'Tập thể, cá nhân', width: 27, align: 'left' },
      { header: 'Hình thức đề nghị', width: 17, align: 'left' },
      { header: 'Tán thành', width: 9, align: 'center' },
      { header: 'Không tán thành', width: 10, align: 'center' },
      { header: 'Không biểu quyết', width: 10, align: 'center' },
      { header: 'Không có phiếu', width: 9, align: 'center' },
      { header: 'Kết quả', width: 12, align: 'center' },
    ],
    rows,
  };
}

function hasNotCounted(input: VoteRecordInput): boolean {
  return input.tally.ignoredBallots.length + input.tally.ignoredVotes.length > 0;
}

function notCounted(input: VoteRecordInput, member: (id: string) => string): Block[] {
  if (!hasNotCounted(input)) return [];
  const { tally } = input;
  return [
    { kind: 'section', text: '4. Phiếu không được tính' },
    ...tally.ignoredBallots.map((b) =>
      p(
        `- Phiếu của ${member(b.memberId)} gửi lúc ${instantText(b.castAt, input.context.timeZone)}: ${b.reason.message}`,
      ),
    ),
    ...tally.ignoredVotes.map((v) =>
      p(`- Lá phiếu của ${member(v.memberId)} cho “${v.candidateId}”: ${v.reason.message}`),
    ),
  ];
}

function passedLine(input: VoteRecordInput): string {
  const byId = new Map(input.proposal.candidates.map((c) => [c.id, c.name]));
  const passed = input.tally.candidates
    .filter((c) => c.passed)
    .map((c) => byId.get(c.candidateId) ?? c.candidateId);
  return passed.length === 0
    ? 'Không có trường hợp nào được thông qua.'
    : `Các trường hợp được thông qua (${passed.length}): ${passed.join('; ')}.`;
}
