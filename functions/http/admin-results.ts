/**
 * The results pages behind the admin sign-in: what has results (`/admin/results`), a period's
 * ranking of any published version (`/admin/periods/<p>/results?version=n`), a year's and the
 * phase's (`/admin/years/<y>/results`, `/admin/phase/results`; while a period of it has no results,
 * a page naming those periods). Reads: admin-results-data.ts.
 */
import { latestHeader } from '#functions/scoring/results';
import { renderAggregatePending, renderResultsIndex, renderResultsPage } from '#web/admin-results';
import { type HttpRequest, type HttpResponse, htmlResponse } from '#web/http';
import {
  aggregateOrMissing,
  appraisalsOf,
  periodResultsData,
  type Scope,
  setsOf,
  versionInfo,
} from './admin-results-data.ts';
import { type AdminContext, notFound, periodOf, periodStates } from './admin-session.ts';

/** The phase's id as the documents name it: its first and last year. */
export function phaseIdOf(ctx: AdminContext): string {
  const c = ctx.campaign.config.campaign;
  return `${c.phaseStart.slice(0, 4)}-${c.phaseEnd.slice(0, 4)}`;
}

export async function resultsIndexPage(ctx: AdminContext): Promise<HttpResponse> {
  const { campaign } = ctx;
  const latest = await Promise.all(campaign.periods.map((p) => latestHeader(p.id)));
  const periods = campaign.periods.map((period, i) => {
    const header = latest[i];
    return header ? { period, latest: versionInfo(campaign, header) } : { period };
  });
  const years = [...new Set(periods.filter((p) => p.latest).map((p) => p.period.year))].sort();
  return htmlResponse(200, renderResultsIndex({ frame: ctx.frame, periods, years, phaseId: phaseIdOf(ctx) }));
}

export async function periodResultsPage(
  ctx: AdminContext,
  request: HttpRequest,
  periodId: string,
): Promise<HttpResponse> {
  const period = periodOf(ctx.campaign, periodId);
  const data = await periodResultsData(period.id, request.query.get('version'));
  return htmlResponse(
    200,
    renderResultsPage({
      frame: ctx.frame,
      scope: { kind: 'period', period },
      results: data.results,
      versions: data.headers.map((h) => versionInfo(ctx.campaign, h)),
      ...(ctx.campaign.config.bands ? { bands: ctx.campaign.config.bands } : {}),
      areas: {
        setsByGroup: setsOf(ctx.campaign, period, data.results.criteriaSets),
        appraisals: await appraisalsOf(data.results),
      },
    }),
  );
}

/** `2024` → a year of the calendar; anything else is 404. */
export function yearOf(ctx: AdminContext, text: string): Scope {
  const year = /^\d{4}$/.test(text) ? Number(text) : Number.NaN;
  if (!ctx.campaign.periods.some((p) => p.year === year)) {
    throw notFound('Không có năm này', 'Năm được yêu cầu không thuộc giai đoạn của phong trào.');
  }
  return { kind: 'year', year };
}

export async function aggregateResultsPage(ctx: AdminContext, scope: Scope): Promise<HttpResponse> {
  const data = await aggregateOrMissing(ctx.campaign, scope);
  const { periods } = data;
  const view =
    scope.kind === 'year'
      ? { kind: 'year' as const, year: scope.year, periods }
      : { kind: 'phase' as const, id: phaseIdOf(ctx), periods };
  if (data.missing) {
    // Not an error: the year exists, its results come once every period of it is published.
    const states = await periodStates(ctx.campaign);
    return htmlResponse(
      200,
      renderAggregatePending({
        frame: ctx.frame,
        scope: view,
        missing: data.missing.map((period) => ({ period, state: states.get(period.id) ?? 'scheduled' })),
      }),
    );
  }
  return htmlResponse(
    200,
    renderResultsPage({
      frame: ctx.frame,
      scope: view,
      results: data.results,
      versions: [],
      ...(ctx.campaign.config.bands ? { bands: ctx.campaign.config.bands } : {}),
    }),
  );
}
