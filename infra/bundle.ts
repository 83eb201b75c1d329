/**
 * Builds ThiduaFunction bundles with esbuild's API, with the options `NodejsFunction` gives the
 * esbuild CLI (aws-cdk-lib 2.276 `Bundling.buildEsbuildArgs`: `--bundle <entry> --target
 * --platform=node --format --outfile=<dir>/index.mjs --minify --sourcemap … --banner:js`, run from
 * the project root). A synthesis bundles its functions one after another (~2 s of esbuild each,
 * ~50 s for a district); `bundleFunctions` builds them all in one esbuild run (~5–12 s), so the
 * bundle smoke test (test/infra/bundles.test.ts) can build every function of the stack. That test
 * also checks that a CDK-built bundle and the one built here are byte for byte the same.
 *
 * An option this module does not know how to pass on is an error, never silently dropped: a bundle
 * built here must be the bundle CDK deploys.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { THIDUA_BUNDLING } from './function.ts';
import { PROJECT_ROOT } from './project.ts';

/** Options that change nothing in a locally built bundle (Docker-only settings, the asset hash). */
const NOT_ABOUT_THE_OUTPUT = new Set<string>([
  'assetHash',
  'buildArgs',
  'bundlingFileAccess',
  'command',
  'dockerImage',
  'entrypoint',
  'environment',
  'esbuildVersion',
  'network',
  'platform',
  'securityOpt',
  'user',
  'volumes',
  'volumesFrom',
  'workingDirectory',
]);

/** Options mapped onto esbuild's API below. */
const MAPPED = new Set<string>([
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'target',
  'loader',
  'logLevel',
  'keepNames',
  'tsconfig',
  'metafile',
  'banner',
  'footer',
  'define',
  'externalModules',
  'bundleAwsSDK',
  'format',
  'mainFields',
  'inject',
  'esbuildArgs',
]);

/** The `esbuildArgs` mapped onto esbuild's API; any other is an error. */
const MAPPED_ESBUILD_ARGS = new Set<string>(['--alias']);

/** The file name of the handler module in the bundle (Lambda's `index.handler`). */
export function bundleFileName(bundling: BundlingOptions = THIDUA_BUNDLING): string {
  return bundling.format === OutputFormat.ESM ? 'index.mjs' : 'index.js';
}

/**
 * esbuild's build options for `entry` (repo-relative) with `bundling`, writing into `outdir`.
 * Throws for an option it cannot reproduce (e.g. `nodeModules`, `commandHooks`, `esbuildArgs`
 * other than `--alias`, `charset`, which this CDK version ignores).
 */
export function esbuildOptionsFor(
  entry: string,
  outdir: string,
  bundling: BundlingOptions = THIDUA_BUNDLING,
): BuildOptions {
  return {
    ...sharedOptions(bundling),
    entryPoints: [entry],
    outfile: join(outdir, bundleFileName(bundling)),
  };
}

