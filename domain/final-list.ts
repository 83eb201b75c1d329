/**
 * The final list after the council's vote, and the dossier to prepare (Luật Thi đua, Khen thưởng
 * 2022, Điều 84; docs/commendation.md "Dossier"). A tie the vote does not settle is left to the
 * chairman or the council, never broken here.
 */
import type { Candidate, CandidateKind, CandidateStatus, Proposal, Reason } from './commendation-model.ts';
import type { CandidateTally, Tally } from './council.ts';
import { FORM_LABELS, movementAwards } from './issuers.ts';

export type FinalStatus = 'awarded' | 'proposed-upward' | 'excluded' | 'not-passed' | 'tie-undecided';

/**
 * Each final status in words, for every page and letter. The council recommends and the
 * chairman decides: a candidate it passed is *thông qua*, never already *khen thưởng*.
 */
export const FINAL_STATUS_LABELS: Record<FinalStatus, string> = {
  awarded: 'Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng',
  'proposed-upward': 'Được Hội đồng thông qua, đề nghị cấp trên khen thưởng',
  'not-passed': 'Không được Hội đồng thông qua',
  'tie-undecided': 'Đồng hạng tại ngưỡng, chờ Chủ tịch/Hội đồng quyết định',
  excluded: 'Không đủ điều kiện đề nghị',
};

export interface FinalEntry extends Omit<Candidate, 'status'> {
  proposalStatus: CandidateStatus;
  status: FinalStatus;
  votes: CandidateTally | null;
}

export type DossierItemCode = 'to-trinh' | 'bao-cao-thanh-tich' | 'bien-ban-hop-xet' | 'xac-nhan-sang-kien';

export interface DossierItem {
  code: DossierItemCode;
  label: string;
  /** The candidate it concerns; absent for items of the whole dossier. */
  candidateId?: string;
  /** to-prepare: someone must draw it up; confirmed: on file; missing: required and known to be absent. */
  status: 'to-prepare' | 'confirmed' | 'missing';
  note: string;
}

export interface FinalList {
  council: Pick<Tally, 'N' | 'present' | 'quorumRequired' | 'quorumMet' | 'passRequired' | 'outcome'>;
  entries: FinalEntry[];
  awarded: string[];
  proposedUpward: string[];
  undecidedTies: string[];
  dossier: DossierItem[];
}

export function finalList(proposal: Proposal, tally: Tally): FinalList {
  const votes = new Map(tally.candidates.map((c) => [c.candidateId, c]));
  const ties = tieOutcomes(proposal, votes);
  const entries = proposal.candidates.map((c) =>
    finalEntry(c, votes.get(c.id) ?? null, tally, ties.get(c.id)),
  );
  const awarded = entries.filter((e) => e.status === 'awarded');
  const upward = entries.filter((e) => e.status === 'proposed-upward');
  return {
    council: {
      N: tally.N,
      present: tally.present,
      quorumRequired: tally.quorumRequired,
      quorumMet: tally.quorumMet,
      passRequired: tally.passRequired,
      outcome: tally.outcome,
    },
    entries,
    awarded: awarded.map((e) => e.id),
    proposedUpward: upward.map((e) => e.id),
    undecidedTies: entries.filter((e) => e.status === 'tie-undecided').map((e) => e.id),
    dossier: dossier(proposal, tally, awarded, upward),
  };
}

/**
 * The vote settles a tie when no more tied candidates pass than places remain (places freed by
 * candidates inside the limit that failed count as remaining); otherwise the tied who passed are
 * left undecided.
 */
function tieOutcomes(proposal: Proposal, votes: ReadonlyMap<string, CandidateTally>): Map<string, Reason> {
  const passed = (id: string) => votes.get(id)?.passed === true;
  const outcome = new Map<string, Reason>();
  for (const tie of proposal.tiesForCouncil) {
    const slots = tie.limit - tie.withinLimit.filter(passed).length;
    const tiedPassed = tie.tied.filter(passed);
    for (const id of tiedPassed) {
      outcome.set(
        id,
        tiedPassed.length <= slots
          ? {
              code: 'tie-resolved',
              message: `Đồng hạng tại ngưỡng cắt; ${tiedPassed.length} ứng viên đồng hạng được thông qua cho ${slots} suất: đủ suất.`,
            }
          : {
              code: 'tie-undecided',
              message:
                `Đồng hạng tại ngưỡng cắt; ${tiedPassed.length} ứng viên đồng hạng cùng được thông qua nhưng chỉ còn ` +
                `${Math.max(0, slots)} suất: Chủ tịch/Hội đồng quyết định, hệ thống không tự phân định.`,
            },
      );
    }
  }
  return outcome;
}

