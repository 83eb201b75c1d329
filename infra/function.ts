/**
 * The one way this project declares a Lambda function: a `NodejsFunction` with the project's
 * runtime, bundling and logging conventions, which also remembers its repo-relative entry so the
 * local runtime can run the same handler file in-process for the function's ARN.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  NodejsFunction,
  type NodejsFunctionProps,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Lets the ESM bundle load CommonJS dependencies that call `require`. */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __thiduaCreateRequire } from 'node:module'; const require = __thiduaCreateRequire(import.meta.url);";

/**
 * How every ThiduaFunction is bundled (a function's own `bundling` props are merged over it):
 * minified ESM with a source map, the pinned AWS SDK inside (never the runtime's), for a target
 * that also runs on the local Node 20. infra/bundle.ts builds the same bundles with esbuild's API
 * for the bundle smoke test (test/infra/bundles.test.ts).
 */
export const THIDUA_BUNDLING: Readonly<BundlingOptions> = {
  minify: true,
  sourceMap: true,
  bundleAwsSDK: true,
  target: 'node20',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
};

export interface ThiduaFunctionProps
  extends Omit<NodejsFunctionProps, 'entry' | 'code' | 'projectRoot' | 'logGroup'> {
  /** The handler file, relative to the repository root, e.g. `functions/review/assign-reviewer.ts`. */
  readonly entry: string;
  /** Where it logs, when shared with other functions (default: a group of its own). */
  readonly logGroup?: logs.ILogGroup;
}

export class ThiduaFunction extends NodejsFunction {
  /** The handler file, relative to the repository root (what the local runtime imports). */
  readonly entryPath: string;
  /** Where it logs (JSON logs): its own group, kept one year, unless it was given one. */
  readonly logGroupOfFunction: logs.ILogGroup;
  /** The bundling options its code is built with (`THIDUA_BUNDLING` and its own `bundling` props). */
  readonly bundling: BundlingOptions;

  constructor(scope: Construct, id: string, props: ThiduaFunctionProps) {
    const entryPath = normalizeEntry(props.entry);
    const absoluteEntry = join(PROJECT_ROOT, entryPath);
    if (!existsSync(absoluteEntry)) {
      throw new Error(`ThiduaFunction ${id}: entry file not found: ${entryPath}`);
    }
    // A sibling, because children cannot be created before super(); named after the function.
    const logGroup =
      props.logGroup ?? new logs.LogGroup(scope, `${id}LogGroup`, { retention: logs.RetentionDays.ONE_YEAR });
    // Its own role, allowed to write to its own log group only (no AWSLambdaBasicExecutionRole,
    // whose logs:* on every group cdk-nag flags); grants add what each function needs. A given
    // role is the caller's to grant.
    const role =
      props.role ??
      new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    if (!props.role) logGroup.grantWrite(role);
    const { bundling: ownBundling, environment, ...rest } = props;
    const bundling: BundlingOptions = { ...THIDUA_BUNDLING, ...ownBundling };
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'handler',
      // Traced only inside a sampled trace (a state machine's execution): with ACTIVE every
      // scheduled run and page request would start a trace of its own.
      tracing: lambda.Tracing.PASS_THROUGH,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      role,
      ...rest,
      entry: absoluteEntry,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: props.depsLockFilePath ?? join(PROJECT_ROOT, 'package-lock.json'),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...environment },
      bundling,
    });
    this.entryPath = entryPath;
    this.bundling = bundling;
    this.logGroupOfFunction = logGroup;
  }
}

function normalizeEntry(entry: string): string {
  const rel = isAbsolute(entry) ? relative(PROJECT_ROOT, entry) : entry;
  const normalized = rel.split('\\').join('/').replace(/^\.\//, '');
  if (normalized.startsWith('../')) {
    throw new Error(`ThiduaFunction entry must be inside the repository: ${entry}`);
  }
  return normalized;
}
