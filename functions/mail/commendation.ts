/**
 * The commendation workflow's emails: the council's vote request, the outcome (to units, council
 * members and leadership), and the digest of approved initiatives (to every unit).
 */
import type { IsoInstant } from '#domain/model';
import {
  atTime,
  atTimeEn,
  type Block,
  type Email,
  type PersonRef,
  renderLetter,
  type Sender,
  type UnitRef,
} from './letter.ts';

export interface VoteCandidateLine {
  name: string;
  /** "Tập thể", "Cá nhân", "Đề nghị cấp trên". */
  kindLabel: string;
  unitName: string;
  formLabel: string;
  /** Ranking and the proposal's grounds: one reason an item. */
  reasons: readonly string[];
}

export interface VoteRequestData {
  member: Pick<PersonRef, 'name'>;
  /** "năm 2024", "giai đoạn 2022 – 2025". */
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  candidates: readonly VoteCandidateLine[];
  /** The member's signed vote link (`/d?…`). */
  voteUrl: string;
  closesAt: IsoInstant;
  rule: { N: number; quorumRequired: number; passRequired: number; passPercent: number };
  /** Ties at a cut-off the council settles (messages of the proposal). */
  ties: readonly string[];
  /** A reminder to a member who has not voted (RemindVote's, or the admin's): the same link, said to be one. */
  reminder?: boolean;
}

/** Council vote request, to each council member (and, as a reminder, to one who has not voted). */
export function voteRequestEmail(sender: Sender, d: VoteRequestData): Email {
  const tz = sender.timeZone;
  const blocks: Block[] = [
    ...(d.reminder
      ? [
          {
            kind: 'paragraph' as const,
            text: `Nhắc lại: đồng chí chưa gửi phiếu biểu quyết. Liên kết dưới đây là liên kết đã gửi trước, vẫn dùng được đến ${atTime(d.closesAt, tz)}.`,
          },
        ]
      : []),
    {
      kind: 'paragraph',
      text:
        `Hội đồng Thi đua – Khen thưởng xét đề nghị khen thưởng phong trào thi đua cải cách hành chính ${d.cycleLabel}. ` +
        `Đề nghị đồng chí biểu quyết (tán thành, không tán thành hoặc không biểu quyết) đối với từng trường hợp trước ${atTime(d.closesAt, tz)}.`,
    },
    { kind: 'paragraph', text: `Danh sách đề nghị (${d.candidates.length} trường hợp):` },
    // Each case, then its grounds one a line: run together, two reasons read as one sentence.
    ...d.candidates.flatMap((c, i): Block[] => [
      { kind: 'paragraph', text: `${i + 1}. ${c.name} — ${c.kindLabel} · ${c.unitName} · ${c.formLabel}` },
      ...(c.reasons.length > 0 ? [{ kind: 'list' as const, items: c.reasons }] : []),
    ]),
  ];
  if (d.ties.length > 0) blocks.push({ kind: 'list', items: d.ties });
  blocks.push(
    {
      kind: 'facts',
      rows: [
        ['Hạn biểu quyết', atTime(d.closesAt, tz)],
        ['Số thành viên Hội đồng', String(d.rule.N)],
        ['Số thành viên tối thiểu tham gia', String(d.rule.quorumRequired)],
        [
          'Số phiếu tán thành cần có',
          `${d.rule.passRequired} (${String(d.rule.passPercent).replace('.', ',')} % tổng số thành viên)`,
        ],
      ],
    },
    { kind: 'action', label: 'Mở phiếu biểu quyết', url: d.voteUrl },
    {
      kind: 'paragraph',
      text: 'Việc mở trang không ghi nhận phiếu. Sau khi chọn, bấm “Gửi phiếu” để xem lại; phiếu chỉ được ghi nhận khi đồng chí bấm “Xác nhận gửi phiếu”, và mỗi thành viên gửi một lần.',
    },
  );
  return renderLetter(sender, {
    subject: `${d.reminder ? 'Nhắc: ' : ''}Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC ${d.cycleLabel}`,
    greeting: `Kính gửi đồng chí ${d.member.name},`,
    blocks,
    english:
      `${d.reminder ? 'Reminder. ' : ''}Council vote: please vote on ${d.candidates.length} commendation proposal(s) for ${d.cycleEn} ` +
      `by ${atTimeEn(d.closesAt, tz)}, through the link above.`,
  });
}

export interface OutcomeLine {
  name: string;
  kindLabel: string;
  unitName: string;
  formLabel: string;
  votes: { yes: number; no: number; abstain: number; absent: number } | null;
  /** FINAL_STATUS_LABELS: "Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng", … */
  statusLabel: string;
  /** Why (the council's reason, or the refusal's). */
  note: string;
}

export interface CommendationOutcomeData {
  recipient: Pick<PersonRef, 'name'>;
  /** Set when the letter goes to a unit (only its own candidates are listed). */
  unitName?: string;
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  council: {
    N: number;
    present: number;
    quorumRequired: number;
    quorumMet: boolean;
    passRequired: number;
    outcome: string;
  };
  entries: readonly OutcomeLine[];
  awardedCount: number;
  upwardCount: number;
  /** How many cases went to the vote: none means no member was asked, so no quorum is reported. */
  ballotSize: number;
}

