/**
 * The council member's ballot (a `vote` decision link, `/d?…` — functions/http/decision.ts):
 * GET/HEAD show the proposal's ballot — each candidate with its kind, unit, form, ranking and
 * grounds — and one yes / no / abstain choice per candidate; POST decides, in two presses
 * (functions/web/confirm.ts):
 *
 *   every candidate answered (else 422 with the choices as made; nothing recorded)
 *   → without `confirm=yes`: the ballot as it would be recorded, the form carried hidden, nothing
 *     written (its `back`: the ballot again with the choices as made)
 *   → `decideVote`: the votes put as the decision's payload, then the claim (`pending → decided`
 *     with the payload's hash — the only write that counts: functions/steps/decisions.ts)
 *     → SendTaskSuccess with the token that claim returned (`deliverDecision`) → `markDelivered`.
 *
 * The form carries a write id: the same POST again (a retry after a lost answer, the same
 * confirmation pressed twice) gets the first answer; another POST gets 409 (the approval is no
 * longer pending); a link past the vote's close 410. The tally reads each member's ballot through the decision that selected it
 * (functions/commendation/tally-votes.ts).
 */

import { passRequired, quorumRequired } from '#domain/council';
import type { Vote } from '#domain/model';
import {
  ballotCandidates,
  type CycleHeader,
  cycleLabel,
  KIND_LABELS,
  parseCycle,
  readCycle,
  type StoredCycle,
  type VotePayload,
} from '#functions/commendation/award';
import { ballotCandidateView, initiativeTitles } from '#functions/commendation/ballot-lines';
import type { Actor } from '#ports/actor';
import { reviews } from '#ports/dynamo/reviews';
import { NotFoundError } from '#ports/errors';
import { handlerLogger } from '#ports/log';
import type { Approval, DecideOutcome } from '#ports/reviews';
import { askForSweep } from '#ports/sweep-trigger';
import { loadCampaign } from '#steps/campaign';
import { auditDecision, claimDecision, ownDecision } from '#steps/decisions';
import { type DeliveryOutcome, deliverDecision } from '#steps/delivery';
import { candidateDetails } from './ballot.ts';
import { confirmationForm, isBack, isConfirmed, resentNote } from './confirm.ts';
import {
  actorOf,
  type FieldProblem,
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  LinkError,
} from './http.ts';
import { claimRefused, linkQuery } from './link-pages.ts';
import {
  dateTime,
  e,
  fieldId,
  fieldProblems,
  type Html,
  layout,
  NO_IMPLICIT_SUBMIT,
  type ProblemMap,
  problemMap,
  problemSummary,
  statusPage,
} from './pages.ts';
import { newWriteId, writeIdOf } from './write-id.ts';

export const VOTE_ACTION = 'cast';

const CHOICES: readonly (readonly [Vote, string])[] = [
  ['yes', 'Tán thành'],
  ['no', 'Không tán thành'],
  ['abstain', 'Không biểu quyết'],
];

/** The confirmation's button: the press that casts the ballot. */
const CONFIRM_VOTE = 'Xác nhận gửi phiếu';

export const voteField = (candidateId: string) => `vote[${candidateId}]`;

/** Reads the form: a choice for every ballot candidate, nothing else. */
export function parseVoteForm(
  form: URLSearchParams,
  ballot: readonly string[],
  names: ReadonlyMap<string, string>,
): { votes: Record<string, Vote>; problems: FieldProblem[] } {
  const votes: Record<string, Vote> = {};
  const problems: FieldProblem[] = [];
  for (const id of ballot) {
    const value = form.get(voteField(id));
    if (value === 'yes' || value === 'no' || value === 'abstain') votes[id] = value;
    else {
      problems.push({
        field: voteField(id),
        message: `${names.get(id) ?? id}: hãy chọn “Tán thành”, “Không tán thành” hoặc “Không biểu quyết”.`,
      });
    }
  }
  return { votes, problems };
}

export interface VotePageModel {
  authority: string;
  cycleLabel: string;
  memberName: string;
  cycle: StoredCycle;
  /** The cycle's proposal (its header: the ballot, the council, the vote's close). */
  header: CycleHeader;
  /** Titles of the initiatives the candidates cite, by initiative key (`<unit>/<id>`). */
  initiativeTitles?: ReadonlyMap<string, string>;
  raw?: URLSearchParams;
  problems?: FieldProblem[];
  /** This rendering's write id (functions/web/write-id.ts): the same POST again gets the same answer. */
  writeId?: string;
}

