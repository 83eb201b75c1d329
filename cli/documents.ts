/**
 * The files `thidua score --out` and `thidua commend --out` write besides JSON, through the
 * document generators of functions/documents/ (docs/documents.md), so an auditor gets offline
 * exactly what the admin pages offer: the scoring summary (XLSX, CSV), the results report (DOCX,
 * print-ready HTML), the commendation submission and the council's vote record (DOCX, HTML).
 *
 * The district config does not say who signs. Unless `--signer` says so, the Phòng Nội vụ's
 * documents are signed by its most senior admin by title (the head — "Trưởng phòng", "Giám đốc";
 * else a deputy, "KT. Trưởng phòng / Phó Trưởng phòng"; else the name is left blank for the
 * signer). The vote record's chair is the council member titled "Chủ tịch Hội đồng" (else the
 * first member), its secretary the first admin (the Phòng Nội vụ serves the council).
 */
import { extname } from 'node:path';
import type { DistrictConfig, Person } from '#domain/model';
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

/** The head of the body that issues the Phòng Nội vụ's documents, as a signer's title. */
function headTitle(config: Pick<DistrictConfig, 'district'>): string {
  const level = config.district.level;
  return level === 'huyen' ? 'Trưởng phòng' : level === 'tinh' ? 'Giám đốc' : 'Chủ tịch';
}

/** The default signer of the Phòng Nội vụ's documents (see the module's note). */
export function defaultSigner(config: Pick<DistrictConfig, 'district' | 'admins'>): Signer {
  const head = headTitle(config);
  const starts = (p: Person, t: string) =>
    (p.title ?? '').toLocaleLowerCase('vi').startsWith(t.toLocaleLowerCase('vi'));
  const chief = config.admins.find((a) => starts(a, head));
  if (chief) return { title: head, name: chief.name };
  const deputy = config.admins.find((a) => starts(a, `Phó ${head}`));
  if (deputy) return { onBehalfOf: `KT. ${head}`, title: `Phó ${head}`, name: deputy.name };
  return { title: head, name: '' };
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

/** The council's chair and secretary for the vote record (see the module's note). */
export function recordSigners(
  config: Pick<DistrictConfig, 'council' | 'admins'>,
  options: { chair?: string; secretary?: string },
): { chair: Signer; secretary: Signer } {
  const chairMember =
    config.council.find((m) => /(^|[–-]\s*)Chủ tịch Hội đồng/u.test(m.title ?? '')) ?? config.council[0];
  const secretaryMember =
    config.council.find((m) => /Thư ký Hội đồng/u.test(m.title ?? '')) ?? config.admins[0];
  return {
    chair: { title: 'Chủ tịch Hội đồng', name: options.chair ?? chairMember?.name ?? '' },
    secretary: { title: 'Thư ký Hội đồng', name: options.secretary ?? secretaryMember?.name ?? '' },
  };
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
