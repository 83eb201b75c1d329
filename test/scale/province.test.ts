/**
 * A province of 2,000 units through the steps that write: the campaign stored; the period's
 * `open` execution; every report submitted, one in ten appraised; review closed; the `scoring`
 * execution (results v1 stored per unit, the leadership digest). The state machines are the
 * stack's and their steps the real handlers, except each Map's per-unit task (InviteUnit,
 * PublishToUnit), which records the payload it gets; the real handler then runs for a sample of
 * them, since what one unit's step stores does not grow with the number of units.
 * What must hold at this size: every stored item far under DynamoDB's 400 KB, every execution
 * input under 32 KB (ids, never the config), every state's payload under Step Functions' 256 KB.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as closePeriod } from '#functions/period/close-period';
import { handler as inviteUnit } from '#functions/period/invite-unit';
import { handler as publishResult } from '#functions/scoring/publish-result';
import { REVIEW_CLOSED_ROWS } from '#mail/period';
import { campaigns } from '#ports/dynamo/campaigns';
import { launchExecution, periodExecution, scoringExecution } from '#workflows/executions';
import { BASE_URL } from '../functions/harness.ts';
import {
  type ProvinceBed,
  runMachine,
  type StandIn,
  seedSubmissions,
  startProvinceBed,
  statePayloads,
  storedItems,
} from './province-bed.ts';

const UNITS = 2000;
/** DynamoDB's item limit is 400 KB; "far under" is a tenth of it. */
const ITEM_LIMIT = 40_000;
const INPUT_LIMIT = 32 * 1024;
const STATE_LIMIT = 256 * 1024;

let bed: ProvinceBed;
const inputs: { name: string; bytes: number }[] = [];
const states: { state: string; bytes: number }[] = [];
const invites: StandIn = { entry: 'functions/period/invite-unit.ts', received: [] };
const publishes: StandIn = { entry: 'functions/scoring/publish-result.ts', received: [] };
/** Units whose per-unit steps run for real: the per-unit items are the same size for every unit. */
const SAMPLE = 40;

/** Runs an execution as its starter names it; keeps its input's size and its states' sizes. */
async function run(machine: string, execution: { name: string; input: object }, standIns: StandIn[]) {
  inputs.push({ name: execution.name, bytes: Buffer.byteLength(JSON.stringify(execution.input)) });
  const { description, history } = await runMachine(bed, machine, execution, standIns);
  states.push(...statePayloads(history));
  return description;
}

/** Every `step`-th of the Map's payloads, handed to the real handler. */
async function sampleOf(standIn: StandIn, handler: (event: unknown, context: Context) => Promise<unknown>) {
  const step = Math.ceil(standIn.received.length / SAMPLE);
  for (const [i, event] of standIn.received.entries()) if (i % step === 0) await bed.invoke(handler, event);
}

beforeAll(async () => {
  bed = await startProvinceBed(UNITS);
  const header = await campaigns().getHeader({ consistent: true });
  if (!header) throw new Error('campaign not stored');
  const launch = launchExecution({ version: header.version, contentHash: header.contentHash });
  inputs.push({ name: launch.name, bytes: Buffer.byteLength(JSON.stringify(launch.input)) });

  const p = bed.period;
  bed.setNow(new Date(p.opensAt));
  expect((await run('Period', periodExecution(p.id, 'open'), [invites])).status).toBe('SUCCEEDED');
  await sampleOf(invites, inviteUnit);
  // Reviewers approve one report in ten: review close finds about 1,750 still waiting.
  await seedSubmissions(bed, 10);
  bed.setNow(new Date(Date.parse(p.reviewClosesAt) + 60_000));
  await bed.invoke(closePeriod, { periodId: p.id });
  const scoring = scoringExecution(p.id, { trigger: 'close' });
  expect((await run('Scoring', scoring, [publishes])).status).toBe('SUCCEEDED');
  await sampleOf(publishes, publishResult);
}, 600_000);
afterAll(async () => {
  await bed?.stop();
});

describe(`a province of ${UNITS} units`, { timeout: 60_000 }, () => {
  it('reached every unit: invited, scored, its results published; admins told of the waiting reports', async () => {
    const ids = (standIn: StandIn) => standIn.received.map((e) => (e as { unitId: string }).unitId).sort();
    const all = bed.config.units.map((u) => u.id).sort();
    expect(ids(invites)).toEqual(all);
    expect(ids(publishes)).toEqual(all);
    const mails = await bed.emails();
    const count = (needle: string) => mails.filter((m) => m.subject.includes(needle)).length;
    expect(count('Mời nộp báo cáo')).toBe(SAMPLE);
    const leaders = new Set([...bed.config.leadership, ...bed.config.admins].map((x) => x.email));
    expect(count('Kết quả thi đua')).toBe(SAMPLE + leaders.size);
    // A province's communes are xã and phường (no thị trấn since 01/07/2025), in every results mail.
    const results = mails.filter((m) => m.subject.includes('Kết quả thi đua'));
    expect(results.filter((m) => /khối xã, phường/i.test(m.body.text ?? '')).length).toBeGreaterThan(
      leaders.size,
    );
    expect(results.filter((m) => (m.body.text ?? '').includes('thị trấn'))).toEqual([]);
    const alerts = mails.filter((m) => m.subject.includes('chưa thẩm định xong'));
    expect(alerts).toHaveLength(bed.config.admins.length);
    // A digest: the first reports named, the rest counted, the period's page linked.
    const waiting = Number(/: (\d+) báo cáo chưa thẩm định xong/.exec(alerts[0]?.subject ?? '')?.[1]);
    expect(waiting).toBeGreaterThan(UNITS / 2);
    expect(alerts[0]?.body.text).toContain(
      `Và ${waiting - REVIEW_CLOSED_ROWS} báo cáo khác chưa thẩm định xong`,
    );
    expect(alerts[0]?.body.text).toContain(`${BASE_URL}/admin/periods/${bed.period.id}`);
  });

  it('stores no item near 400 KB: the largest is a small fraction of it', async () => {
    const items = await storedItems(bed);
    const resultLines = items.filter((i) => i.sk.startsWith('RESLINE#'));
    expect(resultLines).toHaveLength(UNITS);
    const largest = items[0];
    if (!largest) throw new Error('nothing stored');
    console.log(`largest item at ${UNITS} units: ${largest.pk} / ${largest.sk}, ${largest.bytes} bytes`);
    expect(largest.bytes).toBeLessThan(ITEM_LIMIT);
  });

  it('starts executions with ids only and keeps every state far under 256 KB', () => {
    const largestInput = inputs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const largestState = states.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    console.log(
      `largest execution input: ${largestInput.name}, ${largestInput.bytes} bytes; ` +
        `largest state payload: ${largestState.state}, ${largestState.bytes} bytes`,
    );
    expect(largestInput.bytes).toBeLessThan(INPUT_LIMIT);
    // The Map's item lists are bare unit ids: 2,000 of them in a state that holds them.
    expect(largestState.bytes).toBeGreaterThan(UNITS * 10);
    expect(largestState.bytes).toBeLessThan(STATE_LIMIT);
  });
});
