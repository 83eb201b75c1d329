/**
 * The whole product on the local engine, as the campaign-year and restart tests drive it: the demo
 * district's `DistrictStack` (the construct `cdk deploy` deploys) run by the local runtime — the
 * state machines extracted from its synthesized template, the real handlers in-process, dynalite,
 * aws-ses-v2-local, the local Step Functions endpoint and Scheduler on the virtual clock — and its
 * pages served by the local HTTP adapter, whose address is the `BASE_URL` of every mailed link.
 *
 * People act only as people do: they read their mail (the outbox, the district's record of what
 * was sent; the SES emulator's store is checked against it) and follow its links over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { criteriaSetFor, periodById, zonedInstant } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, DistrictConfig, Period, Unit } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import type { WorkflowName } from '#infra/district-stack';
import { districtDigest } from '#local/product/stack-cache';
import { type LocalHttpServer, pageRoutes, startHttpServer } from '#local/runtime/http';
import { type LocalRuntime, startLocalRuntime, stopLocalRuntime } from '#local/runtime/runtime';
import { resetAwsClients } from '#ports/aws';
import { outbox } from '#ports/dynamo/outbox';
import type { MailIdentity, OutboxRecord } from '#ports/outbox';
import { resetPorts } from '#ports/registry';
import { launchExecution } from '#workflows/executions';

export const DISTRICT_FILE = 'districts/demo.yaml';

export interface SesMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export interface CampaignHarness {
  rt: LocalRuntime;
  http: LocalHttpServer;
  /** `http://127.0.0.1:<port>`: the pages, and `BASE_URL` of every link. */
  base: string;
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  dataDir: string | undefined;
  signingKeyFile: string;
  /** The local ARN of a workflow's state machine. */
  workflowArn(workflow: WorkflowName): string;
  /** Every one-time clock event that fired, in order, with the virtual time it fired at. */
  timeline: { at: Date; label: string }[];
  /**
   * Moves the clock to its next one-time event with `advanceToNextEvent` (everything due then
   * fires and settles); returns the labels of the events that were due.
   */
  advance(): Promise<{ at: Date; labels: string[] }>;
  /** Advances event by event until an event whose label ends with `/<scheduleName>` fired. */
  advanceThrough(scheduleName: string, maxEvents?: number): Promise<{ at: Date; labels: string[] }[]>;
  /** The mail the outbox holds for one message identity (what the person received). */
  mail(identity: MailIdentity): Promise<OutboxRecord>;
  /** The `/r` or `/d` link in a mail's text. */
  linkIn(mail: { text?: string; body?: { text?: string } }, path: '/r' | '/d'): string;
  /** Every mail the SES emulator accepted since this runtime started. */
  sesMails(): Promise<SesMail[]>;
  /** Stops the runtime and the pages (the data folder, if any, is kept). */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Keep DynamoDB, schedules and the clock on disk here (a restart resumes them). */
  dataDir?: string;
  /** The signing key file (kept across a restart so mailed links stay valid). */
  signingKeyFile?: string;
  /** The pages' port (a restart serves the mailed links on the same address). */
  port?: number;
}

/** The plan date at 08:00 in the district's zone: where `npm start`'s clock starts. */
export function planInstant(config: DistrictConfig): Date {
  return new Date(zonedInstant(config.campaign.planDate, '08:00', config.district.timeZone));
}

