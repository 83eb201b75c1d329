/**
 * The audit trail behind the admin sign-in (docs/admin.md, "Audit"): `GET /admin/audit` lists a
 * period's entries (or those of no period, or a unit's, or a unit-period's) newest first, a page
 * at a time by the storage's cursor (`after`); `GET /admin/audit.csv` is every entry of the same
 * scope, as Excel in Vietnamese opens it. Each entry is shown as who did what, when, through which
 * link or session, from the actor and detail the entry stored.
 */

import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet } from '#domain/model';
import { formatPoints } from '#domain/points';
import { assessedScaleOf } from '#domain/unit-score';
import { type AuditRole, type AuditRow, type AuditVia, auditCsv } from '#functions/documents/audit';
import { assessedOfMax, onScaleText } from '#functions/documents/format';
import type { Actor } from '#ports/actor';
import { type AuditEntry, type AuditScope, auditUnitOf, InvalidCursorError } from '#ports/audit';
import { audit } from '#ports/dynamo/audit';
import type { CampaignContext } from '#steps/campaign';
import { renderAuditPage } from '#web/admin-audit';
import { type AuditFilter, adminHref, CAMPAIGN_AUDIT } from '#web/admin-routes';
import { type HttpRequest, type HttpResponse, htmlResponse, PageError } from '#web/http';
import { type AdminContext, periodOf, periodStates, unitOf } from './admin-session.ts';

const PAGE_SIZE = 50;
/** The most entries one CSV carries (a district's year is a few thousand). */
const CSV_MAX = 50_000;

type LinkKind = Extract<AuditVia, { kind: 'link' }>['link'];
const LINK_KINDS: readonly LinkKind[] = ['report', 'appraise', 'explain', 'vote', 'signin'];
const linkKindOf = (kind: unknown): LinkKind | undefined => LINK_KINDS.find((k) => k === kind);

/** The scope the query names, checked against the campaign; none named: the newest opened period. */
async function filterOf(ctx: AdminContext, request: HttpRequest): Promise<AuditFilter> {
  const periodParam = request.query.get('period') || undefined;
  const unitParam = request.query.get('unit') || undefined;
  const unitId = unitParam === undefined ? undefined : unitOf(ctx.campaign, unitParam).id;
  if (periodParam === CAMPAIGN_AUDIT) {
    if (unitId) throw badScope('Nhật ký chung không thuộc đơn vị nào: bỏ chọn đơn vị hoặc chọn một kỳ.');
    return { periodId: CAMPAIGN_AUDIT };
  }
  const periodId = periodParam === undefined ? undefined : periodOf(ctx.campaign, periodParam).id;
  if (unitId || periodId) return { ...(unitId ? { unitId } : {}), ...(periodId ? { periodId } : {}) };
  const states = await periodStates(ctx.campaign);
  const opened = ctx.campaign.periods.filter((p) => states.get(p.id) !== 'scheduled');
  const newest = opened.at(-1) ?? ctx.campaign.periods[0];
  return newest ? { periodId: newest.id } : { periodId: CAMPAIGN_AUDIT };
}

function badScope(detail: string): PageError {
  return new PageError(400, 'Phạm vi nhật ký không hợp lệ', detail);
}

function scopeOf(filter: AuditFilter): AuditScope {
  if (filter.unitId) {
    return { unitId: filter.unitId, ...(filter.periodId ? { periodId: filter.periodId } : {}) };
  }
  if (filter.periodId && filter.periodId !== CAMPAIGN_AUDIT) return { periodId: filter.periodId };
  return { campaign: true };
}

// ---------------------------------------------------------------- an entry as the admin reads it

function roleOf(actor: Actor): AuditRole {
  return actor.kind;
}

function viaOf(entry: AuditEntry): AuditVia {
  const { actor } = entry;
  if (actor.kind === 'system') return { kind: 'system', step: actor.id };
  if (actor.id.startsWith('cli')) return { kind: 'cli', user: actor.id.replace(/^cli:?/, '') || 'không rõ' };
  const link = linkKindOf(entry.detail?.kind);
  if ((entry.action.endsWith('.decided') || entry.action === 'report.submitted') && link) {
    return { kind: 'link', link };
  }
  if (actor.kind === 'reviewer') return { kind: 'link', link: 'appraise' };
  return { kind: 'session' };
}

