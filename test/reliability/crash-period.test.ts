/**
 * `npm start`'s product killed (SIGKILL at named crash points, exact, not timed) again and again
 * through one scripted period — launch, the open's invitations, submits, returns, explanations,
 * approvals, the remind, deadline and close events, scoring, a review left unappraised — and
 * restarted on the same data after each kill. Between the named points the test also kills it
 * from outside at random moments of other actions (seeded; the seed is printed and
 * `THIDUA_KILL_SEED` replays a run's plan), wherever the work happens to be then. A crash-free
 * run of the same script, on its own data folder, runs beside it; at the end both stores must
 * tell the same story: the same reports, decisions, results versions and ranks; every email
 * identity once, sent or shown as ambiguous (the outbox: the SES emulator's store dies with the
 * process); every wait's deadline as in the crash-free run; every execution finished, nobody left
 * waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { seededRandom } from '../../examples/synthetic-names.ts';
import {
  freePort,
  type ProductProcess,
  readStore,
  startProductProcess,
} from '../local/fixtures/product-process.ts';
import { PeriodRun, periodScript, storedRecord } from './period-script.ts';

/**
 * Where the product is killed: the action of the script during which the point is passed, and the
 * point with its pass. Each restart carries the next one; a point its action did not reach (none
 * should) is skipped by a clean restart, and listed.
 */
const CRASHES: [string, string][] = [
  ['launch', 'local.after-journal:1'],
  ['advance 2022-10-01T08:00', 'invite.after-grant:4'],
  ['advance 2022-10-01T08:00', 'mail.after-claim:6'],
  ['advance 2022-10-01T08:00', 'invite.after-mail:5'],
  ['advance 2022-10-01T08:00', 'local.after-task.InviteUnit:5'],
  ['submit phong-noi-vu', 'submit.after-revision:1'],
  ['submit phong-tu-phap', 'report.after-revision:1'],
  ['submit phong-y-te', 'assign.after-slot:1'],
  ['submit xa-thanh-son', 'mail.after-send:1'],
  ['submit xa-hung-loc', 'local.after-task.AwaitAppraisal:1'],
  ['approve phong-noi-vu r1', 'appraise.after-claim:1'],
  ['approve phong-tu-phap r1', 'record-approval.after-status:1'],
  ['approve phong-y-te r1', 'appraise.after-delivery:1'],
  ['return xa-thanh-son r1', 'appraise.after-audit:1'],
  ['return xa-hung-loc r1', 'request-explanation.after-status:1'],
  ['explain xa-thanh-son', 'explain.after-revision:1'],
  ['explain xa-hung-loc', 'explain.after-claim:1'],
  ['approve xa-thanh-son r2', 'record-approval.after-final:1'],
  ['approve xa-hung-loc r2', 'record-approval.after-mail:1'],
  ['advance 2022-10-08T08:00', 'remind.after-mark:5'],
  ['advance 2022-10-11T17:00', 'late.after-mark:3'],
  ['advance 2022-10-21T17:00', 'close.after-status:1'],
  ['advance 2022-10-21T17:00', 'scoring.after-lines:1'],
  ['advance 2022-11-11T08:00', 'unappraised.after-close:1'],
];

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The script's product as a child process, restarted after each kill with the next point. */
class CrashRun extends PeriodRun {
  readonly root = mkdtempSync(join(tmpdir(), 'thidua-crash-period-'));
  readonly dataDir = join(this.root, 'demo');
  product: ProductProcess | undefined;
  readonly killedAt: string[] = [];
  /** Milliseconds from each spawn to a serving product (recovery included), for the log. */
  readonly startMs: number[] = [];
  readonly notReached: string[] = [];
  private current: [string, string] | undefined;
  private readonly port: number;
  private readonly crashes: [string, string][];
  /** Draws the random kills: whether an action gets one, and after how many ms. */
  private readonly random: (() => number) | undefined;
  private randomKills = 0;
  /** The last kill was a random one: the named point planned for the action is still to come. */
  private killedAtRandom = false;

