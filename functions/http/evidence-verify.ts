/**
 * `POST /evidence/verify?<report link>` (field `key`): checks an uploaded file — size, stored
 * type, file signature, the virus-scan hook (docs/evidence.md, "Verification") — and tags the
 * checked version `verified`, or deletes it and says why (422). A key of another unit, period or
 * round (a round already submitted included) is refused with 403 before anything is read. Answers
 * JSON for the page's script, which then cites `{key, versionId, name, size, type}` in the form.
 */
import { S3EvidenceFiles } from '#ports/s3-evidence';
import { evidenceAnswer, evidenceCall } from './evidence-access.ts';

export const handler = evidenceCall('evidence-verify', async (request, owner) => {
  const result = await new S3EvidenceFiles().verifyUpload(request.form.get('key') ?? '', owner);
  if (result.status === 'refused') {
    return evidenceAnswer(422, { status: 'refused', reason: result.reason, message: result.vi });
  }
  const { key, versionId, size, contentType, kind } = result.file;
  return evidenceAnswer(200, {
    status: 'accepted',
    message: '',
    file: { key, versionId, size, contentType, kind },
  });
});
