/**
 * Evidence files through the product's own routes on the local system (the HTTP harness: the
 * handlers behind the route table, the S3 emulator the runtime starts for the stack's bucket):
 * what the page's script gets when it signs, uploads and checks a file, what a form citing files
 * stores, and what a unit, a reviewer and another unit get when they open a file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '#domain/model';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { sessions } from '#ports/dynamo/sessions';
import {
  completeReport,
  type Harness,
  PERIOD_ID,
  postForm,
  reportLink,
  startHarness,
  unitActor,
  waitingAppraisal,
} from '../http/harness.ts';
import { HTML_TEXT, pdfBytes, postUpload, SVG_TEXT } from './helpers.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const UNIT = 'phong-tu-phap';
const OTHER = 'phong-noi-vu';
const LEAF = '1.1.1';

/** The page script's call: the link's own query, the fields urlencoded, JSON back. */
async function call(link: string, path: 'presign' | 'verify', fields: Record<string, string>) {
  const res = await postForm(`${h.base}/evidence/${path}${new URL(link).search}`, fields, {
    origin: h.base,
    accept: 'application/json',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Signed {
  url: string;
  fields: Record<string, string>;
  key: string;
}

/** Sign, post the bytes as the browser does, check: what attaching one file is. */
async function attach(link: string, fileName: string, contentType: string, bytes: Uint8Array) {
  const signed = await call(link, 'presign', {
    leaf: LEAF,
    fileName,
    contentType,
    size: String(bytes.length),
  });
  expect(signed.status).toBe(200);
  const upload = signed.body as unknown as Signed;
  expect(await postUpload(upload, bytes, fileName)).toEqual({ status: 204 });
  return { key: upload.key, verified: await call(link, 'verify', { leaf: LEAF, key: upload.key }) };
}

/** The form fields citing a verified file, as the script adds them. */
function fileFields(form: URLSearchParams, leaf: string, i: number, file: Record<string, string>) {
  for (const [part, value] of Object.entries(file)) form.set(`file[${leaf}][${i}][${part}]`, value);
  return form;
}

describe('signing an upload', () => {
  it('refuses a type, a size or a name it will not sign with 422 naming the field, in Vietnamese', async () => {
    const link = await reportLink(h, UNIT);
    const svg = await call(link, 'presign', {
      leaf: LEAF,
      fileName: 'so-do.svg',
      contentType: 'image/svg+xml',
      size: '300',
    });
    expect(svg).toMatchObject({ status: 422, body: { status: 'refused', field: 'contentType' } });
    expect(svg.body.message).toContain('Không nhận loại tệp này (image/svg+xml)');
    const big = await call(link, 'presign', {
      leaf: LEAF,
      fileName: 'ban-scan.pdf',
      contentType: 'application/pdf',
      size: String(25 * 1024 * 1024),
    });
    expect(big).toMatchObject({ status: 422, body: { field: 'size' } });
    expect(big.body.message).toContain('vượt quá giới hạn 20 MB');
    // A size that is no number of bytes is named as such (never "NaN").
    for (const size of ['-1', '1e3', 'NaN', '']) {
      const odd = await call(link, 'presign', {
        leaf: LEAF,
        fileName: 'ban-scan.pdf',
        contentType: 'application/pdf',
        size,
      });
      expect(odd, size).toMatchObject({ status: 422, body: { field: 'size' } });
      expect(odd.body.message).toBe(
        'Dung lượng tệp "ban-scan.pdf" không hợp lệ (không phải một số): phải là số byte nguyên dương.',
      );
    }
    const renamed = await call(link, 'presign', {
      leaf: LEAF,
      fileName: 'bao-cao.exe',
      contentType: 'application/pdf',
      size: '300',
    });
    expect(renamed).toMatchObject({ status: 422, body: { field: 'fileName' } });
  });

  it('refuses a forged link (403) and a report already submitted (409)', async () => {
    const link = await reportLink(h, OTHER);
    const forged = new URL(link);
    forged.searchParams.set('s', 'A'.repeat(43));
    const refused = await call(forged.toString(), 'presign', {
      leaf: LEAF,
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: '10',
    });
    expect(refused).toMatchObject({ status: 403, body: { status: 'refused' } });

    const { key } = await attach(link, 'a.pdf', 'application/pdf', pdfBytes());
    await reports().writeRevision(OTHER, PERIOD_ID, {
      report: completeReport(h, OTHER),
      expectedVersion: 0,
      actor: unitActor(OTHER),
      kind: 'submit',
    });
    const locked = await call(link, 'presign', {
      leaf: LEAF,
      fileName: 'b.pdf',
      contentType: 'application/pdf',
      size: '10',
    });
    expect(locked).toMatchObject({ status: 409, body: { status: 'locked' } });
    expect(locked.body.message).toContain('Báo cáo đã nộp');
    // The submitted round's files are never checked (nor tagged, nor deleted) again.
    expect((await call(link, 'verify', { leaf: LEAF, key })).status).toBe(409);
  });
});

describe('checking an upload', () => {
  it('refuses an SVG sent as a PNG and HTML named .pdf, says what they are, and deletes them', async () => {
    const link = await reportLink(h, UNIT);
    const svg = await attach(link, 'anh-chup.png', 'image/png', new TextEncoder().encode(SVG_TEXT));
    expect(svg.verified).toMatchObject({
      status: 422,
      body: { status: 'refused', reason: 'not-what-it-claims' },
    });
    expect(svg.verified.body.message).toContain('ảnh SVG');
    const html = await attach(link, 'quyet-dinh.pdf', 'application/pdf', new TextEncoder().encode(HTML_TEXT));
    expect(html.verified.body.message).toContain('HTML');
    // Deleted: checking the same key again finds nothing.
    const again = await call(link, 'verify', { leaf: LEAF, key: svg.key });
    expect(again).toMatchObject({ status: 422, body: { reason: 'missing' } });
  });

  it("refuses another unit's key with 403 before reading it", async () => {
    const mine = await attach(await reportLink(h, UNIT), 'x.pdf', 'application/pdf', pdfBytes());
    expect(mine.verified.status).toBe(200);
    const theirs = await call(await reportLink(h, 'phong-kinh-te-ha-tang'), 'verify', {
      leaf: LEAF,
      key: mine.key,
    });
    expect(theirs).toMatchObject({ status: 403, body: { status: 'refused', field: 'key' } });
    expect(theirs.body.message).toContain('không thuộc báo cáo này');
  });
});

describe('a report citing files', () => {
  it('keeps a verified PDF with the draft, lists it, and serves it as an attachment through a 5-minute signed link', async () => {
    const unit = 'phong-tai-chinh-ke-hoach';
    const link = await reportLink(h, unit);
    const bytes = pdfBytes('Kế hoạch CCHC năm 2022');
    const { key, verified } = await attach(link, 'Kế hoạch CCHC 2022.pdf', 'application/pdf', bytes);
    expect(verified.status).toBe(200);
    const file = verified.body.file as { versionId: string };
    const form = new URLSearchParams({ version: '0', action: 'save', [`score[${LEAF}]`]: '1' });
    fileFields(form, LEAF, 0, {
      key,
      version: file.versionId,
      name: 'Kế hoạch CCHC 2022.pdf',
      size: String(bytes.length),
      type: 'application/pdf',
    });
    expect((await postForm(link, form, { origin: h.base })).status).toBe(303);
    const stored = await reports().get(unit, PERIOD_ID);
    expect(stored?.report.entries[LEAF]?.evidence).toEqual([
      {
        file: {
          key,
          versionId: file.versionId,
          name: 'Kế hoạch CCHC 2022.pdf',
          size: bytes.length,
          type: 'application/pdf',
        },
      },
    ]);

    const page = await (await fetch(link)).text();
    expect(page).toContain('Kế hoạch CCHC 2022.pdf');
    const href = /href="(\/evidence\/file\?[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toContain(`key=${encodeURIComponent(key)}`);
    const download = await fetch(`${h.base}${href}`, { redirect: 'manual' });
    expect(download.status).toBe(303);
    const signed = new URL(download.headers.get('location') ?? '');
    expect(signed.origin).toBe(h.rt.endpoints.s3);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(signed.searchParams.get('versionId')).toBe(file.versionId);
    const served = await fetch(signed);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-disposition')).toContain(
      'attachment; filename="Ke hoach CCHC 2022.pdf"; filename*=UTF-8\'\'K%E1%BA%BF%20ho%E1%BA%A1ch',
    );
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);

    // Behind a session: an admin reads any unit's files, a focal point only its own unit's.
    const session = async (who: { adminId: string; email: string; unitId?: string; leaderId?: string }) => {
      const { sessionId } = await sessions().create(who, { absoluteMs: 3_600_000, idleTimeoutMs: 600_000 });
      return fetch(`${h.base}/evidence/file?key=${encodeURIComponent(key)}`, {
        redirect: 'manual',
        headers: { cookie: `thidua_session=${sessionId}` },
      });
    };
    const focal = (unitId: string) => ({
      adminId: `unit:${unitId}`,
      email: h.config.units.find((u) => u.id === unitId)?.focalPoint.email ?? '',
      unitId,
    });
    expect(
      (await session({ adminId: 'tran-quoc-huy', email: 'huytq.noivu@song-lam.example.org' })).status,
    ).toBe(303);
    expect((await session(focal(unit))).status).toBe(303);
    expect((await session(focal('phong-noi-vu'))).status).toBe(403);
    // A leader's session opens the results only: no unit's files.
    const leader = h.config.leadership.find((l) => !h.config.admins.some((a) => a.email === l.email));
    expect(leader).toBeDefined();
    expect(
      (
        await session({
          adminId: `leader:${leader?.id}`,
          email: leader?.email ?? '',
          leaderId: leader?.id ?? '',
        })
      ).status,
    ).toBe(403);
    // A session of someone the config does not list (any more) reads nothing.
    expect((await session({ adminId: 'huytq', email: 'huytq.noivu@song-lam.example.org' })).status).toBe(403);
    expect(
      (await fetch(`${h.base}/evidence/file?key=${encodeURIComponent(key)}`, { redirect: 'manual' })).status,
    ).toBe(403);
    // The signature is not a page's: no log line carries it.
    expect(h.output.join('')).not.toContain(signed.searchParams.get('X-Amz-Signature') ?? '-');
  });

  it('leaves out a file of another unit cited in a form, naming it, and stores nothing', async () => {
    const other = await attach(
      await reportLink(h, 'phong-kinh-te-ha-tang'),
      'y.pdf',
      'application/pdf',
      pdfBytes(),
    );
    const link = await reportLink(h, 'van-phong-hdnd-ubnd');
    const form = new URLSearchParams({ version: '0', action: 'save', [`score[${LEAF}]`]: '1' });
    fileFields(form, LEAF, 0, {
      key: other.key,
      version: String((other.verified.body.file as { versionId: string }).versionId),
      name: 'y.pdf',
      size: '100',
      type: 'application/pdf',
    });
    const res = await postForm(link, form, { origin: h.base });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('tệp không thuộc báo cáo này');
    expect(await reports().get('van-phong-hdnd-ubnd', PERIOD_ID)).toBeUndefined();
  });

  it('never serves a version verification refused, even when a form cites it', async () => {
    const unit = 'phong-tai-nguyen-moi-truong';
    const link = await reportLink(h, unit);
    const html = new TextEncoder().encode(HTML_TEXT);
    const signed = await call(link, 'presign', {
      leaf: LEAF,
      fileName: 'quyet-dinh.pdf',
      contentType: 'application/pdf',
      size: String(html.length),
    });
    const upload = signed.body as unknown as Signed;
    // What S3 answers the POST (a client that is not the page's script reads it): the version stored.
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([html]), 'quyet-dinh.pdf');
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    const versionId = posted.headers.get('x-amz-version-id') ?? '';
    expect(versionId).not.toBe('');
    expect((await call(link, 'verify', { leaf: LEAF, key: upload.key })).status).toBe(422);

    const cite = new URLSearchParams({ version: '0', action: 'save', [`score[${LEAF}]`]: '1' });
    fileFields(cite, LEAF, 0, {
      key: upload.key,
      version: versionId,
      name: 'quyet-dinh.pdf',
      size: String(html.length),
      type: 'application/pdf',
    });
    expect((await postForm(link, cite, { origin: h.base })).status).toBe(303);
    const download = await fetch(
      `${h.base}/evidence/file${new URL(link).search}&key=${encodeURIComponent(upload.key)}`,
      {
        redirect: 'manual',
      },
    );
    expect(download.status).toBe(404);
    expect(download.headers.get('location')).toBeNull();
  });

  it("shows the reviewer the unit's files with links that download them; another unit's link is refused", async () => {
    const unit = 'phong-van-hoa-thong-tin';
    const link = await reportLink(h, unit);
    const bytes = pdfBytes('Biên bản kiểm tra');
    const { key, verified } = await attach(link, 'Biên bản.pdf', 'application/pdf', bytes);
    const file = verified.body.file as { versionId: string };
    const report: Report = completeReport(h, unit);
    const entry = report.entries[LEAF];
    if (!entry) throw new Error(`no leaf ${LEAF}`);
    entry.evidence.push({
      file: {
        key,
        versionId: file.versionId,
        name: 'Biên bản.pdf',
        size: bytes.length,
        type: 'application/pdf',
      },
    });
    const { url, approval } = await waitingAppraisal(h, unit, { report });
    const page = await (await fetch(url)).text();
    expect(page).toContain('Biên bản.pdf');
    const href = /href="(\/evidence\/file\?[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const download = await fetch(`${h.base}${href}`, { redirect: 'manual' });
    expect(download.status).toBe(303);
    expect(await (await fetch(download.headers.get('location') ?? '')).arrayBuffer()).toEqual(bytes.buffer);

    const strangers = new URL(await reportLink(h, 'phong-noi-vu'));
    const refused = await fetch(`${h.base}/evidence/file${strangers.search}&key=${encodeURIComponent(key)}`, {
      redirect: 'manual',
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Không có quyền tải tệp');

    // The review taken from this reviewer (the admin's reassignment closes the approval): the old
    // link's page answers 410, and so do its file links.
    expect(await reviews().closeApproval(approval.id, 'reassigned')).toBe(true);
    const taken = await fetch(`${h.base}${href}`, { redirect: 'manual' });
    expect(taken.status).toBe(410);
    expect(taken.headers.get('location')).toBeNull();
  });
});
