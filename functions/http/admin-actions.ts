/**
 * The admin's actions (docs/admin.md, "Admin actions"): each a GET page that says what will
 * happen and a POST that does it — one claim, then idempotent follow-ups, then the audit entry —
 * carrying the form's write id (`nonce`), so the same POST again finds its own claim, finishes the
 * follow-ups and answers as the first did. Another admin's action in between is 409; nothing left
 * to act on is 410; a bad form is 422 with the problems beside their fields.
 *
 * - reassign a reviewer: the claim closes the waiting appraisal (its link answers 410 from then),
 *   recording the write id and the new reviewer; the follow-ups move the assignment, take the new
 *   reviewer's load slot, put the new reviewer's approval behind the same task token (the waiting
 *   task is unchanged, so the unit is told nothing new) and mail the new reviewer its link;
 * - remind a unit now: at most once a day (the day's outbox record is the claim; a press's day is
 *   pinned by its write id, so the same request again after midnight is the same reminder);
 * - record surveys, bonuses and penalties through a form (admin-adjustments.ts): checked and
 *   previewed as `thidua record` does, each unit's version checked, then stored and audited;
 * - restart a stuck review (admin-restart.ts); call a new council vote (admin-revote.ts);
 * - recompute a period's results: the claim is the scoring execution's name
 *   (`scoring-<p>-admin-<n>`, n counting the adjustments recorded), so a second press with
 *   nothing new is that same execution; ComputeResults stores a version only when results differ.
 */
import { localDateOf } from '#domain/calendar';
import type { Period, Unit } from '#domain/model';
import {
  type CycleRef,
  cycleLabel,
  cycleVoteApprovals,
  parseCycle,
  readCycle,
} from '#functions/commendation/award';
import { voteLetter } from '#functions/commendation/vote-mail';
import { startRescoring } from '#functions/scoring/rescoring';
import { lateNoticeEmail, reminderEmail } from '#mail/period';
import { now } from '#ports/clock';
import { audit } from '#ports/dynamo/audit';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { reviews } from '#ports/dynamo/reviews';
import { handlerLogger } from '#ports/log';
import type { MailIdentity } from '#ports/outbox';
import type { Approval } from '#ports/reviews';
import { crashPoint } from '#steps/crash-point';
import { reportLink } from '#steps/grants';
import { mailIdentity, mailTo } from '#steps/mail';
import { finishReassignment, ReassignmentConflict, reportSubject } from '#steps/reassignment';
import {
  type ActionOutcome,
  type AdminAction,
  eligibleReviewers,
  parseReassignForm,
  renderActionPage,
} from '#web/admin-actions';
import { progressState } from '#web/admin-progress';
import { adminHref } from '#web/admin-routes';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  httpHandler,
  noSuchPage,
  PageError,
  redirect,
} from '#web/http';
import { isExpired } from '#web/link-pages';
import { dateTime } from '#web/pages';
import { actionPage, adminActor, isNonce, nonceOf } from './admin-action-kit.ts';
import { adjustments } from './admin-adjustments.ts';
import { capitalized } from './admin-commendation-data.ts';
import { restart } from './admin-restart.ts';
import { revote } from './admin-revote.ts';
import {
  type AdminContext,
  behindSignIn,
  periodOf,
  periodStates,
  unitOf,
  unknownCycle,
} from './admin-session.ts';
import { standing } from './admin-standing.ts';
import { matchPath } from './routes.ts';

const page = actionPage;

// ---------------------------------------------------------------- reassign a reviewer

interface ReassignState {
  unit: Unit;
  period: Period;
  approvals: Approval[];
  /** The appraisal waiting for its reviewer, if any. */
  pending?: Approval;
  action?: Extract<AdminAction, { kind: 'reassign' }>;
}

async function reassignState(ctx: AdminContext, periodId: string, unitId: string): Promise<ReassignState> {
  const { campaign } = ctx;
  const period = periodOf(campaign, periodId);
  const unit = unitOf(campaign, unitId);
  const [assignment, approvals, { loads }] = await Promise.all([
    reviews().getAssignment(period.id, unit.id),
    reviews().listUnitPeriodApprovals(unit.id, period.id),
    reviews().reviewerLoads(period.id, unit.id),
  ]);
  const pending = approvals
    .filter((a) => a.kind === 'appraise' && a.status === 'pending')
    .sort((a, b) => (b.round ?? 0) - (a.round ?? 0))[0];
  const currentId = pending?.subjectId ?? assignment?.reviewerId;
  const current = currentId ? campaign.findPerson('reviewer', currentId) : undefined;
  if (!pending || !currentId) return { unit, period, approvals };
  return {
    unit,
    period,
    approvals,
    pending,
    action: {
      kind: 'reassign',
      unit: { id: unit.id, name: unit.name },
      period,
      current: { id: currentId, name: current?.name ?? currentId },
      round: pending.round ?? 1,
      since: pending.createdAt,
      candidates: eligibleReviewers(campaign.people('reviewer'), unit.id, currentId, loads),
    },
  };
}

