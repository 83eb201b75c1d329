/**
 * Counted usage, the cost model's input: what one period (and, when measured, the launch and the
 * year's commendation) used, as the period benchmark counts it — Step Functions transitions and
 * Lambda invocations and durations from the local engine, the rest from the metering proxies
 * (bench/metering.ts). `bench/cost.ts` reads it from a JSON file of the `usageFile` shape.
 */
import { z } from 'zod';
import type { DynamoUsage } from './dynamodb-meter.ts';
import type { HttpUsage, SesUsage } from './metering.ts';
import type { Architecture } from './stack-template.ts';

const count = z.number().nonnegative();

const lambdaUsage = z.object({
  /** The function's construct id (`InviteUnit`) or logical id (`InviteUnit14CEC586`). */
  function: z.string().min(1),
  invocations: count,
  /** Summed billed duration: each invocation's measured duration rounded up to 1 ms. */
  billedMs: count,
  /** Taken from the template when absent. */
  memoryMB: z.number().positive().optional(),
  architecture: z.enum(['arm64', 'x86_64']).optional(),
});

const phaseUsage = z.object({
  stateTransitions: count,
  /** Executions started (each is one X-Ray trace when the state machine traces). */
  executions: count.optional(),
  lambda: z.array(lambdaUsage),
  dynamodb: z.object({ readUnits: count, writeUnits: count }),
  /** Billed emails (recipients) and their bytes. */
  emails: z.object({ count, bytes: count.optional(), attachmentBytes: count.optional() }),
  /** Schedules that fired (one-time period and commendation events). */
  scheduleInvocations: count,
  /** HTTP API requests as billed (512 KB steps). */
  httpRequests: count,
  httpResponseBytes: count.optional(),
  /** Log bytes ingested (Lambda, Step Functions, API access logs); estimated when absent. */
  logBytes: count.optional(),
  /** Traces recorded; estimated when absent. */
  traces: count.optional(),
  secretsManagerCalls: count.optional(),
  kmsRequests: count.optional(),
  sqsRequests: count.optional(),
  s3: z.object({ putRequests: count, getRequests: count }).optional(),
});

const recurringRun = z.object({
  /** Billed milliseconds of one run of the recurring function (init included when cold). */
  billedMs: count,
  readUnits: count,
  writeUnits: count,
  logBytes: count,
});

export const usageFile = z.object({
  units: z.number().int().positive(),
  periodsPerYear: z.number().int().positive().default(4),
  period: phaseUsage,
  launch: phaseUsage.optional(),
  commendation: phaseUsage.optional(),
  /** Data held at the end of the year (the district keeps its records): stored bytes. */
  stored: z.object({ tableBytes: count, indexBytes: count, s3Bytes: count.optional() }).optional(),
  /** One run of each recurring schedule's function, when measured (else an estimate is used). */
  recurringRun: recurringRun.optional(),
  /** Members of the commendation council (each gets a ballot): part of the floor. */
  councilMembers: z.number().int().nonnegative().optional(),
});

export type LambdaUsageInput = z.infer<typeof lambdaUsage>;
export type LambdaUsage = LambdaUsageInput & { memoryMB: number; architecture: Architecture };
export type PhaseUsageInput = z.infer<typeof phaseUsage>;
export type PhaseUsage = Omit<PhaseUsageInput, 'lambda'> & { lambda: LambdaUsage[] };
export type RecurringRun = z.infer<typeof recurringRun>;
export type UsageFileInput = z.input<typeof usageFile>;
export type UsageFile = z.infer<typeof usageFile>;
export type YearUsage = Omit<UsageFile, 'period' | 'launch' | 'commendation'> & {
  period: PhaseUsage;
  launch?: PhaseUsage;
  commendation?: PhaseUsage;
};

/** A usage file from parsed JSON, or an error naming the first bad field. */
export function parseUsageFile(json: unknown, origin = 'usage'): UsageFile {
  const parsed = usageFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${origin}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Completes each Lambda entry's memory and architecture with `configOf` (the template's), or
 * fails naming the function.
 */
export function withFunctionConfig(phase: PhaseUsageInput, configOf: FunctionConfigOf): PhaseUsage {
  return {
    ...phase,
    lambda: phase.lambda.map((l) => {
      const config = configOf(l.function);
      const memoryMB = l.memoryMB ?? config?.memoryMB;
      const architecture = l.architecture ?? config?.architecture;
      if (memoryMB === undefined || architecture === undefined) {
        throw new Error(`lambda ${l.function}: no memory/architecture given and none in the template`);
      }
      return { ...l, memoryMB, architecture };
    }),
  };
}

type FunctionConfigOf = (name: string) => { memoryMB: number; architecture: Architecture } | undefined;

/** A usage file with every Lambda entry's memory and architecture completed (see `withFunctionConfig`). */
export function completeUsage(file: UsageFile, configOf: FunctionConfigOf): YearUsage {
  const { period, launch, commendation, ...rest } = file;
  return {
    ...rest,
    period: withFunctionConfig(period, configOf),
    ...(launch ? { launch: withFunctionConfig(launch, configOf) } : {}),
    ...(commendation ? { commendation: withFunctionConfig(commendation, configOf) } : {}),
  };
}

/** What the engine counts in one phase; the rest comes from the meters. */
export interface EngineCounts {
  stateTransitions: number;
  executions: number;
  lambda: LambdaUsage[];
  /** One-time schedules that fired. */
  scheduleInvocations: number;
}

/** One phase's usage from the engine's counts and the meters' snapshots of that phase. */
export function phaseFromMeters(
  engine: EngineCounts,
  meters: { dynamodb: DynamoUsage; ses: SesUsage; http?: HttpUsage },
): PhaseUsage {
  return {
    stateTransitions: engine.stateTransitions,
    executions: engine.executions,
    lambda: engine.lambda,
    dynamodb: { readUnits: meters.dynamodb.readUnits, writeUnits: meters.dynamodb.writeUnits },
    emails: {
      count: meters.ses.emails,
      bytes: meters.ses.bytes,
      attachmentBytes: meters.ses.attachmentBytes,
    },
    scheduleInvocations: engine.scheduleInvocations,
    httpRequests: meters.http?.billedRequests ?? 0,
    ...(meters.http ? { httpResponseBytes: meters.http.responseBytes } : {}),
  };
}
