/**
 * A new council vote after one without quorum, called by the admin from the home page or
 * `npm start -- revote`: the offers (which years or the phase may vote again) and the call itself.
 */
import type { DistrictConfig } from '#domain/model';
import {
  cycleLabel,
  endedWithoutQuorum,
  MAX_ROUND,
  parseCycle,
  roundCycleId,
  storedRounds,
} from '#functions/commendation/award';
import type { LocalRuntime } from '#local/runtime/runtime';
import { findCampaign } from '#steps/campaign';
import { commendationExecution } from '#workflows/executions';
import type { RevoteOffer, RevoteOutcome } from './control.ts';

/** The years of the stored calendar, then `phase`: the scopes a commendation cycle can have. */
async function commendationScopes(): Promise<string[]> {
  const campaign = await findCampaign();
  return campaign ? [...new Set(campaign.periods.map((p) => String(p.year))), 'phase'] : [];
}

/** Every year (and the phase) whose last council vote was tallied without quorum. */
export async function revoteOffers(config: Pick<DistrictConfig, 'campaign'>): Promise<RevoteOffer[]> {
  const offers: RevoteOffer[] = [];
  for (const scopeId of await commendationScopes()) {
    const last = (await storedRounds(scopeId)).at(-1);
    if (!last || !endedWithoutQuorum(last.cycle) || last.round >= MAX_ROUND) continue;
    offers.push({
      scopeId,
      label: cycleLabel(parseCycle(scopeId), config),
      lastCycleId: last.cycleId,
      nextCycleId: roundCycleId(scopeId, last.round + 1),
      nextRound: last.round + 1,
      outcome: last.cycle.outcome?.council.outcome ?? '',
    });
  }
  return offers;
}

/**
 * The admin's new council vote after one without quorum: the next round of the year or phase
 * (cycle `<scope>-<n>`), started as the schedules start round 1 — the starter function with
 * `commendation-<scope>-<n>-1` and `{cycleId: "<scope>-<n>"}` — then run until it waits for the
 * members (the proposal made again from the same results, every member mailed a new link).
 * Refused while the last vote is open, after a vote with quorum, and before any vote.
 */
export async function callNewVote(
  rt: LocalRuntime,
  config: Pick<DistrictConfig, 'campaign'>,
  scope: string,
): Promise<Omit<RevoteOutcome, 'newEmails'>> {
  const scopeId = scope.trim();
  const refused = (reason: string) => ({ outcome: 'refused' as const, scopeId, reason });
  if (!(await commendationScopes()).includes(scopeId)) {
    return refused(
      `"${scopeId}" không phải một năm của phong trào hay "phase" (giai đoạn). ` +
        '(Not a year of the campaign nor "phase".)',
    );
  }
  const label = cycleLabel(parseCycle(scopeId), config);
  const last = (await storedRounds(scopeId)).at(-1);
  if (!last) {
    return refused(`Chưa có đề nghị khen thưởng ${label}: Hội đồng chưa bỏ phiếu lần nào.`);
  }
  if (!last.cycle.outcome) {
    return refused(`Đợt bỏ phiếu ${cycleLabel(parseCycle(last.cycleId), config)} chưa kết thúc.`);
  }
  if (!endedWithoutQuorum(last.cycle)) {
    return refused(
      (last.cycle.header?.ballot.length ?? 0) === 0
        ? `Không có trường hợp nào để biểu quyết ${label}.`
        : `Đợt bỏ phiếu ${cycleLabel(parseCycle(last.cycleId), config)} đã đủ số thành viên tham gia: kết quả đã có, không bỏ phiếu lại.`,
    );
  }
  if (last.round >= MAX_ROUND) return refused(`Đã bỏ phiếu ${MAX_ROUND} lần.`);
  const cycleId = roundCycleId(scopeId, last.round + 1);
  const { name, input } = commendationExecution(cycleId);
  const answer = (await rt.lambdas.invoke(rt.functionArn('functions/starter.ts'), {
    workflow: 'commendation',
    name,
    input,
  })) as { status: 'started' | 'already-exists' };
  await rt.settle();
  const execution = rt.sfn.listExecutions().find((x) => x.name === name);
  return {
    outcome: answer.status === 'started' ? 'started' : 'already-started',
    scopeId,
    cycleId,
    name,
    ...(execution ? { status: execution.status } : {}),
    ...(execution?.error ? { error: execution.error } : {}),
  };
}
