/**
 * Reading the uploaded evidence files a posted report form cites: `file[<leaf>][<i>][…]`, written
 * by the page's script after the product verified the upload (docs/evidence.md). A file is kept
 * when its key belongs to this unit and period and either to the round being written or to a
 * file the stored report already cites (the same key and version): so a form can never cite
 * another unit's file, nor a file of an earlier round it did not cite then.
 */
import type { EvidenceFile, EvidenceRef, Report } from '#domain/model';
import { EVIDENCE_MAX_BYTES, parseEvidenceKey } from '#ports/evidence';
import { escapeRegExp, field, ROWS, rowIndexes, text } from './report-fields.ts';

type Add = (fieldName: string, message: string) => void;

/** Who the files must belong to: the report's unit and period, and the round now open for uploads. */
export interface FileOwner {
  unitId: string;
  periodId: string;
  round: number;
  /** The stored report: the files it cites stay citable whatever their round. */
  previous?: Report;
}

/** S3 version ids are URL-safe text; the emulator's are hex. */
const VERSION_ID = /^[A-Za-z0-9._+/=-]{1,1024}$/;
const NAME_MAX = 255;

/** Every file a report cites, by `key#version`. */
export function citedFiles(report: Report | undefined): Map<string, EvidenceFile> {
  const cited = new Map<string, EvidenceFile>();
  for (const entry of Object.values(report?.entries ?? {})) {
    for (const ref of entry.evidence) if (ref.file) cited.set(citation(ref.file), ref.file);
  }
  return cited;
}

const citation = (f: Pick<EvidenceFile, 'key' | 'versionId'>) => `${f.key}#${f.versionId}`;

function fileRow(form: URLSearchParams, leaf: string, i: number, owner: FileOwner, add: Add) {
  const part = (p: Parameters<typeof field.file>[2]) => text(form, field.file(leaf, i, p));
  const raw = { key: part('key'), versionId: part('version'), name: part('name'), size: part('size') };
  if (!raw.key && !raw.versionId && !raw.name && !raw.size) return undefined;
  const where = `Tiêu chí ${leaf}, tệp ${i + 1}`;
  const refuse = (p: Parameters<typeof field.file>[2], message: string) => {
    add(field.file(leaf, i, p), `${where}: ${message}`);
    return undefined;
  };
  let parsed: ReturnType<typeof parseEvidenceKey>;
  try {
    parsed = parseEvidenceKey(raw.key);
  } catch {
    return refuse('key', 'mã tệp không hợp lệ; hãy tải tệp lên lại.');
  }
  if (!VERSION_ID.test(raw.versionId)) return refuse('version', 'thiếu phiên bản đã kiểm tra của tệp.');
  const cited = citedFiles(owner.previous).get(citation({ key: raw.key, versionId: raw.versionId }));
  const ours = parsed.unitId === owner.unitId && parsed.periodId === owner.periodId;
  if (!ours || (parsed.round !== owner.round && !cited)) {
    return refuse('key', 'tệp không thuộc báo cáo này (hoặc thuộc một vòng đã nộp); hãy tải tệp lên lại.');
  }
  const name = raw.name.normalize('NFC');
  if (!name || [...name].length > NAME_MAX || /[\p{Cc}/\\]/u.test(name)) {
    return refuse('name', `tên tệp phải có từ 1 đến ${NAME_MAX} ký tự, không chứa dấu / hoặc \\.`);
  }
  const size = Number(raw.size);
  if (!/^\d{1,9}$/.test(raw.size) || size < 1 || size > EVIDENCE_MAX_BYTES) {
    return refuse('size', 'dung lượng tệp không hợp lệ.');
  }
  const file: EvidenceFile = {
    key: raw.key,
    versionId: raw.versionId,
    name,
    size,
    // The stored type is the key's own (the upload's policy pinned it; verification checked it).
    type: parsed.type.contentType,
  };
  return file;
}

/** The files a leaf's rows cite, in row order, each once. */
export function parseFiles(
  form: URLSearchParams,
  leaf: string,
  owner: FileOwner,
  add: Add,
): { files: EvidenceRef[]; typed: boolean } {
  const pattern = new RegExp(`^file\\[${escapeRegExp(leaf)}\\]\\[(\\d+)\\]\\[`);
  const files: EvidenceRef[] = [];
  const seen = new Set<string>();
  let typed = false;
  for (const i of rowIndexes(form, pattern, ROWS.filesMax)) {
    const file = fileRow(form, leaf, i, owner, add);
    if (!file) continue;
    typed = true;
    if (seen.has(citation(file))) continue;
    seen.add(citation(file));
    files.push({ file });
  }
  return { files, typed };
}
