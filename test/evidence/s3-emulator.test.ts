/**
 * The local S3 emulator with the real SDK and over plain HTTP: the operations the port uses, its
 * data surviving a restart, the signature and policy checks S3 makes (including the ones the
 * port's own policies do not exercise), CORS for the pages' origin.
 */

import { rmSync } from 'node:fs';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator } from '#local/runtime/s3';
import { BUCKET, PAGE_ORIGIN, pdfBytes, postUpload, startTestS3, type TestS3 } from './helpers.ts';

let local: TestS3;
let client: S3Client;

beforeAll(async () => {
  local = await startTestS3();
  client = clientFor(local.s3.url);
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

function clientFor(endpoint: string, accessKeyId = 'local'): S3Client {
  return new S3Client({
    endpoint,
    region: 'ap-southeast-1',
    credentials: { accessKeyId, secretAccessKey: 'local' },
  });
}

/** Stores `bytes` at `key` through a presigned POST, as the browser would. */
async function put(key: string, bytes: Uint8Array): Promise<void> {
  const post = await createPresignedPost(client, { Bucket: BUCKET, Key: key, Expires: 60 });
  expect(await postUpload(post, bytes, 'f')).toEqual({ status: 204 });
}

describe('the operations the port uses, through the SDK', () => {
  it('creates and finds a bucket; a second creation is refused as S3 refuses it', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'thidua-evidence-other' }));
    await client.send(new HeadBucketCommand({ Bucket: 'thidua-evidence-other' }));
    await expect(
      client.send(new CreateBucketCommand({ Bucket: 'thidua-evidence-other' })),
    ).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
    });
    await expect(
      client.send(new HeadBucketCommand({ Bucket: 'thidua-no-such-bucket' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('HEAD, ranged GETs and DELETE (a delete marker over the versions)', async () => {
    const bytes = pdfBytes();
    await put('evidence/a/2024Q3/r1/head.pdf', bytes);
    const head = await client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf' }),
    );
    expect(head.ContentLength).toBe(bytes.length);
    expect(head.VersionId).toBeTruthy();

    const first = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf', Range: 'bytes=0-4' }),
    );
    expect(first.ContentRange).toBe(`bytes 0-4/${bytes.length}`);
    expect(await first.Body?.transformToString()).toBe('%PDF-');
    const last = await client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf', Range: 'bytes=-6' }),
    );
    expect(await last.Body?.transformToString()).toBe('%%EOF\n');
    await expect(
      client.send(
        new GetObjectCommand({
          Bucket: BUCKET,
          Key: 'evidence/a/2024Q3/r1/head.pdf',
          Range: `bytes=${bytes.length}-`,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRange' });
    await expect(
      client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf', IfMatch: '"other"' }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });

    const deleted = await client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf' }),
    );
    expect(deleted.DeleteMarker).toBe(true);
    await expect(
      client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'evidence/a/2024Q3/r1/head.pdf' })),
    ).rejects.toMatchObject({ name: 'NotFound' });
    const kept = await client.send(
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'evidence/a/2024Q3/r1/head.pdf',
        VersionId: head.VersionId,
      }),
    );
    expect(await kept.Body?.transformToString()).toContain('%PDF-');
  });

  it("tags of one version: set, read and counted, the other versions' untouched", async () => {
    const key = 'evidence/t/2024Q3/r1/tags.pdf';
    await put(key, pdfBytes('một'));
    const first = (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).VersionId;
    await put(key, pdfBytes('hai'));
    await client.send(
      new PutObjectTaggingCommand({
        Bucket: BUCKET,
        Key: key,
        VersionId: first,
        Tagging: { TagSet: [{ Key: 'evidence', Value: 'verified' }] },
      }),
    );
    const read = async (versionId?: string) =>
      (await client.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: key, VersionId: versionId })))
        .TagSet;
    expect(await read(first)).toEqual([{ Key: 'evidence', Value: 'verified' }]);
    expect(await read()).toEqual([]);
    expect(
      (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, VersionId: first }))).TagCount,
    ).toBe(1);
  });

  it('keeps its data on disk: a restarted emulator serves what was stored', async () => {
    const dataDir = `${local.dataDir}-restart`;
    const first = await startS3Emulator({ dataDir, buckets: [BUCKET] });
    const firstClient = clientFor(first.url);
    const post = await createPresignedPost(firstClient, {
      Bucket: BUCKET,
      Key: 'evidence/b/2024Q3/r1/k.pdf',
      Expires: 60,
    });
    expect(await postUpload(post, pdfBytes('trước khi dừng'), 'k.pdf')).toEqual({ status: 204 });
    firstClient.destroy();
    await first.stop();

    const second = await startS3Emulator({ dataDir, buckets: [BUCKET] });
    const secondClient = clientFor(second.url);
    try {
      const got = await secondClient.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: 'evidence/b/2024Q3/r1/k.pdf' }),
      );
      expect(await got.Body?.transformToString()).toContain('trước khi dừng');
    } finally {
      secondClient.destroy();
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('answers NotImplemented for what it does not do (listing)', async () => {
    await expect(client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toMatchObject({
      name: 'NotImplemented',
      $metadata: { httpStatusCode: 501 },
    });
  });
});

