#!/usr/bin/env node
// Launcher of the `thidua` command line (package.json "bin"): runs cli/thidua.ts, TypeScript,
// through tsx in this same process. tsx is resolved from this file's own location, so the
// command works from any folder; the exit code is the one cli/thidua.ts sets.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../cli/thidua.ts', import.meta.url).href);
