/**
 * The middy stack every page handler runs in (API Gateway HTTP API, payload v2):
 *
 * - parses the request once: query string, cookies, and an urlencoded form body (base64 when API
 *   Gateway says so), bounded in size; anything else on a POST is refused (415);
 * - GET and HEAD are one thing (HEAD answers without a body) and never change anything — the
 *   handlers only read on them; every other method but POST is 405;
 * - POSTs must come from our own pages (docs/review.md decision 12): an `Origin` other than
 *   `BASE_URL`'s (`null` included), or a `Sec-Fetch-Site` of another site, is refused (403);
 * - every answer carries the security headers of decision 13;
 * - errors become Vietnamese pages: a form problem 400/422 naming the field, ConflictError 409,
 *   NotFoundError 404, a bad or expired link 403/410, data of an earlier storage layout 503 saying
 *   what to do, anything unknown a 500 that reveals nothing;
 * - one log line per request: route key, status, duration — never the path, query string (it
 *   carries signatures), body, cookies or headers.
 */

import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Actor } from '#ports/actor';
import { ConflictError, ItemTooLargeError, NotFoundError, SchemaMismatchError } from '#ports/errors';
import { createLogger, type Logger } from '#ports/log';
import { adminHref, unitHref } from './admin-routes.ts';
import { escapeHtml } from './html.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest {
  /** GET, HEAD or POST (HEAD is handled as GET; see `isRead`). */
  method: string;
  /** True for GET and HEAD: the handler must not change anything. */
  isRead: boolean;
  /** The request path, e.g. `/admin/periods/2024Q3` (never log it with its query). */
  path: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  query: URLSearchParams;
  /** The urlencoded form of a POST (empty otherwise). */
  form: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  cookies: Map<string, string>;
  sourceIp?: string;
  userAgent?: string;
}

export interface HttpResponse {
  status: number;
  /** HTML (the page), empty for redirects; base64 when `isBase64Encoded` (a download). */
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string>;
  /** `Set-Cookie` values. */
  cookies?: string[];
  /** A page that runs the product's own script: its policy, from `contentSecurityPolicy`. */
  csp?: string;
  /** The product's static files: cached, revalidated by ETag (`no-cache`) instead of `no-store`. */
  revalidate?: boolean;
}

// ---------------------------------------------------------------- errors that become pages

/** A problem with one form field, shown beside it and in the page's summary. */
export interface FieldProblem {
  /** The form field's name, e.g. `score[1.1.1]`. */
  field: string;
  /** Vietnamese, naming the criterion or field. */
  message: string;
}

/**
 * An error with its page: the status and what to tell the person. `html` replaces the standard
 * page (e.g. a form re-rendered with the person's input and each problem beside its field).
 */
/** A way on from an error page (a refusal should never be a dead end). */
export interface PageLink {
  href: string;
  label: string;
}

export class PageError extends Error {
  override readonly name: string = 'PageError';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly html?: string;
  readonly links: readonly PageLink[];
  constructor(status: number, title: string, detail: string, html?: string, links: readonly PageLink[] = []) {
    super(`${status} ${title}`);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.html = html;
    this.links = links;
  }
}

/** 405, with the `Allow` header HTTP requires: the methods the page does take. */
export class MethodNotAllowed extends PageError {
  override readonly name: string = 'MethodNotAllowed';
  readonly allow: string;
  constructor(allow: string, detail: string) {
    super(405, 'Phương thức không được hỗ trợ', detail);
    this.allow = allow;
  }
}

/** The two doors of the site: the admin's sign-in, and a unit's own history (a link by email). */
export const SITE_ENTRANCES: readonly PageLink[] = [
  { href: adminHref.home(), label: 'Trang quản trị (cán bộ Phòng Nội vụ)' },
  {
    href: unitHref.request(),
    label: 'Lịch sử báo cáo và kết quả của đơn vị (nhận liên kết đăng nhập qua email)',
  },
];

/** A path no page of this handler answers (and every path no route does: the API's `$default`). */
export function noSuchPage(): PageError {
  return new PageError(
    404,
    'Không tìm thấy trang',
    'Không có trang này. Hãy kiểm tra lại địa chỉ, hoặc mở lại liên kết trong email đã nhận.',
    undefined,
    SITE_ENTRANCES,
  );
}