function choiceInputs(id: string, problems: ProblemMap, chosen: string | null): Html {
  const name = voteField(id);
  const p = fieldProblems(problems, name);
  return `${CHOICES.map(
    ([value, label], i) =>
      `<label class="inline"><input type="radio" name="${e(name)}" value="${value}"${
        i === 0 ? ` id="${e(fieldId(name))}"` : ''
      }${chosen === value ? ' checked' : ''}${i === 0 ? p.attrs : ''}> ${e(label)}</label>`,
  ).join('')}${p.html}`;
}

export function renderVotePage(m: VotePageModel): Html {
  const header = m.header;
  const problems = problemMap(m.problems ?? []);
  const N = header.memberIds.length;
  const candidates = ballotCandidates(m.cycle);
  const body = `<h1>Phiếu biểu quyết khen thưởng phong trào thi đua cải cách hành chính ${e(m.cycleLabel)}</h1>
<div class="meta"><span>Thành viên Hội đồng: <strong>${e(m.memberName)}</strong></span><span>Hạn biểu quyết: <strong>${e(
    dateTime(header.voteClosesAt),
  )}</strong></span></div>
${m.problems?.length ? problemSummary(m.problems) : ''}
<div class="notice"><p>Hội đồng có ${e(N)} thành viên. Cần ít nhất ${e(quorumRequired(N, header.council.quorum))} thành viên tham gia biểu quyết; một trường hợp được thông qua khi có ít nhất ${e(
    passRequired(N, header.council.passPercent),
  )} phiếu tán thành (${e(String(header.council.passPercent).replace('.', ','))} % tổng số thành viên). Mỗi thành viên gửi phiếu một lần.</p></div>
${
  header.tiesForCouncil.length
    ? `<div class="notice warn">${header.tiesForCouncil.map((t) => `<p>${e(t.message)}</p>`).join('')}</div>`
    : ''
}
<form method="post" action="" novalidate>
${NO_IMPLICIT_SUBMIT}
${m.writeId ? `<input type="hidden" name="writeId" value="${e(m.writeId)}">` : ''}
${candidates
  .map(
    (c) => `<fieldset>
<legend>${e(c.name)}</legend>
${candidateDetails(ballotCandidateView(c, m.initiativeTitles ?? new Map()))}
${choiceInputs(c.id, problems, m.raw ? m.raw.get(voteField(c.id)) : null)}
</fieldset>`,
  )
  .join('\n')}
<div class="actions"><button type="submit" class="approve">Gửi phiếu</button></div>
<p class="muted">Việc mở trang không ghi nhận phiếu. Bấm “Gửi phiếu” để xem lại phiếu; phiếu chỉ được ghi nhận khi bấm “${CONFIRM_VOTE}” ở trang sau.</p>
</form>`;
  return layout({ title: `Phiếu biểu quyết khen thưởng ${m.cycleLabel}`, header: m.authority, body });
}

export interface DecideVoteResult {
  outcome: DecideOutcome['outcome'];
  approval?: Approval;
  delivery?: DeliveryOutcome;
}

/**
 * Records a member's votes: the payload, the approval's claim (the only write that decides), then
 * the delivery to the waiting task. Used by the page's POST.
 */
export async function decideVote(
  approval: Approval,
  votes: Record<string, Vote>,
  actor: Actor,
  writeId?: string,
): Promise<DecideVoteResult> {
  const payload: VotePayload = { votes };
  const decided = await claimDecision(
    approval,
    { action: VOTE_ACTION, payload, ...(writeId ? { writeId } : {}) },
    actor,
    askForSweep,
  );
  if (decided.outcome !== 'decided') {
    return { outcome: decided.outcome, ...('approval' in decided ? { approval: decided.approval } : {}) };
  }
  return { outcome: 'decided', approval: decided.approval, delivery: await deliverVote(decided.approval) };
}

/** The recorded vote delivered to the waiting task, unless it was already. */
async function deliverVote(approval: Approval): Promise<DeliveryOutcome> {
  if (approval.deliveredAt) return 'delivered';
  const log = handlerLogger();
  try {
    return await deliverDecision(approval, log);
  } catch (error) {
    // Even the failure mark failed: the decision stays recorded and in the sweep's queue.
    log.error('vote recorded; delivery and its mark failed', { approvalId: approval.id, error });
    return 'failed';
  }
}

async function voteContext(approval: Approval) {
  if (!approval.periodId || !approval.party) throw new LinkError(403, 'not-found');
  const cycle = parseCycle(approval.periodId);
  const [campaign, stored] = await Promise.all([loadCampaign(), readCycle(cycle.cycleId)]);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  const member = campaign.findPerson('council', approval.party);
  return {
    authority: campaign.config.district.authority,
    cycleLabel: cycleLabel(cycle, campaign.config),
    memberId: approval.party,
    memberName: member?.name ?? approval.party,
    member,
    cycle: stored,
    header,
  };
}

/**
 * The ballot page itself, with the titles of the initiatives its candidates cite: read only where
 * the ballot is shown (reports of the cited units), never for a confirmation or a recorded vote.
 */
