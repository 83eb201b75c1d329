/**
 * Reading produced files back as a user's program would: the entries of a ZIP package (DOCX),
 * the paragraphs and runs of word/document.xml, the text of an HTML page, rows of a CSV.
 */
import { inflateRawSync } from 'node:zlib';

/** The value, or a failed test naming what was missing. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing: ${what}`);
  return value;
}

/** Every entry of a ZIP file by name (stored or deflated entries, as Office packages use). */
export function unzip(buffer: Buffer): Map<string, Buffer> {
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a ZIP file: no end of central directory');
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const dataAt = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataAt, dataAt + size);
    out.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}

export function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}

export interface DocxRun {
  text: string;
  font: string | undefined;
  /** Point size (w:sz is in half-points). */
  size: number | undefined;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

export interface DocxDocument {
  xml: string;
  paragraphs: { text: string; runs: DocxRun[] }[];
  /** Paragraphs outside any table: the title, the addressee, the body. */
  bodyParagraphs: { text: string; runs: DocxRun[] }[];
  /** Rows of every table, each a list of cell texts. */
  tables: string[][][];
}

function runsOf(paragraph: string): DocxRun[] {
  return [...paragraph.matchAll(/<w:r>(.*?)<\/w:r>/gs)].map(([, r = '']) => {
    const props = /<w:rPr>(.*?)<\/w:rPr>/s.exec(r)?.[1] ?? '';
    const size = /<w:sz w:val="(\d+)"/.exec(props)?.[1];
    return {
      text: decodeXml([...r.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')),
      font: /<w:rFonts w:ascii="([^"]+)"/.exec(props)?.[1],
      size: size === undefined ? undefined : Number(size) / 2,
      bold: /<w:b\/>/.test(props),
      italic: /<w:i\/>/.test(props),
      underline: /<w:u w:val="single"\/>/.test(props),
    };
  });
}

export function readDocx(buffer: Buffer): DocxDocument {
  const xml = unzip(buffer).get('word/document.xml')?.toString('utf8');
  if (!xml) throw new Error('no word/document.xml');
  const paragraphsOf = (part: string) =>
    [...part.matchAll(/<w:p>(.*?)<\/w:p>|<w:p [^>]*>(.*?)<\/w:p>/gs)].map((m) => {
      const runs = runsOf(m[1] ?? m[2] ?? '');
      return { text: runs.map((r) => r.text).join(''), runs };
    });
  const paragraphs = paragraphsOf(xml);
  const bodyParagraphs = paragraphsOf(xml.replace(/<w:tbl>.*?<\/w:tbl>/gs, ''));
  const tables = [...xml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gs)].map(([, t = '']) =>
    [...t.matchAll(/<w:tr(?: [^>]*)?>(.*?)<\/w:tr>/gs)].map(([, row = '']) =>
      [...row.matchAll(/<w:tc>(.*?)<\/w:tc>/gs)].map(([, cell = '']) =>
        [...cell.matchAll(/<w:p(?: [^>]*)?>(.*?)<\/w:p>/gs)]
          .map(([, p = '']) =>
            runsOf(p)
              .map((r) => r.text)
              .join(''),
          )
          .join('\n'),
      ),
    ),
  );
  return { xml, paragraphs, bodyParagraphs, tables };
}

/** The visible text of an HTML page: tags dropped, entities decoded, spaces collapsed. */
export function htmlText(html: string): string {
  const body = html.replace(/<style>.*?<\/style>/s, '').replace(/<title>.*?<\/title>/s, '');
  return decodeXml(body.replace(/<br>/g, '\n').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

/** Rows of a ";"-separated CSV with "…" quoting and CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Tags of an XML fragment balance: every element opened is closed, in order. */
export function balancedTags(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name = '', selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}
