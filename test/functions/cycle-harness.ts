/**
 * The test bed of the campaign-cycle steps: the review steps' bed (dynalite + aws-ses-v2-local,
 * the environment a deployed function gets, a clock the test moves) plus the local Step
 * Functions endpoint (with a one-state stand-in for each state machine the steps start) and the
 * local EventBridge Scheduler (with the stack's schedule group), so the handlers call them
 * through the real SDK clients, as deployed.
 */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { indexCriteria } from '#domain/criteria-tree';
import type { Appraisal, Period, Report } from '#domain/model';
import { handler as decisionHandler } from '#functions/http/decision';
import { stateMachineArn } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { LocalLambdas } from '#local/runtime/lambda';
import { LocalScheduler } from '#local/runtime/scheduler';
import { type LocalEndpoint, startSfnEndpoint } from '#local/runtime/sfn-endpoint';
import { SfnEngine } from '#local/runtime/sfn-engine';
import type { Actor } from '#ports/actor';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { readAppraisals } from '../../cli/appraisals.ts';
import { seedApproval } from '../helpers/ports.ts';
import { type Bed, captureOutput, lambdaContext, startBed } from './harness.ts';

export const SCHEDULE_GROUP = 'thidua-demo';
export const STARTER_ARN = 'arn:aws:lambda:ap-southeast-1:000000000000:function:thidua-demo-starter';
export const WORKFLOWS = ['launch', 'period', 'scoring', 'commendation', 'review'] as const;
/** The demo's launch: 02/08/2022 08:00 in Hà Nội. */
export const LAUNCH = new Date('2022-08-02T01:00:00Z');

export interface CycleBed extends Bed {
  engine: SfnEngine;
  scheduler: LocalScheduler;
  /** Names of the executions started on the local engine, oldest first. */
  executions(workflow?: string): string[];
  invoke<T>(
    handler: (event: unknown, context: typeof lambdaContext) => Promise<T>,
    event: unknown,
  ): Promise<T>;
  /** Everything the handlers printed (checked for secrets). */
  output(): string;
}

const EXTRA_ENV = [
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_SCHEDULER',
  'STATE_MACHINE_ARNS',
  'SCHEDULE_GROUP',
  'STARTER_ARN',
  'SCHEDULE_ROLE_ARN',
  'SCHEDULE_DLQ_ARN',
] as const;

export async function startCycleBed(
  now: Date = LAUNCH,
  options: { store?: boolean } = {},
): Promise<CycleBed> {
  const clock = new VirtualClock(now);
  const lambdas = new LocalLambdas(new Map());
  const engine = new SfnEngine({ clock, lambdas });
  for (const name of WORKFLOWS) {
    engine.registerStateMachine({
      name,
      definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
    });
  }
  const endpoint: LocalEndpoint = await startSfnEndpoint(engine);
  const scheduler = new LocalScheduler({ clock, lambdas });
  await scheduler.start();
  scheduler.createGroup(SCHEDULE_GROUP);
  const previous = Object.fromEntries(EXTRA_ENV.map((k) => [k, process.env[k]]));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SFN: endpoint.url,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    STATE_MACHINE_ARNS: JSON.stringify(Object.fromEntries(WORKFLOWS.map((w) => [w, stateMachineArn(w)]))),
    SCHEDULE_GROUP,
    STARTER_ARN,
    SCHEDULE_ROLE_ARN: 'arn:aws:iam::000000000000:role/thidua-demo-schedules',
    SCHEDULE_DLQ_ARN: 'arn:aws:sqs:ap-southeast-1:000000000000:thidua-demo-schedules-dlq',
  });
  const bed = await startBed({ store: false });
  bed.setNow(now);
  if (options.store !== false) {
    const { storeCampaign } = await import('#functions/launch/campaign');
    await storeCampaign({ config: bed.config, criteriaSets: bed.criteriaSets });
  }
  let printed = '';
  const stopBed = bed.stop;
  const cycle: CycleBed = Object.assign(bed, {
    engine,
    scheduler,
    executions: (workflow?: string) =>
      engine
        .listExecutions(workflow ? { stateMachineArn: workflow } : {})
        .sort((a, b) => a.startDate.getTime() - b.startDate.getTime())
        .map((e) => e.name),
    async invoke<T>(handler: (event: unknown, context: typeof lambdaContext) => Promise<T>, event: unknown) {
      const { result, output } = await captureOutput(async () => {
        try {
          return { ok: true as const, value: await handler(event, lambdaContext) };
        } catch (error) {
          return { ok: false as const, error };
        }
      });
      printed += output;
      if (!result.ok) throw result.error;
      return result.value;
    },
    output: () => printed,
    stop: async () => {
      await stopBed();
      await scheduler.close();
      await endpoint.close();
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  });
  return cycle;
}