  constructor(port: number, crashes: [string, string][], randomSeed?: number) {
    super();
    this.port = port;
    this.crashes = crashes;
    if (randomSeed !== undefined) this.random = seededRandom(randomSeed);
    roots.push(this.root);
  }

  /**
   * About one action in three that changes something (not a read of the inbox or the status) and
   * has no named point of its own is killed from outside after 0–150 ms, if it is still running
   * then (most take 50–300 ms); eight at most — wherever the product's work then is.
   */
  override async act<T>(what: string, action: (base: string) => Promise<T>): Promise<T> {
    const draw = this.random?.() ?? 1;
    const delay = Math.floor((this.random?.() ?? 0) * 150);
    const reads = what === 'inbox' || what === 'status';
    if (reads || draw >= 0.3 || this.randomKills >= 8 || this.current?.[0] === what) {
      return super.act(what, action);
    }
    const product = this.product as ProductProcess;
    let ended = false;
    void product.ended.then(() => {
      ended = true;
    });
    const timer = setTimeout(() => {
      // Not a process that already died at a named point (or was replaced since).
      if (ended || this.product !== product) return;
      this.randomKills++;
      this.killedAtRandom = true;
      this.killedAt.push(`random, ${delay} ms into ${what}`);
      product.kill('SIGKILL');
    }, delay);
    try {
      return await super.act(what, action);
    } finally {
      clearTimeout(timer);
    }
  }

  protected base(): string {
    return (this.product as ProductProcess).base;
  }

  override describe(): string {
    return `killed at ${this.killedAt}`;
  }

  /** Starts the product with the next crash point; one reached while it recovers kills it again. */
  async start(): Promise<void> {
    for (;;) {
      if (!this.killedAtRandom) this.current = this.crashes.shift();
      this.killedAtRandom = false;
      const env: NodeJS.ProcessEnv = { ...process.env, THIDUA_DATA_DIR: this.root, LOG_LEVEL: 'error' };
      delete env.THIDUA_CRASH_MODE;
      if (this.current) env.THIDUA_CRASH_AT = this.current[1];
      else delete env.THIDUA_CRASH_AT;
      const spawnedAt = performance.now();
      try {
        this.product = await startProductProcess(env, this.port);
        this.startMs.push(Math.round(performance.now() - spawnedAt));
        return;
      } catch (error) {
        if (!String(error).includes('ended before it served') || !this.current) throw error;
        this.killedAt.push(`${this.current[1]} (while recovering)`);
      }
    }
  }

  /** The point planned for this action was not reached: move on to the next one. */
  protected override async afterAction(what: string): Promise<void> {
    while (this.current?.[0] === what) {
      this.notReached.push(this.current[1]);
      const product = this.product as ProductProcess;
      product.kill('SIGTERM');
      await product.ended;
      await this.start();
    }
  }

  /** A kill is recovered by a restart on the same data; anything else fails the test. */
  protected async recover(what: string, error: unknown, attempt: number): Promise<void> {
    const product = this.product as ProductProcess;
    const ended = await Promise.race([
      product.ended,
      new Promise<null>((r) => setTimeout(() => r(null), 5_000)),
    ]);
    if (ended?.signal !== 'SIGKILL' || attempt >= 8) {
      throw new Error(`${what}: ${String(error)}\n${product.output()}`);
    }
    if (!this.killedAtRandom) this.killedAt.push(`${this.current?.[1]} (${what})`);
    await this.start();
  }

  async finish(): Promise<void> {
    const product = this.product as ProductProcess;
    product.kill('SIGTERM');
    expect((await product.ended).code).toBe(0);
  }
}

