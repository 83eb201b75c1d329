/**
 * Evidence files end to end on the local S3 emulator: the port presigns, the "browser" posts a
 * multipart form over HTTP, the emulator enforces the policy as S3 does, the port verifies what
 * was stored and signs the download. The port reaches the emulator through AWS_ENDPOINT_URL_S3
 * only, as a handler would.
 */
import { GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_MAX_BYTES, EvidenceInputError, type UploadRequest } from '#ports/evidence';
import { S3EvidenceFiles } from '#ports/s3-evidence';
import {
  BUCKET,
  decodePolicy,
  docmBytes,
  docxBytes,
  encodePolicy,
  HTML_TEXT,
  jpegBytes,
  oleBytes,
  pdfBytes,
  postUpload,
  SVG_TEXT,
  startTestS3,
  type TestS3,
  xlsxBytes,
  zipBytes,
} from './helpers.ts';

let local: TestS3;
let files: S3EvidenceFiles;

beforeAll(async () => {
  local = await startTestS3();
  files = new S3EvidenceFiles();
});
afterAll(async () => {
  await local.close();
});

const owner = { unitId: 'phong-tu-phap', periodId: '2024Q3', round: 1 };

function request(fileName: string, contentType: string, size: number): UploadRequest {
  return { ...owner, fileName, contentType, size };
}

/** Presign, post as the browser does, and verify: what a unit attaching one file goes through. */
async function attach(fileName: string, contentType: string, bytes: Uint8Array) {
  const upload = await files.presignUpload(request(fileName, contentType, bytes.length));
  const posted = await postUpload(upload, bytes, fileName);
  expect(posted).toEqual({ status: 204 });
  return { upload, result: await files.verifyUpload(upload.key, owner) };
}

