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
import { ConfigError, type ConfigProblem, formatProblem } from '#domain/config';
import type { Points } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { AdjustmentsSource } from '#functions/scoring/adjustments';
import { scoringExecutionName } from '#functions/scoring/rescoring';
import type { HttpLambdaHandler, LocalRoute } from '#local/runtime/http';
import type { Actor, MailIdentity, OutboxRecord, Store } from '#ports/store';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  PageError,
  redirect,
} from '#web/http';
import { e, type Html, layout, problemMap, problemSummary, textArea } from '#web/pages';

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

/** `POST /local/record`: what was recorded, read back from the store. */
export interface RecordOutcome {
  /** The name the file's problems and lines are reported under. */
  file: string;
  recorded: {
    periodId: string;
    unitId: string;
    unitName: string;
    /** Hundredths of a point; null: no survey (the appraised sum is rescaled). */
    survey: Points | null;
    bonus: Points;
    penalty: Points;
    note?: string;
    changed: boolean;
    version: number;
  }[];
  /** Periods among them whose results are already published, with their latest results version. */
  published: { periodId: string; version: number; rerunAs: string }[];
}

/** `POST /local/record` with problems: nothing was stored. */
export interface RecordProblems {
  problems: ConfigProblem[];
}

/** A year or the phase whose last council vote was tallied without quorum: a new vote may be called. */
export interface RevoteOffer {
  /** `2023` or `phase`: the `cycle` `POST /local/revote` takes. */
  scopeId: string;
  /** "năm 2023", "giai đoạn 2022 – 2025". */
  label: string;
  /** The round without quorum (`2023`, `2023-2`…) and the one a new vote starts (`2023-2`…). */
  lastCycleId: string;
  nextCycleId: string;
  /** The new vote's round (2 after the first vote). */
  nextRound: number;
  /** The council's outcome sentence of that round ("Không đủ số thành viên tham gia (5/8, …)"). */
  outcome: string;
}

/** `POST /local/revote`: the next round started through the starter, or why not. */
export interface RevoteOutcome {
  outcome: 'started' | 'already-started' | 'refused';
  scopeId: string;
  /** Why not, in Vietnamese (English in brackets). */
  reason?: string;
  /** The new round's cycle id (`2023-2`) and its execution (`commendation-2023-2-1`). */
  cycleId?: string;
  name?: string;
  status?: string;
  error?: string;
  newEmails: number;
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
  /** Checks and stores an adjustments file (`recordAdjustments`); throws ConfigError with every problem. */
  record(source: AdjustmentsSource, actor: Actor): Promise<RecordOutcome>;
  /** The years (and the phase) whose last council vote had no quorum: the home page's new-vote buttons. */
  revoteOffers(): Promise<RevoteOffer[]>;
  /** Calls a new council vote for a year or `phase` whose last vote had no quorum (`POST /local/revote`). */
  revote(scopeId: string): Promise<RevoteOutcome>;
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
  revoted: (q) =>
    `Đã tổ chức biểu quyết lại (${q.get('name') ?? ''}): ${q.get('emails') ?? '0'} email mới mời Hội đồng biểu quyết. Xem hộp thư. (A new council vote was called.)`,
};

// ---------------------------------------------------------------- pages

async function homePage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const s = await control.status();
  const offers = await control.revoteOffers();
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
${revoteSection(offers)}
${recordForm('', [])}
<h2>Liên kết (links)</h2>
<ul>
<li><a href="/inbox">Hộp thư: mọi email đã gửi (inbox: every email sent)</a> — ${e(s.emails)} email</li>
<li><a href="/admin">Đăng nhập quản trị (admin sign-in)</a> — quản trị viên (admins): ${admins || '(không có)'}</li>
<li><a href="/local/status">Trạng thái dạng JSON (status as JSON)</a></li>
</ul>
<p class="muted">Từ terminal (from a terminal): <code>npm start -- launch</code>, <code>npm start -- advance [--to yyyy-mm-dd]</code>, <code>npm start -- status</code>, <code>npm start -- record --file examples/adjustments-2022Q3.yaml</code>.</p>
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

// ---------------------------------------------------------------- a new council vote