export async function startCampaign(options: HarnessOptions = {}): Promise<CampaignHarness> {
  const previousLogLevel = process.env.LOG_LEVEL;
  // A year of handler logs is megabytes of info lines; warnings and errors still print.
  process.env.LOG_LEVEL = 'warn';
  const { config, criteriaSets } = loadDistrict(DISTRICT_FILE, { now: new Date('2022-08-02T00:00:00Z') });
  const keyDir = options.signingKeyFile ? undefined : mkdtempSync(join(tmpdir(), 'thidua-e2e-key-'));
  const signingKeyFile = options.signingKeyFile ?? join(keyDir as string, 'signing-key.json');

  // The pages first: their address is the base URL every handler signs links for.
  const http = await startHttpServer({ routes: await pageRoutes(), port: options.port ?? 0 });
  const { digest, workflows } = await districtDigest('demo', { config, criteriaSets });
  let rt: LocalRuntime;
  try {
    rt = await startLocalRuntime({
      stack: digest,
      clockStart: planInstant(config),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      refOverrides: { 'AWS::ApiGatewayV2::Api.ApiEndpoint': http.url },
      extraEnv: { BASE_URL: http.url, SIGNING_KEY_FILE: signingKeyFile },
    });
  } catch (error) {
    await http.close();
    throw error;
  }
  // Clients and ports made before the runtime set the endpoints must be made again.
  resetAwsClients();
  resetPorts();

  const timeline: { at: Date; label: string }[] = [];
  const advance = async () => {
    await rt.settle();
    const next = rt.clock.nextEventTime();
    if (!next) throw new Error(`No event left on the clock (now ${rt.clock.now().toISOString()})`);
    const recurring = (label: string) => {
      const name = /^schedule [^/]+\/(.+)$/.exec(label)?.[1];
      return rt.scheduler
        .listSchedules()
        .some((s) => s.Name === name && s.ScheduleExpression.startsWith('rate('));
    };
    const labels = rt.clock
      .pending()
      .filter((t) => t.at.getTime() <= next.getTime() && !recurring(t.label))
      .map((t) => t.label);
    const at = await rt.advanceToNextEvent();
    if (!at) throw new Error('advanceToNextEvent moved nothing');
    for (const label of labels) timeline.push({ at, label });
    return { at, labels };
  };

  const linkIn = (mail: { text?: string; body?: { text?: string } }, path: '/r' | '/d') => {
    const text = mail.text ?? mail.body?.text ?? '';
    const escaped = http.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const url = new RegExp(`${escaped}${path === '/r' ? '/r' : '/d'}\\?[^\\s"<>]+`).exec(text)?.[0];
    if (!url) throw new Error(`No ${path} link in the mail:\n${text.slice(0, 400)}`);
    return url;
  };

  const harness: CampaignHarness = {
    rt,
    http,
    base: http.url,
    config,
    criteriaSets,
    dataDir: options.dataDir,
    signingKeyFile,
    workflowArn: (w) => rt.stateMachineArn(workflows[w]),
    timeline,
    advance,
    advanceThrough: async (scheduleName, maxEvents = 60) => {
      const steps: { at: Date; labels: string[] }[] = [];
      for (let i = 0; i < maxEvents; i++) {
        const step = await advance();
        steps.push(step);
        if (step.labels.some((l) => l.endsWith(`/${scheduleName}`))) return steps;
      }
      throw new Error(
        `${scheduleName} did not fire within ${maxEvents} events: ${steps.flatMap((s) => s.labels).join(', ')}`,
      );
    },
    mail: async (identity) => {
      const found = await outbox().get({ round: 0, ...identity });
      if (!found) throw new Error(`No mail in the outbox for ${JSON.stringify(identity)}`);
      return found;
    },
    linkIn,
    sesMails: async () =>
      ((await (await fetch(`${rt.endpoints.sesv2}/store`)).json()) as { emails: SesMail[] }).emails,
    stop: async () => {
      await http.close();
      await stopLocalRuntime(rt);
      resetPorts();
      resetAwsClients();
      if (previousLogLevel === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previousLogLevel;
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    },
  };
  return harness;
}

// ---------------------------------------------------------------- what people send

/** POSTs a form as a browser posting our own page does. */
export function postForm(url: string, form: URLSearchParams): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

/** Hundredths of a point as the pages show and accept them: `1,25`. */
export function points(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const frac = hundredths % 100;
  return frac === 0 ? String(whole) : `${whole},${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

export type Scores = Record<string, number>;

export function leavesOf(set: CriteriaSet): { id: string; max: number }[] {
  return indexCriteria(set).leaves.map(({ leaf }) => ({ id: leaf.id, max: leaf.max }));
}

/**
 * A unit's self-assessment: each leaf near `quality` × its maximum, varied by a seed per leaf and
 * rounded to a quarter point (0.25 steps, as units score), never above the maximum.
 */
export function selfScores(set: CriteriaSet, quality: number, seed: string): Scores {
  const scores: Scores = {};
  for (const [i, leaf] of leavesOf(set).entries()) {
    let h = 0;
    for (const ch of `${seed}:${leaf.id}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    const wobble = ((h % 11) - 5) / 100; // −0.05 … +0.05
    const q = Math.min(1, Math.max(0, quality + (i % 3 === 0 ? wobble : -wobble / 2)));
    scores[leaf.id] = Math.min(leaf.max, Math.round((leaf.max * q) / 25) * 25);
  }
  return scores;
}

