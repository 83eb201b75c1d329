/**
 * The pages only `npm start` serves, beside the stack's own pages on the same local server: the
 * home page (district, virtual clock, next event, launch and "next event" buttons), the inbox of
 * every email the district sent (read from the store's outbox: the SES emulator forgets its mail
 * on restart) and the JSON control endpoints the terminal commands call. None of this is in the
 * CDK stack. Every page goes through the same HTTP middleware as the stack's pages
 * (`httpHandler`: security headers, Origin check on POST, error pages), and every stored string
 * is escaped.
 */
import type { Context } from 'aws-lambda';
import { toZonedIso, zonedInstant } from '#domain/calendar';
import {
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  PageError,
  redirect,
} from '#lib/http';
import { e, type Html, layout } from '#lib/pages';
import type { MailIdentity, OutboxRecord, Store } from '#lib/store';
import type { HttpLambdaHandler, LocalRoute } from './http.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** What the clock will do next. */
export interface NextEvent {
  at: string;
  /** dd/mm/yyyy HH:mm on the district's clock. */
  local: string;
  /** The timer's technical label (schedule name, execution and state). */
  label: string;
  /** What it means, in Vietnamese (English in brackets). */
  description: string;
}

export interface ExecutionSummary {
  name: string;
  workflow: string;
  status: string;
  startDate: string;
  stopDate?: string;
  error?: string;
}

export interface WaitingTask {
  execution: string;
  workflow: string;
  state: string;
  since: string;
  /** dd/mm/yyyy HH:mm of `since`. */
  sinceLocal: string;
  timeoutAt?: string;
}

/** `GET /local/status` (no task tokens, no link signatures, no report contents). */
export interface ProductStatus {
  district: { slug: string; name: string; authority: string };
  clock: { now: string; local: string; timeZone: string };
  nextEvent: NextEvent | null;
  launched: boolean;
  launch: { name: string; status: string } | null;
  /** How many emails the outbox holds (at most the inbox page's limit). */
  emails: number;
  executions: { total: number; byStatus: Record<string, number>; recent: ExecutionSummary[] };
  waitingFor: WaitingTask[];
  /** Executions started again on this start (re-armed waits). */
  rearmed: string[];
}

export interface LaunchOutcome {
  outcome: 'started' | 'already-launched';
  name: string;
  status: string;
  error?: string;
  newEmails: number;
  schedules: number;
}

export interface AdvanceOutcome {
  outcome: 'moved' | 'no-event';
  from: string;
  to: string;
  /** dd/mm/yyyy HH:mm of `to`. */
  local: string;
  /** What fired on the way, in time order. */
  fired: { at: string; local: string; label: string; description: string; recurring: boolean }[];
  newEmails: number;
  nextEvent: NextEvent | null;
}

/** What the pages need from the running product (local/start.ts). */
export interface ProductControl {
  district: { slug: string; name: string; authority: string; timeZone: string };
  admins: { name: string; email: string }[];
  /** Everyone the district writes to (focal points, reviewers, council, admins, leadership), for the inbox filter. */
  people: { name: string; email: string; role: string }[];
  baseUrl(): string;
  store(): Store;
  status(): Promise<ProductStatus>;
  launch(): Promise<LaunchOutcome>;
  advance(to?: Date): Promise<AdvanceOutcome>;
}

/** How many emails the inbox shows (newest first). */
export const INBOX_LIMIT = 500;
/** How far back the inbox reads when it shows one person's mail. */
export const INBOX_FILTER_LIMIT = 5000;

/** An instant as dd/mm/yyyy HH:mm on the zone's wall clock. */
export function localDateTime(instant: Date | string, timeZone = TIME_ZONE): string {
  const ms = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  const iso = toZonedIso(ms, timeZone);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
}

/**
 * `to` of `POST /local/advance`: `yyyy-mm-dd` is 08:00 that day on the district's clock (the
 * working day's start, when the calendar's windows open), `yyyy-mm-ddTHH:mm` that wall time, or
 * an ISO instant with a zone.
 */
