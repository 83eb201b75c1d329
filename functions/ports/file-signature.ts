/**
 * What an uploaded file really is, from its first bytes (and, for Office documents, its ZIP
 * directory and `[Content_Types].xml`), read through ranged reads so that a 20 MB file costs a
 * few kilobytes. No AWS import here: the S3 implementation hands in a `ByteSource`.
 *
 * Signatures: PDF `%PDF-`, JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, OOXML a ZIP
 * (`PK 03 04`) whose content types name the declared document's main part, legacy Office the OLE
 * compound file `D0 CF 11 E0 A1 B1 1A E1` (its streams are not inspected).
 */
import { inflateRawSync } from 'node:zlib';
import type { EvidenceKind } from './evidence.ts';

/** How many leading bytes the checks read: enough to see past a BOM and whitespace before markup. */
export const HEAD_BYTES = 4096;

export interface ByteSource {
  size: number;
  /** Bytes `start` to `end` inclusive (`end` < size). */
  read(start: number, end: number): Promise<Uint8Array>;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'not-what-it-claims'; actual: string }
  | { ok: false; reason: 'office-macros' };

const MAGIC: Readonly<Record<'pdf' | 'jpeg' | 'png' | 'zip' | 'ole', readonly number[]>> = {
  pdf: [0x25, 0x50, 0x44, 0x46, 0x2d],
  jpeg: [0xff, 0xd8, 0xff],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  zip: [0x50, 0x4b, 0x03, 0x04],
  ole: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
};

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  return magic.every((b, i) => bytes[at + i] === b);
}

/**
 * What the bytes look like, for the refusal message: the dangerous kinds by name (SVG, HTML, a
 * script, an executable), then the common file kinds, else "không xác định" (unknown).
 */
export function describeContent(head: Uint8Array): string {
  if (startsWith(head, MAGIC.pdf)) return 'PDF';
  if (startsWith(head, MAGIC.jpeg)) return 'ảnh JPEG';
  if (startsWith(head, MAGIC.png)) return 'ảnh PNG';
  if (startsWith(head, MAGIC.zip)) return 'tệp ZIP';
  if (startsWith(head, MAGIC.ole)) return 'tài liệu Office 97–2003';
  if (startsWith(head, [0x4d, 0x5a])) return 'chương trình Windows (.exe)';
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return 'chương trình (ELF)';
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return 'ảnh GIF';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) {
    return 'ảnh WebP';
  }
  // Markup and scripts are text: look at it without a BOM and leading whitespace, case-insensitively.
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head)
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('#!')) return 'tệp lệnh (script)';
  if (text.startsWith('{\\rtf')) return 'văn bản RTF';
  if (/<svg[\s>]/.test(text)) return 'ảnh SVG';
  if (/^<(!doctype html|html|head|body|script|iframe|meta|title|div|a\s)|<script[\s>]/.test(text))
    return 'HTML';
  if (text.startsWith('<?xml')) return 'XML';
  return 'không xác định';
}

/** The check for the declared kind; `head` holds the first `HEAD_BYTES` (or all) of the file. */
export async function checkSignature(
  kind: EvidenceKind,
  head: Uint8Array,
  source: ByteSource,
): Promise<SignatureCheck> {
  const mismatch = (): SignatureCheck => ({
    ok: false,
    reason: 'not-what-it-claims',
    actual: describeContent(head),
  });
  switch (kind) {
    case 'pdf':
      return startsWith(head, MAGIC.pdf) ? { ok: true } : mismatch();
    case 'jpeg':
      return startsWith(head, MAGIC.jpeg) ? { ok: true } : mismatch();
    case 'png':
      return startsWith(head, MAGIC.png) ? { ok: true } : mismatch();
    case 'doc':
    case 'xls':
      return startsWith(head, MAGIC.ole) ? { ok: true } : mismatch();
    case 'docx':
    case 'xlsx':
    case 'pptx':
      return startsWith(head, MAGIC.zip) ? checkOoxml(kind, source) : mismatch();
  }
}

// ---------------------------------------------------------------- Office Open XML

const OOXML_MAIN: Readonly<Record<'docx' | 'xlsx' | 'pptx', { main: string; label: string }>> = {
  docx: {
    main: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    label: 'tài liệu Word (.docx)',
  },
  xlsx: {
    main: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
    label: 'bảng tính Excel (.xlsx)',
  },
  pptx: {
    main: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
    label: 'bản trình chiếu PowerPoint (.pptx)',
  },
};

