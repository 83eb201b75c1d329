/**
 * A province-sized campaign on the steps' test bed: the generator's campaign of N units
 * (examples/generate-campaign.ts) stored as the launch stores it, its first period opened and
 * every report the generator made submitted, the appraised ones approved with their appraisal as
 * the final decision's payload and the admin's adjustments recorded — what the units and reviewers
 * leave in the store by review close. The state machines come from the synthesized demo stack
 * (their ASL does not depend on the number of units) and run on a local engine whose Lambda
 * tasks are the real handlers, in-process.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadDistrict } from '#domain/config-files';
import type { Appraisal, Period } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { DistrictStack } from '#infra/district-stack';
import { type ExtractedStateMachine, extractStateMachines } from '#local/runtime/asl';
import { functionNameOf } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { dynamoClient } from '#local/runtime/emulators';
import { LocalLambdas } from '#local/runtime/lambda';
import { type Json, SfnEngine } from '#local/runtime/sfn-engine';
import { digestStack, localApp } from '#local/runtime/stack';
import type { Actor } from '#ports/actor';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { mapLimited } from '#steps/concurrency';
import { itemSize } from '../../bench/dynamodb-capacity.ts';
import { generateCampaign, type SyntheticCampaign } from '../../examples/generate-campaign.ts';
import { type CycleBed, startCycleBed } from '../functions/cycle-harness.ts';
import { seedApproval } from '../helpers/ports.ts';

const HOUR = 3_600_000;
const ADMIN: Actor = { kind: 'admin', id: 'seed-admin' };

export interface ProvinceBed extends CycleBed {
  campaign: SyntheticCampaign;
  period: Period;
  /** The demo stack's state machines, by local name (`Period`, `Scoring`, …). */
  machines: Map<string, ExtractedStateMachine>;
  /** Each function's Lambda timeout in the stack, by logical id. */
  timeouts: Map<string, number>;
}

/** Starts the bed and stores an N-unit campaign; the clock at the first period's opening. */
export async function startProvinceBed(units: number, seed = 9): Promise<ProvinceBed> {
  const campaign = generateCampaign({ units, seed, periods: 1 });
  const first = campaign.periods[0];
  if (!first) throw new Error('the generator made no period');
  const bed = await startCycleBed(new Date(first.period.opensAt), { store: false });
  bed.config = campaign.config;
  bed.criteriaSets = campaign.criteriaSets;
  await storeCampaign({ config: campaign.config, criteriaSets: campaign.criteriaSets });
  const demo = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-01T00:00:00Z') });
  const stack = new DistrictStack(localApp(), 'Thidua-demo', demo);
  const machines = new Map<string, ExtractedStateMachine>();
  const digest = digestStack(stack);
  for (const m of extractStateMachines(digest))
    for (const name of [m.name, ...m.aliases]) machines.set(name, m);
  const timeouts = new Map<string, number>();
  for (const [id, resource] of Object.entries(digest.template.Resources ?? {})) {
    const timeout = (resource.Properties as { Timeout?: unknown } | undefined)?.Timeout;
    if (resource.Type === 'AWS::Lambda::Function' && typeof timeout === 'number') timeouts.set(id, timeout);
  }
  return Object.assign(bed, { campaign, period: first.period, machines, timeouts });
}

/**
 * Every report the generator made submitted (about 97 % of the units); one in `approveEvery` of
 * them approved with its appraisal and adjustments, the others left waiting for review — the
 * period a reviewer shortage leaves, where review close has the most to report.
 */
export async function seedSubmissions(bed: ProvinceBed, approveEvery: number): Promise<void> {
  const first = bed.campaign.periods[0];
  if (!first) throw new Error('the generator made no period');
  const { period } = first;
  bed.setNow(new Date(Date.parse(period.opensAt) + HOUR));
  await mapLimited(first.reports, 16, async (report, i) => {
    const { unitId } = report;
    const actor: Actor = { kind: 'unit', id: unitId };
    await reports().writeRevision(unitId, period.id, { report, expectedVersion: 0, actor, kind: 'submit' });
    const input = first.inputs[unitId];
    if (i % approveEvery !== 0 || input?.status !== 'approved' || !input.appraised) return;
    const appraisal: Appraisal = {
      unitId,
      periodId: period.id,
      criteriaSetId: report.criteriaSetId,
      reviewerId: 'seed-reviewer',
      entries: Object.fromEntries(
        Object.entries(input.appraised).map(([leafId, score]) => [leafId, { score, comment: '' }]),
      ),
    };
    await seedApproval(appraisal);
    if (input.survey != null || input.bonus || input.penalty) {
      const adjustments = {
        survey: input.survey ?? null,
        bonus: input.bonus ?? 0,
        penalty: input.penalty ?? 0,
      };
      await results().putAdjustments(unitId, period.id, adjustments, ADMIN);
    }
  });
}