/** What the page shows once the review is no longer waiting on anyone to reassign. */
function goneAction(state: ReassignState): Extract<AdminAction, { kind: 'reassign' }> {
  return {
    kind: 'reassign',
    unit: { id: state.unit.id, name: state.unit.name },
    period: state.period,
    current: { id: '', name: '—' },
    round: 0,
    candidates: [],
  };
}

/** The claimed reassignment's follow-ups (functions/steps/reassignment.ts); 409 if another action moved it. */
async function finishReassignmentHere(ctx: AdminContext, old: Approval): Promise<Approval> {
  try {
    return await finishReassignment(ctx.campaign, handlerLogger(), old);
  } catch (error) {
    if (!(error instanceof ReassignmentConflict)) throw error;
    throw new PageError(
      409,
      'Đã có người thực hiện trước',
      'Người thẩm định của đơn vị đã được thay đổi bởi một thao tác khác.',
    );
  }
}

async function reassign(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const state = await reassignState(ctx, p.periodId ?? '', p.unitId ?? '');
  const here = adminHref.reassign(state.period.id, state.unit.id);
  const done = request.query.get('done');
  if (request.isRead && isNonce(done ?? undefined)) {
    const entry = (await audit().list(reportSubject(state.unit.id, state.period.id))).find(
      (x) => x.id === `reassign-${done}`,
    );
    if (entry) {
      const to = ctx.campaign.findPerson('reviewer', String(entry.detail?.to ?? ''))?.name ?? '';
      const text = `Đã giao thẩm định cho ${to} lúc ${dateTime(entry.at)}; liên kết cũ không còn dùng được, người thẩm định mới đã nhận email.`;
      return page(ctx, state.action ?? goneAction(state), 200, { outcome: { kind: 'done', text } });
    }
  }
  if (request.isRead) {
    if (!state.action)
      return page(ctx, goneAction(state), 200, {
        outcome: {
          kind: 'gone',
          text: 'Không có thẩm định nào đang chờ người thẩm định của đơn vị này trong kỳ.',
        },
      });
    return page(ctx, state.action);
  }
  const writeId = nonceOf(request);
  const reason = (request.form.get('reason') ?? '').trim();
  // The same POST again: its claim is there; finish what follows and answer as the first did.
  const mine = state.approvals.find((a) => a.reassignment?.writeId === writeId);
  if (mine) {
    await finishReassignmentHere(ctx, mine);
    return redirect(`${here}?done=${writeId}`);
  }
  if (!state.action || !state.pending) {
    return page(ctx, goneAction(state), 410, {
      outcome: {
        kind: 'gone',
        text: 'Không có thẩm định nào đang chờ người thẩm định của đơn vị này trong kỳ.',
      },
    });
  }
  if (request.form.get('current') !== state.action.current.id) {
    const text = `Trong lúc đó, thẩm định đã được giao cho ${state.action.current.name}; hãy xem lại trước khi đổi tiếp.`;
    return page(ctx, state.action, 409, { outcome: { kind: 'conflict', text } });
  }
  const parsed = parseReassignForm(request.form, state.action.candidates);
  if (!parsed.ok) {
    const html = renderActionPage({
      frame: ctx.frame,
      action: state.action,
      nonce: writeId,
      problems: parsed.problems,
      values: { reviewerId: request.form.get('reviewer') ?? '', reason },
    });
    throw new FormError(parsed.problems, html);
  }
  const claimed = await reviews().closeForReassignment(state.pending.id, {
    writeId,
    newReviewerId: parsed.reviewerId,
    by: adminActor(ctx, request),
    reason: parsed.reason,
  });
  if (claimed.outcome === 'refused') {
    const a = claimed.approval;
    const text = a.reassignment
      ? `Một quản trị khác đã giao thẩm định cho người khác lúc ${dateTime(a.closedAt)}.`
      : a.decidedAt
        ? `Người thẩm định đã quyết định lúc ${dateTime(a.decidedAt)}.`
        : `Thẩm định đã kết thúc lúc ${dateTime(a.closedAt)}.`;
    return page(ctx, state.action, 409, { outcome: { kind: 'conflict', text } });
  }
  // Its follow-ups (the REASSIGNING mark) are the hourly sweep's if this request stops here and the
  // admin does not send the form again (no sweep asked for: a rare crash is not worth the Lambda
  // client in this bundle).
  crashPoint('reassign.after-claim');
  await finishReassignmentHere(ctx, claimed.approval);
  return redirect(`${here}?done=${writeId}`);
}