async function ballotPage(
  ctx: VoteContext,
  extra: Pick<VotePageModel, 'raw' | 'problems' | 'writeId'>,
): Promise<Html> {
  const titles = await initiativeTitles(ballotCandidates(ctx.cycle), ctx.header.periodIds);
  return renderVotePage({ ...ctx, initiativeTitles: titles, ...extra });
}

/** The `vote` kind of functions/http/decision.ts (`PAGES.vote`). */
export const votePage = {
  async render(_request: HttpRequest, approval: Approval): Promise<HttpResponse> {
    const ctx = await voteContext(approval);
    return htmlResponse(200, await ballotPage(ctx, { writeId: newWriteId() }));
  },

  async decide(request: HttpRequest, approval: Approval): Promise<HttpResponse> {
    const ctx = await voteContext(approval);
    const header = ctx.header;
    const writeId = writeIdOf(request.form);
    const asTyped = (problems?: FieldProblem[]) =>
      ballotPage(ctx, {
        raw: request.form,
        ...(problems ? { problems } : {}),
        ...(writeId ? { writeId } : {}),
      });
    // From the confirmation: the ballot again, with the choices as made; nothing recorded.
    if (isBack(request.form)) return htmlResponse(200, await asTyped());
    const parsed = parseVoteForm(request.form, header.ballot, candidateNames(ctx));
    if (parsed.problems.length > 0) {
      throw new FormError(parsed.problems, await asTyped(parsed.problems), 422);
    }
    // The first press shows the ballot as it would be recorded; only the confirmation's press casts it.
    if (!isConfirmed(request.form)) {
      return htmlResponse(200, renderVoteConfirmation({ ...ctx, votes: parsed.votes, form: request.form }));
    }
    const actor = actorOf(request, {
      kind: 'council',
      id: ctx.memberId,
      ...(ctx.member?.email ? { email: ctx.member.email } : {}),
    });
    const result = await decideVote(approval, parsed.votes, actor, writeId);
    switch (result.outcome) {
      case 'decided':
        break;
      case 'already-decided':
        // The same confirmation pressed twice at once (one write id): the loser is the winner's own vote.
        if (result.approval && ownDecision(result.approval, writeId)) {
          await auditDecision(result.approval);
          return replayVote(request, result.approval, ctx);
        }
        return alreadyRecorded(ctx.authority, request);
      default:
        throw claimRefused(result.outcome);
    }
    return recordedAnswer(ctx, result.approval ?? approval, parsed.votes, result.delivery);
  },

  /**
   * The same POST again (its write id made the recorded vote): the recorded ballot delivered if it
   * was not, and the answer the first POST gave.
   */
  async replay(request: HttpRequest, approval: Approval): Promise<HttpResponse> {
    return replayVote(request, approval, await voteContext(approval));
  },

  /**
   * A cast ballot's link again: opened (GET), the ballot as recorded, read-only; posted (another
   * rendering, other choices), 409 with the way to that view.
   */
  async decided(request: HttpRequest, approval: Approval): Promise<HttpResponse> {
    const ctx = await voteContext(approval);
    if (!request.isRead) return alreadyRecorded(ctx.authority, request);
    const votes = (await reviews().getDecisionPayload<VotePayload>(approval))?.votes ?? {};
    const title = 'Phiếu đã được ghi nhận';
    const detail = `Phiếu của bạn đã được ghi nhận lúc ${dateTime(approval.decidedAt)} (${voteCounts(ctx.header.ballot.length, votes)}). Mỗi thành viên gửi phiếu một lần; liên kết này chỉ còn để xem lại. Kết quả sẽ được gửi qua email khi kết thúc biểu quyết.`;
    return htmlResponse(
      200,
      statusPage({
        status: 200,
        title,
        detail,
        extra: ballotTable(ctx, votes),
        header: ctx.authority,
        tone: 'info',
      }),
    );
  },
};

type VoteContext = Awaited<ReturnType<typeof voteContext>>;

const candidateNames = (ctx: Pick<VoteContext, 'cycle'>) =>
  new Map(ballotCandidates(ctx.cycle).map((c) => [c.id, c.name]));

async function replayVote(request: HttpRequest, approval: Approval, ctx: VoteContext): Promise<HttpResponse> {
  const votes = (await reviews().getDecisionPayload<VotePayload>(approval))?.votes ?? {};
  // The same rendering posted with other choices (back, changed, sent again) is a second vote.
  const posted = parseVoteForm(request.form, ctx.header.ballot, candidateNames(ctx));
  if (ctx.header.ballot.some((id) => posted.votes[id] !== votes[id]))
    return alreadyRecorded(ctx.authority, request);
  return recordedAnswer(ctx, approval, votes, await deliverVote(approval), true);
}