/** `appraise.decided` with decision `return` reads as `appraise.return`, and so on. */
function actionOf(entry: AuditEntry): string {
  if (!entry.action.endsWith('.decided')) return entry.action;
  const kind = entry.action.slice(0, -'.decided'.length);
  const decision = String(entry.detail?.decision ?? '');
  if (kind === 'appraise') return `appraise.${decision}`;
  if (kind === 'explain') return 'explain.explained';
  if (kind === 'vote') return 'vote.cast';
  if (kind === 'signin') {
    // A leader's sign-in opens the results only: not read as a sign-in to the admin pages.
    if (auditUnitOf(entry.subject)) return 'signin.unit';
    return entry.actor.kind === 'leadership' ? 'signin.leader' : 'signin.admin';
  }
  return entry.action;
}

function detailOf(entry: AuditEntry, campaign: CampaignContext): string | undefined {
  const d = entry.detail ?? {};
  const reviewer = (id: unknown) => campaign.findPerson('reviewer', String(id))?.name ?? String(id);
  switch (entry.action) {
    case 'admin.reassign':
      return `Người thẩm định: ${reviewer(d.from)} → ${reviewer(d.to)}${d.reason ? `; lý do: ${String(d.reason)}` : ''}`;
    case 'admin.remind':
    case 'admin.remind-vote':
      return d.to ? `Gửi tới ${String(d.to)}` : undefined;
    case 'admin.recompute':
      return d.execution ? `Lượt tính ${String(d.execution)}` : undefined;
    case 'adjustments.recorded':
      return adjustmentsDetail(d);
    case 'report.submitted':
      return `Phiên bản ${String(d.version ?? '')}`;
    case 'report.approved':
      return `Vòng ${String(d.finalRound ?? '')}; người thẩm định ${reviewer(d.reviewerId)}`;
    case 'results.announced':
      // Version 1 is every unit's first result: "0 đơn vị thay đổi" (its stored count) misread it.
      return Number(d.version) === 1
        ? 'Phiên bản 1, công bố lần đầu'
        : `Phiên bản ${String(d.version ?? '')}, ${String(d.changed ?? 0)} đơn vị thay đổi`;
    case 'workflow.failed':
      return `${String(d.workflow ?? '')}: ${String(d.error ?? '')}`;
    default:
      return decisionDetail(entry.action, d, () => appraisedSetOf(entry, campaign));
  }
}

const ADJUSTMENT_FIELDS = [
  ['survey', 'khảo sát'],
  ['bonus', 'thưởng'],
  ['penalty', 'trừ'],
  ['note', 'nguồn số liệu'],
] as const;

/** One stored value as the row says it: points "25,5", a note in quotes, none "(không có)". */
function adjustmentValueText(field: (typeof ADJUSTMENT_FIELDS)[number][0], value: unknown): string {
  if (field === 'note') return typeof value === 'string' && value !== '' ? `“${value}”` : '(không có)';
  return typeof value === 'number' ? formatPoints(value) : '(không có)';
}

/**
 * A recorded adjustment's row (functions/scoring/store-adjustments.ts stores the values before and
 * after, from the admin's form and `thidua record` alike): "Phiên bản 2: khảo sát (không có) →
 * 25,5; thưởng 0 → 2" — only the fields that changed; the first record, every value it set.
 */
function adjustmentsDetail(d: Record<string, unknown>): string {
  const head = `Phiên bản ${String(d.version ?? '')}`;
  const isValues = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isValues(d.after)) return head;
  const after = d.after;
  const before = isValues(d.before) ? d.before : undefined;
  const parts: string[] = [];
  for (const [field, label] of ADJUSTMENT_FIELDS) {
    const now = adjustmentValueText(field, after[field]);
    if (!before) {
      if (field !== 'note' || now !== '(không có)') parts.push(`${label} ${now}`);
      continue;
    }
    const was = adjustmentValueText(field, before[field]);
    if (was !== now) parts.push(`${label} ${was} → ${now}`);
  }
  return parts.length ? `${head}: ${parts.join('; ')}` : head;
}

/**
 * The criteria set a unit-period's appraisal was made with: the one in force for the unit's group
 * when the period opened (as scoring reads it); none for a unit or period the campaign no longer has.
 */
function appraisedSetOf(entry: AuditEntry, campaign: CampaignContext): CriteriaSet | undefined {
  const unit = campaign.findUnit(auditUnitOf(entry.subject) ?? '');
  const period = campaign.periods.find((p) => p.id === entry.periodId);
  if (!unit || !period) return undefined;
  try {
    return criteriaSetFor(campaign.config, campaign.criteriaSets, unit.group, period);
  } catch {
    return undefined;
  }
}

/**
 * An appraisal's total as the results read it: out of the appraised areas' maximum ("42/70"), and
 * for a set with a survey area what it becomes for a unit without a survey result, so that the
 * results' rescaled total ("60,00") does not read as another score. Without the set: the bare total.
 */