/** One button per year (or the phase) whose last council vote had no quorum; nothing otherwise. */
function revoteSection(offers: readonly RevoteOffer[]): Html {
  if (offers.length === 0) return '';
  const items = offers
    .map(
      (
        o,
      ) => `<div class="notice warn"><p>Biểu quyết khen thưởng ${e(o.label)} (${e(o.lastCycleId)}): ${e(o.outcome)}</p>
<form method="post" action="/local/revote" class="inline"><input type="hidden" name="cycle" value="${e(o.scopeId)}"><button type="submit">Tổ chức biểu quyết lại – lần ${e(o.nextRound)} (call a new vote: ${e(o.nextCycleId)})</button></form></div>`,
    )
    .join('\n');
  return `<h2>Hội đồng Thi đua – Khen thưởng (council vote)</h2>
<p class="muted">Không đủ số thành viên tham gia thì không trường hợp nào được thông qua; quản trị viên có thể mời Hội đồng biểu quyết lại trên cùng danh sách đề nghị. Từ terminal: <code>npm start -- revote --cycle &lt;năm|phase&gt;</code>. (Without quorum nothing passes: call a new vote.)</p>
${items}`;
}

async function revoteAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const cycle = (request.form.get('cycle') ?? request.query.get('cycle') ?? '').trim();
  const r = await control.revote(cycle);
  if (wantsJson(request)) return json(r.outcome === 'refused' ? 409 : 200, r);
  if (r.outcome === 'refused') {
    throw new PageError(409, 'Không thể biểu quyết lại', r.reason ?? '');
  }
  return redirect(
    `/?${new URLSearchParams({ done: 'revoted', name: r.name ?? '', emails: String(r.newEmails) })}`,
  );
}

// ---------------------------------------------------------------- recording scoring inputs

/** The textarea's form field; also the field every problem of the pasted file is shown under. */
const RECORD_FIELD = 'adjustments';
/** The name a pasted file is reported under (YAML; JSON is YAML too). */
const PASTED_FILE = 'adjustments.yaml';

/**
 * The form on the home page. Pasting only: an urlencoded form (the only encoding the pages take)
 * sends a chosen file's name, not its content, and no script runs under the pages' CSP — a file
 * on disk goes through `npm start -- record --file <tệp>`, which posts its content here.
 */
function recordForm(value: string, problems: readonly ConfigProblem[]): Html {
  const field = problems.map((p) => ({ field: RECORD_FIELD, message: formatProblem(p) }));
  return `<h2 id="so-lieu">Số liệu chấm điểm: khảo sát, điểm thưởng, điểm trừ (scoring inputs)</h2>
<p class="muted">Dán nội dung tệp số liệu (YAML hoặc JSON; định dạng: docs/cli.md, mục <code>thidua record</code>; ví dụ <code>examples/adjustments-2022Q3.yaml</code>). Tệp được kiểm tra toàn bộ trước khi ghi: có lỗi thì không ghi gì. Ghi lại cùng số liệu không thay đổi gì. Từ terminal: <code>npm start -- record --file &lt;tệp&gt;</code>. (Paste an adjustments file; it is checked whole before anything is stored.)</p>
${field.length ? problemSummary(field) : ''}
<form method="post" action="/local/record">
${textArea({
  name: RECORD_FIELD,
  label: 'Nội dung tệp (file content)',
  value,
  rows: 12,
  required: true,
  problems: problemMap(field),
  placeholder: 'periods:\n  "2022Q3":\n    phong-noi-vu:\n      survey: 26.25\n      bonus: 1.5',
})}
<p><button type="submit">Ghi nhận số liệu (record)</button></p>
</form>`;
}

const points = (p: Points) => formatPoints(p);

