/**
 * The bed on which built Lambda bundles run as they would on Lambda: the demo district's stack,
 * every function bundled with its own bundling options (infra/bundle.ts, one esbuild run), the
 * emulators with the stack's tables and the demo campaign stored, a local Step Functions endpoint
 * with stand-ins under the stack's state machine names (the starter's executions land there;
 * nothing runs handler code in this process), the local Scheduler and a signing key file. Each
 * bundle then runs in a Node process of its own, with its function's environment from the
 * synthesized template made local.
 *
 * Used by the bundle smoke test (test/infra/bundles.test.ts) and the cold-start benchmark
 * (bench/cold-start.ts), so that both run the same bundles the same way.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { loadDistrict } from '#domain/config-files';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { type BuiltBundle, bundleFunctions, type FunctionToBundle } from '#infra/bundle';
import { DistrictStack, HANDLERS, type HandlerName } from '#infra/district-stack';
import type { ThiduaFunction } from '#infra/function';
import { districtStackName, PROJECT_ROOT } from '#infra/project';
import { resolverFor } from '#local/runtime/asl';
import type { CfnTemplate, TemplateResolver } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { dynamoClient, type Emulators, startEmulators } from '#local/runtime/emulators';
import { LocalLambdas } from '#local/runtime/lambda';
import { LocalScheduler } from '#local/runtime/scheduler';
import { type LocalEndpoint, startSfnEndpoint } from '#local/runtime/sfn-endpoint';
import { SfnEngine } from '#local/runtime/sfn-engine';
import { digestStack, localApp } from '#local/runtime/stack';
import { createDocumentClient, Table, table } from '#ports/dynamo/table';
import { currentKey, type Keyring, readOrCreateKeyFile, signLink } from '#ports/links';
import { replacePort, resetPorts } from '#ports/registry';
import { type Answer, BASE_URL, CASES, type Case } from './bundle-cases.ts';

export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

/** A Node binary and the name Lambda gives its major (`node24` for `nodejs24.x`). */
export interface Runtime {
  label: string;
  bin: string;
}

/** The Node running this process. */
export const THIS_NODE: Runtime = {
  label: `node${process.versions.node.split('.')[0]}`,
  bin: process.execPath,
};

/** One fresh Node process that imports a bundle and calls its `handler` with each event in turn. */
export interface Invocation {
  bin: string;
  /** The bundle's module (`…/index.mjs`). */
  file: string;
  env: Record<string, string>;
  functionName: string;
  timeoutSeconds: number;
  memorySize: number;
  events: unknown[];
  /** Where the invocation's input and result files go, named after `tag`. */
  dir: string;
  tag: string;
}

export interface BundleRun {
  /** `process.version` in the bundle's process. */
  node?: string;
  /** The `import()` of the bundle, in that process. */
  loadMs?: number;
  /** Each handler call, in that process. */
  callMs?: number[];
  exports?: string[];
  loadError?: { name?: string; message: string; stack: string };
  answers: Answer[];
  stdout: string;
  stderr: string;
  exitError?: string;
  /** From spawning the process to its exit, as seen from this process. */
  ms: number;
}

