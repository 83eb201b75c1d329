/**
 * The embedded runtime: one call turns a CDK stack (or its digest, ./asl.ts) into a running local
 * system — its state machines (ASL extracted from the synthesized template) on the local engine,
 * its functions' handlers in-process, its tables in dynalite, SES in aws-ses-v2-local, a local Step
 * Functions endpoint and a local Scheduler, all on one controllable clock. Only configuration
 * differs from the cloud: the handlers get the endpoints and the stack's own environment variables
 * (tokens flattened to local values) through `process.env`, and read the time through
 * `#ports/clock`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { PROJECT_ROOT } from '#infra/project';
import {
  type ExtractedStateMachine,
  extractStateMachines,
  functionsOf,
  resolverFor,
  type StackDigest,
} from './asl.ts';
import { type CfnTemplate, lambdaArn, type TemplateResolver } from './cfn.ts';
import { type FiredTimer, VirtualClock } from './clock.ts';
import { readClockFile, writeClockFile } from './clock-file.ts';
import { type Dynalite, type Emulators, startEmulators } from './emulators.ts';
import { type FunctionConfig, LocalLambdas } from './lambda.ts';
import { startLambdaEndpoint } from './lambda-endpoint.ts';
import { portFor } from './ports.ts';
import { startLocalBuckets } from './s3-buckets.ts';
import { LocalScheduler, type Schedule } from './scheduler.ts';
import { type LocalEndpoint, startSfnEndpoint } from './sfn-endpoint.ts';
import { SfnEngine } from './sfn-engine.ts';
import { ExecutionJournal } from './sfn-journal.ts';

export interface LocalRuntimeOptions {
  /**
   * The stack to run: a CDK stack (digested here, which loads the CDK), or a digest made before
   * (`digestStack`, ./stack.ts; the product keeps one per district, local/product/stack-cache.ts).
   */
  stack: Stack | StackDigest;
  /**
   * Keep DynamoDB data, schedules, the clock and the executions' journal here across restarts
   * (and crashes: see `recover()`); in memory when absent.
   */
  dataDir?: string;
  /** Where the clock starts (a saved clock in `dataDir` wins, so a restart resumes its time). */
  clockStart: Date;
  /** Local values for `Ref`/`Fn::GetAtt` by `LogicalId` or `LogicalId.Attribute` (e.g. the API's URL). */
  refOverrides?: Record<string, string>;
  /** More environment variables for the handlers (win over the stack's). */
  extraEnv?: Record<string, string>;
  /**
   * dynalite already starting on `<dataDir>/db` (`startDiskDynalite`, emulators.ts): the product
   * starts it first, so that its thread loads and opens the store while the product reads its
   * config and digest. The runtime owns it from here (stops it with the rest).
   */
  dynalite?: Promise<Dynalite>;
}

export interface LocalRuntime {
  clock: VirtualClock;
  sfn: SfnEngine;
  scheduler: LocalScheduler;
  lambdas: LocalLambdas;
  emulators: Emulators;
  endpoints: { dynamodb: string; sesv2: string; sfn: string; scheduler: string; s3: string };
  /** Every variable set for the handlers (also applied to `process.env` until `stop()`). */
  env: Record<string, string>;
  template: CfnTemplate;
  resolver: TemplateResolver;
  stateMachines: ExtractedStateMachine[];
  /** Schedules of the template that could not be created locally, with the reason. */
  warnings: string[];
  /** The local ARN of a state machine by its local name. */
  stateMachineArn(name: string): string;
  /** The local ARN of a function by its logical id, construct path (below the stack) or entry file. */
  functionArn(logicalIdOrEntry: string): string;
  advanceClock(to: Date): Promise<FiredTimer[]>;
  advanceToNextEvent(): Promise<Date | undefined>;
  /** Resolves when every execution is finished or waiting for a callback. */
  settle(): Promise<void>;
  /**
   * After a restart on the same `dataDir`: runs again every execution the journal holds unfinished
   * (from its start, under its name, its waits keeping their deadlines), then finishes the clock
   * move a killed process left half done. Once; nothing to do without a `dataDir`.
   */
  recover(): Promise<Recovery>;
  stop(): Promise<void>;
}

export interface Recovery {
  /** The executions run again, oldest first. */
  resumed: string[];
  /** Where the interrupted clock move ended, if there was one. */
  advancedTo?: Date;
}

/**
 * Stops the runtime. The engine rejects the promise of a callback task it aborts on stop, and the
 * interpreter no longer awaits it (an unhandled rejection, reported to the local runtime's owner);
 * only that one rejection is absorbed here, and only while stopping.
 */
