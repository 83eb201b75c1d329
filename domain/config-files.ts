/**
 * Reads district configs and criteria sets from disk: the one module of domain/ that touches
 * the filesystem (node:fs only). `.json`, `.yaml` and `.yml`; YAML problems carry line numbers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { isScalar, LineCounter, parseDocument } from 'yaml';
import {
  type CheckDistrictOptions,
  ConfigError,
  type ConfigProblem,
  checkCriteriaSet,
  checkDistrictConfig,
  formatPath,
  type PathProblem,
  SLUG,
} from './config.ts';
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

/** A parsed data file, with a way to find the line of a field path (YAML only). */
interface DataFile {
  file: string;
  data?: unknown;
  problems: ConfigProblem[];
  lineOf: (path: (string | number)[]) => number | undefined;
}

const CRITERIA_EXTENSIONS = ['.yaml', '.yml', '.json'];

function readDataFile(file: string): DataFile {
  const none = () => undefined;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'không tìm thấy tệp (file not found)'
        : `không đọc được tệp: ${(e as Error).message} (cannot read the file)`;
    return { file, problems: [{ file, path: '', message }], lineOf: none };
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      return { file, data: JSON.parse(source), problems: [], lineOf: none };
    } catch (e) {
      return {
        file,
        problems: [
          { file, path: '', message: `lỗi cú pháp JSON: ${(e as Error).message} (JSON syntax error)` },
        ],
        lineOf: none,
      };
    }
  }
  if (ext !== '.yaml' && ext !== '.yml') {
    return {
      file,
      problems: [
        {
          file,
          path: '',
          message: 'chỉ đọc được tệp .json, .yaml hoặc .yml (only .json, .yaml and .yml files)',
        },
      ],
      lineOf: none,
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      file,
      problems: doc.errors.map((err) => {
        const at = lineCounter.linePos(err.pos[0]);
        const firstLine = err.message.split('\n')[0] ?? err.message;
        return {
          file,
          path: '',
          line: at.line,
          message: `lỗi cú pháp YAML ở dòng ${at.line}, cột ${at.col}: ${firstLine} (YAML syntax error at line ${at.line}, column ${at.col})`,
        };
      }),
      lineOf: none,
    };
  }
  // The line of the deepest node the path reaches (a missing field points at its parent).
  const lineOf = (path: (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
        const offset = node.range[0];
        if (typeof offset === 'number') return lineCounter.linePos(offset).line;
      }
      if (n > 0 && isScalar(node)) break;
    }
    return undefined;
  };
  return { file, data: doc.toJS(), problems: [], lineOf };
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
  f: DataFile,
  expectedId?: string,
): { set?: CriteriaSet; problems: ConfigProblem[] } {
  if (f.problems.length > 0) return { problems: f.problems };
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
  if (configFile.problems.length > 0) throw new ConfigError(configFile.problems);

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
