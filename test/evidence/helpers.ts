/**
 * The local S3 emulator on a temporary folder, the environment a handler would run with, the
 * browser's form upload (Node's fetch + FormData, as a page's script posts it) and small files
 * made here: real PNG and Office containers, PDF/JPEG/OLE bytes that carry their signatures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { type S3Emulator, startS3Emulator } from '#local/runtime/s3';
import { resetAwsClients } from '#ports/aws';
import type { PresignedUpload } from '#ports/evidence';

export const BUCKET = 'thidua-evidence-test';
export const PAGE_ORIGIN = 'http://127.0.0.1:3000';

export interface TestS3 {
  s3: S3Emulator;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the emulator and points the shared S3 client at it through the environment only. */
export async function startTestS3(): Promise<TestS3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'thidua-s3-'));
  const s3 = await startS3Emulator({ dataDir, buckets: [BUCKET], allowedOrigins: [PAGE_ORIGIN] });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    EVIDENCE_BUCKET: BUCKET,
    ...s3.env,
  });
  resetAwsClients();
  return {
    s3,
    dataDir,
    close: async () => {
      resetAwsClients();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await s3.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface PostResult {
  status: number;
  /** S3's error code (`EntityTooLarge`, `AccessDenied`, …) when refused. */
  code?: string;
  message?: string;
}

/**
 * Posts a file as the page's script does: every presigned field, then the file last. `change`
 * edits the fields first (to tamper with them as an attacker would).
 */
export async function postUpload(
  upload: Pick<PresignedUpload, 'url' | 'fields'>,
  body: Blob | Uint8Array | string,
  fileName: string,
  change: (fields: Record<string, string>) => void = () => {},
): Promise<PostResult> {
  const fields = { ...upload.fields };
  change(fields);
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', body instanceof Blob ? body : new Blob([body]), fileName);
  const response = await fetch(upload.url, { method: 'POST', body: form, headers: { Origin: PAGE_ORIGIN } });
  const text = await response.text();
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = unescapeXml(/<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '');
  return { status: response.status, ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

function unescapeXml(text: string): string {
  const named: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
  return text.replace(/&(#\d+|\w+);/g, (entity, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (named[name] ?? entity),
  );
}

/** The policy JSON a presigned POST carries. */
export function decodePolicy(fields: Record<string, string>): { expiration: string; conditions: unknown[] } {
  return JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8'));
}

export function encodePolicy(policy: unknown): string {
  return Buffer.from(JSON.stringify(policy), 'utf8').toString('base64');
}

// ---------------------------------------------------------------- files

export function pdfBytes(text = 'Báo cáo kết quả CCHC quý 3'): Uint8Array {
  return new TextEncoder().encode(
    `%PDF-1.7\n1 0 obj << /Type /Catalog /Title (${text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

/** JPEG/JFIF markers around filler: what the signature check reads. */
export function jpegBytes(size = 2048): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x5a);
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
  bytes.set([0xff, 0xd9], size - 2);
  return bytes;
}

/** A real 1×1 white PNG. */
export function pngBytes(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 255, 255]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const SVG_TEXT =
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect/></svg>';
export const HTML_TEXT = '<!DOCTYPE html>\n<html><body><script>fetch("/admin")</script></body></html>';

/** An OLE compound-file header (legacy .doc/.xls) and filler. */
export function oleBytes(): Uint8Array {
  const bytes = new Uint8Array(1536);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  return bytes;
}

/** A ZIP archive (deflated entries, central directory) of the given files. */
export function zipBytes(files: Record<string, string>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const fileName = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const OOXML = 'application/vnd.openxmlformats-officedocument';

function contentTypes(main: string, extra = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/main.xml" ContentType="${main}"/>${extra}</Types>`
  );
}

/** A Word document as Word writes its package: content types first, then the parts. */
export function docxBytes(): Uint8Array {
  return zipBytes({
    '[Content_Types].xml': contentTypes(`${OOXML}.wordprocessingml.document.main+xml`),
    '_rels/.rels': '<Relationships/>',
    'word/document.xml':
      '<w:document><w:body><w:p><w:r><w:t>Biên bản họp</w:t></w:r></w:p></w:body></w:document>',
  });
}

export function xlsxBytes(): Uint8Array {
  return zipBytes({
    '[Content_Types].xml': contentTypes(`${OOXML}.spreadsheetml.sheet.main+xml`),
    'xl/workbook.xml': '<workbook/>',
  });
}

/** A macro-enabled Word document (.docm), as if renamed .docx. */
export function docmBytes(): Uint8Array {
  return zipBytes({
    '[Content_Types].xml': contentTypes(
      'application/vnd.ms-word.document.macroEnabled.main+xml',
      '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
    ),
    'word/document.xml': '<w:document/>',
    'word/vbaProject.bin': 'Attribute VB_Name = "AutoOpen"',
  });
}