// ---------------------------------------------------------------- recompute results

async function recompute(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const period = periodOf(ctx.campaign, p.periodId ?? '');
  const [headers, adjustments] = await Promise.all([
    results().listHeaders(period.id),
    results().listPeriodAdjustments(period.id),
  ]);
  const latest = headers.at(-1);
  const changedSince = adjustments
    .filter((a) => !latest || a.updatedAt > latest.publishedAt)
    .map((a) => ctx.campaign.findUnit(a.unitId)?.name ?? a.unitId);
  const action: AdminAction = {
    kind: 'recompute',
    period,
    ...(latest ? { latestVersion: latest.version } : {}),
    changedSince,
  };
  if (request.isRead) {
    const done = request.query.get('done');
    if (done === 'started' || done === 'unchanged') {
      const text =
        done === 'started'
          ? 'Đã yêu cầu tính lại kết quả. Nếu kết quả khác phiên bản hiện tại, một phiên bản mới sẽ được công bố trên trang kết quả.'
          : 'Không có số liệu mới kể từ lần tính lại trước: kết quả không thay đổi.';
      return page(ctx, action, 200, { outcome: { kind: 'done', text } });
    }
    return page(ctx, action);
  }
  nonceOf(request);
  if (!latest)
    return page(ctx, action, 410, {
      outcome: { kind: 'gone', text: 'Kỳ này chưa có kết quả: kết quả được tính khi kết thúc thẩm định.' },
    });
  // n counts every adjustment recorded for the period: the same data is the same execution.
  const n = adjustments.reduce((sum, a) => sum + a.version, 0);
  const started = await startRescoring(period.id, { trigger: 'admin', n }, handlerLogger());
  if (started.status === 'not-closed')
    return page(ctx, action, 410, { outcome: { kind: 'gone', text: 'Kỳ này chưa kết thúc thẩm định.' } });
  await audit().append({
    id: `recompute-${n}`,
    subject: `results/${period.id}`,
    periodId: period.id,
    actor: adminActor(ctx, request),
    action: 'admin.recompute',
    detail: { execution: started.executionName },
  });
  return redirect(
    `${adminHref.recompute(period.id)}?done=${started.status === 'started' ? 'started' : 'unchanged'}`,
  );
}

// ---------------------------------------------------------------- remind a unit now

/**
 * A reminder's claim is its day's outbox record: found, the page says when it went out (`at`, the
 * claim's time).
 */
async function reminderSentToday(
  identity: MailIdentity,
  name: string,
): Promise<{ outcome: ActionOutcome; at: string } | undefined> {
  const sent = await outbox().get(identity);
  if (!sent) return undefined;
  return {
    outcome: {
      kind: 'done',
      text: `Đã gửi lời nhắc cho ${name} lúc ${dateTime(sent.claimedAt)}; mỗi ngày gửi nhiều nhất một lần.`,
    },
    at: sent.claimedAt,
  };
}

/**
 * The day a reminder press belongs to (`scope`: what it reminds of): a POST's is its first try's,
 * pinned by the form's write id, so the same request sent again after midnight (a lost answer, a
 * retry after a crash) is still that day's reminder, never a second mail; otherwise today, the
 * district's date (another press, another write id, is today's). `pin` stores the day before the
 * mail; false when a try of the same request pinned another day first (at once, across
 * midnight): that try owns the mail.
 */
async function pressOf(
  request: HttpRequest,
  scope: string,
  timeZone: string,
): Promise<{ day: string; pin: () => Promise<boolean> }> {
  const writeId = request.isRead ? undefined : nonceOf(request);
  const today = localDateOf(now(), timeZone);
  const day = (writeId && (await outbox().pinnedDay(scope, writeId))) || today;
  return {
    day,
    pin: async () => writeId !== undefined && (await outbox().pinDay(scope, writeId, day)) === day,
  };
}

