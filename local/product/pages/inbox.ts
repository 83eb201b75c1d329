/**
 * The inbox: every email the district sent, read from the store's outbox (the SES emulator
 * forgets its mail on restart), and one email's page with its HTML in a sandboxed frame.
 */
import { outbox } from '#ports/dynamo/outbox';
import type { MailIdentity, OutboxRecord } from '#ports/outbox';
import { type HttpRequest, type HttpResponse, PageError } from '#web/http';
import { e, type Html } from '#web/pages';
import type { ProductControl } from '../control.ts';
import { INBOX_FILTER_LIMIT, INBOX_LIMIT, INBOX_PAGE_SIZE, linkify, localDateTime, page } from './common.ts';

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

const OUTBOX_STATUS: Record<string, string> = {
  sent: 'đã gửi',
  claimed: 'đang gửi',
  failed: 'gửi lỗi, sẽ gửi lại',
  ambiguous: 'không rõ đã gửi chưa',
};

function mailCard(r: OutboxRecord, open: boolean): Html {
  const status = OUTBOX_STATUS[r.status] ?? r.status;
  return `<article class="mail">
<div class="head"><span class="subject"><a href="/inbox/${e(inboxId(r.identity))}">${e(r.subject)}</a></span><span class="st ${e(r.status)}">${e(status)}</span></div>
<div class="meta"><span>Đến: ${e(r.to)}</span><span>Lúc: ${e(localDateTime(r.sentAt ?? r.createdAt))}</span></div>
<details${open ? ' open' : ''}><summary>Nội dung</summary><pre>${linkify(r.text)}</pre></details>
</article>`;
}

/** When it went out (or, not sent yet, was queued): the inbox's order, newest first. */
const sentMs = (r: OutboxRecord) => Date.parse(r.sentAt ?? r.claimedAt ?? r.createdAt);

/**
 * Newest sent first. The local clock stands still while a step runs, so the mails of one step
 * share an instant: among them, the later sent first by the SES emulator's order (`order`, this
 * process's mail), then the outbox's order (a stable sort).
 */
export function bySendTime(
  records: readonly OutboxRecord[],
  order: ReadonlyMap<string, number> = new Map(),
): OutboxRecord[] {
  const seq = (r: OutboxRecord) => (r.messageId ? (order.get(r.messageId) ?? -1) : -1);
  return [...records].sort((a, b) => sentMs(b) - sentMs(a) || seq(b) - seq(a));
}

function pageLinks(to: string | undefined, current: number, pages: number): Html {
  if (pages <= 1) return '';
  const href = (n: number) => `/inbox?${new URLSearchParams({ ...(to ? { to } : {}), trang: String(n) })}`;
  const links = Array.from({ length: pages }, (_, i) => i + 1).map((n) =>
    n === current ? `<strong aria-current="page">${n}</strong>` : `<a href="${e(href(n))}">${n}</a>`,
  );
  return `<nav class="pages" aria-label="Trang">Trang: ${links.join(' ')}</nav>`;
}

export async function inboxPage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const to = request.query.get('to')?.trim().toLowerCase() || undefined;
  // One person's mail may be older than the newest INBOX_LIMIT: a filtered view reads further back.
  const read = await outbox().list(to ? INBOX_FILTER_LIMIT : INBOX_LIMIT);
  const all = bySendTime(
    to ? read.filter((r) => r.to.trim().toLowerCase() === to) : read,
    await control.sendOrder(),
  ).slice(0, INBOX_LIMIT);
  const pages = Math.max(1, Math.ceil(all.length / INBOX_PAGE_SIZE));
  const asked = Number(request.query.get('trang') ?? '1');
  const current = Number.isInteger(asked) && asked >= 1 && asked <= pages ? asked : 1;
  const shown = all.slice((current - 1) * INBOX_PAGE_SIZE, current * INBOX_PAGE_SIZE);
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
  const filter = `<form method="get" action="/inbox" class="inline"><label for="to">Người nhận</label><select id="to" name="to"><option value="">Tất cả</option>${options}</select><button type="submit" class="secondary">Lọc</button></form>`;
  const list = shown.length
    ? shown.map((r, i) => mailCard(r, i === 0 && current === 1)).join('\n')
    : to
      ? '<p>Người này chưa nhận email nào.</p>'
      : '<p>Chưa có email nào. Hãy phát động phong trào từ <a href="/">trang chủ</a>.</p>';
  const body = `
<p><a href="/">← Trang chủ</a></p>
<h1>Hộp thư</h1>
<p class="muted">Mọi email hệ thống đã gửi, mới nhất trước, đọc từ hộp thư đi của địa phương, nên vẫn còn sau khi khởi động lại. Liên kết trong email mở trang của chính máy này. ${e(all.length)} email${all.length === INBOX_LIMIT ? ` (${INBOX_LIMIT} mới nhất)` : ''}, ${e(INBOX_PAGE_SIZE)} email một trang.</p>
${filter}
${pageLinks(to, current, pages)}
${list}
${pageLinks(to, current, pages)}`;
  return page(control, 'Hộp thư — thi đua CCHC', body);
}

export async function inboxMessagePage(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const identity = identityOf(request.pathParameters.id ?? '');
  const record = identity ? await outbox().get(identity) : undefined;
  if (!record) {
    throw new PageError(404, 'Không tìm thấy email', 'Không có email này trong hộp thư.');
  }
  // The email's own HTML, isolated: a sandboxed frame (no script, no same-origin access); its
  // links open in a new tab.
  const srcdoc = `<base target="_blank">${record.html}`;
  const body = `
<p><a href="/inbox">← Hộp thư</a></p>
<h1>${e(record.subject)}</h1>
<div class="meta"><span>Đến: ${e(record.to)}</span><span>Lúc: ${e(localDateTime(record.sentAt ?? record.createdAt))}</span><span class="st ${e(record.status)}">${e(OUTBOX_STATUS[record.status] ?? record.status)}</span></div>
<iframe class="mailhtml" title="Nội dung HTML của email" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${e(srcdoc)}"></iframe>
<h2>Bản văn bản</h2>
<pre class="text">${linkify(record.text)}</pre>`;
  return page(control, `${record.subject} — hộp thư`, body);
}