/** Moves the bed's clock (what the handlers and the store read). */
export function at(bed: Bed, instant: string | Date): void {
  bed.setNow(instant instanceof Date ? instant : new Date(instant));
}

const HOUR = 3_600_000;

/**
 * Stores the year of examples/appraisals-2024.yaml as the units and reviewers would have left it:
 * each period opened and closed; every unit the file lists submitted its report before the
 * deadline; approved ones carry the file's scores as their one appraisal, with the survey,
 * bonus and penalty recorded by the admin; `submitted-not-appraised` ones stay submitted.
 */
export async function seedAppraisedYear(
  bed: Bed,
  file = 'examples/appraisals-2024.yaml',
  options: {
    initiatives?: (unitId: string, period: Period) => Report['initiatives'];
    nominations?: (unitId: string, period: Period) => Report['nominations'];
  } = {},
): Promise<Period[]> {
  const appraisals = readAppraisals(file, { config: bed.config, criteriaSets: bed.criteriaSets });
  const admin: Actor = { kind: 'admin', id: 'tran-quoc-huy' };
  for (const p of appraisals.periods) {
    const period = p.period;
    at(bed, new Date(Date.parse(period.opensAt) + HOUR));
    await campaigns().setPeriodStatus(period.id, 'scheduled', 'open');
    for (const [unitId, input] of Object.entries(p.inputs)) {
      if (input.status === 'not-submitted') continue;
      const unit = bed.config.units.find((u) => u.id === unitId)!;
      const set = p.setsByGroup[unit.group]!;
      const leaves = indexCriteria(set).leaves.map((l) => l.leaf);
      const scores = input.appraised ?? Object.fromEntries(leaves.map((l) => [l.id, l.max]));
      const report: Report = {
        unitId,
        periodId: period.id,
        criteriaSetId: set.id,
        entries: Object.fromEntries(
          leaves.map((l) => [
            l.id,
            { selfScore: scores[l.id] ?? 0, explanation: 'Đã thực hiện.', evidence: [{ number: '1/BC' }] },
          ]),
        ),
        initiatives: options.initiatives?.(unitId, period) ?? [],
        nominations: options.nominations?.(unitId, period) ?? [],
        selfCheck: { t05: [true, true, true, true, true], k05: [true, true, true, true, true] },
      };
      const actor: Actor = { kind: 'unit', id: unitId };
      await reports().writeRevision(unitId, period.id, { report, expectedVersion: 0, actor, kind: 'submit' });
      if (input.status !== 'approved') continue;
      const appraisal: Appraisal = {
        unitId,
        periodId: period.id,
        criteriaSetId: set.id,
        reviewerId: 'pham-thi-lan',
        entries: Object.fromEntries(
          Object.entries(scores).map(([id, score]) => [id, { score, comment: '' }]),
        ),
      };
      await seedApproval(appraisal);
      if (input.survey != null || input.bonus || input.penalty) {
        await results().putAdjustments(
          unitId,
          period.id,
          { survey: input.survey ?? null, bonus: input.bonus ?? 0, penalty: input.penalty ?? 0 },
          admin,
        );
      }
    }
    at(bed, new Date(Date.parse(period.reviewClosesAt) + HOUR));
    await campaigns().setPeriodStatus(period.id, 'open', 'closed');
  }
  return appraisals.periods.map((p) => p.period);
}

/** A request to the `/d` page as API Gateway (HTTP API, payload v2) delivers it, answered in process. */
export async function decisionPage(
  bed: CycleBed,
  method: 'GET' | 'POST',
  url: URL,
  form?: URLSearchParams,
): Promise<{ status: number; body: string }> {
  const event = {
    version: '2.0',
    routeKey: `${method} /d`,
    rawPath: '/d',
    rawQueryString: url.search.slice(1),
    headers: {
      host: url.host,
      'user-agent': 'vitest',
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin } : {}),
    },
    requestContext: { http: { method, path: '/d', sourceIp: '203.0.113.8', userAgent: 'vitest' } },
    body: form ? form.toString() : undefined,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const res = (await bed.invoke(decisionHandler as never, event)) as { statusCode: number; body: string };
  return { status: res.statusCode, body: res.body };
}