export function parseAdvanceTarget(value: string, timeZone = TIME_ZONE): Date {
  const v = value.trim();
  const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}))?$/.exec(v);
  let ms: number;
  if (local) {
    const [, date = '', time = '08:00'] = local;
    ms = Date.parse(zonedInstant(date, time, timeZone));
    // A date that does not exist (31/02) or a wall time skipped by a clock change does not round-trip.
    const check = Number.isNaN(ms) ? '' : toZonedIso(ms, timeZone);
    if (check.slice(0, 10) !== date || check.slice(11, 16) !== time) ms = Number.NaN;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) {
    ms = Date.parse(v);
  } else {
    ms = Number.NaN;
  }
  if (Number.isNaN(ms)) {
    throw new PageError(
      400,
      'Ngày không hợp lệ',
      `"${v}" không phải ngày dạng yyyy-mm-dd (hoặc yyyy-mm-ddTHH:mm). (Not a yyyy-mm-dd date.)`,
    );
  }
  return new Date(ms);
}

// ---------------------------------------------------------------- inbox ids

/** An outbox record's page id: its identity as base64url JSON (the store reads it back directly). */
export function inboxId(identity: MailIdentity): string {
  return Buffer.from(JSON.stringify(identity), 'utf8').toString('base64url');
}

function identityOf(id: string): MailIdentity | undefined {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(id)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.step !== 'string' || typeof v.recipient !== 'string')
      return undefined;
    const identity: MailIdentity = { step: v.step, recipient: v.recipient };
    if (typeof v.subjectId === 'string') identity.subjectId = v.subjectId;
    if (typeof v.periodId === 'string') identity.periodId = v.periodId;
    if (typeof v.round === 'number') identity.round = v.round;
    return identity;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- rendering helpers

const URL_IN_TEXT = /https?:\/\/[^\s<>"'`]+/g;

/** Plain text with its http(s) URLs as links; everything escaped. */
export function linkify(text: string): Html {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let url = m[0];
    // Sentence punctuation after a URL is not part of it.
    const trail = /[.,;:!?)\]]+$/.exec(url)?.[0] ?? '';
    url = url.slice(0, url.length - trail.length);
    const at = m.index ?? 0;
    out += e(text.slice(last, at));
    out += `<a href="${e(url)}" rel="noreferrer noopener">${e(url)}</a>`;
    last = at + url.length;
  }
  return out + e(text.slice(last));
}

const OUTBOX_STATUS: Record<string, string> = {
  sent: 'đã gửi (sent)',
  claimed: 'đang gửi (sending)',
  failed: 'gửi lỗi, sẽ gửi lại (failed, will retry)',
  ambiguous: 'không rõ đã gửi chưa (ambiguous)',
};

const EXTRA_CSS = `<style>
.clock{font-size:1.35rem;font-weight:700}
.mail{border:1px solid #d8dee4;border-radius:.5rem;padding:.6rem .8rem;margin:.7rem 0}
.mail .head{display:flex;flex-wrap:wrap;gap:.2rem 1rem;justify-content:space-between}
.mail .subject{font-weight:600}
.mail pre{white-space:pre-wrap;word-break:break-word;font:inherit;margin:.4rem 0 0}
.st{font-size:.85rem;padding:.05rem .45rem;border-radius:1rem;background:#e3e7eb}
.st.sent{background:#d1e7dd;color:#0f5132}.st.failed,.st.ambiguous{background:#f8d7da;color:#842029}
iframe.mailhtml{width:100%;min-height:70vh;border:1px solid #d8dee4;border-radius:.4rem;background:#fff}
form.inline{display:inline-flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.4rem 1rem .4rem 0}
form.inline label{margin:0}
form.inline input{width:auto}
</style>`;

function page(control: ProductControl, title: string, body: Html): HttpResponse {
  return htmlResponse(
    200,
    layout({
      title,
      header: `${control.district.authority} · chạy trên máy này (local)`,
      body: EXTRA_CSS + body,
    }),
  );
}

function wantsJson(request: HttpRequest): boolean {
  return (
    (request.headers.accept ?? '').includes('application/json') &&
    !(request.headers.accept ?? '').includes('text/html')
  );
}

