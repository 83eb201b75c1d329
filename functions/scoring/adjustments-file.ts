/**
 * Reading an adjustments file (YAML or JSON) with the line of each field, for `thidua record` and
 * the local product's paste form. Apart from the checks (./adjustments.ts) so that a handler that
 * checks a posted form does not bundle the YAML parser.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '#domain/config';
import { yamlData } from '#domain/data-file';
import type { AdjustmentsDocument } from './adjustments.ts';

/** An adjustments file's content that did not come from disk (a pasted or posted file). */
export interface AdjustmentsSource {
  /** The name problems are reported under (`adjustments-2022Q3.yaml`); `.json` reads it as JSON. */
  file: string;
  text: string;
}

/**
 * Reads a YAML or JSON file (a path, or content with its name); a missing file or a syntax error
 * is a ConfigError naming the file (and line).
 */
export function readAdjustments(source: string | AdjustmentsSource): AdjustmentsDocument {
  const file = typeof source === 'string' ? source : source.file;
  let text: string;
  if (typeof source === 'string') {
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError([
        {
          file,
          path: '',
          message:
            code === 'ENOENT'
              ? 'không tìm thấy tệp (file not found)'
              : `không đọc được tệp: ${(err as Error).message} (cannot read the file)`,
        },
      ]);
    }
  } else text = source.text;
  if (extname(file).toLowerCase() === '.json') {
    try {
      return { file, data: JSON.parse(text), lineOf: () => undefined };
    } catch (err) {
      throw new ConfigError([
        { file, path: '', message: `lỗi cú pháp JSON: ${(err as Error).message} (JSON syntax error)` },
      ]);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((err) => {
        const at = lines.linePos(err.pos[0]);
        return {
          file,
          path: '',
          line: at.line,
          message: `lỗi cú pháp YAML ở dòng ${at.line}: ${err.message.split('\n')[0]} (YAML syntax error)`,
        };
      }),
    );
  }
  /**
   * The line of the deepest key of the path that the document has (a key's own line, not its
   * value's: `phong-noi-vu:` rather than the first field under it). A period `2024:` (yearly
   * calendar) is the number 2024 in the document and "2024" in the data: keys compare as text.
   */
  const lineOf = (path: string): number | undefined => {
    // Paths join plain keys with dots (parseAdjustments); period and unit ids have none.
    const keys = path === '' ? [] : path.split('.');
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const key of keys) {
      if (!isMap(node)) break;
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
      const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (!pair || offset === undefined) break;
      line = lines.linePos(offset).line;
      node = pair.value;
    }
    return line;
  };
  const read = yamlData(doc, lines);
  if ('problems' in read) throw new ConfigError(read.problems.map((p) => ({ file, path: '', ...p })));
  return { file, data: read.data, lineOf };
}