export async function stopLocalRuntime(rt: LocalRuntime): Promise<void> {
  const absorb = (reason: unknown) => {
    const e = reason as { name?: string; message?: string };
    if (e?.name === 'States.Runtime' && /The execution (was stopped|ended)/.test(e.message ?? '')) return;
    throw reason;
  };
  process.on('unhandledRejection', absorb);
  try {
    await rt.stop();
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off('unhandledRejection', absorb);
  }
}

/** Variables a function declares that must not leak into this process. */
const NOT_FOR_THIS_PROCESS = new Set(['NODE_OPTIONS', 'AWS_NODEJS_CONNECTION_REUSE_ENABLED']);

export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const { dataDir } = options;
  const digest =
    'template' in options.stack ? options.stack : (await import('./stack.ts')).digestStack(options.stack);
  const { template } = digest;
  const resolver = resolverFor(digest, options.refOverrides);
  const stateMachines = extractStateMachines(digest, resolver);
  const { functions, functionEnv } = functionConfigs(template, resolver, functionsOf(digest));
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const clockFile = dataDir ? join(dataDir, 'clock.json') : undefined;
  const saved = clockFile ? readClockFile(clockFile) : undefined;
  const clock = new VirtualClock(
    saved?.now ?? options.clockStart,
    clockFile ? (position) => writeClockFile(clockFile, position) : undefined,
  );

  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const emulators = await startEmulators(
      dataDir
        ? { dynamodbPath: join(dataDir, 'db'), ...(options.dynalite ? { dynalite: options.dynalite } : {}) }
        : {},
    );
    cleanups.push(() => emulators.stop());

    // The product's origin, the only one whose pages may post uploads (as the bucket's CORS rule says).
    const baseUrl = options.extraEnv?.BASE_URL ?? functionEnv.BASE_URL;
    const buckets = await startLocalBuckets(resolver, {
      ...(dataDir ? { dataDir } : {}),
      ...(baseUrl ? { baseUrl } : {}),
    });
    cleanups.push(() => buckets.stop());

    const lambdas = new LocalLambdas(functions, PROJECT_ROOT, () => clock.now());
    const journal = dataDir ? new ExecutionJournal(join(dataDir, 'executions.jsonl')) : undefined;
    const sfn = new SfnEngine({ clock, lambdas, ...(journal ? { journal } : {}) });
    for (const sm of stateMachines) sfn.registerStateMachine(sm);
    sfn.restore();
    cleanups.push(() => sfn.stop());
    const endpoint: LocalEndpoint = await startSfnEndpoint(sfn, await portFor('sfn'));
    cleanups.push(() => endpoint.close());

    const scheduler = new LocalScheduler({
      clock,
      lambdas,
      ...(dataDir ? { persistPath: join(dataDir, 'schedules.json') } : {}),
    });
    const schedulerUrl = await scheduler.start(await portFor('scheduler'));
    cleanups.push(() => scheduler.close());

    // The pages' asynchronous invocations (a sweep run asked for).
    const lambdaEndpoint = await startLambdaEndpoint(lambdas, await portFor('lambda'));
    cleanups.push(() => lambdaEndpoint.close());

    const env: Record<string, string> = {
      ...functionEnv,
      ...emulators.env,
      ...buckets.env,
      AWS_ENDPOINT_URL_LAMBDA: lambdaEndpoint.url,
      AWS_ENDPOINT_URL_SFN: endpoint.url,
      AWS_ENDPOINT_URL_SCHEDULER: schedulerUrl,
      AWS_EC2_METADATA_DISABLED: 'true',
      // The SES emulator runs in this process, sharing one busy event loop with every handler:
      // give it longer than the cloud's 10 s before a send counts as ambiguous.
      SES_REQUEST_TIMEOUT_MS: '60000',
      ...options.extraEnv,
    };
    cleanups.push(applyEnv(env));
    cleanups.push(clock.install());
    cleanups.push(clock.addSettler(() => sfn.idle()));
    cleanups.push(clock.addSettler(() => lambdaEndpoint.idle()));

    await emulators.createTablesFromStack(template, resolver);
    const warnings = createTemplateSchedules(resolver, scheduler);
    const endpoints = {
      dynamodb: emulators.dynamodbUrl,
      sesv2: emulators.sesUrl,
      sfn: endpoint.url,
      scheduler: schedulerUrl,
      s3: buckets.url,
    };
    return {
      clock,
      sfn,
      scheduler,
      lambdas,
      emulators,
      endpoints,
      env,
      template,
      resolver,
      stateMachines,
      warnings,
      ...lookups(digest, stateMachines, functions),
      advanceClock: (to) => clock.advanceTo(to),
      advanceToNextEvent: () => clock.advanceToNextEvent(),
      settle: () => clock.settle(),
      recover: once(async () => {
        const resumed = sfn.resumeUnfinished();
        await clock.settle();
        const target = saved?.target;
        if (!target || target.getTime() <= clock.now().getTime()) return { resumed };
        await clock.advanceTo(target);
        return { resumed, advancedTo: target };
      }),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `fn` run on the first call only; later calls get the first call's promise. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => {
    result ??= fn();
    return result;
  };
}