function json(status: number, value: unknown): HttpResponse {
  return {
    status,
    body: JSON.stringify(value, null, 2),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}

const NOTICES: Record<string, (q: URLSearchParams) => string> = {
  launched: (q) =>
    `Đã phát động phong trào (${q.get('emails') ?? '0'} email mới, ${q.get('schedules') ?? '0'} lịch sự kiện). Xem hộp thư. (Launched.)`,
  'already-launched': () =>
    'Phong trào đã được phát động trước đó; không gửi lại email nào. (Already launched.)',
  'launch-failed': (q) =>
    `Phát động không thành công: ${q.get('status') ?? ''}. Xem nhật ký trên terminal. (Launch failed.)`,
  moved: (q) =>
    `Đã chuyển đồng hồ đến ${q.get('at') ?? ''}; ${q.get('fired') ?? '0'} sự kiện đã chạy, ${q.get('emails') ?? '0'} email mới. (Clock moved.)`,
  'no-event': () => 'Không còn sự kiện nào đã lên lịch. (No scheduled event.)',
};

// ---------------------------------------------------------------- pages

async function homePage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const s = await control.status();
  const done = request.query.get('done');
  const notice =
    done && NOTICES[done]
      ? `<div class="notice ${done === 'launch-failed' ? 'error' : 'ok'}" role="status"><p>${e(NOTICES[done](request.query))}</p></div>`
      : '';
  const next = s.nextEvent
    ? `<p>Sự kiện tiếp theo (next event): <strong>${e(s.nextEvent.local)}</strong> — ${e(s.nextEvent.description)}</p>`
    : '<p>Chưa có sự kiện nào được lên lịch (no scheduled event)' +
      (s.launched ? '.' : ': hãy phát động phong trào trước (launch first).') +
      '</p>';
  const waiting = s.waitingFor.length
    ? `<h2>Đang chờ người xử lý (waiting for people)</h2><div class="table-wrap"><table><thead><tr><th>Quy trình (execution)</th><th>Bước (state)</th><th>Từ (since)</th><th>Hết hạn chờ (times out)</th></tr></thead><tbody>${s.waitingFor
        .slice(0, 100)
        .map(
          (w) =>
            `<tr><td>${e(w.execution)}</td><td>${e(w.state)}</td><td>${e(localDateTime(w.since))}</td><td>${w.timeoutAt ? e(localDateTime(w.timeoutAt)) : ''}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const recent = s.executions.recent.length
    ? `<h2>Quy trình gần đây (recent executions)</h2><div class="table-wrap"><table><thead><tr><th>Tên (name)</th><th>Trạng thái (status)</th><th>Bắt đầu (started)</th></tr></thead><tbody>${s.executions.recent
        .slice(0, 20)
        .map(
          (x) =>
            `<tr><td>${e(x.name)}</td><td>${e(x.status)}${x.error ? ` <span class="muted">${e(x.error)}</span>` : ''}</td><td>${e(localDateTime(x.startDate))}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const admins = control.admins.map((a) => `${e(a.name)} &lt;${e(a.email)}&gt;`).join(', ');
  const body = `
<h1>Phong trào thi đua CCHC — ${e(s.district.name)}</h1>
<p class="muted">Bản chạy trên máy này: dữ liệu, lịch và đồng hồ được giữ qua các lần khởi động lại. (The whole product on this machine.)</p>
${notice}
<h2>Đồng hồ (clock, ${e(s.clock.timeZone)})</h2>
<p class="clock">${e(s.clock.local)}</p>
${next}
<form method="post" action="/local/advance" class="inline"><button type="submit">Chuyển đến sự kiện tiếp theo (move the clock to the next event)</button></form>
<form method="post" action="/local/advance" class="inline"><label for="to">hoặc đến ngày (or to a date)</label><input id="to" name="to" type="text" placeholder="yyyy-mm-dd" pattern="\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2})?" required><button type="submit" class="secondary">Chuyển (move)</button></form>
<h2>Phát động (launch)</h2>
<p>${s.launched ? 'Phong trào đã được phát động. (Launched.)' : 'Phong trào chưa được phát động. (Not launched yet.)'}${s.launch ? ` <span class="muted">${e(s.launch.name)}: ${e(s.launch.status)}</span>` : ''}</p>
<form method="post" action="/local/launch" class="inline"><button type="submit">Phát động phong trào (launch)</button></form>
<h2>Liên kết (links)</h2>
<ul>
<li><a href="/inbox">Hộp thư: mọi email đã gửi (inbox: every email sent)</a> — ${e(s.emails)} email</li>
<li><a href="/admin">Đăng nhập quản trị (admin sign-in)</a> — quản trị viên (admins): ${admins || '(không có)'}</li>
<li><a href="/local/status">Trạng thái dạng JSON (status as JSON)</a></li>
</ul>
<p class="muted">Từ terminal (from a terminal): <code>npm start -- launch</code>, <code>npm start -- advance [--to yyyy-mm-dd]</code>, <code>npm start -- status</code>.</p>
${waiting}
${recent}`;
  return page(control, `Thi đua CCHC — ${s.district.name}`, body);
}

