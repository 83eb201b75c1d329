/**
 * The HTTP side on the real local system: the demo district's stack on the local runtime
 * (dynalite, aws-ses-v2-local, the local Step Functions endpoint and engine, the virtual clock),
 * its pages served by the local HTTP adapter on a free port, the campaign stored, and the clock in
 * the 2022Q3 submission window. Tests talk to it with `fetch` only, as a browser would, and read
 * the store and the mailbox to check what a person would notice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { loadDistrict } from '#domain/config-files';
import type { CriteriaSet, DistrictConfig, Period, Report } from '#domain/model';
import { sessionCookieName } from '#functions/http/admin-session';
import { storeCampaign } from '#functions/launch/campaign';
import { districtDigest } from '#local/product/stack-cache';
import { type LocalHttpServer, pageRoutes, startHttpServer } from '#local/runtime/http';
import { type LocalRuntime, startLocalRuntime, stopLocalRuntime } from '#local/runtime/runtime';
import type { Actor } from '#ports/actor';
import { realWait } from '#ports/answer-floor';
import { resetAwsClients } from '#ports/aws';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { sessions } from '#ports/dynamo/sessions';
import { replacePort, resetPorts } from '#ports/registry';
import type { Approval } from '#ports/reviews';
import { approvalUrl, currentKeyId } from '#ports/signing';

export const PERIOD_ID = '2022Q3';

export interface Mail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

export interface Harness {
  rt: LocalRuntime;
  http: LocalHttpServer;
  /** `http://127.0.0.1:<port>` (also `BASE_URL`). */
  base: string;
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  period: Period;
  /** Everything written to stdout/stderr while the harness ran (log lines included). */
  output: string[];
  mails(): Promise<Mail[]>;
  /** Every item of the table, sorted: to prove that a request changed nothing. */
  snapshot(): Promise<string>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const output: string[] = [];
  const restoreOutput = captureOutput(output);
  const keyDir = mkdtempSync(join(tmpdir(), 'thidua-http-'));
  resetPorts();
  const http = await startHttpServer({ routes: await pageRoutes() });
  const { config, criteriaSets } = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
  const { digest } = await districtDigest('demo', { config, criteriaSets });
  const period = (await import('#domain/calendar')).periodById(config, PERIOD_ID) as Period;
  const rt = await startLocalRuntime({
    stack: digest,
    // An hour into the 2022Q3 submission window.
    clockStart: new Date(Date.parse(period.opensAt) + 3_600_000),
    extraEnv: { BASE_URL: http.url, SIGNING_KEY_FILE: join(keyDir, 'signing-key.json') },
  });
  resetAwsClients();
  resetPorts();
  // The sign-in forms' answer floor passes at once here (test/http/signin-floor.test.ts checks
  // that both paths wait on it): 2 s of real time per sign-in would only slow the tests down.
  replacePort(realWait, async () => {});
  await storeCampaign({ config, criteriaSets });
  const raw = new DynamoDBClient({
    endpoint: rt.endpoints.dynamodb,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    rt,
    http,
    base: http.url,
    config,
    criteriaSets,
    period,
    output,
    mails: async () =>
      ((await (await fetch(`${rt.endpoints.sesv2}/store`)).json()) as { emails: Mail[] }).emails,
    snapshot: async () => {
      const items: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        // A test-only Scan (no request path scans).
        const out = await raw.send(
          new ScanCommand({
            TableName: process.env.TABLE_NAME,
            ...(start ? { ExclusiveStartKey: start as never } : {}),
          }),
        );
        for (const item of out.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
        start = out.LastEvaluatedKey;
      } while (start);
      return items.sort().join('\n');
    },
    stop: async () => {
      raw.destroy();
      await http.close();
      await stopLocalRuntime(rt);
      resetPorts();
      resetAwsClients();
      restoreOutput();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** Copies every write to stdout/stderr into `sink` (still printing it). */
export function captureOutput(sink: string[]): () => void {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const tap =
    (write: typeof out) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    };
  process.stdout.write = tap(out) as typeof process.stdout.write;
  process.stderr.write = tap(err) as typeof process.stderr.write;
  return () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
}

/** The unit's report link, as its invitation carries it. */
export async function reportLink(h: Harness, unitId: string): Promise<string> {
  const { reportLink: link } = await import('#steps/grants');
  return (await link(unitId, h.period)).url;
}

/** The link's query parameters (to forge and tamper with). */
export function linkParams(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

export function withParams(url: string, change: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(change)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * POSTs a form without an `Origin` (as a client that is not a browser does); pass
 * `{ origin: h.base }` to post as a browser on one of our pages.
 */
export async function postForm(
  url: string,
  fields: Record<string, string | string[]> | URLSearchParams,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body = fields instanceof URLSearchParams ? fields : new URLSearchParams();
  if (!(fields instanceof URLSearchParams)) {
    for (const [k, v] of Object.entries(fields))
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  }
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
}

/** Resolves a 303's Location against the server. */
export function location(h: Harness, res: Response): string {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`no Location (status ${res.status})`);
  return new URL(loc, h.base).toString();
}

/** Every leaf of a set with its maximum. */
export function leavesOf(set: CriteriaSet): { id: string; max: number }[] {
  const out: { id: string; max: number }[] = [];
  const walk = (cs: CriteriaSet['areas'][number]['criteria']) => {
    for (const c of cs) {
      if (c.children?.length) walk(c.children);
      else out.push({ id: c.id, max: c.max });
    }
  };
  for (const a of set.areas) if (a.kind === 'assessed') walk(a.criteria);
  return out;
}

export function setOf(h: Harness, unitId: string): CriteriaSet {
  const unit = h.config.units.find((u) => u.id === unitId);
  const id =
    unit?.group === 'commune'
      ? h.config.groups.commune.criteriaSets[0]
      : h.config.groups.office.criteriaSets[0];
  const set = h.criteriaSets.find((s) => s.id === id);
  if (!set) throw new Error(`no set for ${unitId}`);
  return set;
}

/** A complete report (every leaf scored at half its maximum, with evidence) for the store. */
export function completeReport(h: Harness, unitId: string, extra: Partial<Report> = {}): Report {
  const set = setOf(h, unitId);
  const entries: Report['entries'] = {};
  for (const leaf of leavesOf(set)) {
    entries[leaf.id] = {
      selfScore: Math.floor(leaf.max / 2),
      explanation: `Đã thực hiện tiêu chí ${leaf.id}`,
      evidence: [{ number: `${leaf.id}/BC-UBND`, date: '2022-09-30', issuer: 'UBND huyện' }],
    };
  }
  return {
    unitId,
    periodId: PERIOD_ID,
    criteriaSetId: set.id,
    entries,
    initiatives: [],
    selfCheck: { t05: [true, true, true, true, true], k05: [true, true, true, true, true] },
    nominations: [],
    ...extra,
  };
}

/** The form fields of a complete report (what a unit fills in before submitting). */
export function completeForm(h: Harness, unitId: string, version: number, action: string): URLSearchParams {
  const form = new URLSearchParams({ version: String(version), action, selfcheck: '1' });
  for (const leaf of leavesOf(setOf(h, unitId))) {
    form.set(`score[${leaf.id}]`, (Math.floor(leaf.max / 2) / 100).toFixed(2).replace('.', ','));
    form.set(`explanation[${leaf.id}]`, `Đã thực hiện tiêu chí ${leaf.id}`);
    form.set(`evidence[${leaf.id}][0][number]`, `${leaf.id}/BC-UBND`);
    form.set(`evidence[${leaf.id}][0][date]`, '30/09/2022');
  }
  for (let i = 0; i < 5; i++) {
    form.append('t05', String(i));
    form.append('k05', String(i));
  }
  return form;
}

export const unitActor = (unitId: string): Actor => ({ kind: 'unit', id: unitId });

/** The demo's reminder interval (half its 10-day review window), as the review steps record it. */
export const REMIND_EVERY_SECONDS = 5 * 86_400;

/**
 * A review that waits for the reviewer: the report stored and in review, the reviewer assigned,
 * and a real waiting callback task on the local engine (a small registered state machine, so the
 * real review steps do not run) whose token sits behind an `appraise` approval.
 */
export async function waitingAppraisal(
  h: Harness,
  unitId: string,
  options: { report?: Report; expiresAt?: string; reviewerId?: string; round?: number } = {},
): Promise<{ approval: Approval; url: string; executionArn: string; token: string }> {
  const report = options.report ?? completeReport(h, unitId);
  await reports().writeRevision(unitId, PERIOD_ID, {
    report,
    expectedVersion: 0,
    actor: unitActor(unitId),
    kind: 'submit',
  });
  await reports().setStatus(unitId, PERIOD_ID, ['submitted'], 'in-review', { kind: 'system', id: 'test' });
  const reviewer =
    options.reviewerId ??
    h.config.reviewers.find((r) => r.unit !== unitId)?.id ??
    (h.config.reviewers[0]?.id as string);
  await reviews().assign(PERIOD_ID, unitId, reviewer, { kind: 'system', id: 'test' });
  const task = await waitingTask(h, unitId);
  const { approval } = await reviews().createApproval({
    kind: 'appraise',
    periodId: PERIOD_ID,
    unitId,
    round: options.round ?? 1,
    party: 'reviewer',
    subjectId: reviewer,
    taskToken: task.taskToken,
    expiresAt: options.expiresAt ?? h.period.lateAppraisalUntil,
    keyId: await currentKeyId(),
    // As RequestAppraisal arms it: the review's reminder interval (docs/review.md, decision 16).
    remindEverySeconds: REMIND_EVERY_SECONDS,
  });
  return {
    approval,
    url: await approvalUrl(approval),
    executionArn: task.executionArn,
    token: task.taskToken,
  };
}

/** A real callback task waiting on the local engine; its token and execution. */
export async function waitingTask(
  h: Harness,
  label: string,
): Promise<{ executionArn: string; taskToken: string }> {
  registerWaitingMachine(h);
  const { executionArn } = h.rt.sfn.startExecution({
    stateMachineArn: WAITING_MACHINE,
    name: `wait-${label}-${randomBytes(4).toString('hex')}`,
    input: { unitId: label },
  });
  await h.rt.settle();
  const task = h.rt.sfn.pendingTasks({ executionArn })[0];
  if (!task) throw new Error('the waiting task did not start');
  return { executionArn, taskToken: task.taskToken };
}

const WAITING_MACHINE = 'HttpTestWaitsForDecision';
const AWAIT_RESOURCE = 'arn:aws:states:::thidua-test:await';

function registerWaitingMachine(h: Harness): void {
  if (registered.has(h.rt.sfn)) return;
  h.rt.sfn.setIntegration(AWAIT_RESOURCE, () => ({}));
  h.rt.sfn.registerStateMachine({
    name: WAITING_MACHINE,
    definition: {
      StartAt: 'AwaitDecision',
      States: {
        AwaitDecision: {
          Type: 'Task',
          Resource: `${AWAIT_RESOURCE}.waitForTaskToken`,
          Parameters: { 'taskToken.$': '$$.Task.Token', 'unitId.$': '$.unitId' },
          TimeoutSeconds: 1_000_000,
          End: true,
        },
      },
    },
  });
  registered.add(h.rt.sfn);
}

const registered = new WeakSet<object>();

/** How many callbacks an execution received (SendTaskSuccess accepted by the engine). */
export function callbacksReceived(h: Harness, executionArn: string): number {
  return h.rt.sfn.history(executionArn).filter((e) => e.type === 'TaskCallbackSucceeded').length;
}

/** The latest link to `path` mailed to `to`, as the person would click it in the mail. */
export async function mailedLink(
  h: Harness,
  to: string,
  path: '/r' | '/d' | '/admin/session',
): Promise<string> {
  const escaped = path.replace(/[/]/g, '\\/');
  const pattern = new RegExp(`https?:\\/\\/[^\\s"<>]+${escaped}\\?[^\\s"<>]+`);
  const mail = (await h.mails())
    .filter((m) => m.destination.to.includes(to) && pattern.test(m.body.text ?? ''))
    .at(-1);
  const url = pattern.exec(mail?.body.text ?? '')?.[0];
  if (!url) throw new Error(`no ${path} link mailed to ${to}`);
  return url;
}

/**
 * What a browser sends from a page's form: every text and hidden input as the page filled it,
 * then `fields` (the pressed button, changed inputs).
 */
/** The review page's form, confirmed as a return for explanation with a general comment and one on 1.1.1. */
export function returnFormOf(page: string): URLSearchParams {
  return formOf(page, {
    decision: 'return',
    confirm: 'yes',
    generalComment: 'Bổ sung minh chứng.',
    'comment[1.1.1]': 'Chưa nêu số, ngày của kế hoạch.',
  });
}

export function formOf(page: string, fields: Record<string, string>): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of page.matchAll(
    /<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  )) {
    form.set(m[1] as string, decodeEntities(m[2] as string));
  }
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** An attribute's value as a browser reads it: the entities functions/web/html.ts writes, decoded. */
function decodeEntities(value: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>' };
  return value.replace(/&(quot|amp|lt|gt|#\d+);/g, (_, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (named[name] ?? ''),
  );
}

/** The unit's invitation to the harness's period, as the period's InviteUnit step sends it. */
export async function invite(unitId: string): Promise<void> {
  const [{ inviteUnit }, { loadCampaign }, { log }] = await Promise.all([
    import('#functions/period/invitation'),
    import('#steps/campaign'),
    import('#ports/log'),
  ]);
  await inviteUnit(await loadCampaign(), unitId, PERIOD_ID, log);
}

/**
 * A unit's report in review, through the pages and the real review workflow: the unit is invited,
 * submits a complete report on its page (with `changes` to its form), and the reviewer's link
 * arrives by mail.
 */
export async function inReview(
  h: Harness,
  unitId: string,
  changes: Record<string, string> = {},
): Promise<{ reportUrl: string; reviewUrl: string; focal: string; reviewer: string }> {
  const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email;
  if (!focal) throw new Error(`no unit ${unitId}`);
  await invite(unitId);
  const reportUrl = await mailedLink(h, focal, '/r');
  const form = completeForm(h, unitId, 0, 'submit');
  for (const [k, v] of Object.entries(changes)) form.set(k, v);
  const submitted = await postForm(reportUrl, form, { origin: h.base });
  if (submitted.status !== 303) throw new Error(`submit answered ${submitted.status}`);
  await h.rt.settle();
  const unitName = h.config.units.find((u) => u.id === unitId)?.name ?? unitId;
  const link = /https?:\/\/[^\s"<>]+\/d\?[^\s"<>]+/;
  for (const mail of (await h.mails()).reverse()) {
    const reviewer = h.config.reviewers.find((r) => mail.destination.to.includes(r.email));
    const reviewUrl = link.exec(mail.body.text ?? '')?.[0];
    if (!reviewer || !reviewUrl) continue;
    const page = await fetch(reviewUrl);
    if (page.status === 200 && (await page.text()).includes(unitName))
      return { reportUrl, reviewUrl, focal, reviewer: reviewer.email };
  }
  throw new Error(`no review link for ${unitId} was mailed`);
}

/** A signed-in session of the demo's `index`-th admin (an hour long), as the cookie header's value. */
export async function adminCookie(h: Harness, index = 0): Promise<string> {
  const admin = h.config.admins[index];
  if (!admin) throw new Error(`the demo has no admin ${index}`);
  const { sessionId } = await sessions().create(
    { adminId: admin.id, email: admin.email },
    { absoluteMs: 3_600_000, idleTimeoutMs: 3_600_000 },
  );
  return `${sessionCookieName(h.base)}=${sessionId}`;
}
