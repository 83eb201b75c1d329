/**
 * `POST /evidence/presign?<report link>` (fields `leaf`, `fileName`, `contentType`, `size`): a
 * presigned POST for one evidence file, straight from the browser to the evidence bucket under
 * the link's unit, period and current round (docs/evidence.md). A type, size or name the port
 * will not sign is 422 with the message naming it; a report no longer editable 409; a bad link
 * 403/410. Answers JSON for the page's script.
 */
import { S3EvidenceFiles } from '#ports/s3-evidence';
import { evidenceAnswer, evidenceCall } from './evidence-access.ts';

export const handler = evidenceCall('evidence-presign', async (request, owner) => {
  const size = request.form.get('size') ?? '';
  const signed = await new S3EvidenceFiles().presignUpload({
    ...owner,
    fileName: request.form.get('fileName') ?? '',
    contentType: request.form.get('contentType') ?? '',
    size: /^\d{1,12}$/.test(size) ? Number(size) : Number.NaN,
  });
  return evidenceAnswer(200, {
    status: 'ready',
    message: '',
    url: signed.url,
    fields: signed.fields,
    key: signed.key,
    expiresAt: signed.expiresAt,
  });
});
