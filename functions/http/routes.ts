/**
 * The HTTP API's routes in one place: the CDK stack (API Gateway routes) and the local HTTP
 * adapter (local/runtime/http.ts) both read this table, so the pages answer the same paths and methods in
 * the cloud and on one machine. Pure data: no handler is imported here.
 *
 * HEAD is routed wherever a mailed link lands (mail scanners fetch links with it); the handlers
 * answer it like GET, without a body, and never change anything on GET or HEAD.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST';

/** Which handler file serves a route (the `HANDLERS` names of infra/district-stack.ts). */
export type PageHandlerName =
  | 'reportPage'
  | 'decisionPage'
  | 'adminPages'
  | 'adminDownloads'
  | 'adminActions'
  | 'evidencePresign'
  | 'evidenceVerify'
  | 'evidenceDownload'
  | 'adminResend';

export interface HttpRoute {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  handler: PageHandlerName;
}

/** Handler name → repo-relative handler file (what `NodejsFunction` bundles and the adapter imports). */
export const PAGE_HANDLER_ENTRIES: Record<PageHandlerName, string> = {
  reportPage: 'functions/http/report.ts',
  decisionPage: 'functions/http/decision.ts',
  adminPages: 'functions/http/admin.ts',
  adminDownloads: 'functions/http/admin-downloads.ts',
  adminActions: 'functions/http/admin-actions.ts',
  evidencePresign: 'functions/http/evidence-presign.ts',
  evidenceVerify: 'functions/http/evidence-verify.ts',
  evidenceDownload: 'functions/http/evidence-download.ts',
  adminResend: 'functions/http/admin-resend.ts',
};

/** The admin's actions (functions/http/admin-actions.ts): GET shows what will happen, POST does it. */
const ACTION_PATHS: readonly string[] = [
  '/admin/periods/{periodId}/units/{unitId}/reassign',
  '/admin/periods/{periodId}/recompute',
  '/admin/periods/{periodId}/adjustments',
  '/admin/periods/{periodId}/units/{unitId}/remind',
  '/admin/periods/{periodId}/units/{unitId}/restart',
  '/admin/commendation/{cycleId}/revote',
  '/admin/commendation/{cycleId}/members/{memberId}/remind',
  '/admin/units/{unitId}/standing',
];

/** The admin's downloads (functions/http/admin-downloads.ts): summaries and the results report. */
const DOWNLOAD_PATHS: readonly string[] = [
  ...['xlsx', 'csv', 'html'].flatMap((f) => [
    `/admin/periods/{periodId}/summary.${f}`,
    `/admin/years/{year}/summary.${f}`,
    `/admin/phase/summary.${f}`,
  ]),
  ...['docx', 'html'].map((f) => `/admin/periods/{periodId}/report.${f}`),
  ...['docx', 'html'].flatMap((f) => [
    `/admin/commendation/{cycleId}/proposal.${f}`,
    `/admin/commendation/{cycleId}/vote-record.${f}`,
  ]),
];