function recordedPage(control: ProductControl, r: RecordOutcome): HttpResponse {
  const changed = r.recorded.filter((x) => x.changed).length;
  const rows = r.recorded
    .map(
      (x) =>
        `<tr><td>${e(x.periodId)}</td><td>${e(x.unitName)} <span class="muted">(${e(x.unitId)})</span></td><td>${
          x.survey === null ? 'không có khảo sát (quy đổi)' : e(points(x.survey))
        }</td><td>${e(points(x.bonus))}</td><td>${e(points(x.penalty))}</td><td>${e(x.note ?? '')}</td><td>${
          x.changed ? 'đã thay đổi (changed)' : 'không đổi (unchanged)'
        }, phiên bản ${e(x.version)}</td></tr>`,
    )
    .join('');
  const warnings = r.published
    .map(
      (p) =>
        `<div class="notice warn" role="alert"><p>Kỳ ${e(p.periodId)} đã có kết quả công bố (phiên bản ${e(p.version)}): kết quả đã công bố; chạy lại tính điểm để có phiên bản mới (quy trình scoring, tên ${e(p.rerunAs)}). (Results of ${e(p.periodId)} are published: rerun scoring for a new version.)</p></div>`,
    )
    .join('\n');
  const body = `
<p><a href="/">← Trang chủ (home)</a></p>
<h1>Đã ghi nhận số liệu chấm điểm</h1>
<div class="notice ok" role="status"><p>${e(r.recorded.length)} dòng từ ${e(r.file)}: ${e(changed)} thay đổi, ${e(r.recorded.length - changed)} không đổi. (${e(changed)} changed, ${e(r.recorded.length - changed)} unchanged.)</p></div>
${warnings}
<div class="table-wrap"><table><thead><tr><th>Kỳ (period)</th><th>Đơn vị (unit)</th><th>Khảo sát (survey)</th><th>Thưởng (bonus)</th><th>Trừ (penalty)</th><th>Ghi chú (note)</th><th>Kết quả (result)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return page(control, 'Đã ghi nhận số liệu — thi đua CCHC', body);
}

/** A posted file's name: its base name, printable, short; the pasted default otherwise. */
function postedFileName(value: string | null): string {
  const base = (value ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return /^[\p{L}\p{N} ._-]{1,120}$/u.test(base) ? base : PASTED_FILE;
}

async function recordAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const text = request.form.get(RECORD_FIELD) ?? '';
  const file = postedFileName(request.form.get('file'));
  const actor: Actor = {
    kind: 'admin',
    id: 'local',
    ...(request.sourceIp ? { ip: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
  };
  let outcome: RecordOutcome;
  try {
    if (text.trim() === '') {
      throw new ConfigError([
        { file, path: '', message: 'tệp trống: hãy dán nội dung tệp số liệu (the file is empty)' },
      ]);
    }
    outcome = await control.record({ file, text }, actor);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (wantsJson(request)) return json(422, { problems: error.problems } satisfies RecordProblems);
    const problems = error.problems.map((p) => ({ field: RECORD_FIELD, message: formatProblem(p) }));
    const html = layout({
      title: 'Số liệu chưa hợp lệ — thi đua CCHC',
      header: `${control.district.authority} · chạy trên máy này (local)`,
      body: `${EXTRA_CSS}
<p><a href="/">← Trang chủ (home)</a></p>
<h1>Số liệu chưa hợp lệ — chưa ghi gì</h1>
<p>Hãy sửa các lỗi dưới đây rồi gửi lại; số liệu đã ghi trước đó không thay đổi. (Nothing was stored: correct the problems and send again.)</p>
${recordForm(text, error.problems)}`,
    });
    throw new FormError(problems, html);
  }
  return wantsJson(request) ? json(200, outcome) : recordedPage(control, outcome);
}

/** The outcome of a record, from what the store holds now. */
export async function recordOutcome(
  store: Store,
  unitNames: ReadonlyMap<string, string>,
  file: string,
  result: {
    recorded: { unitId: string; periodId: string; changed: boolean }[];
    latestResults: Record<string, number>;
  },
): Promise<RecordOutcome> {
  const recorded: RecordOutcome['recorded'] = [];
  for (const r of result.recorded) {
    const stored = await store.getAdjustments(r.unitId, r.periodId);
    if (!stored) throw new Error(`adjustments of ${r.unitId} ${r.periodId} were not stored`);
    recorded.push({
      periodId: r.periodId,
      unitId: r.unitId,
      unitName: unitNames.get(r.unitId) ?? r.unitId,
      survey: stored.survey,
      bonus: stored.bonus,
      penalty: stored.penalty,
      ...(stored.note !== undefined ? { note: stored.note } : {}),
      changed: r.changed,
      version: stored.version,
    });
  }
  const published = Object.entries(result.latestResults).map(([periodId, version]) => ({
    periodId,
    version,
    rerunAs: scoringExecutionName(periodId, version + 1),
  }));
  return { file, recorded, published };
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
    { method: 'POST', path: '/local/record', handler: wrap('local-record', recordAction) },
    {
      method: 'POST',
      path: '/local/revote',
      handler: wrap('local-revote', revoteAction),
      timeoutSeconds: 900,
    },
  ];
}
