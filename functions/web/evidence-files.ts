/**
 * Uploaded evidence files on the pages (docs/evidence.md): in the report form, the files a leaf
 * cites as hidden fields (so every save keeps them; the page's script adds a remove button), and
 * on the read-only pages a list whose links go through `/evidence/file`, which checks the person's
 * link or session and answers 303 to a short-lived signed download.
 */
import type { EvidenceFile, EvidenceRef } from '#domain/model';
import { e, type Html } from './pages.ts';
import { FILE_PARTS, type FilePart, field, ROWS } from './report-fields.ts';

/** How a page links downloads: the query of its own link (`k`, `id`, `e`, `s`…), or '' behind a session. */
export interface DownloadLinks {
  query: string;
}

export function downloadHref(links: DownloadLinks, key: string): string {
  return `/evidence/file?${links.query ? `${links.query}&` : ''}key=${encodeURIComponent(key)}`;
}

/** "1,2 MB" or "340 KB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(Math.round((bytes / (1024 * 1024)) * 10) / 10).toLocaleString('vi-VN')} MB`;
}

/** One file: its name (a download link when the page may offer one) and its size. */
export function fileLabel(file: EvidenceFile, links: DownloadLinks | undefined): Html {
  const name = links
    ? `<a href="${e(downloadHref(links, file.key))}" download>${e(file.name)}</a>`
    : e(file.name);
  return `${name} <span class="muted">(${e(fileSize(file.size))})</span>`;
}

export function filesOf(evidence: readonly EvidenceRef[] | undefined): EvidenceFile[] {
  return (evidence ?? []).flatMap((ref) => (ref.file ? [ref.file] : []));
}

/** A file's rows as the form posts them, from the form as typed (a page shown again) or the stored files. */
function rowsOf(leaf: string, stored: readonly EvidenceFile[], raw: URLSearchParams | undefined) {
  if (!raw) {
    return stored.map((f) => ({
      key: f.key,
      version: f.versionId,
      name: f.name,
      size: String(f.size),
      type: f.type,
    }));
  }
  const rows: Record<FilePart, string>[] = [];
  for (let i = 0; i < ROWS.filesMax; i++) {
    const get = (p: FilePart) => raw.get(field.file(leaf, i, p)) ?? '';
    const row = {
      key: get('key'),
      version: get('version'),
      name: get('name'),
      size: get('size'),
      type: get('type'),
    };
    if (row.key) rows.push(row);
  }
  return rows;
}

/** The files a leaf cites, in the editable form: hidden fields per file, numbered from 0. */
export function formFiles(
  leaf: string,
  stored: readonly EvidenceFile[],
  raw: URLSearchParams | undefined,
  links: DownloadLinks | undefined,
): Html {
  const rows = rowsOf(leaf, stored, raw);
  const items = rows.map((row, i) => {
    const inputs = FILE_PARTS.map(
      (p) => `<input type="hidden" name="${e(field.file(leaf, i, p))}" value="${e(row[p])}">`,
    ).join('');
    const known = stored.find((f) => f.key === row.key && f.versionId === row.version);
    const label = known ? fileLabel(known, links) : e(row.name);
    return `<li data-file>${label}${inputs}</li>`;
  });
  return `<ul class="files">${items.join('')}</ul>`;
}

/** The files of a leaf on a read-only page. */
export function fileList(files: readonly EvidenceFile[], links: DownloadLinks | undefined): Html {
  if (files.length === 0) return '';
  return `<p><strong>Tệp minh chứng:</strong></p><ul class="files">${files
    .map((f) => `<li>${fileLabel(f, links)}</li>`)
    .join('')}</ul>`;
}
