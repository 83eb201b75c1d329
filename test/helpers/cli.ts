/**
 * Runs the real command line in a child process, as an admin would: `node cli/thidua.ts …`
 * (or the bin/thidua.mjs launcher), capturing its output and exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const repo = (...parts: string[]) => join(root, ...parts);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: readonly string[],
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Promise<CliResult> {
  const argv = [file, ...args];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      argv,
      { cwd, ...(env ? { env } : {}), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** `thidua <args>` from the repository root. */
export function thidua(...args: string[]): Promise<CliResult> {
  return run(repo('cli', 'thidua.ts'), args, root);
}

/**
 * `thidua <args>` from the repository root as an operator with AWS credentials runs it, with AWS
 * pointed at local emulators only: this process's AWS_* variables are dropped, `endpoints` (e.g.
 * `AWS_ENDPOINT_URL_SFN`) set with a region and dummy credentials, and no AWS config or
 * credentials file is found (both named in `dir`, which holds neither).
 */
export function thiduaAgainst(
  endpoints: Record<string, string>,
  dir: string,
  ...args: string[]
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    ...endpoints,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
  });
  return run(repo('cli', 'thidua.ts'), args, root, env);
}

/** Any TypeScript script of the repository, run by Node itself, from the root. */
export function script(file: string, ...args: string[]): Promise<CliResult> {
  return run(repo(file), args, root);
}

/** `bin/thidua.mjs <args>` from another folder: the launcher must find everything by itself. */
export function launcher(cwd: string, ...args: string[]): Promise<CliResult> {
  return run(repo('bin', 'thidua.mjs'), args, cwd);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `thidua-${prefix}-`));
}