/** A Map iteration's task answered by a stand-in: its payloads, in the order they came. */
export type StandIn = { entry: string; received: unknown[] };

/**
 * Runs one execution of an extracted state machine on a fresh local engine whose tasks call the
 * real handlers in-process, except the tasks of `standIns` (handler files), which record their
 * payload and answer `{}` (a Map's per-unit task, whose output the Map drops); answers the
 * execution's description and history (every state's input and output).
 */
export async function runMachine(
  bed: ProvinceBed,
  machineName: string,
  execution: { name: string; input: object },
  standIns: StandIn[] = [],
) {
  const machine = bed.machines.get(machineName);
  if (!machine) throw new Error(`no state machine ${machineName}`);
  const clock = new VirtualClock(bed.now);
  const functions = new Map(
    [...machine.functionsByLogicalId].map(([id, entry]) => [
      id,
      { entry, timeoutSeconds: bed.timeouts.get(id) ?? 3 },
    ]),
  );
  const real = new LocalLambdas(functions, undefined, () => bed.now);
  let standing = 0;
  const lambdas = {
    get inFlight() {
      return real.inFlight + standing;
    },
    async invoke(arn: string, event: unknown): Promise<unknown> {
      const entry = machine.functionsByLogicalId.get(functionNameOf(arn));
      const standIn = standIns.find((s) => s.entry === entry);
      if (!standIn) return real.invoke(arn, event);
      standing++;
      try {
        await new Promise<void>((r) => setImmediate(r));
        standIn.received.push(event);
        return {};
      } finally {
        standing--;
      }
    },
    invokeAsync: (arn: string, event: unknown) => real.invokeAsync(arn, event),
  };
  // The engine calls only these three members of LocalLambdas.
  const engine = new SfnEngine({ clock, lambdas: lambdas as unknown as LocalLambdas });
  engine.registerStateMachine(machine);
  const { executionArn } = engine.startExecution({
    stateMachineArn: machine.name,
    name: execution.name,
    // An execution input (workflows/executions.ts) is plain JSON data.
    input: execution.input as Json,
  });
  const description = await bed.invoke(() => engine.waitForExecution(executionArn), undefined);
  const history = engine.history(executionArn);
  await engine.stop();
  return { description, history };
}

/** The UTF-8 bytes of every state's input and output in a history, largest first. */
export function statePayloads(history: readonly { type: string; [k: string]: unknown }[]) {
  const sizes: { state: string; bytes: number }[] = [];
  for (const event of history) {
    const state = event.state as { name?: string; input?: unknown; output?: unknown } | undefined;
    if (!state?.name) continue;
    for (const value of [state.input, state.output]) {
      if (value !== undefined)
        sizes.push({ state: state.name, bytes: Buffer.byteLength(JSON.stringify(value)) });
    }
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}

/** Every item of the table with its size by DynamoDB's rules (UTF-8 names and values), largest first. */
export async function storedItems(bed: CycleBed): Promise<{ pk: string; sk: string; bytes: number }[]> {
  const client = dynamoClient(bed.emulators.dynamodbUrl);
  const table = process.env.TABLE_NAME;
  const out: { pk: string; sk: string; bytes: number }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        // The SDK's AttributeValue union and the meter's Item describe the same wire JSON.
        ...(start ? { ExclusiveStartKey: start as never } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      out.push({
        pk: String(item.pk?.S),
        sk: String(item.sk?.S),
        bytes: itemSize(item as Parameters<typeof itemSize>[0]),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => b.bytes - a.bytes);
}
