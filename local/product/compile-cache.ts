/**
 * V8's compiled code of the product's modules, kept on disk between starts (Node's module compile
 * cache: the type-stripped TypeScript and its code cache, ~1,800 modules). A start that finds them
 * skips stripping and compiling them again: about a fifth of a start's CPU.
 *
 * Node writes the cache when a process exits normally, which a crash never does: the crash tests
 * kill most of their product processes, and a person may close the terminal. So the product writes
 * what it compiled once it serves, and again after it loads more (a step's handler, a page):
 * `flushCompiledCode()` writes only the modules compiled since the last write.
 *
 * The folder is `node_modules/.cache/node-compile` (the tests' too, vitest.config.mts), or
 * `NODE_COMPILE_CACHE`; `NODE_DISABLE_COMPILE_CACHE=1` turns it off. Each entry is checked against
 * its file's content and Node's version before use, so a kept entry is never stale.
 */
import { enableCompileCache, flushCompileCache, getCompileCacheDir } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#infra/project';

export const COMPILE_CACHE_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'node-compile');

/**
 * Turns the cache on for this process and the threads it starts after (dynalite's): from here on,
 * modules are read from it and compiled into it. Nothing happens when it is on already.
 */
export function keepCompiledCode(): void {
  if (getCompileCacheDir()) return;
  const { directory } = enableCompileCache(process.env.NODE_COMPILE_CACHE?.trim() || COMPILE_CACHE_DIR);
  // A worker thread takes the setting from its environment.
  if (directory) process.env.NODE_COMPILE_CACHE = directory;
}

/** Writes the modules compiled since the last write (a no-op when the cache is off). */
export function flushCompiledCode(): void {
  if (getCompileCacheDir()) flushCompileCache();
}