/** Commendation outcome, to units (their candidates), council members and leadership (all). */
export function commendationOutcomeEmail(sender: Sender, d: CommendationOutcomeData): Email {
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Kết quả biểu quyết của Hội đồng Thi đua – Khen thưởng về đề nghị khen thưởng phong trào thi đua cải cách hành chính ${d.cycleLabel}` +
        (d.unitName ? ` đối với ${d.unitName}.` : '.'),
    },
    { kind: 'paragraph', text: d.council.outcome },
    {
      kind: 'facts',
      rows: [
        ...(d.ballotSize === 0
          ? [['Số trường hợp đưa ra biểu quyết', '0'] as [string, string]]
          : [
              [
                'Thành viên tham gia / tổng số',
                `${d.council.present}/${d.council.N} (cần ít nhất ${d.council.quorumRequired})`,
              ] as [string, string],
              ['Số phiếu tán thành cần có', String(d.council.passRequired)] as [string, string],
            ]),
        ['Được đề nghị tặng Giấy khen', String(d.awardedCount)],
        ['Đề nghị cấp trên khen thưởng', String(d.upwardCount)],
      ],
    },
  ];
  if (d.entries.length > 0) {
    blocks.push({
      kind: 'table',
      caption: d.unitName ? `Các trường hợp của ${d.unitName}` : 'Kết quả từng trường hợp',
      head: [
        'Trường hợp',
        'Loại',
        'Đơn vị',
        'Hình thức',
        'Phiếu (tán thành/không/không biểu quyết/vắng)',
        'Kết quả',
        'Ghi chú',
      ],
      rows: d.entries.map((e) => [
        e.name,
        e.kindLabel,
        e.unitName,
        e.formLabel,
        e.votes ? `${e.votes.yes}/${e.votes.no}/${e.votes.abstain}/${e.votes.absent}` : '—',
        e.statusLabel,
        e.note,
      ]),
    });
  } else if (d.unitName) {
    // Only a unit's letter lists its own cases; the council's and leadership's list every case.
    blocks.push({
      kind: 'paragraph',
      text: 'Không có trường hợp nào của đơn vị trong danh sách biểu quyết.',
    });
  }
  // What follows a passed list: nothing passed, nothing goes to the chairman.
  if (d.awardedCount + d.upwardCount > 0) {
    blocks.push({
      kind: 'paragraph',
      text: 'Danh sách được thông qua sẽ được trình Chủ tịch UBND xem xét, quyết định kèm hồ sơ theo quy định (Điều 84 Luật Thi đua, Khen thưởng 2022).',
    });
  }
  return renderLetter(sender, {
    subject: `Kết quả xét khen thưởng phong trào thi đua CCHC ${d.cycleLabel}${d.unitName ? ` – ${d.unitName}` : ''}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      d.ballotSize === 0
        ? `Commendation outcome for ${d.cycleEn}: no case went to a council vote; nothing is proposed.`
        : `Commendation outcome for ${d.cycleEn}: ${d.council.present}/${d.council.N} council members voted ` +
          `(quorum ${d.council.quorumMet ? 'met' : 'not met'}); ${d.awardedCount} proposed for the certificate of merit, ` +
          `${d.upwardCount} proposed upward.`,
  });
}

export interface DigestInitiative {
  title: string;
  unitName: string;
  description: string;
  effect?: string;
  /** "quý III năm 2024". */
  periodLabel: string;
}

export interface InitiativesDigestData {
  unit: UnitRef;
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  initiatives: readonly DigestInitiative[];
}

/** Digest of the approved initiatives (sáng kiến, mô hình mới, cách làm hay), to every unit. */
export function initiativesDigestEmail(sender: Sender, d: InitiativesDigestData): Email {
  return renderLetter(sender, {
    subject: `Giới thiệu ${d.initiatives.length} sáng kiến, mô hình mới, cách làm hay ${d.cycleLabel}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `${sender.authority} giới thiệu các sáng kiến, giải pháp, mô hình mới, cách làm hay trong cải cách hành chính ` +
          `${d.cycleLabel} đã được thẩm định, để các cơ quan, đơn vị, địa phương nghiên cứu, học tập và nhân rộng.`,
      },
      {
        kind: 'table',
        caption: 'Sáng kiến, mô hình mới, cách làm hay',
        head: ['Tên sáng kiến', 'Đơn vị', 'Kỳ', 'Nội dung', 'Hiệu quả'],
        rows: d.initiatives.map((i) => [
          i.title,
          i.unitName,
          i.periodLabel,
          i.description || '—',
          i.effect || '—',
        ]),
      },
    ],
    english: `Good practice: ${d.initiatives.length} approved initiative(s) of ${d.cycleEn}, shared with every unit.`,
  });
}