export const HTTP_ROUTES: readonly HttpRoute[] = [
  // the unit's report page, behind its signed access grant
  { method: 'GET', path: '/r', handler: 'reportPage' },
  { method: 'HEAD', path: '/r', handler: 'reportPage' },
  { method: 'POST', path: '/r', handler: 'reportPage' },
  // the report form's own script and style sheet (CSP 'self'; functions/web/assets.ts)
  { method: 'GET', path: '/assets/{name}', handler: 'reportPage' },
  { method: 'HEAD', path: '/assets/{name}', handler: 'reportPage' },
  // decision links (appraise, explain, vote): GET/HEAD show, POST decides
  { method: 'GET', path: '/d', handler: 'decisionPage' },
  { method: 'HEAD', path: '/d', handler: 'decisionPage' },
  { method: 'POST', path: '/d', handler: 'decisionPage' },
  // admin: sign-in by emailed link, session, period status, sign-out
  { method: 'GET', path: '/admin', handler: 'adminPages' },
  { method: 'POST', path: '/admin/signin', handler: 'adminPages' },
  { method: 'GET', path: '/admin/session', handler: 'adminPages' },
  { method: 'HEAD', path: '/admin/session', handler: 'adminPages' },
  { method: 'POST', path: '/admin/session', handler: 'adminPages' },
  { method: 'GET', path: '/admin/periods/{periodId}', handler: 'adminPages' },
  // admin: results and units (read-only pages behind the session)
  { method: 'GET', path: '/admin/results', handler: 'adminPages' },
  { method: 'GET', path: '/admin/periods/{periodId}/results', handler: 'adminPages' },
  { method: 'GET', path: '/admin/years/{year}/results', handler: 'adminPages' },
  { method: 'GET', path: '/admin/phase/results', handler: 'adminPages' },
  { method: 'GET', path: '/admin/units', handler: 'adminPages' },
  { method: 'GET', path: '/admin/units/{unitId}', handler: 'adminPages' },
  { method: 'GET', path: '/admin/units/{unitId}/periods/{periodId}', handler: 'adminPages' },
  { method: 'GET', path: '/admin/audit', handler: 'adminPages' },
  { method: 'GET', path: '/admin/audit.csv', handler: 'adminPages' },
  { method: 'GET', path: '/admin/commendation', handler: 'adminPages' },
  { method: 'GET', path: '/admin/commendation/{cycleId}', handler: 'adminPages' },
  ...DOWNLOAD_PATHS.map((path) => ({ method: 'GET' as const, path, handler: 'adminDownloads' as const })),
  ...ACTION_PATHS.flatMap((path) =>
    (['GET', 'POST'] as const).map((method) => ({ method, path, handler: 'adminActions' as const })),
  ),
  { method: 'POST', path: '/admin/signout', handler: 'adminPages' },
  // evidence files (docs/evidence.md): the report form's script signs and checks uploads; the
  // pages link downloads, which answer 303 to a short-lived signed URL
  { method: 'POST', path: '/evidence/presign', handler: 'evidencePresign' },
  { method: 'POST', path: '/evidence/verify', handler: 'evidenceVerify' },
  { method: 'GET', path: '/evidence/file', handler: 'evidenceDownload' },
  // the admin's one-click re-send of an ambiguous mail (functions/http/admin-resend.ts)
  { method: 'POST', path: '/admin/mail/resend', handler: 'adminResend' },
  // a unit's focal point: a link by email to its own history, read-only
  { method: 'GET', path: '/u', handler: 'adminPages' },
  { method: 'POST', path: '/u', handler: 'adminPages' },
  { method: 'GET', path: '/u/session', handler: 'adminPages' },
  { method: 'HEAD', path: '/u/session', handler: 'adminPages' },
  { method: 'POST', path: '/u/session', handler: 'adminPages' },
  { method: 'POST', path: '/u/signout', handler: 'adminPages' },
  { method: 'GET', path: '/u/{unitId}', handler: 'adminPages' },
  { method: 'GET', path: '/u/{unitId}/periods/{periodId}', handler: 'adminPages' },
];

/**
 * Every other method and path: API Gateway's `$default` route (and the local adapter's fallback),
 * answered by the admin pages' handler with a Vietnamese 404 page rather than API Gateway's own
 * `{"message":"Not Found"}` — a mistyped or truncated link should say what to do.
 */
export const DEFAULT_ROUTE = { routeKey: '$default', handler: 'adminPages' } as const satisfies {
  routeKey: string;
  handler: PageHandlerName;
};

/** `GET /admin/periods/{periodId}`: API Gateway's route key. */
export function routeKey(route: Pick<HttpRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The routes grouped by path for one handler, e.g. for `HttpApi.addRoutes({ path, methods })`. */
export function routesByPath(handler: PageHandlerName): { path: string; methods: HttpMethod[] }[] {
  const byPath = new Map<string, HttpMethod[]>();
  for (const r of HTTP_ROUTES) {
    if (r.handler !== handler) continue;
    byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method]);
  }
  return [...byPath].map(([path, methods]) => ({ path, methods }));
}

/**
 * Matches a concrete path against a route path; returns the path parameters (decoded) or
 * undefined. Parameters match one segment, as API Gateway's `{name}` does.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    const param = /^\{([A-Za-z0-9_]+)\}$/.exec(w);
    if (param) {
      if (g === '') return undefined;
      try {
        params[param[1] as string] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}
