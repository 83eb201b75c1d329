/**
 * The district's stack as the product runs it: digested (local/runtime/stack.ts) and kept in
 * `node_modules/.cache/thidua/stacks/<slug>-<key>.json`, so that a start with nothing changed loads
 * no CDK and synthesizes nothing (~1.6 s of a ~3 s start; the crash test restarts the product ~25
 * times). The key is a hash of all the stack is made from: the district's config and criteria as
 * loaded, and the path and bytes of every file of the code that builds it (assets included), of
 * package.json and of the installed packages' lock. A change anywhere is a new key, so a kept
 * digest is never stale; the 16 newest are kept. `THIDUA_STACK_CACHE=off`, or any `CDK_*` variable
 * (the CDK's context comes from there), builds and synthesizes the stack at every start.
 * `cdk synth` and `cdk deploy` never read it.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import type { WorkflowName } from '#infra/district-stack';
import { districtStackName, PROJECT_ROOT } from '#infra/project';
import type { StackDigest } from '#local/runtime/asl';

export interface DistrictDigest {
  digest: StackDigest;
  /** Each workflow's state machine, by the name the runtime knows it by (its construct id). */
  workflows: Record<WorkflowName, string>;
}

type District = { config: DistrictConfig; criteriaSets: CriteriaSet[] };

/** The code that builds the stack, every file of it, and what says which packages run it. */
const SOURCE_DIRS = ['infra', 'workflows', 'functions', 'domain', 'local/runtime'];
const SOURCE_FILES = ['package.json', 'package-lock.json', 'node_modules/.package-lock.json'];

export const STACK_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'thidua', 'stacks');
/** Digests kept: a few districts, and the test beds' variants of the demo's config. */
const KEPT = 16;

/** The key of a district's digest: changes with anything the synthesized stack may depend on. */
export function stackKey(slug: string, district: District, root = PROJECT_ROOT): string {
  const hash = createHash('sha256');
  hash.update(`${process.version}\n${districtStackName(slug)}\n`);
  hash.update(JSON.stringify(district));
  for (const file of stackSources(root)) {
    hash.update(`\n${file}\n`);
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

/** Every file the key reads, relative to `root`, sorted. */
export function stackSources(root = PROJECT_ROOT): string[] {
  return [
    ...SOURCE_FILES.filter((f) => existsSync(join(root, f))),
    ...SOURCE_DIRS.flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(root.length + 1)),
    ),
  ].sort();
}

/** The district's digest: the kept one for the current key, else built, synthesized and kept. */
export async function districtDigest(
  slug: string,
  district: District,
  dir = STACK_CACHE_DIR,
): Promise<DistrictDigest & { cached: boolean }> {
  const off =
    process.env.THIDUA_STACK_CACHE?.trim().toLowerCase() === 'off' ||
    Object.keys(process.env).some((name) => name.startsWith('CDK_'));
  if (off) return { ...(await buildDigest(slug, district)), cached: false };
  const key = stackKey(slug, district);
  const file = join(dir, `${slug}-${key.slice(0, 32)}.json`);
  const kept = readKept(file);
  if (kept) return { ...kept, cached: true };
  const built = await buildDigest(slug, district);
  // A file edited while the stack was built: the digest may be of either version; keep neither.
  if (stackKey(slug, district) === key) keep(dir, file, built);
  return { ...built, cached: false };
}

/** Builds the district's stack in a local App and digests it (loads the CDK). */
export async function buildDigest(slug: string, district: District): Promise<DistrictDigest> {
  const [{ DistrictStack }, { digestStack, localApp }] = await Promise.all([
    import('#infra/district-stack'),
    import('#local/runtime/stack'),
  ]);
  const stack = new DistrictStack(localApp(), districtStackName(slug), district);
  const workflows = Object.fromEntries(
    Object.entries(stack.workflows).map(([name, c]) => [name, c.node.id]),
  ) as Record<WorkflowName, string>;
  return { digest: digestStack(stack), workflows };
}

function readKept(file: string): DistrictDigest | undefined {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<DistrictDigest>;
    return kept.digest?.template && kept.workflows ? (kept as DistrictDigest) : undefined;
  } catch {
    return undefined; // missing or unreadable: built again
  }
}

/**
 * Written whole or not at all: another product may start at the same moment (the same key gives
 * the same bytes, so either rename is right). Older digests, and the temporary files of processes
 * killed while writing, are removed.
 */
function keep(dir: string, file: string, entry: DistrictDigest): void {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
    const entries = readdirSync(dir).map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }));
    const digests = entries.filter((e) => e.f.endsWith('.json')).sort((a, b) => b.at - a.at);
    const staleTmp = entries.filter((e) => e.f.endsWith('.tmp') && Date.now() - e.at > 60_000);
    for (const { f } of [...digests.slice(KEPT), ...staleTmp]) rmSync(join(dir, f), { force: true });
  } catch {
    // A read-only checkout builds the stack at every start; nothing else depends on the file.
    rmSync(tmp, { force: true });
  }
}
