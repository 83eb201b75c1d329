/**
 * The files `thidua score --out` and `thidua commend --out` write besides JSON, through the
 * document generators of functions/documents/ (docs/documents.md), so an auditor gets offline
 * exactly what the admin pages offer: the scoring summary (XLSX, CSV), the results report (DOCX,
 * print-ready HTML), the commendation submission and the council's vote record (DOCX, HTML).
 *
 * The district config does not say who signs: unless `--signer` says so, the signers are those
 * of functions/documents/signers.ts, as on the admin's downloads.
 */
import { extname } from 'node:path';
import type { DistrictConfig } from '#domain/model';
import { defaultSigner } from '#functions/documents/signers';
import { DocumentInputError, type Signer } from '#functions/documents/types';
import { ProblemsError, UsageError } from './common.ts';

export const DOCUMENT_EXTENSIONS = ['.xlsx', '.csv', '.docx', '.html'] as const;
export type DocumentExtension = (typeof DOCUMENT_EXTENSIONS)[number];

/** The kind of file `--out` names: JSON (the results or outcome), or one of the documents. */
export function outKind(file: string | undefined): 'json' | DocumentExtension | undefined {
  if (file === undefined) return undefined;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  const doc = DOCUMENT_EXTENSIONS.find((x) => x === ext);
  if (doc) return doc;
  throw new UsageError(
    `--out phải là tệp .json, .xlsx, .csv, .docx hoặc .html, nhận được "${file}" (unsupported --out file type)`,
  );
}

/** `--signer "Trưởng phòng: Nguyễn Văn Thành"` or `"KT. Trưởng phòng / Phó Trưởng phòng: Lê Thị Mai"`. */
export function signerOption(value: string | undefined, config: DistrictConfig): Signer {
  if (value === undefined) return defaultSigner(config);
  const at = value.lastIndexOf(':');
  const name = value.slice(at + 1).trim();
  const titles = value
    .slice(0, Math.max(at, 0))
    .split('/')
    .map((t) => t.trim());
  const [first, second] = titles;
  if (at < 0 || !name || !first || titles.length > 2 || (titles.length === 2 && !second)) {
    throw new UsageError(
      `--signer phải có dạng "<chức danh>: <họ tên>" hoặc "KT. <chức danh>/<chức danh người ký>: <họ tên>", nhận được "${value}" (expected "<title>: <name>")`,
    );
  }
  return second ? { onBehalfOf: first, title: second, name } : { title: first, name };
}

/**
 * Builds a document's bytes. A document the input cannot make — no one passed by the council,
 * results that disagree with the appraisals — is a problem of the input (exit 1); callers make
 * every file first and write them (whole, writeBytes) only when all could be made.
 */
export async function makeDocument(
  file: string,
  make: () => Promise<Buffer | string> | Buffer | string,
): Promise<Buffer> {
  try {
    const bytes = await make();
    return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  } catch (e) {
    if (!(e instanceof DocumentInputError)) throw e;
    throw new ProblemsError(
      [{ file, path: '', message: e.message }],
      'Không lập được văn bản (cannot make the document)',
    );
  }
}