/** Everything but the entry and the output: what functions with the same `bundling` share. */
function sharedOptions(bundling: BundlingOptions): BuildOptions {
  const unknown = Object.entries(bundling)
    .filter(([k, v]) => v !== undefined && !MAPPED.has(k) && !NOT_ABOUT_THE_OUTPUT.has(k))
    .map(([k]) => k);
  if (unknown.length > 0) {
    throw new Error(
      `infra/bundle.ts cannot reproduce the bundling option(s) ${unknown.join(', ')}: map them as NodejsFunction does before using them`,
    );
  }
  const unknownArgs = Object.keys(bundling.esbuildArgs ?? {}).filter((k) => !MAPPED_ESBUILD_ARGS.has(k));
  if (unknownArgs.length > 0) {
    throw new Error(
      `infra/bundle.ts cannot reproduce the esbuildArgs ${unknownArgs.join(', ')}: map them as NodejsFunction does before using them`,
    );
  }
  if (!bundling.target) throw new Error('infra/bundle.ts needs an explicit bundling.target');
  if (bundling.sourceMap === false && bundling.sourceMapMode) {
    throw new Error('sourceMapMode cannot be used when sourceMap is false');
  }
  // NodejsFunction: `externalModules`, else nothing when the SDK is bundled, else the SDK.
  const external = bundling.externalModules ?? (bundling.bundleAwsSDK ? [] : ['@aws-sdk/*']);
  const sourceMapOn = bundling.sourceMapMode ?? bundling.sourceMap;
  const mode = bundling.sourceMapMode ?? SourceMapMode.DEFAULT;
  return {
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    target: bundling.target,
    platform: 'node',
    ...(bundling.format ? { format: bundling.format === OutputFormat.ESM ? 'esm' : 'cjs' } : {}),
    ...(bundling.minify ? { minify: true } : {}),
    ...(sourceMapOn ? { sourcemap: mode === SourceMapMode.DEFAULT ? true : mode } : {}),
    sourcesContent: bundling.sourcesContent ?? true,
    external,
    ...(bundling.loader ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define ? { define: bundling.define } : {}),
    logLevel: bundling.logLevel ?? 'warning',
    ...(bundling.keepNames ? { keepNames: true } : {}),
    ...(bundling.tsconfig ? { tsconfig: bundling.tsconfig } : {}),
    ...(bundling.metafile ? { metafile: true } : {}),
    ...(bundling.banner ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields ? { mainFields: bundling.mainFields } : {}),
    ...(bundling.inject ? { inject: bundling.inject } : {}),
    ...(bundling.esbuildArgs?.['--alias'] ? { alias: aliasesOf(bundling.esbuildArgs['--alias']) } : {}),
  };
}

/**
 * `esbuildArgs['--alias']` as NodejsFunction passes it to the CLI (`--alias:<from>=<to>`, one per
 * item of an array), as esbuild's `alias` option.
 */