const OOXML_KINDS = ['docx', 'xlsx', 'pptx'] as const;

/** Content types of macro-enabled documents (.docm, .xlsm, .pptm) and of the VBA project part. */
const MACRO_TYPE =
  /application\/vnd\.ms-[a-z]+\.[a-z]+\.macroenabled|application\/vnd\.ms-office\.vbaproject/i;

/** Caps on what is read: an Office file of 20 MB has a directory of a few kilobytes. */
const MAX_DIRECTORY_BYTES = 1024 * 1024;
const MAX_CONTENT_TYPES_BYTES = 256 * 1024;
const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

class NotAZip extends Error {}

/**
 * A document of the declared kind: a ZIP whose `[Content_Types].xml` names the kind's main part
 * and no macros (a .docm renamed .docx is refused as macro-enabled, an .xlsx named .docx as a
 * spreadsheet). Three ranged reads at most: the tail, the directory, the content types.
 */
async function checkOoxml(kind: 'docx' | 'xlsx' | 'pptx', source: ByteSource): Promise<SignatureCheck> {
  let entries: ZipEntry[];
  let contentTypes: string;
  try {
    entries = await readZipDirectory(source);
    const entry = entries.find((e) => e.name === '[Content_Types].xml');
    if (!entry)
      return { ok: false, reason: 'not-what-it-claims', actual: 'tệp ZIP không phải tài liệu Office' };
    contentTypes = await readEntryText(source, entry);
  } catch (error) {
    if (error instanceof NotAZip) return { ok: false, reason: 'not-what-it-claims', actual: 'tệp ZIP hỏng' };
    throw error;
  }
  if (MACRO_TYPE.test(contentTypes) || entries.some((e) => /(^|\/)vbaproject\.bin$/i.test(e.name))) {
    return { ok: false, reason: 'office-macros' };
  }
  if (contentTypes.includes(`"${OOXML_MAIN[kind].main}"`)) return { ok: true };
  const other = OOXML_KINDS.find((k) => contentTypes.includes(`"${OOXML_MAIN[k].main}"`));
  return {
    ok: false,
    reason: 'not-what-it-claims',
    actual: other ? OOXML_MAIN[other].label : 'tệp ZIP không phải tài liệu Office',
  };
}

async function readZipDirectory(source: ByteSource): Promise<ZipEntry[]> {
  // The end-of-central-directory record is the last 22 bytes plus a comment of up to 64 KB.
  const tailStart = Math.max(0, source.size - (22 + 0xffff));
  const tail = Buffer.from(await source.read(tailStart, source.size - 1));
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new NotAZip('no end of central directory');
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (dirSize > MAX_DIRECTORY_BYTES || dirOffset + dirSize > source.size)
    throw new NotAZip('directory out of range');
  const directory =
    dirOffset >= tailStart
      ? tail.subarray(dirOffset - tailStart, dirOffset - tailStart + dirSize)
      : Buffer.from(await source.read(dirOffset, dirOffset + dirSize - 1));
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new NotAZip('bad directory entry');
    }
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    entries.push({
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      localOffset: directory.readUInt32LE(at + 42),
      name: directory.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function readEntryText(source: ByteSource, entry: ZipEntry): Promise<string> {
  if (entry.size > MAX_CONTENT_TYPES_BYTES || entry.compressedSize > MAX_CONTENT_TYPES_BYTES) {
    throw new NotAZip('content types too large');
  }
  // The local header's name and extra field may differ in length from the directory's: read both.
  const headerEnd = entry.localOffset + 30 + entry.name.length + 0xffff + entry.compressedSize;
  const bytes = Buffer.from(await source.read(entry.localOffset, Math.min(source.size, headerEnd) - 1));
  if (bytes.length < 30 || bytes.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new NotAZip('bad local header');
  const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
  const data = bytes.subarray(dataStart, dataStart + entry.compressedSize);
  if (data.length !== entry.compressedSize) throw new NotAZip('truncated entry');
  try {
    if (entry.method === 0) return data.toString('utf8');
    if (entry.method === 8)
      return inflateRawSync(data, { maxOutputLength: MAX_CONTENT_TYPES_BYTES }).toString('utf8');
  } catch {
    throw new NotAZip('entry does not inflate');
  }
  throw new NotAZip(`compression method ${entry.method}`);
}