export interface VoteConfirmationModel extends VotePageModel {
  votes: Record<string, Vote>;
  /** The form as posted: carried through, hidden, so the ballot cast is the one shown here. */
  form: URLSearchParams;
}

/** The ballot as it would be recorded, before anything is: each candidate and the choice made. */
export function renderVoteConfirmation(m: VoteConfirmationModel): Html {
  const body = `<h1>Xác nhận phiếu biểu quyết</h1>
<div class="meta"><span>Thành viên Hội đồng: <strong>${e(m.memberName)}</strong></span><span>Hạn biểu quyết: <strong>${e(
    dateTime(m.header.voteClosesAt),
  )}</strong></span></div>
<div class="notice warn" role="status"><p><strong>Phiếu chưa được ghi nhận.</strong> Hãy kiểm tra lại rồi bấm <strong>${CONFIRM_VOTE}</strong>. Mỗi thành viên gửi phiếu một lần: sau khi xác nhận, phiếu không thể thay đổi.</p></div>
<p>${e(voteCounts(m.header.ballot.length, m.votes))}.</p>
${ballotTable(m, m.votes)}
${confirmationForm(m.form, CONFIRM_VOTE, 'approve')}`;
  return layout({
    title: `Xác nhận phiếu biểu quyết khen thưởng ${m.cycleLabel}`,
    header: m.authority,
    body,
  });
}

/** "12 trường hợp: 10 tán thành, 1 không tán thành, 1 không biểu quyết" (no final stop). */
function voteCounts(candidates: number, votes: Record<string, Vote>): string {
  const count = (v: Vote) => Object.values(votes).filter((x) => x === v).length;
  return `${candidates} trường hợp: ${count('yes')} tán thành, ${count('no')} không tán thành, ${count('abstain')} không biểu quyết`;
}

/**
 * Each candidate of the ballot (its kind beside its name: a unit may stand twice; an individual's
 * unit too: two units may nominate people of one name) and the choice made.
 */
function ballotTable(ctx: Pick<VoteContext, 'cycle' | 'header'>, votes: Record<string, Vote>): Html {
  const candidates = new Map(ballotCandidates(ctx.cycle).map((c) => [c.id, c]));
  return `<div class="table-wrap"><table><thead><tr><th scope="col">Trường hợp</th><th scope="col">Biểu quyết</th></tr></thead><tbody>${ctx.header.ballot
    .map((id) => {
      const c = candidates.get(id);
      const kind = c
        ? ` <span class="muted">(${e(KIND_LABELS[c.kind])}${c.kind === 'individual' ? `, ${e(c.unitName)}` : ''})</span>`
        : '';
      const choice = CHOICES.find(([v]) => v === votes[id])?.[1] ?? '';
      return `<tr><td>${e(c?.name ?? id)}${kind}</td><td><strong>${e(choice)}</strong></td></tr>`;
    })
    .join('')}</tbody></table></div>`;
}

/** 409: this link's vote was recorded before; nothing changes. The page links to the ballot as recorded. */
function alreadyRecorded(authority: string, request: HttpRequest): HttpResponse {
  const title = 'Phiếu đã được ghi nhận trước đó';
  const detail =
    'Bạn đã gửi phiếu biểu quyết bằng liên kết này; mỗi thành viên gửi phiếu một lần, lần gửi này không thay đổi gì.';
  const links = [{ href: `${request.path}?${linkQuery(request.query)}`, label: 'Xem phiếu đã ghi nhận' }];
  return htmlResponse(
    409,
    statusPage({ status: 409, title, detail, header: authority, tone: 'info', links }),
  );
}

/**
 * The page after a recorded vote: what was recorded, and whether it has gone on (200) or will (202).
 * `again`: the same request sent again; it says nothing more was recorded.
 */
function recordedAnswer(
  ctx: VoteContext,
  approval: Approval,
  votes: Record<string, Vote>,
  delivery: DeliveryOutcome | undefined,
  again = false,
): HttpResponse {
  const delivered = delivery === 'delivered' || delivery === 'superseded';
  const title = 'Đã ghi nhận phiếu biểu quyết';
  const resent = again ? resentNote('phiếu') : '';
  const detail =
    `Phiếu của bạn đã được ghi nhận lúc ${dateTime(approval.decidedAt)} (${voteCounts(ctx.header.ballot.length, votes)}).${resent}` +
    ' Kết quả sẽ được gửi qua email khi kết thúc biểu quyết.';
  return htmlResponse(
    delivered ? 200 : 202,
    statusPage({
      status: delivered ? 200 : 202,
      title,
      detail,
      extra: ballotTable(ctx, votes),
      header: ctx.authority,
      tone: 'ok',
    }),
  );
}
