/**
 * The review steps inside the real `review` state machine: the demo district's stack, its ASL
 * extracted and run by the local runtime (local/runtime/runtime.ts), the handlers in-process, the real
 * local Step Functions endpoint for callbacks, dynalite and aws-ses-v2-local.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import type { Appraisal, Report } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { districtDigest } from '#local/product/stack-cache';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime/runtime';
import { resetAwsClients } from '#ports/aws';
import { callbacks, SfnCallbacks } from '#ports/callbacks';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { createLogger } from '#ports/log';
import { replacePort, resetPorts } from '#ports/registry';
import type { Approval } from '#ports/reviews';
import { loadCampaign } from '#steps/campaign';
import { claimDecision } from '#steps/decisions';
import { deliverDecision } from '#steps/delivery';
import type { SesEmail } from '../helpers/ses.ts';
import { closedPort } from '../helpers/ses.ts';
import { BASE_URL, captureOutput, fullReport, IN_REVIEW, linkIn } from './harness.ts';

const PERIOD = '2022Q3';
let rt: LocalRuntime;
let keyDir: string;
let config: ReturnType<typeof loadDistrict>['config'];
let criteriaSets: ReturnType<typeof loadDistrict>['criteriaSets'];
let output = '';
const tokensSeen = new Set<string>();

async function emails(): Promise<SesEmail[]> {
  return ((await (await fetch(`${rt.endpoints.sesv2}/store`)).json()) as { emails: SesEmail[] }).emails;
}

/** Runs `fn`, keeping everything printed and every task token waiting afterwards. */
async function step<T>(fn: () => Promise<T>): Promise<T> {
  const { result, output: printed } = await captureOutput(async () => {
    const r = await fn();
    await rt.settle();
    return r;
  });
  output += printed;
  for (const t of rt.sfn.pendingTasks()) tokensSeen.add(t.taskToken);
  return result;
}

async function startReview(unitId: string, attempt = 1): Promise<string> {
  const name = `review-${unitId}-${PERIOD}-${attempt}`;
  const started = await callbacks().startExecution(rt.stateMachineArn('Review'), name, {
    unitId,
    periodId: PERIOD,
  });
  expect(started).toBe('started');
  return rt.sfn.listExecutions().find((e) => e.name === name)!.executionArn;
}

async function submit(unitId: string): Promise<Report> {
  const period = (await loadCampaign()).period(PERIOD);
  const report = fullReport({ config, criteriaSets }, unitId, period);
  await reports().writeRevision(unitId, PERIOD, {
    report,
    expectedVersion: 0,
    actor: { kind: 'unit', id: unitId },
    kind: 'submit',
  });
  return report;
}

async function appraiseApproval(unitId: string, round = 1): Promise<Approval> {
  const list = await reviews().listUnitPeriodApprovals(unitId, PERIOD);
  const a = list.find((x) => x.kind === 'appraise' && x.round === round);
  if (!a) throw new Error(`no appraise approval for ${unitId}`);
  if (a.taskToken) tokensSeen.add(a.taskToken);
  return a;
}

async function approve(unitId: string, report: Report, reviewerId: string): Promise<Approval> {
  const approval = await appraiseApproval(unitId);
  const entries: Appraisal['entries'] = {};
  for (const [id, e] of Object.entries(report.entries)) entries[id] = { score: e.selfScore, comment: '' };
  const appraisal: Appraisal = {
    unitId,
    periodId: PERIOD,
    criteriaSetId: report.criteriaSetId,
    reviewerId,
    entries,
  };
  const decided = await claimDecision(
    approval,
    { action: 'approve', payload: { appraisal, reportVersion: 1 } },
    { kind: 'reviewer', id: reviewerId },
  );
  expect(decided.outcome).toBe('decided');
  return decided.outcome === 'decided' ? decided.approval : approval;
}

