/**
 * Server-rendered pages: the common layout, status pages and the small helpers every page uses.
 * Vietnamese, with no English glosses beside it (DOMAIN.md: English would be a language of its
 * own, by preference or a switch); inline CSS, plus the product's own script and style sheet on
 * the pages that need them (CSP `'self'`, never another origin); readable on a phone. Every
 * user-supplied string goes through `escapeHtml`; URLs reach an `href` only when they are http(s).
 *
 * The page bodies live beside this file: report-page.ts (the unit's report), review-page.ts (the
 * reviewer's appraisal), admin-pages.ts (sign-in and the period status).
 */
import { formatDate, formatDateTime } from '#domain/calendar';
import type { Initiative, Period } from '#domain/model';
import type { ReportStatus } from '#ports/reports';
import { escapeHtml } from './html.ts';
import { type FieldProblem, type PageLink, setStatusPageRenderer } from './http.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A string of HTML that is already safe (escaped or made of constants). */
export type Html = string;

/** Escapes; the short name keeps templates readable. */
export const e = escapeHtml;

const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1b1f24;background:#f4f6f8}
.top{background:#8b1a1a;color:#fff}
.top .wrap{padding:.6rem 1rem;font-weight:600}
.wrap{max-width:64rem;margin:0 auto;padding:1rem}
main.wrap{background:#fff;min-height:60vh;overflow-wrap:anywhere}
h1{font-size:1.5rem;line-height:1.25;margin:.2rem 0 .6rem}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid #e3e7eb}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
p{margin:.4rem 0}
a{color:#0b5cad}
.muted{color:#57606a;font-size:.92rem}
.meta{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.3rem 0 1rem;color:#3d444d}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:1rem;font-size:.88rem;font-weight:600;background:#e3e7eb;color:#1b1f24}
.badge.draft{background:#fff3cd;color:#664d03}.badge.submitted,.badge.explained{background:#cfe2ff;color:#084298}
.badge.in-review{background:#e0cffc;color:#3d0a91}.badge.returned{background:#f8d7da;color:#842029}
.badge.approved{background:#d1e7dd;color:#0f5132}.badge.invited,.badge.not-invited{background:#e3e7eb}
.notice{border-left:4px solid #0b5cad;background:#eef4fb;padding:.7rem 1rem;margin:1rem 0}
.notice.ok{border-color:#198754;background:#edf7f1}
.notice.warn{border-color:#b58105;background:#fff8e6}
.notice.error{border-color:#b42318;background:#fdf0ef}
.notice h2{border:0;margin:.1rem 0 .4rem;font-size:1.05rem}
.leaf{border:1px solid #d8dee4;border-radius:.5rem;padding:.8rem;margin:.8rem 0;background:#fff}
.leaf.has-problem{border-color:#b42318}
.leaf-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.3rem 1rem;font-weight:600}
.leaf-head .max{font-weight:400;color:#57606a;white-space:nowrap}
.flag{display:inline-block;margin:.3rem 0;padding:.15rem .5rem;border-radius:.3rem;background:#fdf0ef;color:#842029;font-size:.9rem;font-weight:600}
.tag{display:inline-block;font-size:.8rem;padding:0 .4rem;border:1px solid #adb5bd;border-radius:.3rem;color:#495057;font-weight:400}
.tag.changed{border-color:#0b5cad;background:#eef4fb;color:#084298;font-weight:600}
.appraised{margin:.5rem 0;padding:.5rem .7rem;background:#f3f0fa;border-radius:.4rem}
.cols{display:grid;gap:.8rem}
@media (min-width:52rem){.cols{grid-template-columns:3fr 2fr}}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
label.inline{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:.35rem 0}
label.inline input{margin-top:.3rem;width:1.15rem;height:1.15rem;flex:none}
input[type=text],input[type=email],input[type=url],input:not([type]),select,textarea{width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #8c959f;border-radius:.35rem;background:#fff;color:inherit}
input.score{max-width:8rem;min-width:5.5rem}
.table-wrap input:not(.score){min-width:9rem}
.table-wrap th[scope=row]{min-width:9rem}
textarea{min-height:5rem;resize:vertical}
[aria-invalid=true]{border-color:#b42318;outline:1px solid #b42318}
.problem{color:#b42318;font-weight:600;margin:.2rem 0;font-size:.95rem}
fieldset{border:1px solid #d8dee4;border-radius:.5rem;margin:1rem 0;padding:.6rem .9rem}
legend{font-weight:700;padding:0 .3rem}
.row{display:grid;gap:.4rem .8rem;grid-template-columns:1fr;border-top:1px dashed #d8dee4;padding-top:.4rem;margin-top:.4rem}
@media (min-width:40rem){.row.ev{grid-template-columns:1fr 1fr 1fr}.row.ev .wide{grid-column:1/-1}}
.row label{font-weight:400;font-size:.92rem;margin:.2rem 0}
html{scroll-padding-bottom:5.5rem}
.actions{position:sticky;bottom:0;background:#fff;border-top:1px solid #d8dee4;padding:.8rem 0;margin-top:1.5rem;display:flex;flex-wrap:wrap;gap:.6rem}
button{font:inherit;font-weight:600;padding:.6rem 1.1rem;border-radius:.4rem;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer;min-height:2.75rem}
button.secondary{background:#fff;color:#0b5cad}
button.danger{background:#fff;color:#842029;border-color:#842029}
button.approve{background:#198754;border-color:#198754}
@media (max-width:30rem){.actions{gap:.5rem}.actions button{padding:.6rem .7rem}}
button:focus-visible,a:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
th,td{border-bottom:1px solid #e3e7eb;padding:.45rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.table-wrap{overflow-x:auto;position:relative}
@media (max-width:40rem){table.stack thead{position:absolute;left:-9999px}table.stack tr{display:block;border-bottom:1px solid #d8dee4;padding:.3rem 0}table.stack td,table.stack th[scope=row]{display:block;border:0;padding:.15rem .2rem;text-align:left;min-width:0}table.stack th[scope=row]{background:none}table.stack td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}
.table-wrap[tabindex] table{overflow-wrap:normal}
fieldset{min-inline-size:0}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:.6rem 0;padding:0;list-style:none}
.counts li{border:1px solid #d8dee4;border-radius:.4rem;padding:.3rem .7rem}
.ro{white-space:pre-wrap;margin:.2rem 0 .5rem}
ul.evidence{margin:.3rem 0;padding-left:1.2rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{max-width:64rem;margin:0 auto;padding:1rem;color:#57606a;font-size:.85rem}
[hidden]{display:none!important}
.results dl.facts{display:grid;gap:.3rem;margin:.6rem 0}
.results dl.facts div{display:grid;grid-template-columns:minmax(7rem,14rem) 1fr;gap:.6rem;border-bottom:1px solid #e3e7eb;padding:.25rem 0}
.results dt{font-weight:600}.results dd{margin:0}
table.distribution tr.mine th,table.distribution tr.mine td{background:#fff8e6}
table.distribution meter{width:100%;min-width:4rem}
ul.reasons{margin:.3rem 0;padding-left:1.2rem}
`;

export interface LayoutOptions {
  title: string;
  /** Shown in the top bar, e.g. the district's authority. */
  header?: string;
  body: Html;
  /** The product's own script (a module) and style sheet for this page, by URL. */
  assets?: { script?: string; style?: string };
  /** More CSS for pages that need it (the admin's). */
  styles?: string;
  /** Replaces the footer about personal links (pages behind a session have none). */
  footer?: Html;
}

function assetTags(assets: LayoutOptions['assets']): Html {
  return [
    assets?.style ? `<link rel="stylesheet" href="${e(assets.style)}">` : '',
    assets?.script ? `<script type="module" src="${e(assets.script)}"></script>` : '',
  ].join('');
}

export function layout({ title, header, body, assets, styles, footer }: LayoutOptions): Html {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${e(title)}</title>
<style>${CSS}${styles ?? ''}</style>
${assetTags(assets)}
</head>
<body>
<header class="top"><div class="wrap">Thi đua cải cách hành chính${header ? ` · ${e(header)}` : ''}</div></header>
<main class="wrap" id="noi-dung">
${body}
</main>
<footer>${footer ?? 'Trang được tạo tự động; liên kết trong email là riêng của bạn, không chuyển tiếp cho người khác.'}</footer>
</body>
</html>`;
}

/** A page that says what happened, with an optional list of problems and extra HTML. */
export function statusPage(page: {
  status: number;
  title: string;
  detail: string;
  problems?: FieldProblem[];
  /** Where to go from here (functions/web/http.ts `PageLink`). */
  links?: readonly PageLink[];
  extra?: Html;
  header?: string;
  tone?: 'ok' | 'warn' | 'error' | 'info';
}): Html {
  const tone = page.tone ?? (page.status >= 500 ? 'error' : page.status >= 400 ? 'warn' : 'ok');
  return layout({
    title: page.title,
    ...(page.header ? { header: page.header } : {}),
    body: `<h1>${e(page.title)}</h1>
<div class="notice ${tone}" role="${tone === 'ok' || tone === 'info' ? 'status' : 'alert'}"><p>${e(page.detail)}</p></div>
${page.problems?.length ? problemSummary(page.problems) : ''}
${page.links?.length ? `<ul class="next-steps">${page.links.map((l) => `<li><a href="${e(l.href)}">${e(l.label)}</a></li>`).join('')}</ul>` : ''}
${page.extra ?? ''}
${page.status >= 400 ? `<p class="muted">Mã lỗi: ${e(page.status)}</p>` : ''}`,
  });
}

// Error pages rendered by functions/web/http.ts use this layout.
setStatusPageRenderer((p) => statusPage(p));

// ---------------------------------------------------------------- form helpers

/** A stable element id for a form field name (`score[1.1.1]` → `f-score-1-1-1`). */
export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_]+/g, '-').replace(/-+$/, '')}`;
}

/** Problems by field name, for rendering each beside its input. */
export type ProblemMap = Map<string, string[]>;

export function problemMap(problems: readonly FieldProblem[]): ProblemMap {
  const map: ProblemMap = new Map();
  for (const p of problems) map.set(p.field, [...(map.get(p.field) ?? []), p.message]);
  return map;
}

/**
 * The box at the top of a form listing every problem, each linking to its field. `saved`: the
 * valid part of the form was stored, only these items were not.
 */
export function problemSummary(problems: readonly FieldProblem[], saved = false): Html {
  return `<div class="notice error" role="alert" id="loi">
<h2>Có ${problems.length} mục cần sửa — ${saved ? 'các mục này chưa được lưu' : 'lần gửi này chưa lưu gì'}</h2>
<ul>${problems
    .map(
      (p) => `<li>${p.field ? `<a href="#${e(fieldId(p.field))}">${e(p.message)}</a>` : e(p.message)}</li>`,
    )
    .join('')}</ul>
</div>`;
}

/** The messages under a field, and the attributes its input needs. */
export function fieldProblems(problems: ProblemMap, name: string): { html: Html; attrs: Html } {
  const list = problems.get(name);
  if (!list?.length) return { html: '', attrs: '' };
  const id = `${fieldId(name)}-loi`;
  return {
    html: `<p class="problem" id="${e(id)}">${list.map(e).join('<br>')}</p>`,
    attrs: ` aria-invalid="true" aria-describedby="${e(id)}"`,
  };
}

export interface InputOptions {
  name: string;
  label: string;
  value?: string;
  problems: ProblemMap;
  /** `text` (default), `email`, `url`; scores use text with a decimal keyboard. */
  type?: 'text' | 'email' | 'url';
  inputmode?: 'decimal' | 'url' | 'email' | 'text';
  placeholder?: string;
  maxlength?: number;
  className?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
}

export function textInput(o: InputOptions): Html {
  const id = fieldId(o.name);
  const p = fieldProblems(o.problems, o.name);
  return `<label for="${e(id)}">${e(o.label)}</label>${o.hint ? `<div class="muted">${e(o.hint)}</div>` : ''}
<input type="${o.type ?? 'text'}" id="${e(id)}" name="${e(o.name)}" value="${e(o.value ?? '')}"${
    o.inputmode ? ` inputmode="${o.inputmode}"` : ''
  }${o.placeholder ? ` placeholder="${e(o.placeholder)}"` : ''}${o.maxlength ? ` maxlength="${o.maxlength}"` : ''}${
    o.className ? ` class="${e(o.className)}"` : ''
  }${o.required ? ' required' : ''}${o.autocomplete ? ` autocomplete="${e(o.autocomplete)}"` : ''}${p.attrs}>${p.html}`;
}

export function textArea(
  o: Omit<InputOptions, 'type' | 'inputmode' | 'className'> & { rows?: number },
): Html {
  const id = fieldId(o.name);
  const p = fieldProblems(o.problems, o.name);
  return `<label for="${e(id)}">${e(o.label)}</label>${o.hint ? `<div class="muted">${e(o.hint)}</div>` : ''}
<textarea id="${e(id)}" name="${e(o.name)}" rows="${o.rows ?? 3}"${o.maxlength ? ` maxlength="${o.maxlength}"` : ''}${
    o.placeholder ? ` placeholder="${e(o.placeholder)}"` : ''
  }${o.required ? ' required' : ''}${p.attrs}>${e(o.value ?? '')}</textarea>${p.html}`;
}

export function select(o: {
  name: string;
  label: string;
  value?: string;
  options: readonly (readonly [string, string])[];
  problems: ProblemMap;
}): Html {
  const id = fieldId(o.name);
  const p = fieldProblems(o.problems, o.name);
  return `<label for="${e(id)}">${e(o.label)}</label>
<select id="${e(id)}" name="${e(o.name)}"${p.attrs}>${o.options
    .map(([v, l]) => `<option value="${e(v)}"${v === (o.value ?? '') ? ' selected' : ''}>${e(l)}</option>`)
    .join('')}</select>${p.html}`;
}

export function hidden(name: string, value: string | number): Html {
  return `<input type="hidden" name="${e(name)}" value="${e(value)}">`;
}

/**
 * The first submit button of a form is what Enter in a text field presses; a disabled one there
 * makes Enter do nothing, so no decision or submission is ever made by a stray key press.
 */
export const NO_IMPLICIT_SUBMIT: Html =
  '<button type="submit" disabled hidden aria-hidden="true" tabindex="-1">Không dùng</button>';

/** An `href` for a user-supplied URL: http(s) only, else undefined (shown as text). */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A user-supplied link that leaks nothing: no referrer, no opener. */
export function externalLink(url: string, text?: string): Html {
  const href = safeHref(url);
  if (!href) return e(text ?? url);
  return `<a href="${e(href)}" rel="noreferrer noopener" target="_blank">${e(text ?? url)}</a>`;
}

/**
 * An initiative as a read-only list item: its title, description, and its effect on a line of
 * its own (a description ending in a full stop ran into "; hiệu quả:").
 */
export function initiativeItem(i: Pick<Initiative, 'title' | 'description' | 'effect'>): Html {
  return `<li><strong>${e(i.title)}</strong>${i.description ? `: ${e(i.description)}` : ''}${
    i.effect ? `<br>Hiệu quả: ${e(i.effect)}` : ''
  }</li>`;
}

/** Multi-line text shown as it was written. */
export function readOnlyText(text: string | undefined, empty = '(không có)'): Html {
  return text?.trim() ? `<div class="ro">${e(text)}</div>` : `<div class="ro muted">${e(empty)}</div>`;
}

// ---------------------------------------------------------------- labels

export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  draft: 'Bản nháp',
  submitted: 'Đã nộp, chờ thẩm định',
  'in-review': 'Đang thẩm định',
  returned: 'Trả lại để giải trình',
  explained: 'Đã giải trình, chờ thẩm định lại',
  approved: 'Đã phê duyệt',
};

export function statusBadge(status: ReportStatus | 'invited' | 'not-invited' | 'new', label?: string): Html {
  const text =
    label ??
    (status === 'invited'
      ? 'Đã mời, chưa lập báo cáo'
      : status === 'not-invited'
        ? 'Chưa mời'
        : status === 'new'
          ? 'Chưa lưu lần nào'
          : REPORT_STATUS_LABELS[status]);
  return `<span class="badge ${e(status)}">${e(text)}</span>`;
}

const ROMAN = ['I', 'II', 'III', 'IV'];

/** "2024Q3" → "Quý III/2024", "2024H2" → "6 tháng cuối năm 2024", "2024" → "Năm 2024". */
export function periodLabel(periodId: string): string {
  const q = /^(\d{4})Q([1-4])$/.exec(periodId);
  if (q) return `Quý ${ROMAN[Number(q[2]) - 1]}/${q[1]}`;
  const h = /^(\d{4})H([12])$/.exec(periodId);
  if (h) return `${h[2] === '1' ? '6 tháng đầu năm' : '6 tháng cuối năm'} ${h[1]}`;
  if (/^\d{4}$/.test(periodId)) return `Năm ${periodId}`;
  return periodId;
}

/**
 * The period and its deadline: the unit's (`Hạn nộp`), or with `reviewBy` the reviewer's own
 * (`Hạn thẩm định`, as the review-request mail names it), the one the person reading must meet.
 */
export function periodMeta(period: Period, reviewBy?: string): Html {
  const deadline = reviewBy
    ? `<span>Hạn thẩm định: <strong>${e(formatDateTime(reviewBy, TIME_ZONE))}</strong></span>`
    : `<span>Hạn nộp: <strong>${e(formatDateTime(period.deadlineAt, TIME_ZONE))}</strong></span>`;
  return `<span>Kỳ báo cáo: <strong>${e(periodLabel(period.id))}</strong> (${e(formatDate(period.start))} – ${e(
    formatDate(period.end),
  )})</span>${deadline}`;
}

/** "HH:mm dd/mm/yyyy" in the district's zone; `seconds`: "HH:mm:ss dd/mm/yyyy" (the audit trail). */
export function dateTime(instant: string | undefined, seconds = false): string {
  if (!instant) return '';
  try {
    return formatDateTime(instant, TIME_ZONE, seconds);
  } catch {
    return instant;
  }
}

/** The decision words people see. */
export const DECISION_LABELS: Record<string, string> = {
  approve: 'Phê duyệt',
  return: 'Trả lại để giải trình',
  explained: 'Đã giải trình',
  signin: 'Đăng nhập',
  cast: 'Bỏ phiếu biểu quyết',
};

/**
 * A message of the shared checks without the English gloss the command line prints after it (a
 * closing parenthesis whose letters are all ASCII): the pages are Vietnamese only.
 */
export function withoutGloss(message: string): string {
  return message.replace(/\s*\((?:[A-Za-z]|[^\p{L}()])*\)\s*$/u, '');
}