/**
 * The claim is the outbox record of the day's reminder (`admin-remind-<yyyy-mm-dd>`, the
 * district's date): a second press the same day finds it and says when it went out. The day of a
 * press is pinned by its write id (`Outbox.pinDay`) before its mail, so the same request sent
 * again after midnight finds its own reminder instead of making the next day's.
 */
async function remind(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const { campaign } = ctx;
  const period = periodOf(campaign, p.periodId ?? '');
  const unit = unitOf(campaign, p.unitId ?? '');
  const [report, progress, states] = await Promise.all([
    reports().get(unit.id, period.id),
    reports().getProgress(unit.id, period.id),
    periodStates(campaign),
  ]);
  // As the period's page says it: after the period closed, a unit without a report reads *Không nộp báo cáo*.
  const state = progressState(
    {
      unit,
      ...(report ? { reportStatus: report.status } : {}),
      ...(progress?.invitedAt ? { invitedAt: progress.invitedAt } : {}),
    },
    states.get(period.id) ?? 'scheduled',
  );
  const action: AdminAction = {
    kind: 'remind',
    unit: { id: unit.id, name: unit.name, focalPoint: unit.focalPoint },
    period,
    state,
    ...(progress?.remindedAt ? { firstRemindedAt: progress.remindedAt } : {}),
    ...(progress?.lateAt ? { lateNoticeAt: progress.lateAt } : {}),
  };
  const press = await pressOf(request, `remind:${unit.id}:${period.id}`, campaign.config.district.timeZone);
  const { day } = press;
  const identity = mailIdentity(`admin-remind-${day}`, unit.focalPoint.email, {
    unitId: unit.id,
    periodId: period.id,
  });
  const sentToday = await reminderSentToday(identity, unit.focalPoint.name);
  if (sentToday) {
    // The press whose request died after its mail, sent again: its follow-ups (once each). A
    // reminder whose entry is written has nothing left: the press changes nothing.
    if (!request.isRead && !(await audit().has(reportSubject(unit.id, period.id), `remind-${day}`)))
      await remindedFollowUps(ctx, request, unit, period, day, sentToday.at);
    return page(ctx, action, 200, { outcome: sentToday.outcome });
  }
  const open = states.get(period.id) === 'open' && (state === 'invited' || state === 'draft');
  if (!open) {
    const text =
      'Đơn vị không còn việc phải nộp trong kỳ này (đã nộp báo cáo, hoặc kỳ chưa mở hay đã kết thúc).';
    return page(ctx, action, request.isRead ? 200 : 410, { outcome: { kind: 'gone', text } });
  }
  if (request.isRead) return page(ctx, action);
  if (!(await press.pin())) return redirect(adminHref.remind(period.id, unit.id));
  const link = await reportLink(unit.id, period);
  const at = now();
  const mail =
    at.getTime() < Date.parse(period.deadlineAt)
      ? reminderEmail(campaign.sender, {
          unit,
          period,
          reportUrl: link.url,
          now: at,
          hasDraft: report !== undefined,
        })
      : lateNoticeEmail(campaign.sender, {
          unit,
          period,
          reportUrl: link.url,
          hasDraft: report !== undefined,
        });
  await mailTo(
    handlerLogger(),
    unit.focalPoint,
    identity.step,
    { unitId: unit.id, periodId: period.id },
    mail,
  );
  crashPoint('admin-remind.after-mail');
  await remindedFollowUps(ctx, request, unit, period, day);
  return redirect(adminHref.remind(period.id, unit.id));
}

/**
 * What follows the day's reminder: the unit marked reminded (the first time stands) and the audit
 * entry `remind-<day>` (the same id again is the same entry). `at`: when the mail was claimed, for
 * a press sent again after its request died between the mail and these.
 */
async function remindedFollowUps(
  ctx: AdminContext,
  request: HttpRequest,
  unit: Unit,
  period: Period,
  day: string,
  at?: string,
): Promise<void> {
  await reports().markProgress(unit.id, period.id, 'reminded');
  await audit().append({
    id: `remind-${day}`,
    subject: reportSubject(unit.id, period.id),
    periodId: period.id,
    actor: adminActor(ctx, request),
    action: 'admin.remind',
    detail: { to: unit.focalPoint.email },
    ...(at ? { at } : {}),
  });
}

// ---------------------------------------------------------------- remind a council member to vote

/**
 * The vote letter again to a member who has not voted, with the member's own approval (the same
 * link), said to be a reminder. The claim is the outbox record of the day's reminder
 * (`admin-vote-remind-<yyyy-mm-dd>`, the member, the cycle): a second press the same day finds it;
 * the same request again after midnight finds its own (its day pinned by its write id).
 */
