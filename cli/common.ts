/**
 * What every command shares: exit codes, the options several commands take (with their help
 * lines), parsing a command line with usage errors and `--help`, reporting problems (file, field
 * path, line), loading the district and the data files, and writing results only on success.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, type ConfigProblem, formatProblem } from '#domain/config';
import { type LoadedDistrict, loadDistrict, readDataFile } from '#domain/config-files';
import type { DataFile } from '#domain/data-file';
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
  readonly problems: ConfigProblem[];
  readonly title: string;
  constructor(problems: ConfigProblem[], title = 'Dữ liệu không hợp lệ (invalid input)') {
    super(`${title}: ${problems.length}`);
    this.problems = problems;
    this.title = title;
  }
}

// ---------------------------------------------------------------- options and help

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in the help, e.g. "<tệp>". */
  arg?: string;
  /** The help line, Vietnamese; continuation lines of a long one are separate entries. */
  help: string | readonly string[];
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

/** The options several commands take, each with one help text. */
export const OPTIONS = {
  district: { type: 'string', arg: '<tệp>', help: 'cấu hình đơn vị triển khai (districts/*.yaml)' },
  criteria: {
    type: 'string',
    arg: '<thư mục>',
    help: 'thư mục bộ tiêu chí (mặc định: <thư mục cấu hình>/../criteria)',
  },
  json: { type: 'boolean', help: 'in JSON ra màn hình thay cho bản trình bày' },
  region: {
    type: 'string',
    arg: '<vùng>',
    help: 'vùng AWS (mặc định: AWS_REGION hoặc cấu hình AWS của bạn)',
  },
  help: { type: 'boolean', short: 'h', help: 'hướng dẫn này' },
} as const satisfies OptionSpecs;

/**
 * A command's help: the usage line, what it does, its options aligned in a column (`--help`
 * last), what the exit codes mean, then the same in English.
 */
export function helpText(parts: {
  usage: string;
  about: string;
  options: OptionSpecs;
  notes?: string;
  exits: string;
  english: string;
}): string {
  const all: OptionSpecs = { ...parts.options, help: OPTIONS.help };
  const entries = Object.entries(all).map(([name, o]) => ({
    flag: `${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`,
    lines: typeof o.help === 'string' ? [o.help] : o.help,
  }));
  const width = Math.max(...entries.map((e) => e.flag.length)) + 2;
  const options = entries.flatMap((e) =>
    e.lines.map((line, i) => `  ${(i === 0 ? e.flag : '').padEnd(width)}${line}`),
  );
  return [
    parts.usage,
    '',
    parts.about,
    '',
    ...options,
    ...(parts.notes ? ['', parts.notes] : []),
    '',
    `Mã thoát: ${parts.exits}`,
    '',
    parts.english,
  ].join('\n');
}

/**
 * A command from its options and what it does with them: `--help` prints its help; an unknown
 * option, a missing value or a stray argument is a usage error (exit 2).
 */
export function defineCommand<const O extends OptionSpecs>(def: {
  name: string;
  summary: string;
  help: string;
  options: O;
  /** How many positional arguments it takes (default none). */
  positionals?: number;
  run(values: OptionValues<O>, positionals: string[], io: Io): Promise<number> | number;
}): Command {
  return {
    name: def.name,
    summary: def.summary,
    help: def.help,
    run(args, io) {
      const { values, positionals } = parseOptions(
        args,
        { ...def.options, help: OPTIONS.help },
        def.positionals,
      );
      if (values.help) {
        io.out(def.help);
        return EXIT_OK;
      }
      return def.run(values, positionals, io);
    },
  };
}

/** node:util parseArgs, strict, with its errors turned into Vietnamese/English usage errors. */
function parseOptions<O extends OptionSpecs>(
  args: string[],
  options: O,
  positionals = 0,
): { values: OptionValues<O>; positionals: string[] } {
  const spec = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const detail = e instanceof Error ? e.message : String(e);
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
  // parseArgs typed each value by the spec built from `options` just above.
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`thiếu tùy chọn bắt buộc --${name} (missing required option --${name})`);
  }
  return value;
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

// ---------------------------------------------------------------- files

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

/** `--district` (required) and `--criteria`: the district, loaded and checked. */
export function districtOf(values: { district?: string; criteria?: string }): {
  file: string;
  loaded: LoadedDistrict;
} {
  const file = requireOption(values.district, 'district');
  return { file, loaded: loadDistrictOrFail(file, values.criteria) };
}

/** A data file, or its problems added to `problems` (so that every file is read before failing). */
export function readOrCollect(file: string, problems: ConfigProblem[]): DataFile | undefined {
  const read = readDataFile(file);
  if ('data' in read) return read;
  problems.push(...read.problems);
  return undefined;
}

/** Writes through a temporary file and a rename, so a failed run never leaves half a file. */
export function writeOutput(file: string, content: string): void {
  writeBytes(file, Buffer.from(content.endsWith('\n') ? content : `${content}\n`, 'utf8'));
}

/** The same for a file's exact bytes (a workbook, a document). */
export function writeBytes(file: string, bytes: Buffer): void {
  const target = resolve(file);
  const temp = join(dirname(target), `.${Date.now().toString(36)}-${process.pid}.tmp`);
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new ProblemsError(
      [
        {
          file,
          path: '',
          message: `không ghi được tệp: ${e instanceof Error ? e.message : String(e)} (cannot write the file)`,
        },
      ],
      'Không ghi được kết quả (cannot write the output)',
    );
  }
}

/** JSON for files: two-space indent, bigints kept exact (domain/json.ts). */
export function toJsonText(value: unknown): string {
  return `${toExactJson(value, 2)}\n`;
}

/**
 * A command's result: written to `--out` first (a failed write must not follow a table that
 * looks final), then printed as JSON (`--json`) or as the terminal text.
 */
export function deliver(
  io: Io,
  options: { out?: string; json?: boolean; written: string },
  json: unknown,
  render: () => string[],
): void {
  if (options.out !== undefined) writeOutput(options.out, toJsonText(json));
  if (options.json) io.out(toJsonText(json).trimEnd());
  else for (const line of render()) io.out(line);
  if (options.out !== undefined && !options.json) io.out(`\n${options.written}: ${options.out}`);
}
