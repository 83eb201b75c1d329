/**
 * What every local page shares: the district's clock in words, the page frame (the stack's own
 * layout, with a few styles of the local pages), JSON answers for the terminal commands.
 */
import { toZonedIso } from '#domain/calendar';
import { type HttpRequest, type HttpResponse, htmlResponse } from '#web/http';
import { e, type Html, layout } from '#web/pages';
import type { ProductControl } from '../control.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** How many emails the inbox reads at most for its pages (newest first). */
export const INBOX_LIMIT = 500;
/** Emails on one page of the inbox (a page of 500 weighed ~1 MB). */
export const INBOX_PAGE_SIZE = 50;
/** How far back the inbox reads when it shows one person's mail. */
export const INBOX_FILTER_LIMIT = 5000;

/** An instant as dd/mm/yyyy HH:mm on the zone's wall clock. */
export function localDateTime(instant: Date | string, timeZone = TIME_ZONE): string {
  const ms = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  const iso = toZonedIso(ms, timeZone);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
}

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

export const EXTRA_CSS = `<style>
.clock{font-size:1.35rem;font-weight:700}
.mail{border:1px solid #d8dee4;border-radius:.5rem;padding:.6rem .8rem;margin:.7rem 0}
.mail .head{display:flex;flex-wrap:wrap;gap:.2rem 1rem;justify-content:space-between}
.mail .subject{font-weight:600}
.mail pre,pre.text{white-space:pre-wrap;word-break:break-word;font:inherit;margin:.4rem 0 0}
.mail pre a,pre.text a{overflow-wrap:anywhere;word-break:break-all}
.pages{display:flex;flex-wrap:wrap;gap:.3rem .8rem;margin:.8rem 0}
.st{font-size:.85rem;padding:.05rem .45rem;border-radius:1rem;background:#e3e7eb}
.st.sent{background:#d1e7dd;color:#0f5132}.st.failed,.st.ambiguous{background:#f8d7da;color:#842029}
iframe.mailhtml{width:100%;min-height:70vh;border:1px solid #d8dee4;border-radius:.4rem;background:#fff}
form.inline{display:inline-flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.4rem 1rem .4rem 0}
form.inline label{margin:0}
form.inline input{width:auto}
</style>`;

export function page(control: ProductControl, title: string, body: Html): HttpResponse {
  return htmlResponse(
    200,
    layout({
      title,
      header: `${control.district.authority} · chạy trên máy này`,
      body: EXTRA_CSS + body,
    }),
  );
}

export function wantsJson(request: HttpRequest): boolean {
  return (
    (request.headers.accept ?? '').includes('application/json') &&
    !(request.headers.accept ?? '').includes('text/html')
  );
}

export function json(status: number, value: unknown): HttpResponse {
  return {
    status,
    body: JSON.stringify(value, null, 2),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}