describe('checks S3 makes', () => {
  it('a key prefix policy (starts-with) admits keys under the prefix only', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own placeholder, sent literally.
    const key = 'evidence/c/2024Q3/r1/${filename}';
    const post = await createPresignedPost(client, { Bucket: BUCKET, Key: key, Expires: 60 });
    expect(post.fields.key).toBe(key);
    const inside = await postUpload(post, pdfBytes(), 'x.pdf', (f) => {
      f.key = 'evidence/c/2024Q3/r1/x.pdf';
    });
    expect(inside).toEqual({ status: 204 });
    const outside = await postUpload(post, pdfBytes(), 'x.pdf', (f) => {
      f.key = 'evidence/d/2024Q3/r1/x.pdf';
    });
    expect(outside).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(outside.message).toContain('["starts-with","$key","evidence/c/2024Q3/r1/"]');
  });

  it('a form field the policy does not name is refused', async () => {
    const post = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'evidence/e/2024Q3/r1/x.pdf',
      Expires: 60,
    });
    const result = await postUpload(post, pdfBytes(), 'x.pdf', (f) => {
      f.success_action_redirect = 'https://example.org/';
    });
    expect(result).toMatchObject({
      status: 403,
      message: 'Invalid according to Policy: Extra input fields: success_action_redirect',
    });
  });

  it('an unknown access key and a form without a policy are refused', async () => {
    const stranger = clientFor(local.s3.url, 'stranger');
    const post = await createPresignedPost(stranger, {
      Bucket: BUCKET,
      Key: 'evidence/f/2024Q3/r1/x.pdf',
      Expires: 60,
    });
    stranger.destroy();
    expect(await postUpload(post, pdfBytes(), 'x.pdf')).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
    expect(
      await postUpload({ url: post.url, fields: { key: 'evidence/f/2024Q3/r1/x.pdf' } }, pdfBytes(), 'x.pdf'),
    ).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('a presigned GET expires, and changing any of its parameters breaks its signature', async () => {
    await put('evidence/g/2024Q3/r1/x.pdf', pdfBytes());
    const command = () =>
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'evidence/g/2024Q3/r1/x.pdf',
        ResponseContentDisposition: 'attachment',
      });
    const expired = await getSignedUrl(client, command(), {
      expiresIn: 300,
      signingDate: new Date(Date.now() - 600_000),
    });
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Request has expired');

    const fresh = await getSignedUrl(client, command(), { expiresIn: 300 });
    expect((await fetch(fresh)).status).toBe(200);
    const inline = fresh.replace(
      'response-content-disposition=attachment',
      'response-content-disposition=inline',
    );
    const tampered = await fetch(inline);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');
  });
});

describe('CORS for the pages: POST from their origin only', () => {
  it('a preflight for POST from the pages is allowed; other methods and origins are not', async () => {
    const preflight = (origin: string, method: string) =>
      fetch(`${local.s3.url}/${BUCKET}`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': method },
      });
    const allowed = await preflight(PAGE_ORIGIN, 'POST');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('POST');
    expect((await preflight(PAGE_ORIGIN, 'PUT')).status).toBe(403);
    expect((await preflight('https://elsewhere.example', 'POST')).status).toBe(403);
  });

  it("an upload's answer is readable by the pages' script, refused or not", async () => {
    const post = await createPresignedPost(client, {
      Bucket: BUCKET,
      Key: 'evidence/h/2024Q3/r1/x.pdf',
      Expires: 60,
    });
    const send = (key: string) => {
      const form = new FormData();
      for (const [name, value] of Object.entries({ ...post.fields, key })) form.append(name, value);
      form.append('file', new Blob([pdfBytes()]), 'x.pdf');
      return fetch(post.url, { method: 'POST', body: form, headers: { Origin: PAGE_ORIGIN } });
    };
    const stored = await send('evidence/h/2024Q3/r1/x.pdf');
    expect(stored.status).toBe(204);
    expect(stored.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    const refused = await send('elsewhere.pdf');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
  });
});
