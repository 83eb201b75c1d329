/**
 * The admin's downloads (docs/admin.md, "Downloads"): the scoring summary (bảng tổng hợp điểm) of
 * a period's version, a year or the phase as XLSX, CSV (UTF-8 with BOM, `;`, decimal comma) or
 * print-ready HTML, a period's results report (báo cáo kết quả), and a commendation cycle's
 * submission (tờ trình with its list) and the council's vote record (biên bản kiểm phiếu) as DOCX
 * or HTML — made by functions/documents/ (the generators of `thidua score|commend --out`) from
 * exactly what the results and commendation pages read, behind the admin session.
 *
 * Its own handler because it bundles exceljs and docx: the named exception to the bundle budget
 * (README, "Bundles"); the page handlers stay small.
 */
import { localDateOf } from '#domain/calendar';
import { proposalHtml, resultsReportHtml, voteRecordHtml } from '#functions/documents/print';
import { defaultSigner, recordSigners } from '#functions/documents/signers';
import { summaryCsv, summaryHtml } from '#functions/documents/summary';
import {
  contextFromConfig,
  councilBody,
  DocumentInputError,
  homeAffairsOffice,
  type PeriodSummaryInput,
} from '#functions/documents/types';
import { proposalDocx, resultsReportDocx, voteRecordDocx } from '#functions/documents/word';
import { summaryXlsx } from '#functions/documents/xlsx';
import { now } from '#ports/clock';
import { type HttpRequest, type HttpResponse, httpHandler, noSuchPage, PageError } from '#web/http';
import { type CycleData, cycleData } from './admin-commendation-data.ts';
import { phaseIdOf, yearOf } from './admin-results.ts';
import { aggregateData, appraisalsOf, periodResultsData, type Scope, setsOf } from './admin-results-data.ts';
import { type Access, type AdminContext, behindSignIn, periodOf } from './admin-session.ts';
import { matchPath } from './routes.ts';

const TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;
type Format = keyof typeof TYPES;

/** A file to save (HTML opens in the browser, to print). Names are ASCII slugs: no header encoding. */
function download(format: Format, name: string, bytes: Buffer | string): HttpResponse {
  const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return {
    status: 200,
    body: body.toString('base64'),
    isBase64Encoded: true,
    headers: {
      'content-type': TYPES[format],
      'content-disposition': `${format === 'html' ? 'inline' : 'attachment'}; filename="${name}.${format}"`,
      'cache-control': 'no-store',
    },
  };
}

function base(ctx: AdminContext) {
  const { config } = ctx.campaign;
  return {
    context: contextFromConfig(config, { producedAt: now() }),
    issuer: homeAffairsOffice(config),
    bands: config.bands,
  };
}

async function periodInput(ctx: AdminContext, request: HttpRequest, periodId: string) {
  const period = periodOf(ctx.campaign, periodId);
  const data = await periodResultsData(period.id, request.query.get('version'));
  const input: PeriodSummaryInput = {
    ...base(ctx),
    period,
    results: data.results,
    setsByGroup: setsOf(ctx.campaign, period, data.results.criteriaSets),
    appraisals: await appraisalsOf(data.results),
    caps: ctx.campaign.config.groups,
  };
  return { input, name: `${period.id}-v${data.header.version}` };
}

async function periodSummary(ctx: AdminContext, request: HttpRequest, periodId: string, format: Format) {
  const { input, name } = await periodInput(ctx, request, periodId);
  const file = `bang-tong-hop-diem-${name}`;
  if (format === 'xlsx') return download(format, file, await summaryXlsx(input));
  return download(format, file, format === 'csv' ? summaryCsv(input) : summaryHtml(input));
}

async function periodReport(ctx: AdminContext, request: HttpRequest, periodId: string, format: Format) {
  const { input, name } = await periodInput(ctx, request, periodId);
  const report = { ...input, signer: defaultSigner(ctx.campaign.config) };
  const file = `bao-cao-ket-qua-${name}`;
  if (format === 'docx') return download(format, file, await resultsReportDocx(report));
  return download(format, file, resultsReportHtml(report));
}

async function aggregateSummary(ctx: AdminContext, scope: Scope, format: Format) {
  const { periods, results } = await aggregateData(ctx.campaign, scope);
  const input = { ...base(ctx), results, periods };
  const file = `bang-tong-hop-diem-${scope.kind === 'year' ? scope.year : phaseIdOf(ctx)}`;
  if (format === 'xlsx') return download(format, file, await summaryXlsx(input));
  return download(format, file, format === 'csv' ? summaryCsv(input) : summaryHtml(input));
}

