/**
 * Lambda, locally: a function's ARN (or name) → its logical id → its handler file, imported once
 * and called in-process with a Lambda-like context. Synchronous invokes surface a thrown error as
 * AWS does (`errorType` = the error's name, the cause a JSON `{errorType, errorMessage, trace}`);
 * asynchronous invokes (what Scheduler does) retry like Lambda's event queue and then write an
 * on-failure record the tests can read, as an on-failure destination would receive it.
 */
import { randomUUID } from 'node:crypto';
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { PROJECT_ROOT } from '#infra/project';
import { functionNameOf, lambdaArn } from './cfn.ts';

export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** A handler's error, named as AWS names it (`errorType`), its message the JSON cause AWS gives. */
export class FunctionError extends Error {
  readonly payload: LambdaErrorPayload;
  constructor(payload: LambdaErrorPayload) {
    super(JSON.stringify(payload));
    this.name = payload.errorType;
    this.payload = payload;
  }
}

/** What an on-failure destination receives after an asynchronous invocation's retries are spent. */
export interface AsyncInvokeFailure {
  version: '1.0';
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: 'RetriesExhausted';
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: LambdaErrorPayload;
  /** The function's configured on-failure destination (from its EventInvokeConfig), if any. */
  destination?: string;
}

export interface FunctionConfig {
  /** Repo-relative handler file. */
  entry: string;
  /** Lambda timeout in seconds (reported by `getRemainingTimeInMillis`). */
  timeoutSeconds?: number;
  memorySize?: number;
  /** Async retries (EventInvokeConfig MaximumRetryAttempts); Lambda's default is 2. */
  maxAsyncRetries?: number;
  /** The on-failure destination ARN, recorded with a failed async invocation. */
  onFailureDestination?: string;
}

type Handler = (event: unknown, context: Context) => unknown;

export class LocalLambdas {
  /** Failed asynchronous invocations, oldest first. */
  readonly asyncFailures: AsyncInvokeFailure[] = [];
  private readonly modules = new Map<string, Promise<Handler>>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly functions: ReadonlyMap<string, FunctionConfig>;
  private readonly root: string;
  private readonly now: () => Date;

  constructor(
    functions: ReadonlyMap<string, FunctionConfig>,
    root: string = PROJECT_ROOT,
    now: () => Date = () => new Date(),
  ) {
    this.functions = functions;
    this.root = root;
    this.now = now;
  }

  /** The logical id a function ARN or name stands for, or undefined. */
  logicalIdOf(arnOrName: string): string | undefined {
    const name = functionNameOf(arnOrName);
    return this.functions.has(name) ? name : undefined;
  }

  /** The function's logical id and configuration; `notFound` names the error Lambda answers. */
  private functionOf(arnOrName: string, notFound: string): { logicalId: string; config: FunctionConfig } {
    const logicalId = functionNameOf(arnOrName);
    const config = this.functions.get(logicalId);
    if (!config) {
      throw Object.assign(new Error(`Function not found: ${arnOrName}`), { name: notFound });
    }
    return { logicalId, config };
  }

  has(arnOrName: string): boolean {
    return this.logicalIdOf(arnOrName) !== undefined;
  }

  /** Invocations in flight (synchronous and asynchronous). */
  get inFlight(): number {
    return this.running;
  }

  /** Resolves when no invocation is in flight. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** A synchronous (RequestResponse) invocation: the handler's JSON result, or a FunctionError. */
  async invoke(arnOrName: string, event: unknown): Promise<unknown> {
    const { logicalId, config } = this.functionOf(arnOrName, 'Lambda.ResourceNotFoundException');
    this.running++;
    try {
      let handler: Handler;
      try {
        handler = await this.load(logicalId, config);
      } catch (error) {
        // What Lambda answers when the handler file cannot be loaded.
        const { errorMessage, trace } = errorPayload(error);
        throw new FunctionError({ errorType: 'Runtime.ImportModuleError', errorMessage, trace });
      }
      const deadline = Date.now() + (config.timeoutSeconds ?? 3) * 1000;
      let result: unknown;
      try {
        result = await handler(jsonCopy(event), lambdaContext(logicalId, config, deadline));
      } catch (error) {
        throw new FunctionError(errorPayload(error));
      }
      return result === undefined ? null : jsonCopy(result);
    } finally {
      this.running--;
      if (this.running === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * An asynchronous (Event) invocation, awaited to its end: retried up to the function's
   * retry count, then recorded in `asyncFailures`. Never throws for a handler error.
   */
  async invokeAsync(arnOrName: string, event: unknown): Promise<{ ok: boolean; attempts: number }> {
    const { logicalId, config } = this.functionOf(arnOrName, 'ResourceNotFoundException');
    const attemptsAllowed = 1 + (config.maxAsyncRetries ?? 2);
    let last: LambdaErrorPayload = { errorType: 'Error', errorMessage: 'not invoked', trace: [] };
    for (let attempt = 1; attempt <= attemptsAllowed; attempt++) {
      try {
        await this.invoke(logicalId, event);
        return { ok: true, attempts: attempt };
      } catch (error) {
        last = error instanceof FunctionError ? error.payload : errorPayload(error);
      }
    }
    this.asyncFailures.push({
      version: '1.0',
      timestamp: this.now().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `${lambdaArn(logicalId)}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attemptsAllowed,
      },
      requestPayload: jsonCopy(event),
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: last,
      ...(config.onFailureDestination ? { destination: config.onFailureDestination } : {}),
    });
    return { ok: false, attempts: attemptsAllowed };
  }

  private load(logicalId: string, config: FunctionConfig): Promise<Handler> {
    let loading = this.modules.get(logicalId);
    if (!loading) {
      const url = pathToFileURL(join(this.root, config.entry)).href;
      loading = import(url).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') {
          throw new Error(`${config.entry} (function ${logicalId}) exports no function named handler`);
        }
        keepLoadedCode();
        return mod.handler as Handler;
      });
      // A file that failed to load is retried on the next invocation.
      loading.catch(() => this.modules.delete(logicalId));
      this.modules.set(logicalId, loading);
    }
    return loading;
  }
}

let flushQueued = false;

/**
 * The modules a handler brought in, written to Node's compile cache when it is on (the product
 * turns it on: local/product/compile-cache.ts), once the handlers loading together have loaded: a
 * process killed later has kept them for the next start.
 */
function keepLoadedCode(): void {
  if (flushQueued || !getCompileCacheDir()) return;
  flushQueued = true;
  setImmediate(() => {
    flushQueued = false;
    flushCompileCache();
  }).unref();
}

function lambdaContext(logicalId: string, config: FunctionConfig, deadline: number): Context {
  const fail = () => {
    throw new Error('Callback-style context methods are not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: logicalId,
    functionVersion: '$LATEST',
    invokedFunctionArn: lambdaArn(logicalId),
    memoryLimitInMB: String(config.memorySize ?? 128),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${logicalId}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}

export function errorPayload(error: unknown): LambdaErrorPayload {
  if (error instanceof Error) {
    return {
      errorType: error.name || 'Error',
      errorMessage: error.message,
      trace: (error.stack ?? '').split('\n'),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), trace: [] };
}

function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