/** 422 (or 400): the form has problems; nothing was stored. */
export class FormError extends PageError {
  override readonly name = 'FormError';
  readonly problems: FieldProblem[];
  /** `html`'s own policy when that page runs the product's script (`contentSecurityPolicy`). */
  readonly csp?: string;
  constructor(problems: FieldProblem[], html?: string, status: 400 | 422 = 422, csp?: string) {
    super(status, 'Thông tin chưa hợp lệ', 'Chưa lưu gì: hãy sửa các mục dưới đây rồi gửi lại.', html);
    this.problems = problems;
    if (csp) this.csp = csp;
  }
}

/** Why a link was refused: 403 forged, tampered, malformed or unknown; 410 expired or closed. */
export class LinkError extends PageError {
  override readonly name = 'LinkError';
  constructor(
    status: 403 | 410,
    reason:
      | 'malformed'
      | 'unknown-key'
      | 'bad-signature'
      | 'expired'
      | 'closed'
      | 'not-found'
      | 'wrong-kind'
      | 'used'
      | 'reassigned',
    links: readonly PageLink[] = [],
  ) {
    const page = LINK_PAGES[reason];
    super(status, page.title, page.detail, undefined, links);
  }
}

const LINK_PAGES = {
  malformed: {
    title: 'Liên kết không hợp lệ',
    detail:
      'Liên kết này không đúng hoặc đã bị sửa đổi. Hãy mở lại liên kết trong email gốc (sao chép đầy đủ, không cắt bớt).',
  },
  'unknown-key': {
    title: 'Liên kết không hợp lệ',
    detail: 'Liên kết này không được hệ thống cấp hoặc đã bị sửa đổi. Hãy mở lại liên kết trong email gốc.',
  },
  'bad-signature': {
    title: 'Liên kết không hợp lệ',
    detail: 'Liên kết này không được hệ thống cấp hoặc đã bị sửa đổi. Hãy mở lại liên kết trong email gốc.',
  },
  'not-found': {
    title: 'Liên kết không hợp lệ',
    detail: 'Không tìm thấy nội dung của liên kết này. Hãy mở lại liên kết trong email gốc.',
  },
  'wrong-kind': {
    title: 'Liên kết không dùng cho trang này',
    detail: 'Liên kết này thuộc một trang khác của hệ thống. Hãy mở lại liên kết trong email gốc.',
  },
  expired: {
    title: 'Liên kết đã hết hạn',
    detail:
      'Thời hạn sử dụng liên kết này đã kết thúc. Nếu vẫn cần thực hiện, hãy liên hệ Phòng Nội vụ (cán bộ phụ trách CCHC).',
  },
  closed: {
    title: 'Việc này đã kết thúc',
    detail:
      'Bước xử lý mà liên kết này dành cho đã đóng (đợt thẩm định đã kết thúc hoặc đã có quyết định khác). Không cần thao tác thêm.',
  },
  reassigned: {
    title: 'Việc thẩm định đã được giao cho người khác',
    detail:
      'Quản trị đã giao việc thẩm định báo cáo này cho một người thẩm định khác, nên liên kết này không còn dùng được. Đồng chí không cần thao tác thêm.',
  },
  used: {
    title: 'Liên kết đã được sử dụng',
    detail: 'Liên kết này chỉ dùng được một lần và đã được dùng. Hãy yêu cầu liên kết mới.',
  },
} as const;

// ---------------------------------------------------------------- responses

/**
 * The pages' Content-Security-Policy (decision 13, plus frame-ancestors/base-uri: no page may be
 * framed, which would allow clickjacking of a decision button). A page without script gets the
 * default. The report form with its script (docs/unit-pages.md) adds `script-src 'self'` (the
 * product's own file: no inline script, no `eval`), its own style sheet, and `connect-src 'self'`
 * for autosave and the evidence calls plus the evidence bucket's origin for the upload itself.
 */