function mailCard(r: OutboxRecord, open: boolean): Html {
  const status = OUTBOX_STATUS[r.status] ?? r.status;
  return `<article class="mail">
<div class="head"><span class="subject"><a href="/inbox/${e(inboxId(r.identity))}">${e(r.subject)}</a></span><span class="st ${e(r.status)}">${e(status)}</span></div>
<div class="meta"><span>Đến (to): ${e(r.to)}</span><span>Lúc (at): ${e(localDateTime(r.sentAt ?? r.createdAt))}</span></div>
<details${open ? ' open' : ''}><summary>Nội dung (text)</summary><pre>${linkify(r.text)}</pre></details>
</article>`;
}

async function inboxPage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const to = request.query.get('to')?.trim().toLowerCase() || undefined;
  // One person's mail may be older than the newest INBOX_LIMIT: a filtered view reads further back.
  const read = await control.store().listOutbox(to ? INBOX_FILTER_LIMIT : INBOX_LIMIT);
  const shown = (to ? read.filter((r) => r.to.trim().toLowerCase() === to) : read).slice(0, INBOX_LIMIT);
  // Everyone the district may write to, by name and role; then any other address that got mail.
  const known = new Map<string, string>();
  for (const p of control.people) {
    const email = p.email.trim().toLowerCase();
    known.set(email, known.has(email) ? `${known.get(email)}; ${p.role}` : `${p.name} — ${p.role}`);
  }
  for (const r of read) {
    const email = r.to.trim().toLowerCase();
    if (!known.has(email)) known.set(email, email);
  }
  const options = [...known]
    .sort((a, b) => a[1].localeCompare(b[1], 'vi'))
    .map(
      ([email, label]) =>
        `<option value="${e(email)}"${email === to ? ' selected' : ''}>${e(label === email ? email : `${label} <${email}>`)}</option>`,
    )
    .join('');
  const filter = `<form method="get" action="/inbox" class="inline"><label for="to">Người nhận (recipient)</label><select id="to" name="to"><option value="">Tất cả (everyone)</option>${options}</select><button type="submit" class="secondary">Lọc (filter)</button></form>`;
  const list = shown.length
    ? shown.map((r, i) => mailCard(r, i === 0)).join('\n')
    : to
      ? '<p>Người này chưa nhận email nào. (No email to this address yet.)</p>'
      : '<p>Chưa có email nào. Hãy phát động phong trào từ <a href="/">trang chủ</a>. (No email yet.)</p>';
  const body = `
<p><a href="/">← Trang chủ (home)</a></p>
<h1>Hộp thư (inbox)</h1>
<p class="muted">Mọi email hệ thống đã gửi, mới nhất trước, đọc từ hộp thư đi của huyện (the district's outbox), nên vẫn còn sau khi khởi động lại. Liên kết trong email mở trang của chính máy này. ${e(shown.length)} email${shown.length === INBOX_LIMIT ? ` (${INBOX_LIMIT} mới nhất)` : ''}.</p>
${filter}
${list}`;
  return page(control, 'Hộp thư — thi đua CCHC', body);
}

