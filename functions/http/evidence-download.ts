/**
 * `GET /evidence/file?<link>&key=<key>` (or behind the admin or focal point's session): 303 to a
 * signed GET of the cited version, valid 5 minutes, served as an attachment under the person's own
 * file name (docs/evidence.md, "Downloads"). The signed URL is made only when clicked, and never
 * appears in a page or a log line (the access log records the route key only).
 *
 * Who may read: a report, appraise or explain link of that unit-period (decided or not, until it
 * expires), or a signed-in admin or that unit's focal point — not a leader's session, which opens
 * the results and their downloads only; and only a file (key and version) that a revision of that
 * unit-period's report cites.
 */
import type { EvidenceFile } from '#domain/model';
import { now } from '#ports/clock';
import { reports } from '#ports/dynamo/reports';
import { parseEvidenceKey } from '#ports/evidence';
import { S3EvidenceFiles } from '#ports/s3-evidence';
import { type HttpRequest, type HttpResponse, httpHandler, LinkError, PageError, redirect } from '#web/http';
import { isExpired, openLink } from '#web/link-pages';
import { citedFiles } from '#web/report-form-files';
import { currentSession, roleOf } from './admin-session.ts';

const notCited = () =>
  new PageError(
    404,
    'Không tìm thấy tệp',
    'Báo cáo này không có tệp minh chứng đó (tệp có thể đã được bỏ khỏi báo cáo). Hãy mở lại trang báo cáo.',
  );

const forbidden = () =>
  new PageError(
    403,
    'Không có quyền tải tệp',
    'Tệp này thuộc báo cáo của đơn vị khác. Hãy mở tệp từ trang báo cáo (liên kết trong email) hoặc đăng nhập trang quản trị.',
  );

/**
 * The file a download asks for, once the request may read that unit-period and a revision of its
 * report cites the key (its newest citation wins: the version and the person's name).
 */
async function citedFileFor(request: HttpRequest): Promise<EvidenceFile> {
  let key: ReturnType<typeof parseEvidenceKey>;
  try {
    key = parseEvidenceKey(request.query.get('key') ?? '');
  } catch {
    throw notCited();
  }
  await checkReader(request, key.unitId, key.periodId);
  const revisions = await reports().listRevisions(key.unitId, key.periodId);
  for (const revision of [...revisions].reverse()) {
    for (const file of citedFiles(revision.report).values()) if (file.key === key.key) return file;
  }
  throw notCited();
}

/**
 * A link of the unit-period (report, appraise, explain) still open, or the session of an admin or
 * of the unit. A leader's session reads no unit's files: no page it opens links one.
 */
async function checkReader(request: HttpRequest, unitId: string, periodId: string): Promise<void> {
  if (request.query.has('s')) {
    const grant = await openLink(request, ['report', 'appraise', 'explain'], now());
    // A link taken back (a reassigned review, a closed report link) reads nothing more, as its page.
    if (grant.status === 'closed') throw new LinkError(410, 'closed');
    if (isExpired(grant, now())) throw new LinkError(410, 'expired');
    if (grant.unitId !== unitId || grant.periodId !== periodId) throw forbidden();
    return;
  }
  const session = (await currentSession(request))?.session;
  const role = session ? roleOf(session) : undefined;
  if (role === 'admin' || (role === 'unit' && session?.unitId === unitId)) return;
  throw forbidden();
}

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const file = await citedFileFor(request);
  const files = new S3EvidenceFiles();
  // A citation is only what a form said: the version must be one verification accepted.
  if (!(await files.isVerified(file.key, file.versionId))) throw notCited();
  const url = await files.downloadUrl(file.key, file.name, { versionId: file.versionId });
  return redirect(url);
}

export const handler = httpHandler(handle, { name: 'evidence-download' });