beforeAll(async () => {
  ({ config, criteriaSets } = loadDistrict('districts/demo.yaml', { now: IN_REVIEW }));
  keyDir = mkdtempSync(join(tmpdir(), 'thidua-keys-'));
  const { digest } = await districtDigest('demo', { config, criteriaSets });
  rt = await startLocalRuntime({
    stack: digest,
    clockStart: IN_REVIEW,
    extraEnv: { BASE_URL, SIGNING_KEY_FILE: join(keyDir, 'signing-key.json') },
  });
  resetAwsClients();
  resetPorts();
  await storeCampaign({ config, criteriaSets });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  resetPorts();
  resetAwsClients();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

describe('the review steps in the real review state machine', () => {
  it('a decision recorded before the wait is re-armed is delivered at once, behind the same approval', async () => {
    const unitId = 'phong-tu-phap';
    const report = await submit(unitId);
    const first = await step(() => startReview(unitId));
    expect(rt.sfn.pendingTasks({ executionArn: first }).map((t) => t.stateName)).toEqual(['AwaitAppraisal']);
    const requests = (await emails()).filter((m) => m.subject.includes('Đề nghị thẩm định'));
    expect(requests).toHaveLength(1);
    const link = linkIn(requests[0]!.body.text, '/d');
    const before = await appraiseApproval(unitId);
    expect(link.searchParams.get('id')).toBe(before.id);

    // The reviewer decides while the engine has lost the waiting execution (a local restart).
    const reviewerId = (await reviews().getAssignment(PERIOD, unitId))!.reviewerId;
    await step(async () => rt.sfn.stopExecution(first));
    await approve(unitId, report, reviewerId);

    const second = await step(() => startReview(unitId, 2));
    expect(rt.sfn.describeExecution(second).status).toBe('SUCCEEDED');
    const after = await appraiseApproval(unitId);
    expect(after).toMatchObject({ id: before.id, status: 'delivered', tokenGen: 1 });
    expect((await reports().get(unitId, PERIOD))?.status).toBe('approved');
    const all = await emails();
    expect(all.filter((m) => m.subject.includes('Đề nghị thẩm định'))).toHaveLength(1);
    expect(
      all.filter((m) => m.subject.includes('đã được phê duyệt')).map((m) => m.destination.to[0]),
    ).toEqual([config.units.find((u) => u.id === unitId)!.focalPoint.email]);
  });

  it('a delivery that fails once is re-sent by the sweep with the stored token, and the review goes on', async () => {
    const unitId = 'xa-hung-loc';
    const report = await submit(unitId);
    const arn = await step(() => startReview(unitId));
    const reviewerId = (await reviews().getAssignment(PERIOD, unitId))!.reviewerId;
    const decided = await approve(unitId, report, reviewerId);

    // The page's SendTaskSuccess reaches nothing (a closed port): the decision stays recorded.
    const unreachable = new SfnCallbacks(
      new SFNClient({
        endpoint: await closedPort(),
        region: 'ap-southeast-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 1,
      }),
    );
    replacePort(callbacks, unreachable);
    const outcome = await step(() => deliverDecision(decided));
    replacePort(callbacks, undefined);
    expect(outcome).toBe('failed');
    expect(await appraiseApproval(unitId)).toMatchObject({ status: 'failed-delivery', deliveryAttempts: 1 });
    expect(rt.sfn.describeExecution(arn).status).toBe('RUNNING');

    // Fresh decisions are left to their own request; after a minute the sweep re-sends.
    const early = await step(() => rt.lambdas.invoke(rt.functionArn('functions/sweep.ts'), {}));
    expect(early).toMatchObject({ decisionsDelivered: 0 });
    await step(() => rt.advanceClock(new Date(rt.clock.now().getTime() + 61_000)));
    const swept = await step(() => rt.lambdas.invoke(rt.functionArn('functions/sweep.ts'), {}));
    expect(swept).toMatchObject({ decisionsDelivered: 1, decisionsFailed: 0 });
    expect(rt.sfn.describeExecution(arn).status).toBe('SUCCEEDED');
    expect(await appraiseApproval(unitId)).toMatchObject({ status: 'delivered' });
    expect((await reports().get(unitId, PERIOD))?.status).toBe('approved');
  });

  it('the same decision delivered twice at once (a double click): the later delivery says the task was answered, not gone', async () => {
    const unitId = 'xa-binh-minh';
    const report = await submit(unitId);
    const arn = await step(() => startReview(unitId));
    const reviewerId = (await reviews().getAssignment(PERIOD, unitId))!.reviewerId;
    // Both requests read the approval while it was only decided; the first one delivers it.
    const decided = await approve(unitId, report, reviewerId);
    expect(await step(() => deliverDecision(decided))).toBe('delivered');
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    expect(await step(() => deliverDecision(decided, log))).toBe('superseded');
    expect(await appraiseApproval(unitId)).toMatchObject({ status: 'delivered' });
    expect(rt.sfn.describeExecution(arn).status).toBe('SUCCEEDED');
    // No warning that would send the operator looking for a lost decision.
    expect(lines.filter((l) => JSON.parse(l).level === 'warn')).toEqual([]);
    expect(lines.join('\n')).toContain('decision already delivered by another request');
  });

  it('a reviewer who never answers: the admins are told after the timeout and the same link keeps waiting', async () => {
    const unitId = 'xa-nam-phuc';
    await submit(unitId);
    const arn = await step(() => startReview(unitId));
    const before = await appraiseApproval(unitId);
    const sentBefore = (await emails()).length;
    await step(() => rt.advanceClock(new Date(rt.clock.now().getTime() + 5 * 86_400_000 + 60_000)));
    const escalations = (await emails())
      .slice(sentBefore)
      // Within the period's review time: the admins are kept informed, not told it is overdue.
      .filter((m) => m.subject.includes('Chưa có kết quả thẩm định'));
    expect(escalations.map((m) => m.destination.to[0]).sort()).toEqual(
      config.admins.map((a) => a.email).sort(),
    );
    expect(rt.sfn.describeExecution(arn).status).toBe('RUNNING');
    expect(rt.sfn.pendingTasks({ executionArn: arn }).map((t) => t.stateName)).toEqual(['AwaitAppraisal']);
    const after = await appraiseApproval(unitId);
    expect(after).toMatchObject({ id: before.id, status: 'pending', reminders: 1 });
    expect(after.tokenGen).toBe(before.tokenGen + 1);
    // No second review request: the reviewer's link is still the one mailed first.
    expect(
      (await emails()).filter(
        (m) => m.subject.includes('Đề nghị thẩm định') && m.subject.includes('Xã Nam Phúc'),
      ),
    ).toHaveLength(1);
  });

  it('printed no task token anywhere', () => {
    expect(tokensSeen.size).toBeGreaterThan(2);
    expect(output.length).toBeGreaterThan(0);
    for (const t of tokensSeen) expect(output).not.toContain(t);
  });
});