export function contentSecurityPolicy(
  page: { script?: boolean; styleSheet?: boolean; connect?: readonly string[] } = {},
): string {
  return [
    "default-src 'none'",
    ...(page.script ? ["script-src 'self'"] : []),
    page.script || page.styleSheet ? "style-src 'self' 'unsafe-inline'" : "style-src 'unsafe-inline'",
    ...(page.script ? [["connect-src 'self'", ...(page.connect ?? [])].join(' ')] : []),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Not no-referrer: under it a browser posts our own forms with `Origin: null` (see
  // checkPostOrigin). same-origin sends a referrer only to our own pages, so a signed URL never
  // reaches another site; user-supplied links also carry rel="noreferrer".
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'content-security-policy': contentSecurityPolicy(),
  'x-content-type-options': 'nosniff',
};

export function htmlResponse(
  status: number,
  body: string,
  extra: Omit<HttpResponse, 'status' | 'body'> = {},
): HttpResponse {
  return {
    status,
    body,
    ...extra,
    headers: { 'content-type': 'text/html; charset=utf-8', ...extra.headers },
  };
}

/** 303 See Other: after a POST, the browser GETs `location`. */
export function redirect(location: string, cookies?: string[]): HttpResponse {
  return { status: 303, body: '', headers: { location }, ...(cookies ? { cookies } : {}) };
}

// ---------------------------------------------------------------- parsing

/** Forms are small (a report is at most a few hundred fields); anything larger is refused. */
export const MAX_BODY_BYTES = 512 * 1024;
export const MAX_FORM_FIELDS = 5000;

function lowerHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function parseCookies(event: HttpEvent, headers: Record<string, string>): Map<string, string> {
  const list = event.cookies ?? (headers.cookie ? headers.cookie.split(';') : []);
  const cookies = new Map<string, string>();
  for (const c of list) {
    const eq = c.indexOf('=');
    if (eq <= 0) continue;
    const name = c.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, c.slice(eq + 1).trim());
  }
  return cookies;
}

function parseForm(
  event: HttpEvent,
  headers: Record<string, string>,
  repeatable: readonly string[],
): URLSearchParams {
  const raw = event.body ?? '';
  if (raw === '') return new URLSearchParams();
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new PageError(
      415,
      'Định dạng không được hỗ trợ',
      'Trang này chỉ nhận biểu mẫu gửi từ chính trang của hệ thống.',
    );
  }
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PageError(
      413,
      'Nội dung quá lớn',
      `Biểu mẫu vượt quá ${MAX_BODY_BYTES / 1024} KB. Hãy rút gọn nội dung.`,
    );
  }
  const form = new URLSearchParams(bytes.toString('utf8'));
  const seen = new Set<string>();
  let fields = 0;
  for (const name of form.keys()) {
    if (++fields > MAX_FORM_FIELDS) {
      throw new PageError(413, 'Nội dung quá lớn', 'Biểu mẫu có quá nhiều trường.');
    }
    // One value per field: a duplicated `decision` or `version` is not guessed at (first or last).
    if (seen.has(name) && !repeatable.includes(name)) {
      throw new PageError(
        400,
        'Biểu mẫu không hợp lệ',
        `Trường “${name.slice(0, 80)}” được gửi nhiều lần nên không biết dùng giá trị nào; chưa ghi nhận gì. Hãy mở lại trang và gửi lại.`,
      );
    }
    seen.add(name);
  }
  return withoutInvisibleControls(form);
}

/**
 * Control characters (but tab and line ends) and the bidirectional embedding, override and isolate
 * marks: invisible when typed or pasted, yet a NUL or backspace breaks a CSV or a Word file, and a
 * right-to-left override makes a comment read otherwise to the reviewer or the admin than stored.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const INVISIBLE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const INVISIBLE_CONTROLS = new RegExp(INVISIBLE_CONTROL.source, 'g');

/** The form with those characters removed from every value (names are matched exactly anyway). */
function withoutInvisibleControls(form: URLSearchParams): URLSearchParams {
  if (![...form.values()].some((value) => INVISIBLE_CONTROL.test(value))) return form;
  const clean = new URLSearchParams();
  for (const [name, value] of form) clean.append(name, value.replace(INVISIBLE_CONTROLS, ''));
  return clean;
}