describe('a unit attaches evidence files', () => {
  it('a scanned PDF is stored under the unit, period and round, verified and downloadable under its Vietnamese name', async () => {
    const bytes = pdfBytes();
    const { upload, result } = await attach('Báo cáo kết quả CCHC quý 3.pdf', 'application/pdf', bytes);
    expect(upload.key).toMatch(
      /^evidence\/phong-tu-phap\/2024Q3\/r1\/[0-9a-f]{32}-bao-cao-ket-qua-cchc-quy-3\.pdf$/,
    );
    expect(upload.maxBytes).toBe(20 * 1024 * 1024);
    expect(result.status).toBe('accepted');
    if (result.status !== 'accepted') return;
    expect(result.file).toMatchObject({
      key: upload.key,
      kind: 'pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    });
    expect(result.scanned).toBe(false);

    const url = await files.downloadUrl(upload.key, 'Báo cáo kết quả CCHC quý 3.pdf', {
      versionId: result.file.versionId,
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; /);
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('Báo cáo kết quả CCHC quý 3.pdf');
    expect(disposition).toContain('filename="Bao cao ket qua CCHC quy 3.pdf"');
  });

  it('a photo from a phone (JPEG) is accepted', async () => {
    const { upload, result } = await attach('Ảnh hội nghị.JPG', 'image/jpeg', jpegBytes());
    expect(upload.key).toMatch(/-anh-hoi-nghi\.jpg$/);
    expect(result).toMatchObject({ status: 'accepted', file: { kind: 'jpeg', contentType: 'image/jpeg' } });
  });

  it('Word, Excel and legacy Word files are accepted by what is inside them', async () => {
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    expect((await attach('Biên bản họp.docx', docx, docxBytes())).result.status).toBe('accepted');
    expect((await attach('Bảng điểm.xlsx', xlsx, xlsxBytes())).result.status).toBe('accepted');
    // Windows without Office declares no type for .xlsx: the extension decides.
    expect((await attach('Bảng tổng hợp.xlsx', '', xlsxBytes())).result.status).toBe('accepted');
    expect((await attach('Quyết định cũ.doc', 'application/msword', oleBytes())).result.status).toBe(
      'accepted',
    );
  });

  it('two uploads of the same name get two keys: nothing is overwritten', async () => {
    const a = await files.presignUpload(request('scan.pdf', 'application/pdf', 10));
    const b = await files.presignUpload(request('scan.pdf', 'application/pdf', 10));
    expect(a.key).not.toBe(b.key);
  });
});

describe('limits the POST policy enforces (refused by S3 itself, nothing stored)', () => {
  it('a file over 20 MB is refused even when its size was declared small', async () => {
    const upload = await files.presignUpload(request('scan.pdf', 'application/pdf', 1000));
    const big = new Blob([pdfBytes(), new Uint8Array(EVIDENCE_MAX_BYTES)]);
    expect(await postUpload(upload, big, 'scan.pdf')).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    expect(await files.verifyUpload(upload.key)).toMatchObject({
      status: 'refused',
      reason: 'missing',
      removed: 'nothing-stored',
    });
  });

  it('an empty file is refused', async () => {
    const upload = await files.presignUpload(request('scan.pdf', 'application/pdf', 10));
    expect(await postUpload(upload, new Uint8Array(0), 'scan.pdf')).toMatchObject({
      status: 400,
      code: 'EntityTooSmall',
    });
  });

  it('an expired policy is refused', async () => {
    // A server clock ten minutes behind signs a policy that expired five minutes ago.
    const late = new S3EvidenceFiles({
      client: new S3Client({ region: 'ap-southeast-1', systemClockOffset: -600_000 }),
    });
    const upload = await late.presignUpload(request('scan.pdf', 'application/pdf', 100));
    expect(await postUpload(upload, pdfBytes(), 'scan.pdf')).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('a policy edited to allow more is refused: its signature no longer matches', async () => {
    const upload = await files.presignUpload(request('scan.pdf', 'application/pdf', 100));
    const widened = await postUpload(upload, pdfBytes(), 'scan.pdf', (fields) => {
      const policy = decodePolicy(fields);
      policy.conditions = policy.conditions.map((c) =>
        Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 5 * 1024 ** 3] : c,
      );
      fields.Policy = encodePolicy(policy);
    });
    expect(widened).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const forged = await postUpload(upload, pdfBytes(), 'scan.pdf', (fields) => {
      const signature = fields['X-Amz-Signature'] ?? '';
      fields['X-Amz-Signature'] = `${signature.startsWith('0') ? '1' : '0'}${signature.slice(1)}`;
    });
    expect(forged).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('a key outside the signed one is refused: another unit, or another round', async () => {
    const upload = await files.presignUpload(request('scan.pdf', 'application/pdf', 100));
    for (const key of [
      upload.key.replace('phong-tu-phap', 'xa-nghi-long'),
      upload.key.replace('/r1/', '/r2/'),
      `${upload.key}.html`,
    ]) {
      const result = await postUpload(upload, pdfBytes(), 'scan.pdf', (fields) => {
        fields.key = key;
      });
      expect(result).toMatchObject({ status: 403, code: 'AccessDenied' });
      expect(result.message).toMatch(/^Invalid according to Policy: Policy Condition failed: .*\$key/);
    }
  });

  it('a Content-Type other than the declared one is refused (no HTML served from the bucket)', async () => {
    const upload = await files.presignUpload(request('scan.pdf', 'application/pdf', 100));
    const result = await postUpload(upload, HTML_TEXT, 'scan.pdf', (fields) => {
      fields['Content-Type'] = 'text/html';
    });
    expect(result).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(result.message).toContain('$Content-Type');
  });
});

describe('verification refuses what is not what it claims, and deletes it', () => {
  it('an SVG declared as a PNG', async () => {
    const { upload, result } = await attach('so-do.png', 'image/png', new TextEncoder().encode(SVG_TEXT));
    expect(result).toMatchObject({ status: 'refused', reason: 'not-what-it-claims', removed: 'deleted' });
    if (result.status !== 'refused') return;
    expect(result.vi).toBe(
      'Tệp "so-do.png" không phải là ảnh PNG như đã khai báo (nội dung thực tế: ảnh SVG). Tệp đã bị xoá; hãy tải lên lại đúng tệp.',
    );
    expect(await files.verifyUpload(upload.key)).toMatchObject({ reason: 'missing' });
  });

  it('an HTML page renamed .pdf', async () => {
    const { upload, result } = await attach(
      'bao-cao.pdf',
      'application/pdf',
      new TextEncoder().encode(HTML_TEXT),
    );
    expect(result).toMatchObject({ status: 'refused', reason: 'not-what-it-claims', removed: 'deleted' });
    if (result.status !== 'refused') return;
    expect(result.vi).toContain('(nội dung thực tế: HTML)');
    expect((await fetch(await files.downloadUrl(upload.key, 'bao-cao.pdf'))).status).toBe(404);
  });

  it('a macro-enabled document renamed .docx, a spreadsheet named .docx, and a plain ZIP', async () => {
    const docx = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    expect((await attach('ke-hoach.docx', docx, docmBytes())).result).toMatchObject({
      reason: 'office-macros',
    });
    const sheet = (await attach('ke-hoach.docx', docx, xlsxBytes())).result;
    expect(sheet).toMatchObject({ reason: 'not-what-it-claims' });
    expect(sheet.status === 'refused' && sheet.vi).toContain('bảng tính Excel (.xlsx)');
    const zip = (await attach('ke-hoach.docx', docx, zipBytes({ 'a.txt': 'x' }))).result;
    expect(zip.status === 'refused' && zip.vi).toContain('tệp ZIP không phải tài liệu Office');
  });

  it('an infected file, when a scanner is configured, is refused and deleted', async () => {
    const scanning = new S3EvidenceFiles({
      scanner: {
        scan: async ({ size }) =>
          size > 0 ? { verdict: 'infected', name: 'EICAR-Test-File' } : { verdict: 'clean' },
      },
    });
    const upload = await scanning.presignUpload(request('scan.pdf', 'application/pdf', 100));
    await postUpload(upload, pdfBytes(), 'scan.pdf');
    const result = await scanning.verifyUpload(upload.key);
    expect(result).toMatchObject({ status: 'refused', reason: 'infected', removed: 'deleted' });
    expect(result.status === 'refused' && result.vi).toContain('EICAR-Test-File');
  });

  it("another unit's file is refused before anything is read", async () => {
    const { upload } = await attach('scan.pdf', 'application/pdf', pdfBytes());
    await expect(files.verifyUpload(upload.key, { ...owner, unitId: 'xa-nghi-long' })).rejects.toThrow(
      EvidenceInputError,
    );
    expect(await files.verifyUpload(upload.key, owner)).toMatchObject({ status: 'accepted' });
  });
});

describe('what a report cites does not change', () => {
  it('a second post with the same policy makes a new version; the verified version is what downloads serve', async () => {
    const original = pdfBytes('bản gốc');
    const { upload, result } = await attach('scan.pdf', 'application/pdf', original);
    if (result.status !== 'accepted') throw new Error('the original upload was refused');
    expect(await postUpload(upload, pdfBytes('bản thay thế'), 'scan.pdf')).toEqual({ status: 204 });
    const url = await files.downloadUrl(upload.key, 'scan.pdf', { versionId: result.file.versionId });
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(original);

    // The lifecycle keeps verified versions for the retention period and expires unverified ones
    // within days: the cited version is tagged verified, the later write is not.
    const s3 = new S3Client({ region: 'ap-southeast-1' });
    const tags = async (versionId?: string) =>
      (
        await s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: upload.key, VersionId: versionId }))
      ).TagSet?.map((t) => `${t.Key}=${t.Value}`);
    expect(await tags(result.file.versionId)).toEqual(['evidence=verified']);
    expect(await tags()).toEqual(['evidence=unverified']);
    s3.destroy();
  });

  it('a download link lives five minutes (the emulator refuses it after: s3-emulator.test.ts)', async () => {
    const { upload } = await attach('scan.pdf', 'application/pdf', pdfBytes());
    const url = new URL(await files.downloadUrl(upload.key, 'scan.pdf'));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });

  it(`files are private: the object's URL without a signature is refused`, async () => {
    const { upload } = await attach('scan.pdf', 'application/pdf', pdfBytes());
    expect((await fetch(`${local.s3.url}/${BUCKET}/${upload.key}`)).status).toBe(403);
  });
});
