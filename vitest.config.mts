import { defineConfig } from 'vitest/config';

// Vitest's default on a 2-core machine is one worker (cores − 1): the suite ran file after file
// while most files wait on emulators, child processes or Chromium, not on the CPU. Three workers
// keep both cores busy; every timing in the tests is a generous timeout, never an assertion.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], maxWorkers: 3 } });