async function remindVote(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const { campaign } = ctx;
  let cycle: CycleRef;
  try {
    cycle = parseCycle(p.cycleId ?? '');
  } catch {
    throw unknownCycle();
  }
  const stored = await readCycle(cycle.cycleId);
  const header = stored.header;
  if (!header) throw unknownCycle();
  const memberId = p.memberId ?? '';
  const member = header.memberIds.includes(memberId) ? campaign.findPerson('council', memberId) : undefined;
  if (!member) throw noSuchPage();
  const action: AdminAction = {
    kind: 'remind-vote',
    cycleId: cycle.cycleId,
    cycleLabel: capitalized(cycleLabel(cycle, campaign.config)),
    member: { id: member.id, name: member.name, email: member.email },
    closesAt: header.voteClosesAt,
  };
  const press = await pressOf(
    request,
    `remind-vote:${cycle.cycleId}:${member.id}`,
    campaign.config.district.timeZone,
  );
  const { day } = press;
  const identity = mailIdentity(`admin-vote-remind-${day}`, member.email, { periodId: cycle.cycleId });
  const sentToday = await reminderSentToday(identity, member.name);
  if (sentToday) {
    // The press whose request died after its mail, sent again: its audit entry (once, by id).
    if (!request.isRead) await auditVoteReminder(ctx, request, cycle, member, day, sentToday.at);
    return page(ctx, action, 200, { outcome: sentToday.outcome });
  }
  const approval = (await cycleVoteApprovals(cycle.cycleId)).find((a) => a.party === member.id);
  if (approval?.status !== 'pending' || isExpired(approval, now()) || stored.outcome) {
    const text = approval?.decidedAt
      ? `${member.name} đã gửi phiếu lúc ${dateTime(approval.decidedAt)}; không cần nhắc.`
      : 'Đợt bỏ phiếu đã kết thúc, hoặc thành viên chưa được gửi liên kết bỏ phiếu.';
    return page(ctx, action, request.isRead ? 200 : 410, { outcome: { kind: 'gone', text } });
  }
  if (request.isRead) return page(ctx, action);
  if (!(await press.pin())) return redirect(adminHref.remindVote(cycle.cycleId, member.id));
  const mail = await voteLetter(campaign, cycle, { ...stored, header }, member, approval, true);
  await mailTo(handlerLogger(), member, identity.step, { periodId: cycle.cycleId }, mail);
  crashPoint('admin-remind-vote.after-mail');
  await auditVoteReminder(ctx, request, cycle, member, day);
  return redirect(adminHref.remindVote(cycle.cycleId, member.id));
}

/** The audit entry of the day's vote reminder (`at`: the mail's claim, for a press sent again). */
async function auditVoteReminder(
  ctx: AdminContext,
  request: HttpRequest,
  cycle: CycleRef,
  member: { id: string; email: string },
  day: string,
  at?: string,
): Promise<void> {
  await audit().append({
    id: `remind-vote-${day}`,
    subject: `award/${cycle.cycleId}/${member.id}`,
    actor: adminActor(ctx, request),
    action: 'admin.remind-vote',
    detail: { to: member.email },
    ...(at ? { at } : {}),
  });
}

// ---------------------------------------------------------------- routing

type Action = (ctx: AdminContext, request: HttpRequest, p: Record<string, string>) => Promise<HttpResponse>;

export const ACTIONS: readonly (readonly [string, Action])[] = [
  ['/admin/periods/{periodId}/units/{unitId}/reassign', reassign],
  ['/admin/periods/{periodId}/recompute', recompute],
  ['/admin/periods/{periodId}/adjustments', adjustments],
  ['/admin/periods/{periodId}/units/{unitId}/remind', remind],
  ['/admin/periods/{periodId}/units/{unitId}/restart', restart],
  ['/admin/commendation/{cycleId}/revote', revote],
  ['/admin/commendation/{cycleId}/members/{memberId}/remind', remindVote],
  ['/admin/units/{unitId}/standing', standing],
];

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const path = request.path.replace(/\/+$/, '');
  for (const [pattern, act] of ACTIONS) {
    const params = matchPath(pattern, path);
    if (params) return behindSignIn(request, (ctx) => act(ctx, request, params));
  }
  throw noSuchPage();
}

export const handler = httpHandler(handle, { name: 'admin-actions' });
