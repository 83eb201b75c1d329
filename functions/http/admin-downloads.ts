/**
 * The admin's downloads (docs/admin.md, "Downloads"): the scoring summary (bảng tổng hợp điểm) of
 * a period's version, a year or the phase as XLSX, CSV (UTF-8 with BOM, `;`, decimal comma) or
 * print-ready HTML, and a period's results report (báo cáo kết quả) as DOCX or HTML — made by
 * functions/documents/ from exactly what the results pages read, behind the admin session.
 *
 * Its own handler because it bundles exceljs and docx: the named exception to the bundle budget
 * (README, "Bundles"); the page handlers stay small.
 */
import { resultsReportHtml } from '#functions/documents/print';
import { defaultSigner } from '#functions/documents/signers';
import { summaryCsv, summaryHtml } from '#functions/documents/summary';
import {
  contextFromConfig,
  DocumentInputError,
  homeAffairsOffice,
  type PeriodSummaryInput,
} from '#functions/documents/types';
import { resultsReportDocx } from '#functions/documents/word';
import { summaryXlsx } from '#functions/documents/xlsx';
import { type HttpRequest, type HttpResponse, httpHandler, PageError } from '#web/http';
import { phaseIdOf, yearOf } from './admin-results.ts';
import { aggregateData, appraisalsOf, periodResultsData, type Scope, setsOf } from './admin-results-data.ts';
import { type AdminContext, behindSignIn, periodOf } from './admin-session.ts';
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
    context: contextFromConfig(config, { producedAt: new Date() }),
    issuer: homeAffairsOffice(config),
  };
}

async function periodInput(ctx: AdminContext, request: HttpRequest, periodId: string) {
  const period = periodOf(ctx.campaign, periodId);
  const data = await periodResultsData(period.id, request.query.get('version'));
  const input: PeriodSummaryInput = {
    ...base(ctx),
    period,
    results: data.results,
    setsByGroup: setsOf(ctx.campaign, period),
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

type Download = (ctx: AdminContext, request: HttpRequest, p: Record<string, string>) => Promise<HttpResponse>;

const SUMMARY_FORMATS = ['xlsx', 'csv', 'html'] as const;
const REPORT_FORMATS = ['docx', 'html'] as const;

/** Every download, by route path (functions/http/routes.ts lists the same). */
export const DOWNLOADS: readonly (readonly [string, Download])[] = [
  ...SUMMARY_FORMATS.flatMap((f): [string, Download][] => [
    [`/admin/periods/{periodId}/summary.${f}`, (ctx, r, p) => periodSummary(ctx, r, p.periodId ?? '', f)],
    [`/admin/years/{year}/summary.${f}`, (ctx, _r, p) => aggregateSummary(ctx, yearOf(ctx, p.year ?? ''), f)],
    [`/admin/phase/summary.${f}`, (ctx) => aggregateSummary(ctx, { kind: 'phase' }, f)],
  ]),
  ...REPORT_FORMATS.map((f): [string, Download] => [
    `/admin/periods/{periodId}/report.${f}`,
    (ctx, r, p) => periodReport(ctx, r, p.periodId ?? '', f),
  ]),
];

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const path = request.path.replace(/\/+$/, '');
  for (const [pattern, make] of DOWNLOADS) {
    const params = matchPath(pattern, path);
    if (!params || !request.isRead) continue;
    return behindSignIn(request, async (ctx) => {
      try {
        return await make(ctx, request, params);
      } catch (error) {
        // Results that disagree with the appraisals cannot make a document: say so, change nothing.
        if (error instanceof DocumentInputError) {
          throw new PageError(409, 'Không lập được văn bản', error.message);
        }
        throw error;
      }
    });
  }
  throw new PageError(404, 'Không tìm thấy trang', 'Không có trang này.');
}

export const handler = httpHandler(handle, { name: 'admin-downloads' });