/** Imports the bundle as Lambda's Node.js runtime does and calls `handler(event, context)` per event. */
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
const [bundle, invocationFile, resultFile] = process.argv.slice(-3);
const { functionName, timeoutSeconds, memorySize, events } = JSON.parse(readFileSync(invocationFile, 'utf8'));
const describe = (e) => ({ name: e?.name, message: String(e?.message ?? e), stack: String(e?.stack ?? '') });
const out = { node: process.version, answers: [], callMs: [] };
try {
  const started = performance.now();
  const mod = await import(pathToFileURL(bundle).href);
  out.loadMs = performance.now() - started;
  out.exports = Object.keys(mod);
  for (const event of events) {
    const deadline = Date.now() + timeoutSeconds * 1000;
    const context = {
      functionName, functionVersion: '$LATEST', memoryLimitInMB: String(memorySize),
      invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:' + functionName,
      awsRequestId: randomUUID(), logGroupName: '/aws/lambda/' + functionName, logStreamName: 'bundle-bed',
      callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {}, fail() {}, succeed() {},
    };
    const called = performance.now();
    try {
      out.answers.push({ ok: true, value: (await mod.handler(event, context)) ?? null });
    } catch (e) {
      out.answers.push({ ok: false, error: describe(e) });
    }
    out.callMs.push(performance.now() - called);
  }
} catch (e) {
  out.loadError = describe(e);
}
writeFileSync(resultFile, JSON.stringify(out));
process.exit(0);
`;

/** Runs one invocation in a fresh Node process and reads what it wrote. */
export async function runInvocation(inv: Invocation): Promise<BundleRun> {
  mkdirSync(inv.dir, { recursive: true });
  const invocationFile = join(inv.dir, `${inv.tag}.invocation.json`);
  const resultFile = join(inv.dir, `${inv.tag}.result.json`);
  rmSync(resultFile, { force: true });
  const { functionName, timeoutSeconds, memorySize, events } = inv;
  writeFileSync(invocationFile, JSON.stringify({ functionName, timeoutSeconds, memorySize, events }));
  const started = performance.now();
  const { stdout, stderr, error } = await new Promise<{ stdout: string; stderr: string; error?: Error }>(
    (resolve) => {
      execFile(
        inv.bin,
        ['--input-type=module', '-e', RUNNER, inv.file, invocationFile, resultFile],
        { env: inv.env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, out, errOut) => resolve({ stdout: out, stderr: errOut, ...(err ? { error: err } : {}) }),
      );
    },
  );
  const ms = performance.now() - started;
  const result = existsSync(resultFile)
    ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<BundleRun, 'stdout' | 'stderr' | 'ms'>)
    : { answers: [] };
  return { ...result, stdout, stderr, ms, ...(error ? { exitError: error.message } : {}) };
}

export interface BundleBed {
  stack: DistrictStack;
  template: CfnTemplate;
  resolver: TemplateResolver;
  /** By construct id (`Starter`), plus the extra builds asked for, by their names. */
  bundles: Map<string, BuiltBundle>;
  /** The esbuild run that built them all. */
  buildMs: number;
  emulators: Emulators;
  engine: SfnEngine;
  /** The local name of the stack's `period` state machine (where the starter's executions go). */
  periodMachine: string;
  demo: { config: DistrictConfig; criteriaSets: CriteriaSet[] };
  /** Milliseconds each part of the set-up took. */
  timings: Record<string, number>;
  functionOf(name: HandlerName): ThiduaFunction;
  logicalIdOf(c: IConstruct): string;
  /** The function's `Runtime` in the template, e.g. `nodejs24.x`. */
  lambdaRuntimeOf(name: HandlerName): string;
  /** The function's environment from the template, made local, plus what Lambda and the emulators add. */
  environmentOf(name: HandlerName, runtime: Runtime): Record<string, string>;
  casesOf(name: HandlerName, runtime: Runtime): Case[];
  /** An invocation of the function's bundle (or of `file`, another build of it) on `runtime`. */
  invocation(
    name: HandlerName,
    runtime: Runtime,
    events: unknown[],
    options?: { file?: string; tag?: string },
  ): Invocation;
  stop(): Promise<void>;
}

/**
 * Builds every function of the demo stack (and `extraBuilds`, e.g. other builds of the same
 * handlers) into `<outdir>/bundles` and starts what they call. `outdir` is emptied first.
 */
export async function startBundleBed(
  outdir: string,
  extraBuilds: (bed: Pick<BundleBed, 'functionOf'>) => FunctionToBundle[] = () => [],
): Promise<BundleBed> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const timings: Record<string, number> = {};
  let t = Date.now();
  const demo = loadDistrict(join(PROJECT_ROOT, 'districts', 'demo.yaml'));
  const stack = new DistrictStack(localApp(), districtStackName('demo'), demo);
  const functionOf = (name: HandlerName) => stack.functions[name];
  const logicalIdOf = (c: IConstruct) =>
    stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;
  timings.stack = Date.now() - t;

  // esbuild runs in its own process while this one synthesizes the template.
  t = Date.now();
  const building = bundleFunctions(
    [
      ...HANDLER_NAMES.map((name) => {
        const fn = functionOf(name);
        return { name: fn.node.id, entry: fn.entryPath, bundling: fn.bundling };
      }),
      ...extraBuilds({ functionOf }),
    ],
    join(outdir, 'bundles'),
  );
  building.catch(() => undefined);
  const digest = digestStack(stack);
  const { template } = digest;
  const resolver = resolverFor(digest);
  timings.template = Date.now() - t;

  const emulators = await startEmulators();
  await emulators.createTablesFromStack(template, resolver);
  const clock = new VirtualClock(new Date());
  const lambdas = new LocalLambdas(new Map());
  const engine = new SfnEngine({ clock, lambdas });
  for (const { name, aliases } of Object.values(digest.stateMachines)) {
    engine.registerStateMachine({
      name,
      aliases,
      definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
    });
  }
  const periodMachine = digest.stateMachines[logicalIdOf(stack.stateMachines.period)]?.name as string;
  const sfnEndpoint: LocalEndpoint = await startSfnEndpoint(engine);
  const scheduler = new LocalScheduler({ clock, lambdas });
  await scheduler.start();
  for (const [logicalId] of resolver.resourcesOfType('AWS::Scheduler::ScheduleGroup'))
    scheduler.ensureGroup(resolver.localName(logicalId));

  const keyFile = join(outdir, 'signing-key.json');
  const keyring: Keyring = readOrCreateKeyFile(keyFile);
  // The campaign stored before its launch (version 1), through this process's own ports on the
  // bundles' table.
  replacePort(
    table,
    new Table({
      client: createDocumentClient(dynamoClient(emulators.dynamodbUrl)),
      tableName: resolver.localName(logicalIdOf(stack.table)),
    }),
  );
  try {
    await storeCampaign(demo);
  } finally {
    resetPorts();
  }

  const bundles = await building;
  const buildMs = Math.max(...[...bundles.values()].map((b) => b.ms));
  timings.bundles = Date.now() - t;

  const propsOf = (name: HandlerName) =>
    template.Resources?.[logicalIdOf(functionOf(name))]?.Properties ?? {};
  const environmentOf = (name: HandlerName, runtime: Runtime): Record<string, string> => {
    const logicalId = logicalIdOf(functionOf(name));
    const props = propsOf(name);
    const vars = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const own = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [k, resolver.flattenToString(v, `${logicalId} environment ${k}`)]),
    );
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      // What the Lambda runtime sets.
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_LAMBDA_FUNCTION_NAME: functionOf(name).node.id,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(props.MemorySize ?? 128),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_EXECUTION_ENV: `AWS_Lambda_${runtime.label.replace('node', 'nodejs')}.x`,
      ...own,
      // Only configuration differs locally: endpoints, dummy credentials, the key file, the base URL.
      ...emulators.env,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint.url,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      SIGNING_KEY_FILE: keyFile,
      BASE_URL,
    };
  };
  const casesOf = (name: HandlerName, runtime: Runtime) =>
    CASES[name]({
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

  return {
    stack,
    template,
    resolver,
    bundles,
    buildMs,
    emulators,
    engine,
    periodMachine,
    demo,
    timings,
    functionOf,
    logicalIdOf,
    lambdaRuntimeOf: (name) => String(propsOf(name).Runtime),
    environmentOf,
    casesOf,
    invocation: (name, runtime, events, options = {}) => {
      const fn = functionOf(name);
      const props = propsOf(name);
      return {
        bin: runtime.bin,
        file: options.file ?? (bundles.get(fn.node.id) as BuiltBundle).file,
        env: environmentOf(name, runtime),
        functionName: fn.node.id,
        timeoutSeconds: Number(props.Timeout ?? 3),
        memorySize: Number(props.MemorySize ?? 128),
        events,
        dir: join(outdir, 'runs', runtime.label),
        tag: options.tag ?? fn.node.id,
      };
    },
    stop: async () => {
      await sfnEndpoint.close();
      await scheduler.close();
      await engine.stop();
      await emulators.stop();
    },
  };
}