/** Sets `env` in `process.env` for the handlers; returns the undo. */
function applyEnv(env: Record<string, string>): () => void {
  const previous = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** ARNs by the names a test or the product knows: state machine names, function ids, paths or entries. */
function lookups(
  digest: StackDigest,
  stateMachines: ExtractedStateMachine[],
  functions: ReadonlyMap<string, FunctionConfig>,
): Pick<LocalRuntime, 'stateMachineArn' | 'functionArn'> {
  const byName = new Map<string, string>();
  for (const [id, f] of Object.entries(digest.functions)) {
    byName.set(f.entryPath, id);
    byName.set(f.constructPath, id);
  }
  return {
    stateMachineArn: (name) => {
      const sm = stateMachines.find((s) => s.name === name || s.aliases.includes(name));
      if (!sm) {
        const have = stateMachines.map((s) => s.name).join(', ');
        throw new Error(`No state machine named ${name} (have ${have})`);
      }
      return sm.arn;
    },
    functionArn: (idOrEntry) => {
      const id = functions.has(idOrEntry) ? idOrEntry : byName.get(idOrEntry);
      if (!id) throw new Error(`No function ${idOrEntry} in the stack`);
      return lambdaArn(id);
    },
  };
}

/** Each ThiduaFunction's local configuration, and the union of their environments. */
function functionConfigs(
  template: CfnTemplate,
  resolver: TemplateResolver,
  entries: Map<string, string>,
): { functions: Map<string, FunctionConfig>; functionEnv: Record<string, string> } {
  const invokeConfigs = new Map<string, { retries?: number; onFailure?: string }>();
  for (const [, r] of resolver.resourcesOfType('AWS::Lambda::EventInvokeConfig')) {
    const p = r.Properties ?? {};
    const fnRef = p.FunctionName as { Ref?: string } | undefined;
    if (!fnRef?.Ref) continue;
    const onFailure = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
      ?.OnFailure?.Destination;
    invokeConfigs.set(fnRef.Ref, {
      ...(typeof p.MaximumRetryAttempts === 'number' ? { retries: p.MaximumRetryAttempts } : {}),
      ...(onFailure !== undefined ? { onFailure: resolver.flattenToString(onFailure) } : {}),
    });
  }
  const functions = new Map<string, FunctionConfig>();
  const functionEnv: Record<string, string> = {};
  const setBy: Record<string, string> = {};
  for (const [logicalId, entry] of entries) {
    const props = template.Resources?.[logicalId]?.Properties ?? {};
    const invoke = invokeConfigs.get(logicalId);
    functions.set(logicalId, {
      entry,
      ...(typeof props.Timeout === 'number' ? { timeoutSeconds: props.Timeout } : {}),
      ...(typeof props.MemorySize === 'number' ? { memorySize: props.MemorySize } : {}),
      ...(invoke?.retries !== undefined ? { maxAsyncRetries: invoke.retries } : {}),
      ...(invoke?.onFailure !== undefined ? { onFailureDestination: invoke.onFailure } : {}),
    });
    const vars = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const [name, raw] of Object.entries(vars)) {
      if (NOT_FOR_THIS_PROCESS.has(name)) continue;
      const value = resolver.flattenToString(raw, `${logicalId} environment ${name}`);
      // All handlers share this process's environment: one name must mean one value.
      if (name in functionEnv && functionEnv[name] !== value) {
        throw new Error(
          `Environment variable ${name} differs between functions ${setBy[name]} (${functionEnv[name]}) and ${logicalId} (${value}); the local runtime runs every handler in one process`,
        );
      }
      functionEnv[name] = value;
      setBy[name] = logicalId;
    }
  }
  return { functions, functionEnv };
}

/** The stack's own schedules (e.g. a recurring sweep) and schedule groups, created locally. */
function createTemplateSchedules(resolver: TemplateResolver, scheduler: LocalScheduler): string[] {
  const warnings: string[] = [];
  for (const [logicalId] of resolver.resourcesOfType('AWS::Scheduler::ScheduleGroup')) {
    scheduler.ensureGroup(resolver.localName(logicalId));
  }
  for (const [logicalId, r] of resolver.resourcesOfType('AWS::Scheduler::Schedule')) {
    const props = resolver.flatten(r.Properties ?? {}) as Partial<Schedule>;
    const name = resolver.localName(logicalId);
    const group = props.GroupName ?? 'default';
    if (scheduler.listSchedules({ groupName: group }).some((s) => s.Name === name)) continue;
    try {
      scheduler.createSchedule(name, { ...props, GroupName: group });
    } catch (error) {
      warnings.push(`Schedule ${logicalId} not created locally: ${(error as Error).message}`);
    }
  }
  return warnings;
}