function appraisedTotalText(total: number, set: CriteriaSet | undefined): string {
  if (!set) return `tổng điểm thẩm định ${formatPoints(total)}`;
  const scale = assessedScaleOf(set);
  const onScale = onScaleText(total, scale);
  return `tổng điểm thẩm định ${assessedOfMax(total, scale)}${
    onScale
      ? ` (chưa gồm điểm khảo sát, điểm thưởng, điểm trừ; nếu đơn vị không có kết quả khảo sát, quy đổi thành ${onScale})`
      : ' (chưa gồm điểm thưởng, điểm trừ)'
  }`;
}

/**
 * A decision's row: its round (a ballot has none), and what its payload held (steps/decisions.ts
 * `payloadFacts`): "Vòng 1; tổng điểm thẩm định 42/70 (…: 42/70 → 60,00 trên thang 100); báo cáo
 * phiên bản 3". A ballot's row says only that it was cast.
 */
function decisionDetail(
  action: string,
  d: Record<string, unknown>,
  setOf: () => CriteriaSet | undefined,
): string | undefined {
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const total = num(d.total);
  const version = num(d.reportVersion);
  const parts = [
    ...(d.round === undefined || action === 'vote.decided' ? [] : [`Vòng ${String(d.round)}`]),
    ...(total === undefined ? [] : [appraisedTotalText(total, setOf())]),
    ...(version === undefined ? [] : [`báo cáo phiên bản ${version}`]),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

function whoOf(actor: Actor, campaign: CampaignContext): AuditRow['who'] {
  const role = roleOf(actor);
  const name =
    actor.kind === 'unit'
      ? campaign.findUnit(actor.id)?.name
      : actor.kind === 'system'
        ? 'Hệ thống'
        : campaign.findPerson(actor.kind, actor.id)?.name;
  return {
    role,
    name: name ?? (actor.id.startsWith('cli') ? 'Dòng lệnh' : actor.id),
    ...(actor.email ? { email: actor.email } : {}),
  };
}

export function auditRowOf(entry: AuditEntry, campaign: CampaignContext): AuditRow {
  const unitId = auditUnitOf(entry.subject);
  const detail = detailOf(entry, campaign);
  return {
    at: entry.at,
    who: whoOf(entry.actor, campaign),
    via: viaOf(entry),
    action: actionOf(entry),
    ...(unitId ? { unitId, unitName: campaign.findUnit(unitId)?.name ?? unitId } : {}),
    ...(entry.periodId ? { periodId: entry.periodId } : {}),
    ...(detail ? { detail } : {}),
    ...(entry.actor.ip ? { ip: entry.actor.ip } : {}),
  };
}

// ---------------------------------------------------------------- the page and the CSV

function unknownCursor(): PageError {
  return new PageError(
    400,
    'Trang nhật ký không hợp lệ',
    'Địa chỉ trang nhật ký bị sai; hãy mở lại từ trang đầu.',
  );
}

export async function auditPage(ctx: AdminContext, request: HttpRequest): Promise<HttpResponse> {
  const filter = await filterOf(ctx, request);
  const after = request.query.get('after') || undefined;
  const page = await audit()
    .listPage(scopeOf(filter), { limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) })
    .catch((error: unknown) => {
      throw error instanceof InvalidCursorError ? unknownCursor() : error;
    });
  const html = renderAuditPage({
    frame: ctx.frame,
    filter,
    periods: ctx.campaign.periods,
    units: ctx.campaign.config.units,
    rows: page.entries.map((entry) => auditRowOf(entry, ctx.campaign)),
    ...(page.cursor ? { olderHref: adminHref.audit(filter, page.cursor) } : {}),
    ...(after ? { newestHref: adminHref.audit(filter) } : {}),
  });
  return htmlResponse(200, html);
}

export async function auditCsvDownload(ctx: AdminContext, request: HttpRequest): Promise<HttpResponse> {
  const filter = await filterOf(ctx, request);
  const scope = scopeOf(filter);
  const rows: AuditRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit().listPage(scope, { limit: 200, ...(cursor ? { cursor } : {}) });
    rows.push(...page.entries.map((entry) => auditRowOf(entry, ctx.campaign)));
    cursor = page.cursor;
  } while (cursor && rows.length < CSV_MAX);
  const timeZone = ctx.campaign.config.district.timeZone;
  const name = ['nhat-ky', filter.unitId, filter.periodId].filter(Boolean).join('-');
  return {
    status: 200,
    body: auditCsv(rows, timeZone).toString('base64'),
    isBase64Encoded: true,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
      'cache-control': 'no-store',
    },
  };
}