function toRequest(event: HttpEvent, repeatable: readonly string[] = []): HttpRequest {
  const headers = lowerHeaders(event.headers);
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const isRead = method === 'GET' || method === 'HEAD';
  const pathParameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.pathParameters ?? {})) if (v !== undefined) pathParameters[k] = v;
  const request: HttpRequest = {
    method,
    isRead,
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    routeKey: event.routeKey ?? `${method} ${event.rawPath ?? ''}`,
    pathParameters,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    form: new URLSearchParams(),
    headers,
    cookies: parseCookies(event, headers),
  };
  const ip = event.requestContext?.http?.sourceIp;
  const ua = event.requestContext?.http?.userAgent ?? headers['user-agent'];
  if (ip) request.sourceIp = ip;
  if (ua) request.userAgent = ua.slice(0, 300);
  if (method === 'POST') request.form = parseForm(event, headers, repeatable);
  else if (!isRead) {
    throw new MethodNotAllowed('GET, HEAD, POST', 'Trang này chỉ nhận GET, HEAD và POST.');
  }
  return request;
}

/** The origin (`scheme://host[:port]`) of `BASE_URL`. */
function baseOrigin(): string | undefined {
  const base = process.env.BASE_URL?.trim();
  if (!base) return undefined;
  try {
    return new URL(base).origin;
  } catch {
    return undefined;
  }
}

/**
 * Decision 12. A POST whose `Origin` is anything but `BASE_URL`'s origin is refused, `null`
 * included: browsers send `null` from opaque origins (sandboxed frames, `data:` pages) and from
 * any page whose referrer policy is `no-referrer`, so it says nothing about where a form was.
 * Our pages send `Referrer-Policy: same-origin`, under which a browser posting one of them sends
 * the real origin. `Sec-Fetch-Site` catches a cross-site post when the browser sends it. A POST
 * without `Origin` passes (clients that are not browsers): the signed link is the credential.
 */
export function checkPostOrigin(request: HttpRequest, expected = baseOrigin()): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!expected) throw new Error('BASE_URL is not configured: cannot check the Origin of a POST');
    if (origin !== expected) throw crossSite();
  }
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') throw crossSite();
}

function crossSite(): PageError {
  return new PageError(
    403,
    'Yêu cầu bị từ chối',
    'Biểu mẫu này phải được gửi từ chính trang của hệ thống. Hãy mở lại liên kết trong email rồi thao tác lại.',
  );
}

// ---------------------------------------------------------------- the standard page

/** A minimal page (status pages); the full layout lives in functions/web/pages.ts. */
export type PageRenderer = (page: {
  status: number;
  title: string;
  detail: string;
  problems?: FieldProblem[];
  links?: readonly PageLink[];
}) => string;

const plainPage: PageRenderer = ({ title, detail, problems, links }) =>
  `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>${
    problems?.length ? `<ul>${problems.map((p) => `<li>${escapeHtml(p.message)}</li>`).join('')}</ul>` : ''
  }${links?.length ? `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>` : ''}</main></body></html>`;

let renderStatusPage: PageRenderer = plainPage;

/** Lets the pages module give error pages the common layout. */
export function setStatusPageRenderer(render: PageRenderer): void {
  renderStatusPage = render;
}

/** The page and status for an error: known ones say what happened, unknown ones nothing. */
export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof PageError) {
    const body =
      error.html ??
      renderStatusPage({
        status: error.status,
        title: error.title,
        detail: error.detail,
        ...(error instanceof FormError ? { problems: error.problems } : {}),
        ...(error.links.length > 0 ? { links: error.links } : {}),
      });
    return htmlResponse(error.status, body, {
      ...(error instanceof MethodNotAllowed ? { headers: { allow: error.allow } } : {}),
      ...(error instanceof FormError && error.html && error.csp ? { csp: error.csp } : {}),
    });
  }
  if (error instanceof ConflictError) {
    return htmlResponse(
      409,
      renderStatusPage({ status: 409, title: 'Xung đột dữ liệu', detail: error.message }),
    );
  }
  if (error instanceof NotFoundError) {
    return htmlResponse(
      404,
      renderStatusPage({
        status: 404,
        title: 'Không tìm thấy',
        detail: 'Không tìm thấy nội dung được yêu cầu.',
      }),
    );
  }
  if (error instanceof SchemaMismatchError) {
    // What the operator must do (README, "Upgrading"); nothing was read or changed.
    return htmlResponse(
      503,
      renderStatusPage({ status: 503, title: 'Dữ liệu theo cấu trúc cũ', detail: error.message }),
    );
  }
  if (error instanceof ItemTooLargeError) {
    return htmlResponse(
      413,
      renderStatusPage({
        status: 413,
        title: 'Nội dung quá lớn',
        detail: 'Nội dung vượt quá dung lượng cho phép. Hãy rút gọn phần giải trình hoặc minh chứng.',
      }),
    );
  }
  return htmlResponse(
    500,
    renderStatusPage({
      status: 500,
      title: 'Lỗi hệ thống',
      detail:
        'Hệ thống gặp sự cố khi xử lý yêu cầu. Những gì đã lưu trước đó không bị mất; hãy thử lại sau ít phút hoặc báo Phòng Nội vụ.',
    }),
  );
}

