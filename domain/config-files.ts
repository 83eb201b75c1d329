/**
 * Reads district configs and criteria sets from disk: the one module of domain/ that touches
 * the filesystem (node:fs only). `.json`, `.yaml` and `.yml`; YAML problems carry line numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, type ConfigProblem, checkCriteriaSet, checkDistrictConfig } from './config.ts';
import type { CheckDistrictOptions } from './config-checks.ts';
import { formatPath, type PathProblem, SLUG } from './config-values.ts';
import { type DataFile, parseDataText } from './data-file.ts';
import type { CriteriaSet, DistrictConfig } from './model.ts';

export interface LoadOptions {
  /** "Today" for the phase-over check; defaults to the real clock. */
  now?: Date;
  /** Folder of criteria set files; defaults to `<configDir>/../criteria`. */
  criteriaDir?: string;
}

export interface LoadedDistrict {
  config: DistrictConfig;
  /** The criteria sets the config references, in the order it references them. */
  criteriaSets: CriteriaSet[];
}

const CRITERIA_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Reads and parses a data file; an unreadable file or a syntax error comes back as problems. */
export function readDataFile(file: string): DataFile | { problems: ConfigProblem[] } {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? e.code : undefined;
    const message =
      code === 'ENOENT'
        ? 'không tìm thấy tệp (file not found)'
        : `không đọc được tệp: ${e instanceof Error ? e.message : String(e)} (cannot read the file)`;
    return { problems: [{ file, path: '', message }] };
  }
  return parseDataText(file, source);
}

function located(f: DataFile, problems: readonly PathProblem[]): ConfigProblem[] {
  return problems.map((p) => {
    const line = f.lineOf(p.path);
    return {
      file: f.file,
      path: formatPath(p.path),
      message: p.message,
      ...(line !== undefined ? { line } : {}),
    };
  });
}

function checkedCriteriaSet(
  f: DataFile | { problems: ConfigProblem[] },
  expectedId?: string,
): { set?: CriteriaSet; problems: ConfigProblem[] } {
  if (!('data' in f)) return { problems: f.problems };
  const r = checkCriteriaSet(f.data);
  const problems = located(f, r.problems);
  if (r.value && expectedId !== undefined && r.value.id !== expectedId) {
    problems.push(
      ...located(f, [
        {
          path: ['id'],
          message: `mã "${r.value.id}" phải trùng tên tệp "${expectedId}" (the id must match the file name)`,
        },
      ]),
    );
  }
  return problems.length === 0 && r.value ? { set: r.value, problems } : { problems };
}

/** Reads and validates one criteria set file; throws ConfigError listing every problem. */
export function loadCriteriaSet(file: string): CriteriaSet {
  const r = checkedCriteriaSet(readDataFile(file));
  if (!r.set) throw new ConfigError(r.problems);
  return r.set;
}

/** Where a criteria set id's file is, if it exists. */
function criteriaFile(dir: string, id: string): string | undefined {
  return CRITERIA_EXTENSIONS.map((ext) => join(dir, `${id}${ext}`)).find((p) => existsSync(p));
}

/**
 * Reads a district config and the criteria sets it references (`<criteriaDir>/<id>.yaml`, .yml or
 * .json), validates them together and throws a ConfigError listing every problem of every file.
 */
export function loadDistrict(path: string, opts: LoadOptions = {}): LoadedDistrict {
  const configFile = readDataFile(path);
  if (!('data' in configFile)) throw new ConfigError(configFile.problems);

  const criteriaDir = opts.criteriaDir ?? join(dirname(path), '..', 'criteria');
  const problems: ConfigProblem[] = [];
  const criteriaSets: CriteriaSet[] = [];
  const reportedSetIds = new Set<string>();

  for (const [id, where] of referencedSetIds(configFile.data)) {
    const file = criteriaFile(criteriaDir, id);
    if (!file) {
      reportedSetIds.add(id);
      problems.push(
        ...located(configFile, [
          {
            path: where,
            message: `không tìm thấy tệp bộ tiêu chí ${join(criteriaDir, `${id}.yaml`)} (criteria set file not found)`,
          },
        ]),
      );
      continue;
    }
    const r = checkedCriteriaSet(readDataFile(file), id);
    if (r.set) criteriaSets.push(r.set);
    else {
      reportedSetIds.add(id);
      problems.push(...r.problems);
    }
  }

  const checkOpts: CheckDistrictOptions = { reportedSetIds, ...(opts.now ? { now: opts.now } : {}) };
  const r = checkDistrictConfig(configFile.data, criteriaSets, checkOpts);
  problems.unshift(...located(configFile, r.problems));
  if (problems.length > 0 || !r.value) throw new ConfigError(problems);
  return { config: r.value, criteriaSets };
}

/** Distinct criteria set ids the raw config references, each with the path of its first mention. */
function referencedSetIds(raw: unknown): Map<string, (string | number)[]> {
  const out = new Map<string, (string | number)[]>();
  const groups = (raw as { groups?: unknown } | null)?.groups;
  if (!groups || typeof groups !== 'object') return out;
  for (const [group, settings] of Object.entries(groups)) {
    const ids = (settings as { criteriaSets?: unknown } | null)?.criteriaSets;
    if (!Array.isArray(ids)) continue;
    ids.forEach((id, i) => {
      if (typeof id === 'string' && SLUG.test(id) && !out.has(id))
        out.set(id, ['groups', group, 'criteriaSets', i]);
    });
  }
  return out;
}
