#!/usr/bin/env node
// Launcher of the `thidua` command line (package.json "bin"): runs cli/thidua.ts in this same
// process, found from this file's own location, so the command works from any folder. Node 24
// runs the TypeScript itself (the sources are erasable TypeScript: tsconfig's erasableSyntaxOnly);
// the exit code is the one cli/thidua.ts sets.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  console.error(
    `thidua cần Node 24 (thidua needs Node 24, the Lambda runtime), không phải ${process.version} (${process.execPath}). ` +
      'npm ci installs it in node_modules/.bin; README: Which Node runs what.',
  );
  process.exit(2);
}
await import(new URL('../cli/thidua.ts', import.meta.url).href);