/** The report form a unit fills in from its invitation link: every leaf, evidence, the self-check. */
export function reportForm(
  set: CriteriaSet,
  scores: Scores,
  opts: {
    version: number;
    action: 'submit' | 'save' | 'explain';
    unit: Unit;
    period: Period;
    response?: string;
    initiative?: { id: string; title: string; description: string; effect: string };
  },
): URLSearchParams {
  const form = new URLSearchParams({
    version: String(opts.version),
    action: opts.action,
    selfcheck: '1',
    summary: `Báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính ${opts.period.id} của ${opts.unit.name}.`,
  });
  const closed = opts.period.end.split('-').reverse().join('/');
  for (const leaf of leavesOf(set)) {
    form.set(`score[${leaf.id}]`, points(scores[leaf.id] ?? 0));
    form.set(`explanation[${leaf.id}]`, `Đã triển khai nội dung ${leaf.id} theo kế hoạch CCHC năm.`);
    form.set(
      `evidence[${leaf.id}][0][number]`,
      `${leaf.id.replace(/\./g, '')}/BC-${opts.unit.id.slice(0, 12)}`,
    );
    form.set(`evidence[${leaf.id}][0][date]`, closed);
    form.set(`evidence[${leaf.id}][0][issuer]`, opts.unit.name);
  }
  for (let i = 0; i < 5; i++) {
    form.append('t05', String(i));
    form.append('k05', String(i));
  }
  if (opts.response) form.set('response', opts.response);
  if (opts.initiative) {
    form.set('initiative[0][id]', opts.initiative.id);
    form.set('initiative[0][title]', opts.initiative.title);
    form.set('initiative[0][description]', opts.initiative.description);
    form.set('initiative[0][effect]', opts.initiative.effect);
  }
  return form;
}

/**
 * The reviewer's form: every input as the page filled it, the decision, and the changes, as the
 * confirmation page sends it (`confirm=yes`: the second press; test/http/decision.test.ts and
 * test/http/review-loop.test.ts go through the confirmation page itself).
 */
export function reviewForm(
  page: string,
  decision: 'approve' | 'return',
  changes: Record<string, string> = {},
) {
  return pageForm(page, { decision, confirm: 'yes', ...changes });
}

/** What a browser sends from a page's form: its text and hidden inputs as filled, then `fields`. */
export function pageForm(page: string, fields: Record<string, string> = {}): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of page.matchAll(
    /<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  )) {
    form.set(m[1] as string, unescapeHtml(m[2] as string));
  }
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** The review page's form without reading the page: the scores as appraised, no comments. */
export function appraisalForm(scores: Scores, reportVersion: number, decision: 'approve' | 'return') {
  const form = new URLSearchParams({ decision, confirm: 'yes', reportVersion: String(reportVersion) });
  for (const [leaf, score] of Object.entries(scores)) {
    form.set(`score[${leaf}]`, points(score));
    form.set(`comment[${leaf}]`, '');
  }
  return form;
}

export function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Runs `fn` over `items`, `size` at a time (people acting at once, within what 2 cores serve). */
export async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

/**
 * The demo launched, `periodId` opened on the clock, and `unitId`'s report submitted from its
 * invitation's link (self-scored at 88 %): its review execution waits for the reviewer.
 */
export async function launchAndSubmit(h: CampaignHarness, periodId: string, unitId: string): Promise<void> {
  const { name, input } = launchExecution(
    await storeCampaign({ config: h.config, criteriaSets: h.criteriaSets }),
  );
  h.rt.sfn.startExecution({ stateMachineArn: h.workflowArn('launch'), name, input: input as never });
  await h.rt.settle();
  await h.advanceThrough(`period-${periodId}-open`);
  const unit = h.config.units.find((u) => u.id === unitId) as Unit;
  const period = periodById(h.config, periodId) as Period;
  const invitation = await h.mail({
    step: 'invitation',
    recipient: unit.focalPoint.email,
    subjectId: unitId,
    periodId,
  });
  const set = criteriaSetFor(h.config, h.criteriaSets, unit.group, period);
  const submitted = await postForm(
    h.linkIn(invitation, '/r'),
    reportForm(set, selfScores(set, 0.88, unitId), { version: 0, action: 'submit', unit, period }),
  );
  if (submitted.status !== 303) throw new Error(`the submit answered ${submitted.status}`);
  await h.rt.settle();
}

/** The demo on a data folder of its own, for a test file that restarts the runtime on it. */
export interface CampaignOnDisk {
  /** The running harness (after `beforeAll`; a new one after each `restart`). */
  readonly h: CampaignHarness;
  /** Stops the runtime and starts a new one on the same data folder and port, as `npm start` again. */
  restart(): Promise<CampaignHarness>;
}

/** Started before the file's tests on a fresh data folder (`thidua-<name>-…`), removed after them. */
export function campaignOnDisk(name: string): CampaignOnDisk {
  const dataDir = mkdtempSync(join(tmpdir(), `thidua-${name}-`));
  const signingKeyFile = join(dataDir, 'signing-key.json');
  let harness: CampaignHarness | undefined;
  beforeAll(async () => {
    harness = await startCampaign({ dataDir, signingKeyFile });
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const running = (): CampaignHarness => {
    if (!harness) throw new Error('the campaign is not started');
    return harness;
  };
  return {
    get h() {
      return running();
    },
    async restart() {
      const port = running().http.port;
      await running().stop();
      harness = await startCampaign({ dataDir, signingKeyFile, port });
      return harness;
    },
  };
}
