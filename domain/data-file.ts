/**
 * The data files people write (district configs, criteria sets, appraisals, results, nominations,
 * ballots): `.json`, `.yaml` or `.yml` text parsed into data with a way to find the line of a
 * field path, so that every problem names the file, the field path and, for YAML, the line. Pure:
 * reading the file from disk is domain/config-files.ts's `readDataFile`.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { ConfigProblem } from './config.ts';

export type FieldPath = readonly (string | number)[];

export interface DataFile {
  file: string;
  data: unknown;
  /** The line of the deepest node the path reaches (a missing field points at its parent). */
  lineOf(path: FieldPath): number | undefined;
  /** A problem at that field of this file, with its line when known. */
  problem(path: FieldPath, message: string): ConfigProblem;
  /**
   * Mapping keys YAML read as numbers whose written form the number does not keep: an unquoted
   * criterion id `1.10` is the number 1.1, i.e. the id "1.1". Each is a mistake to report.
   */
  misreadKeys: { path: FieldPath; written: string }[];
}

/**
 * `units.phong-noi-vu.scores["1.2.1"]`: keys that are plain slugs are joined by dots; others
 * (dotted criterion ids) are quoted, so that the path can be read back unambiguously.
 */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The extension of a file name, lower case, with its dot (".yaml"). */
function extensionOf(file: string): string {
  const match = /\.[^./\\]*$/.exec(file);
  return match ? match[0].toLowerCase() : '';
}

/** Parses a file's text by its extension; syntax errors come back as problems naming the line. */
export function parseDataText(file: string, source: string): DataFile | { problems: ConfigProblem[] } {
  const fail = (message: string, line?: number) => ({
    problems: [{ file, path: '', message, ...(line !== undefined ? { line } : {}) }],
  });
  const ext = extensionOf(file);
  const make = (
    data: unknown,
    lineOf: DataFile['lineOf'],
    misreadKeys: DataFile['misreadKeys'] = [],
  ): DataFile => ({
    file,
    data,
    lineOf,
    misreadKeys,
    problem(path, message) {
      const line = lineOf(path);
      return { file, path: formatFieldPath(path), message, ...(line !== undefined ? { line } : {}) };
    },
  });
  if (ext === '.json') {
    try {
      return make(JSON.parse(source), () => undefined);
    } catch (e) {
      return fail(`lỗi cú pháp JSON: ${e instanceof Error ? e.message : String(e)} (JSON syntax error)`);
    }
  }
  if (ext !== '.yaml' && ext !== '.yml') {
    return fail('chỉ đọc được tệp .json, .yaml hoặc .yml (only .json, .yaml and .yml files)');
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((err) => {
        const at = lineCounter.linePos(err.pos[0]);
        const first = err.message.split('\n')[0] ?? err.message;
        return {
          file,
          path: '',
          line: at.line,
          message: `lỗi cú pháp YAML ở dòng ${at.line}, cột ${at.col}: ${first} (YAML syntax error at line ${at.line}, column ${at.col})`,
        };
      }),
    };
  }
  const lineOf = (path: FieldPath): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = nodeAt(doc, path.slice(0, n));
      if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
        const offset = node.range[0];
        if (typeof offset === 'number') return lineCounter.linePos(offset).line;
      }
      if (n > 0 && isScalar(node)) break;
    }
    return undefined;
  };
  const read = yamlData(doc, lineCounter);
  if ('problems' in read) return { problems: read.problems.map((p) => ({ file, path: '', ...p })) };
  return make(read.data, lineOf, misreadNumericKeys(doc.contents, []));
}

/** A problem of a YAML document that stops reading it as data: its message and, when known, its line. */
export interface YamlProblem {
  message: string;
  line?: number;
}

/**
 * A parsed YAML document (without syntax errors) as plain data, or what stops it. Two things make
 * the parser's `toJS` throw rather than report: an alias naming no anchor before it — `note:
 * *xac-minh`, text that starts with `*` left unquoted — and aliases that expand past the parser's
 * limit (a small file that would grow to millions of values). Both are the file's problems, named
 * with the line where known, never an unexpected error.
 */
export function yamlData(
  doc: Document.Parsed,
  lineCounter: LineCounter,
): { data: unknown } | { problems: YamlProblem[] } {
  const problems: YamlProblem[] = [];
  // One pass in document order, as the parser resolves an alias (the last anchor of its name
  // before it): a file of many aliases is checked in linear time.
  const anchors = new Set<string>();
  visit(doc, {
    Node(_key, node) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.add(node.anchor);
        return;
      }
      const alias = node;
      if (anchors.has(alias.source)) return;
      const offset = alias.range?.[0];
      const at = offset === undefined ? undefined : lineCounter.linePos(offset);
      const where = at ? ` ở dòng ${at.line}, cột ${at.col}` : '';
      problems.push({
        message:
          `lỗi YAML${where}: tham chiếu *${alias.source} không có neo &${alias.source} nào đứng trước; ` +
          `nếu đây là văn bản bắt đầu bằng dấu *, hãy đặt nó trong dấu ngoặc kép ` +
          `(YAML alias *${alias.source} has no anchor before it: quote text that starts with *)`,
        ...(at ? { line: at.line } : {}),
      });
    },
  });
  if (problems.length > 0) return { problems };
  try {
    return { data: doc.toJS() };
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    return {
      problems: [
        {
          message:
            'lỗi YAML: các neo và tham chiếu (&tên, *tên) lồng nhau làm dữ liệu phình ra quá lớn; hãy viết thẳng ' +
            'các giá trị thay vì tham chiếu (YAML aliases expand too far: write the values out)',
        },
      ],
    };
  }
}

function misreadNumericKeys(node: unknown, path: (string | number)[]): DataFile['misreadKeys'] {
  const out: DataFile['misreadKeys'] = [];
  if (isMap(node)) {
    for (const item of node.items) {
      const key = isScalar(item.key) ? item.key : undefined;
      const name = key ? String(key.value) : '';
      if (key && typeof key.value === 'number' && typeof key.source === 'string' && key.source !== name) {
        out.push({ path: [...path, name], written: key.source });
      }
      out.push(...misreadNumericKeys(item.value, [...path, name]));
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      out.push(...misreadNumericKeys(item, [...path, i]));
    });
  }
  return out;
}

/**
 * doc.getIn, but also finding keys YAML typed as numbers: a period `2024:` is the integer 2024
 * in the document while the data (and the path) say "2024".
 */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: FieldPath): unknown {
  const exact = doc.getIn(path, true);
  if (exact !== undefined) return exact;
  const alt = path.map((k) => (typeof k === 'string' && /^\d+$/.test(k) ? Number(k) : k));
  return doc.getIn(alt, true);
}

/** A plain mapping (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "an object", "a list", "a number 3", for messages about a value of the wrong kind. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'một danh sách (a list)';
  if (typeof value === 'object') return 'một đối tượng (an object)';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}