async function inboxMessagePage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const identity = identityOf(request.pathParameters.id ?? '');
  const record = identity ? await control.store().getOutbox(identity) : undefined;
  if (!record) {
    throw new PageError(404, 'Không tìm thấy email', 'Không có email này trong hộp thư. (No such email.)');
  }
  // The email's own HTML, isolated: a sandboxed frame (no script, no same-origin access); its
  // links open in a new tab.
  const srcdoc = `<base target="_blank">${record.html}`;
  const body = `
<p><a href="/inbox">← Hộp thư (inbox)</a></p>
<h1>${e(record.subject)}</h1>
<div class="meta"><span>Đến (to): ${e(record.to)}</span><span>Lúc (at): ${e(localDateTime(record.sentAt ?? record.createdAt))}</span><span class="st ${e(record.status)}">${e(OUTBOX_STATUS[record.status] ?? record.status)}</span></div>
<iframe class="mailhtml" title="Nội dung HTML của email (the email's HTML)" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${e(srcdoc)}"></iframe>
<h2>Bản văn bản (text)</h2>
<pre style="white-space:pre-wrap;font:inherit">${linkify(record.text)}</pre>`;
  return page(control, `${record.subject} — hộp thư`, body);
}

function advanceTarget(request: HttpRequest, control: ProductControl): Date | undefined {
  const to = request.form.get('to') ?? request.query.get('to') ?? undefined;
  return to?.trim() ? parseAdvanceTarget(to, control.district.timeZone) : undefined;
}

async function launchAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const r = await control.launch();
  if (wantsJson(request)) return json(r.status === 'FAILED' || r.status === 'TIMED_OUT' ? 500 : 200, r);
  const done =
    r.status !== 'SUCCEEDED' && r.status !== 'RUNNING'
      ? 'launch-failed'
      : r.outcome === 'already-launched'
        ? 'already-launched'
        : 'launched';
  return redirect(
    `/?${new URLSearchParams({ done, emails: String(r.newEmails), schedules: String(r.schedules), status: r.status })}`,
  );
}

async function advanceAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const to = advanceTarget(request, control);
  let r: AdvanceOutcome;
  try {
    r = await control.advance(to);
  } catch (error) {
    if (/cannot go back/.test((error as Error).message)) {
      throw new PageError(
        400,
        'Không thể lùi đồng hồ',
        'Đồng hồ chỉ chạy tới, không lùi lại được. Hãy chọn một ngày sau thời điểm hiện tại. (The clock cannot go back.)',
      );
    }
    throw error;
  }
  if (wantsJson(request)) return json(200, r);
  return redirect(
    `/?${new URLSearchParams(
      r.outcome === 'no-event'
        ? { done: 'no-event' }
        : {
            done: 'moved',
            at: r.local,
            fired: String(r.fired.filter((f) => !f.recurring).length),
            emails: String(r.newEmails),
          },
    )}`,
  );
}

/** The local-only routes, served by the same HTTP adapter as the stack's pages. */
export function devPageRoutes(control: ProductControl): LocalRoute[] {
  const wrap = (name: string, fn: (c: ProductControl, r: HttpRequest) => Promise<HttpResponse>) =>
    httpHandler((request: HttpRequest, _context: Context) => fn(control, request), {
      name,
    }) as unknown as HttpLambdaHandler;
  const home = wrap('local-home', homePage);
  const inbox = wrap('local-inbox', inboxPage);
  const message = wrap('local-inbox-message', inboxMessagePage);
  const status = wrap('local-status', async () => json(200, await control.status()));
  return [
    { method: 'GET', path: '/', handler: home },
    { method: 'HEAD', path: '/', handler: home },
    { method: 'GET', path: '/inbox', handler: inbox },
    { method: 'HEAD', path: '/inbox', handler: inbox },
    { method: 'GET', path: '/inbox/{id}', handler: message },
    { method: 'HEAD', path: '/inbox/{id}', handler: message },
    { method: 'GET', path: '/local/status', handler: status },
    // A year of schedules can take a while to run through: no 20 s API Gateway-like limit here.
    {
      method: 'POST',
      path: '/local/launch',
      handler: wrap('local-launch', launchAction),
      timeoutSeconds: 900,
    },
    {
      method: 'POST',
      path: '/local/advance',
      handler: wrap('local-advance', advanceAction),
      timeoutSeconds: 900,
    },
  ];
}
