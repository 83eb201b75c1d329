/**
 * What a unit reads when a file is refused before anything is signed, the names files get in
 * keys and downloads, and what the signature check says a file really is.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { SLUG } from '#domain/config-values';
import {
  attachmentDisposition,
  checkUploadRequest,
  downloadFileName,
  EVIDENCE_MAX_BYTES,
  EvidenceInputError,
  evidenceTypeByKind,
  parseEvidenceKey,
  safeFileName,
  UNIT_ID,
  type UploadRequest,
} from '#ports/evidence';
import { describeContent } from '#ports/file-signature';
import { S3EvidenceFiles } from '#ports/s3-evidence';
import { HTML_TEXT, jpegBytes, oleBytes, pdfBytes, pngBytes, SVG_TEXT } from './helpers.ts';

const base: UploadRequest = {
  unitId: 'xa-nghi-long',
  periodId: '2024Q3',
  round: 1,
  fileName: 'Báo cáo.pdf',
  contentType: 'application/pdf',
  size: 1000,
};

function refusal(change: Partial<UploadRequest>): EvidenceInputError {
  try {
    checkUploadRequest({ ...base, ...change });
  } catch (error) {
    if (error instanceof EvidenceInputError) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(change)}`);
}

describe('refused before signing, with a message naming the problem', () => {
  it('types that are not evidence: SVG, HTML, scripts, executables, archives', () => {
    for (const [fileName, contentType] of [
      ['so-do.svg', 'image/svg+xml'],
      ['trang.html', 'text/html'],
      ['a.js', 'text/javascript'],
      ['setup.exe', 'application/x-msdownload'],
      ['ho-so.zip', 'application/zip'],
      ['ke-hoach.docm', 'application/vnd.ms-word.document.macroEnabled.12'],
    ] as const) {
      const error = refusal({ fileName, contentType });
      expect(error.field).toBe('contentType');
      expect(error.vi).toBe(
        `Không nhận loại tệp này (${contentType}) cho tệp "${fileName}". ` +
          'Chỉ nhận: PDF, ảnh JPEG/PNG, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx).',
      );
    }
    expect(refusal({ fileName: 'so-do.svg', contentType: '' }).vi).toContain('(.svg)');
  });

  it('a name whose extension is not the declared type', () => {
    const error = refusal({ fileName: 'anh.png', contentType: 'application/pdf' });
    expect(error.field).toBe('fileName');
    expect(error.vi).toBe('Tên tệp "anh.png" có đuôi .png, không khớp với loại tệp PDF (cần đuôi .pdf).');
  });

  it('sizes: empty, over 20 MB; exactly 20 MB is allowed', () => {
    expect(refusal({ size: 0 }).vi).toBe('Tệp "Báo cáo.pdf" rỗng (0 byte).');
    expect(refusal({ size: 26_528_972 }).vi).toBe(
      'Tệp "Báo cáo.pdf" có dung lượng 25,3 MB, vượt quá giới hạn 20 MB cho mỗi tệp.',
    );
    expect(refusal({ size: 26_528_972 }).en).toBe(
      'The file "Báo cáo.pdf" is 25.3 MB, over the 20 MB limit per file.',
    );
    expect(refusal({ size: 1.5 }).field).toBe('size');
    expect(checkUploadRequest({ ...base, size: EVIDENCE_MAX_BYTES }).type.kind).toBe('pdf');
  });

  it('unit ids follow the config rule for unit slugs', () => {
    expect(UNIT_ID.source).toBe(SLUG.source);
  });

  it('ids that cannot go into a key', () => {
    expect(refusal({ unitId: '../other' }).field).toBe('unitId');
    expect(refusal({ periodId: '2024Q5' }).field).toBe('periodId');
    expect(refusal({ round: 0 }).field).toBe('round');
    expect(refusal({ fileName: '  ' }).field).toBe('fileName');
  });

  it('the port refuses without signing anything', async () => {
    // A client whose credentials would throw if asked: a refusal must come first.
    const client = new S3Client({
      region: 'ap-southeast-1',
      credentials: () => Promise.reject(new Error('signing was attempted')),
    });
    const files = new S3EvidenceFiles({ bucket: 'b-evidence', client });
    await expect(
      files.presignUpload({ ...base, fileName: 'x.svg', contentType: 'image/svg+xml' }),
    ).rejects.toThrow(EvidenceInputError);
  });

  it('browser aliases and an unknown type from a known extension are understood', () => {
    expect(checkUploadRequest({ ...base, fileName: 'a.jpg', contentType: 'image/pjpeg' }).type.kind).toBe(
      'jpeg',
    );
    expect(
      checkUploadRequest({ ...base, fileName: 'a.pptx', contentType: 'application/octet-stream' }).type.kind,
    ).toBe('pptx');
  });
});

describe('names', () => {
  it('keys carry an ASCII form of the name, the type deciding the extension', () => {
    const pdf = evidenceTypeByKind('pdf');
    expect(safeFileName('Báo cáo CCHC quý 3 (bản ký).PDF', pdf)).toBe('bao-cao-cchc-quy-3-ban-ky.pdf');
    expect(safeFileName('Đề án Đổi mới.pdf', pdf)).toBe('de-an-doi-moi.pdf');
    expect(safeFileName('C:\\Users\\a\\..\\..\\hồ sơ.pdf', pdf)).toBe('ho-so.pdf');
    expect(safeFileName('Ảnh.pdf', pdf)).toBe('anh.pdf');
    expect(safeFileName('###.pdf', pdf)).toBe('tep.pdf');
    expect(safeFileName(`${'dài '.repeat(40)}.pdf`, pdf)).toMatch(/^(dai-)+dai\.pdf$/);
  });

  it('keys are parsed strictly: nothing outside the scheme passes', () => {
    const key = `evidence/xa-nghi-long/2024Q3/r2/${'a'.repeat(32)}-bao-cao.pdf`;
    expect(parseEvidenceKey(key)).toMatchObject({ unitId: 'xa-nghi-long', periodId: '2024Q3', round: 2 });
    for (const bad of [
      `evidence/xa-nghi-long/2024Q3/r2/${'a'.repeat(32)}-bao-cao.html`,
      `evidence/../2024Q3/r2/${'a'.repeat(32)}-bao-cao.pdf`,
      `evidence/xa-nghi-long/2024Q3/r2/${'a'.repeat(31)}-bao-cao.pdf`,
      `other/xa-nghi-long/2024Q3/r2/${'a'.repeat(32)}-bao-cao.pdf`,
    ]) {
      expect(() => parseEvidenceKey(bad)).toThrow(/Mã tệp minh chứng không hợp lệ/);
    }
  });

  it('downloads keep the Vietnamese name, composed (NFC), without path or quote characters', () => {
    const pdf = evidenceTypeByKind('pdf');
    const decomposed = 'Báo cáo quý 3.pdf'.normalize('NFD');
    expect(downloadFileName(decomposed, pdf)).toBe('Báo cáo quý 3.pdf');
    expect(downloadFileName('../"Kế hoạch"\r\n.pdf', pdf)).toBe('Kế hoạch.pdf');
    expect(downloadFileName('Kế hoạch', pdf)).toBe('Kế hoạch.pdf');
    expect(attachmentDisposition('Kế hoạch (số 1).pdf')).toBe(
      `attachment; filename="Ke hoach (so 1).pdf"; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20%28s%E1%BB%91%201%29.pdf`,
    );
  });
});

describe('what the first bytes say a file is', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['PDF', pdfBytes()],
    ['ảnh JPEG', jpegBytes()],
    ['ảnh PNG', pngBytes()],
    ['tài liệu Office 97–2003', oleBytes()],
    ['ảnh SVG', text(SVG_TEXT)],
    ['ảnh SVG', text(`\uFEFF  <svg viewBox="0 0 1 1"></svg>`)],
    ['HTML', text(HTML_TEXT)],
    ['HTML', text('\n\n<SCRIPT>alert(1)</SCRIPT>')],
    ['tệp lệnh (script)', text('#!/bin/sh\nrm -rf /\n')],
    ['chương trình Windows (.exe)', text('MZ\x90\x00')],
    ['không xác định', text('chỉ là văn bản')],
  ])('%s', (expected, bytes) => {
    expect(describeContent(bytes)).toBe(expected);
  });
});
