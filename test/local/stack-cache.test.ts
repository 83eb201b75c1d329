/**
 * The product's kept stack digest (local/product/stack-cache.ts): a start with nothing changed
 * runs the same stack without loading the CDK; any change to the config or to the code the stack
 * is built from is a new key, so a kept digest is never run stale.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { PROJECT_ROOT } from '#infra/project';
import { buildDigest, districtDigest, stackKey, stackSources } from '#local/product/stack-cache';

const demo = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder with the demo's digest kept, built once for the file: the cases copy it. */
let warm: string;
let firstCall: Awaited<ReturnType<typeof districtDigest>>;
beforeAll(async () => {
  warm = tempDir('thidua-stacks-');
  firstCall = await districtDigest('demo', demo, warm);
}, 60_000);
const copyOfWarm = () => {
  const dir = tempDir('thidua-stacks-');
  cpSync(warm, dir, { recursive: true });
  return dir;
};

describe('the kept digest', { timeout: 60_000 }, () => {
  it('is built once, then read back equal to a fresh synthesis of the same district', async () => {
    const second = await districtDigest('demo', demo, copyOfWarm());
    expect([firstCall.cached, second.cached]).toEqual([false, true]);
    const fresh = JSON.parse(JSON.stringify(await buildDigest('demo', demo)));
    expect({ digest: second.digest, workflows: second.workflows }).toEqual(fresh);
    // What the runtime and the product read of it.
    expect(Object.keys(second.workflows).sort()).toEqual(
      ['commendation', 'launch', 'period', 'review', 'scoring'].sort(),
    );
    expect(Object.values(second.digest.stateMachines).map((m) => m.name)).toContain('Review');
    expect(Object.values(second.digest.functions).map((f) => f.entryPath)).toContain(
      'functions/review/assign-reviewer.ts',
    );
  });

  it('is built again for a changed config, and the earlier one is kept beside it', async () => {
    const dir = copyOfWarm();
    const renamed = structuredClone(demo);
    renamed.config.district.name = `${renamed.config.district.name} (đổi tên)`;
    expect(stackKey('demo', renamed)).not.toBe(stackKey('demo', demo));
    expect((await districtDigest('demo', renamed, dir)).cached).toBe(false);
    expect((await districtDigest('demo', demo, dir)).cached).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });

  it('is built again when a kept file is unreadable, and then kept whole', async () => {
    const dir = copyOfWarm();
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file as string), '{"digest": {"templ');
    expect((await districtDigest('demo', demo, dir)).cached).toBe(false);
    expect((await districtDigest('demo', demo, dir)).cached).toBe(true);
  });

  it('is never read or written with THIDUA_STACK_CACHE=off', async () => {
    const dir = copyOfWarm();
    const kept = () => readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    const before = kept();
    process.env.THIDUA_STACK_CACHE = 'off';
    try {
      expect((await districtDigest('demo', demo, dir)).cached).toBe(false);
    } finally {
      delete process.env.THIDUA_STACK_CACHE;
    }
    expect(kept()).toEqual(before);
  });
});

describe('the key', () => {
  it('covers every file of the code the stack is built from, assets and lock files included', () => {
    const sources = stackSources();
    for (const file of [
      'infra/district-stack.ts',
      'infra/handlers.ts',
      'workflows/review.ts',
      'functions/review/assign-reviewer.ts',
      'functions/web/assets/report-form.css',
      'domain/model.ts',
      'local/runtime/stack.ts',
      'package.json',
      'package-lock.json',
    ]) {
      expect(sources).toContain(file);
    }
  });

  it('changes when one byte of one source file changes', () => {
    const root = tempDir('thidua-stack-root-');
    for (const f of stackSources()) cpSync(join(PROJECT_ROOT, f), join(root, f), { recursive: true });
    const before = stackKey('demo', demo, root);
    expect(stackKey('demo', demo, root)).toBe(before);
    writeFileSync(join(root, 'workflows', 'review.ts'), '// edited\n', { flag: 'a' });
    expect(stackKey('demo', demo, root)).not.toBe(before);
  });
});

describe('a start with the digest kept', { timeout: 120_000 }, () => {
  // A child process whose module loader refuses aws-cdk-lib: it must run the demo without it.
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(
      'export async function resolve(s, c, next) {' +
      ' if (s === "aws-cdk-lib" || s.startsWith("aws-cdk-lib/")) throw new Error("aws-cdk-lib loaded: " + s);' +
      ' return next(s, c); }'));
    const { loadDistrict } = await import('#domain/config-files');
    const { districtDigest } = await import('#local/product/stack-cache');
    const demo = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
    const { cached, digest } = await districtDigest('demo', demo, process.env.DIR);
    const { startLocalRuntime, stopLocalRuntime } = await import('#local/runtime/runtime');
    const rt = await startLocalRuntime({ stack: digest, clockStart: new Date('2022-08-02T01:00:00Z') });
    console.log(JSON.stringify({ cached, machines: rt.stateMachines.map((m) => m.name).sort() }));
    await stopLocalRuntime(rt);
  `;
  const run = (dir: string) =>
    promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DIR: dir, LOG_LEVEL: 'error' },
    });

  it('runs the stack without loading aws-cdk-lib; with nothing kept, the same process could not', async () => {
    await expect(run(tempDir('thidua-stacks-'))).rejects.toThrow(/aws-cdk-lib loaded/);
    const { stdout } = await run(copyOfWarm());
    const answer = JSON.parse(stdout.trim().split('\n').pop() as string);
    expect(answer.cached).toBe(true);
    expect(answer.machines).toEqual(expect.arrayContaining(['Review', 'Period', 'Launch']));
  });
});