function aliasesOf(value: string | boolean | string[]): Record<string, string> {
  const items = Array.isArray(value) ? value : [value];
  return Object.fromEntries(
    items.map((item) => {
      const at = typeof item === 'string' ? item.indexOf('=') : -1;
      if (typeof item !== 'string' || at <= 0) {
        throw new Error(`esbuildArgs['--alias'] must be '<package>=<path>', got ${JSON.stringify(item)}`);
      }
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
}

export interface BuiltBundle {
  entry: string;
  outdir: string;
  /** The handler module (`<outdir>/index.mjs`). */
  file: string;
  bytes: number;
  /** The source map's size, when there is one next to the module. */
  mapBytes?: number;
  /**
   * What the bundle still imports or requires at run time (esbuild's metafile: what it left
   * external, e.g. Node's builtins, or an unresolvable `require` inside a `try`).
   */
  externalImports: { path: string; kind: string }[];
  /**
   * What the bundle is made of: each input file (repo-relative, `node_modules/…` for packages)
   * and the bytes it contributes to the output, from esbuild's metafile.
   */
  inputs: Record<string, number>;
  ms: number;
}

/** The AWS SDK clients a bundle carries (`dynamodb`, `sesv2`, …: `@aws-sdk/client-<name>`), sorted. */
export function awsClientsOf(bundle: Pick<BuiltBundle, 'inputs'>): string[] {
  const clients = new Set<string>();
  for (const path of Object.keys(bundle.inputs)) {
    const m = /(?:^|\/)node_modules\/@aws-sdk\/client-([a-z0-9-]+)\//.exec(path);
    if (m?.[1]) clients.add(m[1]);
  }
  return [...clients].sort();
}

/**
 * The zod locale files a bundle carries besides English, the one zod uses unless told otherwise
 * (`z.config(z.locales.xx())`, which nothing here calls).
 */
export function zodLocalesOf(bundle: Pick<BuiltBundle, 'inputs'>): string[] {
  return Object.keys(bundle.inputs)
    .map((path) => /(?:^|\/)node_modules\/zod\/(?:v4\/)?locales\/([A-Za-z-]+)\.js$/.exec(path)?.[1])
    .filter((locale): locale is string => locale !== undefined && locale !== 'index' && locale !== 'en')
    .sort();
}

/** Builds the bundle of `entry` (repo-relative, e.g. `functions/starter.ts`) into `outdir`. */
export async function bundleFunction(
  entry: string,
  outdir: string,
  bundling: BundlingOptions = THIDUA_BUNDLING,
): Promise<BuiltBundle> {
  const started = Date.now();
  const options = esbuildOptionsFor(entry, outdir, bundling);
  mkdirSync(outdir, { recursive: true });
  // The metafile changes nothing in the bundle; it says what the bundle leaves external.
  const result = await build({ ...options, metafile: true });
  if (bundling.metafile) writeFileSync(join(outdir, 'index.meta.json'), JSON.stringify(result.metafile));
  const file = options.outfile as string;
  return builtBundle(entry, outdir, file, Date.now() - started, result.metafile);
}

export interface FunctionToBundle {
  /** Names the bundle's folder: `<outdir>/<name>/index.mjs` (e.g. the construct id). */
  name: string;
  /** Repo-relative handler file. */
  entry: string;
  bundling?: BundlingOptions;
}

/**
 * Builds many functions at once: one esbuild build per distinct `bundling`, with every entry of
 * it (esbuild parses the shared modules — the SDK, zod, the domain — once instead of once per
 * function). Without code splitting each entry still gets a bundle of its own, the same bytes as
 * `bundleFunction` gives it (checked by test/infra/bundles.test.ts). `ms` is the whole build's.
 */
export async function bundleFunctions(
  functions: readonly FunctionToBundle[],
  outdir: string,
): Promise<Map<string, BuiltBundle>> {
  const groups = new Map<string, { bundling: BundlingOptions; members: FunctionToBundle[] }>();
  for (const f of functions) {
    if (!/^[A-Za-z0-9_-]+$/.test(f.name)) throw new Error(`Bundle name ${f.name} is not [A-Za-z0-9_-]`);
    const bundling = f.bundling ?? THIDUA_BUNDLING;
    const key = JSON.stringify(bundling);
    const group = groups.get(key) ?? { bundling, members: [] };
    group.members.push(f);
    groups.set(key, group);
  }
  const out = new Map<string, BuiltBundle>();
  await Promise.all(
    [...groups.values()].map(async ({ bundling, members }) => {
      if (bundling.metafile) {
        // A shared build's metafile would describe every entry: build these one by one.
        for (const m of members)
          out.set(m.name, await bundleFunction(m.entry, join(outdir, m.name), bundling));
        return;
      }
      const started = Date.now();
      const fileName = bundleFileName(bundling);
      mkdirSync(outdir, { recursive: true });
      const result = await build({
        ...sharedOptions(bundling),
        entryPoints: Object.fromEntries(members.map((m) => [`${m.name}/index`, m.entry])),
        outdir,
        outExtension: { '.js': fileName.slice('index'.length) },
        metafile: true,
      });
      const ms = Date.now() - started;
      for (const m of members) {
        const dir = join(outdir, m.name);
        out.set(m.name, builtBundle(m.entry, dir, join(dir, fileName), ms, result.metafile));
      }
    }),
  );
  return out;
}

function builtBundle(
  entry: string,
  outdir: string,
  file: string,
  ms: number,
  metafile: Metafile | undefined,
): BuiltBundle {
  let mapBytes: number | undefined;
  try {
    mapBytes = statSync(`${file}.map`).size;
  } catch {
    mapBytes = undefined;
  }
  const output = metafile?.outputs[relative(PROJECT_ROOT, file).split(sep).join('/')];
  if (!output) throw new Error(`esbuild's metafile does not describe ${file}`);
  return {
    entry,
    outdir,
    file,
    bytes: statSync(file).size,
    ...(mapBytes !== undefined ? { mapBytes } : {}),
    externalImports: output.imports.filter((i) => i.external).map((i) => ({ path: i.path, kind: i.kind })),
    inputs: Object.fromEntries(Object.entries(output.inputs).map(([path, i]) => [path, i.bytesInOutput])),
    ms,
  };
}