/** Prints what differs between the two runs' `part` (JSON lines present in one run only). */
function reportDifference(part: string, killed: unknown, reference: unknown): void {
  const lines = (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => JSON.stringify(x).slice(0, 400));
  const [k, r] = [lines(killed), lines(reference)];
  const onlyKilled = k.filter((x) => !r.includes(x));
  const onlyReference = r.filter((x) => !k.includes(x));
  if (onlyKilled.length + onlyReference.length === 0) return;
  console.log(
    `${part} differ — killed run only:\n${onlyKilled.slice(0, 10).join('\n')}\ncrash-free run only:\n${onlyReference.slice(0, 10).join('\n')}`,
  );
}

// One retry: in some full CI runs (all files in parallel on 2 cores) the first attempt fails and the
// second passes; a retried attempt's error is not reported, so each difference is also printed
// (below, beside the kills) to say which part differed.
it('killed at 20+ named points through a period, it ends as a crash-free run of the same script', {
  retry: 1,
  timeout: 1_200_000,
}, async () => {
  const seed = Number(process.env.THIDUA_KILL_SEED) || Date.now() % 1_000_000;
  const crashFree = new CrashRun(await freePort(), []);
  const crashed = new CrashRun(await freePort(), [...CRASHES], seed);
  const [reference, killed] = await Promise.all([periodScript(crashFree), periodScript(crashed)]);
  console.log(
    `killed ${crashed.killedAt.length} times (THIDUA_KILL_SEED=${seed}):\n${crashed.killedAt.join('\n')}`,
  );
  console.log(`not reached: ${crashed.notReached.join(', ') || 'none'}`);
  const sorted = [...crashed.startMs].sort((x, y) => x - y);
  console.log(
    `${sorted.length} starts served (recovery included): median ${sorted[sorted.length >> 1]} ms, ` +
      `${sorted[0]}–${sorted.at(-1)} ms; the crash-free run's ${crashFree.startMs.join(', ')} ms`,
  );
  expect(crashed.killedAt.filter((k) => !k.startsWith('random')).length).toBeGreaterThanOrEqual(20);
  reportDifference('waits', killed.waits, reference.waits);
  expect(killed.waits).toEqual(reference.waits);

  const [a, b] = [
    await readStore(crashFree.dataDir, storedRecord),
    await readStore(crashed.dataDir, storedRecord),
  ];
  for (const part of ['summaries', 'contents', 'decisions', 'versions'] as const) {
    reportDifference(part, b[part], a[part]);
  }
  expect(b.summaries).toEqual(a.summaries);
  expect(b.contents).toEqual(a.contents);
  expect(b.decisions).toEqual(a.decisions);
  expect(b.versions).toEqual(a.versions);
  expect(a.versions.length).toBeGreaterThan(0);
  // The same identities; each once (the outbox key), sent, or ambiguous where a kill hit the send.
  const shown = (r: (typeof a.mail)[number]) =>
    `${r.key} ${r.status} attempt ${r.attempt}, claimed ${r.claimedAt}${r.lastError ? ` (${r.lastError})` : ''}`;
  reportDifference('mail identities', b.mail.map((r) => r.key).sort(), a.mail.map((r) => r.key).sort());
  reportDifference(
    'mail neither sent nor ambiguous, or sent twice',
    b.mail.filter((r) => (r.status !== 'sent' && r.status !== 'ambiguous') || r.attempt > 1).map(shown),
    [],
  );
  expect(b.mail.map((r) => r.key).sort()).toEqual(a.mail.map((r) => r.key).sort());
  expect(a.mail.filter((r) => r.status !== 'sent').map(shown), 'the crash-free run sent every mail').toEqual(
    [],
  );
  const unsure = b.mail.filter((r) => r.status !== 'sent');
  expect(unsure.filter((r) => r.status !== 'ambiguous').map(shown)).toEqual([]);
  expect(b.mail.filter((r) => r.attempt > 1).map(shown)).toEqual([]);
  console.log(`${b.mail.length} emails, ${unsure.length} ambiguous (shown to the admin)`);
});
