/**
 * What every command shares: exit codes, option parsing with usage errors, reporting problems
 * (file, field path, line), loading the district, and writing an output file only on success.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type ConfigProblem, formatProblem } from '#domain/config';
import { type LoadedDistrict, loadDistrict } from '#domain/config-files';
import { toExactJson } from '#domain/json';

/** 0: done; 1: the input has problems (listed); 2: the command line itself is wrong. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export interface Command {
  name: string;
  /** One line, Vietnamese then English. */
  summary: string;
  help: string;
  run(args: string[], io: Io): Promise<number> | number;
}

/** A command line that cannot be run as written: exit 2, with a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Input problems found while reading or checking files: exit 1, nothing computed or written. */
export class ProblemsError extends Error {
  override name = 'ProblemsError';
  constructor(
    readonly problems: ConfigProblem[],
    readonly title = 'Dữ liệu không hợp lệ (invalid input)',
  ) {
    super(`${title}: ${problems.length}`);
  }
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** node:util parseArgs, strict, with its errors turned into Vietnamese/English usage errors. */
export function parseOptions<T extends OptionSpec>(args: string[], options: T, positionals = 0) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const detail = (e as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`tùy chọn không được hỗ trợ (unknown option): ${detail}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(`thiếu giá trị của tùy chọn (missing option value): ${detail}`);
    }
    throw new UsageError(detail);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(
      `thừa đối số (unexpected argument): ${parsed.positionals.slice(positionals).join(' ')}`,
    );
  }
  return parsed;
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`thiếu tùy chọn bắt buộc --${name} (missing required option --${name})`);
  }
  return value;
}

export function printProblems(write: (text: string) => void, title: string, problems: ConfigProblem[]): void {
  const n = problems.length;
  write(`${title}: ${n} lỗi (${n} problem${n === 1 ? '' : 's'})`);
  for (const p of problems) write(`- ${formatProblem(p)}`);
}

/** The district config and its criteria sets, or ProblemsError listing every problem. */
export function loadDistrictOrFail(file: string, criteriaDir?: string): LoadedDistrict {
  try {
    return loadDistrict(file, criteriaDir ? { criteriaDir } : {});
  } catch (e) {
    if (e instanceof ConfigError) {
      throw new ProblemsError(e.problems, 'Cấu hình không hợp lệ (invalid configuration)');
    }
    throw e;
  }
}

/** Writes through a temporary file and a rename, so a failed run never leaves half a file. */
export function writeOutput(file: string, content: string): void {
  const target = resolve(file);
  const temp = join(dirname(target), `.${Date.now().toString(36)}-${process.pid}.tmp`);
  try {
    writeFileSync(temp, content.endsWith('\n') ? content : `${content}\n`, 'utf8');
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new ProblemsError(
      [{ file, path: '', message: `không ghi được tệp: ${(e as Error).message} (cannot write the file)` }],
      'Không ghi được kết quả (cannot write the output)',
    );
  }
}

/** JSON for files: two-space indent, bigints kept exact (domain/json.ts). */
export function toJsonText(value: unknown): string {
  return `${toExactJson(value, 2)}\n`;
}

/** yyyy-mm-dd that is a real date. */
function isIsoDateArg(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  return new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
}

/** `--on`, the decision date: absent, or a real yyyy-mm-dd date. */
export function onDateOption(on: string | undefined): string | undefined {
  if (on !== undefined && !isIsoDateArg(on)) {
    throw new UsageError(`--on phải là ngày yyyy-mm-dd, nhận được "${on}" (--on must be yyyy-mm-dd)`);
  }
  return on;
}

const REGION = /^[a-z0-9-]{2,32}$/;

/** `--region`: absent, or shaped like an AWS region name. */
export function regionOption(region: string | undefined): string | undefined {
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(`--region không hợp lệ: "${region}" (invalid region)`);
  }
  return region;
}
