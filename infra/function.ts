/**
 * The one way this project declares a Lambda function: a `NodejsFunction` with the project's
 * runtime, bundling and logging conventions, which also remembers its repo-relative entry so the
 * local runtime can run the same handler file in-process for the function's ARN.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
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
import { PROJECT_ROOT } from './project.ts';

/** Lets the ESM bundle load CommonJS dependencies that call `require`. */
const ESM_REQUIRE_SHIM =
  "import { createRequire as __thiduaCreateRequire } from 'node:module'; const require = __thiduaCreateRequire(import.meta.url);";

/**
 * How every ThiduaFunction is bundled (a function's own `bundling` props are merged over it):
 * minified ESM, the pinned AWS SDK inside (never the runtime's), for the Lambda runtime's Node
 * (24, as below; the bundles run nowhere else: locally the handlers run from source). No source
 * map: with `--enable-source-maps`, Node 24 parses the ~4 MB map when it first formats a stack
 * trace through the bundle, so a cold start whose first call fails took ~1.8x as long
 * (bench/cold-start.ts); a stack line in the logs (`index.mjs:<line>:<column>`) is read with a map
 * built from the same commit (README, "Lambda bundles"). infra/bundle.ts builds the same bundles
 * with esbuild's API for the bundle smoke test (test/infra/bundles.test.ts) and the benchmark.
 */
export const THIDUA_BUNDLING: Readonly<BundlingOptions> = {
  minify: true,
  sourceMap: false,
  bundleAwsSDK: true,
  target: 'node24',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_SHIM,
  // The SDK's default credential chain reduced to the environment, where Lambda puts the role's
  // credentials: ~115 KB less in every bundle (infra/lambda-credentials.ts says why it is safe).
  esbuildArgs: { '--alias': '@aws-sdk/credential-provider-node=./infra/lambda-credentials.ts' },
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
    const { bundling: ownBundling, ...rest } = props;
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