function finalEntry(
  c: Candidate,
  v: CandidateTally | null,
  tally: Tally,
  tie: Reason | undefined,
): FinalEntry {
  const base = { ...c, proposalStatus: c.status, votes: v, reasons: [...c.reasons] };
  if (c.status === 'excluded') return { ...base, status: 'excluded' };
  if (!v) {
    base.reasons.push({
      code: 'not-on-ballot',
      message: 'Không có trong danh sách biểu quyết của Hội đồng.',
    });
    return { ...base, status: 'not-passed' };
  }
  if (!v.passed) {
    base.reasons.push({ code: tally.quorumMet ? 'council-rejected' : 'no-quorum', message: v.reason });
    return { ...base, status: 'not-passed' };
  }
  base.reasons.push({ code: 'council-passed', message: v.reason });
  if (tie) base.reasons.push(tie);
  if (tie?.code === 'tie-undecided') return { ...base, status: 'tie-undecided' };
  return { ...base, status: c.kind === 'upward' ? 'proposed-upward' : 'awarded' };
}

function dossier(
  proposal: Proposal,
  tally: Tally,
  awarded: readonly FinalEntry[],
  upward: readonly FinalEntry[],
): DossierItem[] {
  const awards = movementAwards(proposal.issuer.level);
  const items: DossierItem[] = [];
  const count = (kind: CandidateKind) => awarded.filter((e) => e.kind === kind).length;
  if (awarded.length > 0) {
    items.push({
      code: 'to-trinh',
      label: 'Tờ trình đề nghị khen thưởng',
      status: 'to-prepare',
      note: `Trình ${proposal.issuer.label} tặng ${FORM_LABELS[awards.thematic]} cho ${count('collective')} tập thể và ${count('individual')} cá nhân.`,
    });
  }
  if (upward.length > 0) {
    items.push({
      code: 'to-trinh',
      label: 'Tờ trình đề nghị cấp trên khen thưởng',
      status: 'to-prepare',
      note: `Đề nghị ${awards.upwardIssuer} tặng ${awards.upwardShort} cho ${upward.length} tập thể.`,
    });
  }
  items.push({
    code: 'bien-ban-hop-xet',
    label: 'Biên bản họp xét của Hội đồng Thi đua – Khen thưởng',
    status: 'to-prepare',
    note: tally.outcome,
  });
  for (const e of [...awarded, ...upward]) items.push(...candidateDossier(e));
  return items;
}

/** A candidate's achievement report and, for a cited initiative, its confirmation. */
function candidateDossier(e: FinalEntry): DossierItem[] {
  const items: DossierItem[] = [
    {
      code: 'bao-cao-thanh-tich',
      label: `Báo cáo thành tích – ${e.name}`,
      candidateId: e.id,
      status: 'to-prepare',
      note:
        e.kind === 'individual'
          ? `Báo cáo thành tích cá nhân, có xác nhận của thủ trưởng ${e.unitName}.`
          : `Báo cáo thành tích của tập thể, kèm kết quả chấm điểm, xếp hạng (${e.percent ?? '—'} %, hạng ${e.rank ?? '—'}/${e.rankedInGroup}).`,
    },
  ];
  if (e.initiative) {
    const { confirmed } = e.initiative;
    items.push({
      code: 'xac-nhan-sang-kien',
      label: `Xác nhận công nhận sáng kiến “${e.initiative.id}” – ${e.name}`,
      candidateId: e.id,
      status: confirmed === true ? 'confirmed' : confirmed === false ? 'missing' : 'to-prepare',
      note:
        confirmed === false
          ? 'Sáng kiến được viện dẫn chưa có trong danh sách sáng kiến đã công nhận: cần văn bản công nhận trước khi trình.'
          : 'Văn bản công nhận sáng kiến được viện dẫn làm căn cứ khen thưởng.',
    });
  }
  return items;
}
