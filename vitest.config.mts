import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, slowest first. A clean clone has no timing cache, so Vitest would order by
 * file size and start the crash test (a small file driving two product processes for minutes)
 * last, making it the tail of the whole run.
 */
const SLOWEST = [
  'test/reliability/crash-period.test.ts',
  'test/e2e/unit-pages.test.ts',
  'test/e2e/unit-live.test.ts',
  'test/reliability/faults-period.test.ts',
  'test/e2e/admin-pages.test.ts',
  'test/e2e/admin-wired.test.ts',
  'test/e2e/campaign-year.test.ts',
  'test/local/crash.test.ts',
  'test/local/start.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((path) => f.moduleId.endsWith(path));
      return i === -1 ? SLOWEST.length : i;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

// V8's compiled code of every module Node loads is kept on disk and reused: the workers, and the
// product and command-line processes the tests start (dozens, each loading aws-cdk-lib and the AWS
// SDK), skip compiling the same megabytes again. Children inherit it through the environment.
process.env.NODE_COMPILE_CACHE ??= fileURLToPath(
  new URL('node_modules/.cache/node-compile', import.meta.url),
);

// Vitest's default on a 2-core machine is one worker (cores − 1): the suite ran file after file
// while many files wait on emulators, child processes or Chromium. One worker a core keeps the
// cores busy without crowding them: on 2 cores (05/12/2026) two workers took 508 s and 712 s of
// CPU where three took 560 s and 794 s. Every timing in the tests is a generous timeout, never
// an assertion.
/**
 * Files that start product processes, emulators on ports of their own or Chromium keep a fresh
 * process each. Every other file shares its worker's module graph with the files before it (no
 * isolation): they import the same AWS SDK, CDK and domain modules, and re-importing them for each
 * of ~100 files took longer than their tests (05/12/2026: 242 s → 157 s for those files). Their
 * order does not matter: runs with the files shuffled pass the same.
 */
const OWN_PROCESS = [
  'test/e2e/**/*.test.ts',
  'test/reliability/crash-period.test.ts',
  'test/reliability/faults-period.test.ts',
  'test/local/start.test.ts',
  'test/local/crash.test.ts',
];

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: SlowestFirst },
    projects: [
      { extends: true, test: { name: 'product', include: OWN_PROCESS } },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: OWN_PROCESS,
          isolate: false,
          setupFiles: ['test/helpers/shared-worker.ts'],
        },
      },
    ],
  },
});