/** A cycle tallied with its quorum: what the documents record; otherwise 409 saying why not. */
async function talliedCycle(ctx: AdminContext, cycleId: string) {
  const data: CycleData = await cycleData(ctx.campaign, cycleId);
  if (!data.tally || !data.final) {
    throw new PageError(
      409,
      'Chưa có văn bản',
      'Hội đồng chưa kiểm phiếu đợt này: văn bản có sau khi hết hạn bỏ phiếu.',
    );
  }
  return { ...data, tally: data.tally, final: data.final };
}

async function voteRecord(ctx: AdminContext, cycleId: string, format: 'docx' | 'html') {
  const data = await talliedCycle(ctx, cycleId);
  const { config } = ctx.campaign;
  const input = {
    context: base(ctx).context,
    issuer: councilBody(config),
    scope: data.scope,
    proposal: data.proposal,
    tally: data.tally,
    members: data.members,
    rule: config.commendation.council,
    closesAt: data.closesAt,
    ...recordSigners(config, {}),
  };
  const file = `bien-ban-kiem-phieu-${cycleId}`;
  return download(format, file, format === 'docx' ? await voteRecordDocx(input) : voteRecordHtml(input));
}

async function proposal(ctx: AdminContext, cycleId: string, format: 'docx' | 'html') {
  const data = await talliedCycle(ctx, cycleId);
  if (data.final.awarded.length + data.final.proposedUpward.length === 0) {
    throw new PageError(
      409,
      'Chưa có văn bản',
      'Hội đồng không thông qua trường hợp nào: không có tờ trình đề nghị khen thưởng.',
    );
  }
  const { config } = ctx.campaign;
  const input = {
    ...base(ctx),
    signer: defaultSigner(config),
    scope: data.scope,
    proposal: data.proposal,
    final: data.final,
    voteRecordDate: localDateOf(new Date(data.closesAt), config.district.timeZone),
  };
  const file = `to-trinh-khen-thuong-${cycleId}`;
  return download(format, file, format === 'docx' ? await proposalDocx(input) : proposalHtml(input));
}

type Download = (ctx: AdminContext, request: HttpRequest, p: Record<string, string>) => Promise<HttpResponse>;

const SUMMARY_FORMATS = ['xlsx', 'csv', 'html'] as const;
const REPORT_FORMATS = ['docx', 'html'] as const;

/**
 * Every download, by route path (functions/http/routes.ts lists the same), with who may take it:
 * the results' documents are the results pages' (a leader's session too), the commendation
 * cycle's the admin's.
 */
const DOWNLOADS: readonly (readonly [string, Download, Access])[] = [
  ...SUMMARY_FORMATS.flatMap((f): [string, Download, Access][] => [
    [
      `/admin/periods/{periodId}/summary.${f}`,
      (ctx, r, p) => periodSummary(ctx, r, p.periodId ?? '', f),
      'results',
    ],
    [
      `/admin/years/{year}/summary.${f}`,
      (ctx, _r, p) => aggregateSummary(ctx, yearOf(ctx, p.year ?? ''), f),
      'results',
    ],
    [`/admin/phase/summary.${f}`, (ctx) => aggregateSummary(ctx, { kind: 'phase' }, f), 'results'],
  ]),
  ...REPORT_FORMATS.map((f): [string, Download, Access] => [
    `/admin/periods/{periodId}/report.${f}`,
    (ctx, r, p) => periodReport(ctx, r, p.periodId ?? '', f),
    'results',
  ]),
  ...REPORT_FORMATS.flatMap((f): [string, Download, Access][] => [
    [
      `/admin/commendation/{cycleId}/proposal.${f}`,
      (ctx, _r, p) => proposal(ctx, p.cycleId ?? '', f),
      'admin',
    ],
    [
      `/admin/commendation/{cycleId}/vote-record.${f}`,
      (ctx, _r, p) => voteRecord(ctx, p.cycleId ?? '', f),
      'admin',
    ],
  ]),
];

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const path = request.path.replace(/\/+$/, '');
  for (const [pattern, make, access] of DOWNLOADS) {
    const params = matchPath(pattern, path);
    if (!params || !request.isRead) continue;
    return behindSignIn(
      request,
      async (ctx) => {
        try {
          return await make(ctx, request, params);
        } catch (error) {
          // Results that disagree with the appraisals cannot make a document: say so, change nothing.
          if (error instanceof DocumentInputError) {
            throw new PageError(409, 'Không lập được văn bản', error.message);
          }
          throw error;
        }
      },
      access,
    );
  }
  throw noSuchPage();
}

export const handler = httpHandler(handle, { name: 'admin-downloads' });