// ---------------------------------------------------------------- the middy stack

export type PageHandler = (request: HttpRequest, context: Context) => Promise<HttpResponse>;

export interface HttpHandlerOptions {
  /** Handler name in the log lines. */
  name: string;
  logger?: Logger;
  /**
   * Form fields the page's form sends more than once (a group of checkboxes). Any other field
   * sent twice is refused (400 naming it) rather than read as its first value.
   */
  repeatableFields?: readonly string[];
}

interface Internal extends Record<string, unknown> {
  startedAt?: number;
}

const parsed = new WeakMap<object, HttpRequest>();

function toResult(response: HttpResponse, method: string): HttpResult {
  const headers: Record<string, string> = {
    ...response.headers,
    ...SECURITY_HEADERS,
    ...(response.csp ? { 'content-security-policy': response.csp } : {}),
    ...(response.revalidate ? { 'cache-control': 'no-cache' } : {}),
  };
  if (baseOrigin()?.startsWith('https:')) headers['strict-transport-security'] = 'max-age=31536000';
  return {
    statusCode: response.status,
    headers,
    body: method === 'HEAD' ? '' : (response.body ?? ''),
    isBase64Encoded: response.isBase64Encoded === true && method !== 'HEAD',
    ...(response.cookies?.length ? { cookies: response.cookies } : {}),
  };
}

/** Wraps a page handler in the stack described at the top of this file. */
export function httpHandler(fn: PageHandler, options: HttpHandlerOptions) {
  // Made on first use: locally the runtime sets DISTRICT_SLUG after the handler module loads.
  let made: Logger | undefined;
  const logger = (): Logger => {
    made ??= (
      options.logger ??
      createLogger({ base: process.env.DISTRICT_SLUG ? { district: process.env.DISTRICT_SLUG } : {} })
    ).child({ handler: options.name });
    return made;
  };
  const methodOf = (event: HttpEvent) => (event.requestContext?.http?.method ?? 'GET').toUpperCase();

  const timing: middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context, Internal> = {
    name: 'access-log',
    before: (request) => {
      request.internal.startedAt = Date.now();
    },
    after: (request) => {
      logRequest(request.event, request.response?.statusCode, request.internal.startedAt);
    },
    onError: (request) => {
      logRequest(request.event, request.response?.statusCode, request.internal.startedAt);
    },
  };
  const logRequest = (event: HttpEvent, status: number | undefined, startedAt: number | undefined) => {
    logger().info('request', {
      route: event.routeKey,
      status,
      ms: startedAt === undefined ? undefined : Date.now() - startedAt,
    });
  };

  const pages: middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context, Internal> = {
    name: 'error-pages',
    onError: (request) => {
      const error = request.error;
      if (!(error instanceof PageError || error instanceof ConflictError || error instanceof NotFoundError)) {
        // Names, messages and stacks only (redacted by the logger); never the event.
        logger().error('unhandled error', { route: request.event.routeKey, error });
      }
      request.response = toResult(errorResponse(error), methodOf(request.event));
    },
  };

  const parse: middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context, Internal> = {
    name: 'parse-and-check',
    before: (request) => {
      const http = toRequest(request.event, options.repeatableFields);
      if (http.method === 'POST') checkPostOrigin(http);
      parsed.set(request.event, http);
    },
  };

  return middy<HttpEvent, HttpResult, Error, Context, Internal>()
    .use(timing)
    .use(pages)
    .use(parse)
    .handler(async (event, context) => {
      const http = parsed.get(event) ?? toRequest(event, options.repeatableFields);
      return toResult(await fn(http, context), http.method);
    });
}

/** The person behind a request, as kept with their decision and in the audit. */
export function actorOf(request: HttpRequest, who: Omit<Actor, 'ip' | 'userAgent'>): Actor {
  return {
    ...who,
    ...(request.sourceIp ? { ip: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
  };
}
