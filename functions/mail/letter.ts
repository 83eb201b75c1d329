/**
 * The one layout of every email, and the wording the letters share.
 *
 * Every email is a pure function from what a message is about to `{subject, text, html}`: it builds
 * a `Letter` — a subject, a greeting, a few blocks (paragraphs, facts, a table, one action link)
 * and a short English line — and `renderLetter` turns it into a plain-text part and an HTML part:
 * the district's authority in the header, Vietnamese first, English last. Every string is escaped
 * on its way into HTML (the blocks hold plain text only, so a template cannot forget to escape);
 * dates are dd/mm/yyyy and times HH:mm on the district's clock (Asia/Ho_Chi_Minh), through
 * domain/calendar.ts.
 *
 * The emails live beside the handlers that send them, one module per workflow:
 *
 * | module | emails |
 * |---|---|
 * | `launch.ts` | launch notice (phát động) |
 * | `period.ts` | invitation, reminder, late notice; review closed (to the admins) |
 * | `review.ts` | review request, returned for explanation, approved, explanation reminder; escalation and not appraised (to the admins) |
 * | `scoring.ts` | a unit's results; the results digest (to leadership and admins) |
 * | `commendation.ts` | council vote request, commendation outcome, initiatives digest |
 * | `failure.ts` | a workflow failed (to the admins) |
 *
 * Links are signed URLs: they are put in the mail and nowhere else (never in a log).
 */
import { formatDate, formatDateTime } from '#domain/calendar';
import type { Fraction, IsoInstant, Period, Points } from '#domain/model';
import { formatPercent, formatPoints } from '#domain/points';
import { escapeHtml } from '#web/html';

export interface Email {
  subject: string;
  text: string;
  html: string;
}

/** Who writes: shown in every header and used for every date. */
export interface Sender {
  /** e.g. "UBND huyện Sông Lam". */
  authority: string;
  /** e.g. "huyện Sông Lam". */
  districtName: string;
  /** IANA zone of every time shown (Asia/Ho_Chi_Minh). */
  timeZone: string;
}

export function senderOf(config: {
  district: { authority: string; name: string; timeZone: string };
}): Sender {
  return {
    authority: config.district.authority,
    districtName: config.district.name,
    timeZone: config.district.timeZone,
  };
}

// ---------------------------------------------------------------- letters

/** A block of a letter. Every string is plain text (escaped when rendered). */
export type Block =
  | { kind: 'paragraph'; text: string }
  /** Label → value rows, e.g. "Hạn nộp" → "17:00 ngày 15/10/2024". */
  | { kind: 'facts'; rows: readonly (readonly [label: string, value: string])[] }
  | { kind: 'list'; items: readonly string[] }
  | {
      kind: 'table';
      caption: string;
      head: readonly string[];
      rows: readonly (readonly string[])[];
      /**
       * false: the plain-text rows are not numbered, for a table whose first column names the row
       * and whose order number would read as something else (a rank, an ordinal).
       */
      numbered?: boolean;
    }
  /** The one thing to do: a link shown as a button, with its address written out too. */
  | { kind: 'action'; label: string; url: string };

export interface Letter {
  subject: string;
  /** "Kính gửi …," */
  greeting: string;
  blocks: readonly Block[];
  /** One or two English sentences, shown last. */
  english: string;
}

const SUBJECT_PREFIX = '[Thi đua CCHC]';
const SAFE_URL = /^https?:\/\/[^\s"'<>`]+$/;

function checkedUrl(url: string): string {
  if (!SAFE_URL.test(url)) throw new Error('An email link must be an absolute http(s) URL');
  return url;
}

function textBlock(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return b.text;
    case 'facts':
      return b.rows.map(([label, value]) => `- ${label}: ${value}`).join('\n');
    case 'list':
      return b.items.map((item) => `- ${item}`).join('\n');
    case 'table':
      return [
        `${b.caption}:`,
        ...b.rows.map((row, i) => {
          const lines = row.map((cell, j) => (j === 0 ? cell : `${b.head[j] ?? ''}: ${cell}`));
          return b.numbered === false ? `- ${lines.join('\n   ')}` : [`${i + 1}.`, ...lines].join('\n   ');
        }),
      ].join('\n');
    case 'action':
      return `${b.label}:\n${checkedUrl(b.url)}`;
  }
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
/**
 * A long word with no space (a signed URL, an e-mail address, an execution name) breaks inside
 * instead of pushing the letter wider than a phone's screen. Set once on the letter's body, whose
 * paragraphs and table cells inherit it, and again on each link, which some clients restyle.
 */
const WRAP = 'overflow-wrap:anywhere;word-break:break-word;';
const CELL = 'border:1px solid #c8c8c8;padding:6px 8px;text-align:left;vertical-align:top;';

function htmlBlock(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return `<p style="margin:0 0 16px;">${escapeHtml(b.text).replace(/\n/g, '<br>')}</p>`;
    case 'facts':
      return (
        '<table role="presentation" style="border-collapse:collapse;margin:0 0 16px;">' +
        b.rows
          .map(
            ([label, value]) =>
              `<tr><th scope="row" style="padding:4px 12px 4px 0;text-align:left;vertical-align:top;font-weight:bold;">${escapeHtml(label)}</th>` +
              `<td style="padding:4px 0;vertical-align:top;">${escapeHtml(value)}</td></tr>`,
          )
          .join('') +
        '</table>'
      );
    case 'list':
      return `<ul style="margin:0 0 16px;padding-left:24px;">${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'table':
      return (
        `<table style="border-collapse:collapse;width:100%;margin:0 0 16px;font-size:14px;">` +
        `<caption style="text-align:left;font-weight:bold;padding:0 0 8px;">${escapeHtml(b.caption)}</caption>` +
        `<thead><tr>${b.head.map((h) => `<th scope="col" style="${CELL}background:#eef2f7;">${escapeHtml(h)}</th>`).join('')}</tr></thead>` +
        `<tbody>${b.rows
          .map(
            (row) =>
              `<tr>${row.map((cell) => `<td style="${CELL}">${escapeHtml(cell).replace(/\n/g, '<br>')}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table>`
      );
    case 'action': {
      const href = escapeHtml(checkedUrl(b.url));
      return (
        `<p style="margin:24px 0;"><a href="${href}" style="display:inline-block;background:#0b5394;color:#ffffff;` +
        `padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold;${WRAP}">${escapeHtml(b.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#444444;">Nếu nút trên không mở được, hãy sao chép địa chỉ sau vào trình duyệt:<br>` +
        `<a href="${href}" style="color:#0b5394;overflow-wrap:anywhere;word-break:break-all;">${escapeHtml(b.url)}</a></p>`
      );
    }
  }
}

const FOOTER_VI =
  'Thư này được gửi tự động từ hệ thống theo dõi phong trào thi đua cải cách hành chính. ' +
  'Đường dẫn trong thư dành riêng cho người nhận; xin không chuyển tiếp.';
const FOOTER_EN =
  'Automatic message of the administrative-reform emulation campaign. The link is personal: please do not forward it.';

/**
 * The most a letter weighs, subject, text and HTML together: under what the outbox records in one
 * item (350,000 bytes, functions/ports/dynamo/keys.ts), with room for the record's other fields. A
 * letter the outbox cannot record is never sent, and the step that writes it fails on every retry.
 */
export const LETTER_MAX_BYTES = 300_000;

/** Said first in a letter whose long texts were cut to fit. */
export const SHORTENED_NOTE =
  'Thư này rút gọn các ý kiến, nội dung dài (đánh dấu …); nội dung đầy đủ xem trên trang của hệ thống theo liên kết trong thư.';

const letterBytes = (email: Email) => Buffer.byteLength(email.subject + email.text + email.html);

/** The text cut to `cap` characters (whole code points) with an ellipsis, when longer. */
function cut(text: string, cap: number): string {
  const chars = [...text];
  return chars.length > cap ? `${chars.slice(0, cap).join('').trimEnd()} …` : text;
}

function cutBlock(b: Block, cap: number): Block {
  switch (b.kind) {
    case 'paragraph':
      return { ...b, text: cut(b.text, cap) };
    case 'facts':
      return { ...b, rows: b.rows.map(([label, value]) => [label, cut(value, cap)] as const) };
    case 'list':
      return { ...b, items: b.items.map((item) => cut(item, cap)) };
    case 'table':
      return { ...b, rows: b.rows.map((row) => row.map((cell) => cut(cell, cap))) };
    case 'action':
      return b;
  }
}

/**
 * The one layout: header (authority), greeting, blocks, footer, English line. A letter carrying
 * people's long texts — a reviewer's comment on each of 71 criteria at 2,000 characters, returned
 * to the unit — can outgrow LETTER_MAX_BYTES; its texts are then cut, each to the longest length
 * that fits (the page the letter links to has them in full), and the letter says so first.
 */
export function renderLetter(sender: Sender, letter: Letter): Email {
  const full = renderFull(sender, letter);
  if (letterBytes(full) <= LETTER_MAX_BYTES) return full;
  let shortened = full;
  for (let cap = 2000; cap >= 50; cap = Math.floor(cap * 0.7)) {
    shortened = renderFull(sender, {
      ...letter,
      blocks: [{ kind: 'paragraph', text: SHORTENED_NOTE }, ...letter.blocks.map((b) => cutBlock(b, cap))],
    });
    if (letterBytes(shortened) <= LETTER_MAX_BYTES) break;
  }
  return shortened;
}

function renderFull(sender: Sender, letter: Letter): Email {
  const subject = `${SUBJECT_PREFIX} ${letter.subject}`.replace(/\s+/g, ' ').trim();
  const text = [
    sender.authority.toUpperCase(),
    '',
    letter.greeting,
    '',
    ...letter.blocks.flatMap((b) => [textBlock(b), '']),
    '--',
    FOOTER_VI,
    '',
    `[English] ${letter.english}`,
    FOOTER_EN,
    '',
  ].join('\n');
  const html =
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f4f4f4;${FONT}">` +
    '<table role="presentation" width="100%" style="border-collapse:collapse;background:#f4f4f4;"><tr><td align="center" style="padding:16px;">' +
    `<table role="presentation" width="100%" style="max-width:640px;border-collapse:collapse;background:#ffffff;${FONT}font-size:16px;line-height:1.5;color:#1a1a1a;">` +
    `<tr><td style="background:#0b5394;color:#ffffff;padding:16px 24px;font-size:18px;font-weight:bold;">${escapeHtml(sender.authority)}</td></tr>` +
    `<tr><td style="padding:24px;${WRAP}">` +
    `<p style="margin:0 0 16px;">${escapeHtml(letter.greeting)}</p>` +
    letter.blocks.map(htmlBlock).join('') +
    '</td></tr>' +
    `<tr><td style="padding:16px 24px;border-top:1px solid #dddddd;font-size:13px;color:#444444;">` +
    `<p style="margin:0 0 8px;">${escapeHtml(FOOTER_VI)}</p>` +
    `<p lang="en" style="margin:0;">${escapeHtml(letter.english)} ${escapeHtml(FOOTER_EN)}</p>` +
    '</td></tr></table></td></tr></table></body></html>';
  return { subject, text, html };
}

// ---------------------------------------------------------------- shared wording

const ROMAN = ['I', 'II', 'III', 'IV'];

/** "quý III năm 2024", "6 tháng đầu năm 2024", "năm 2024". */
export function periodName(period: Pick<Period, 'id' | 'frequency' | 'year'>): string {
  const suffix = period.id.slice(String(period.year).length);
  if (period.frequency === 'quarterly') {
    const q = Number(suffix.replace(/^Q/, ''));
    return `quý ${ROMAN[q - 1] ?? suffix} năm ${period.year}`;
  }
  if (period.frequency === 'half-yearly') {
    return `6 tháng ${suffix === 'H1' ? 'đầu' : 'cuối'} năm ${period.year}`;
  }
  return `năm ${period.year}`;
}

/** "quý III năm 2024 (01/07/2024 – 30/09/2024)". */
export function periodWithDates(period: Pick<Period, 'id' | 'frequency' | 'year' | 'start' | 'end'>): string {
  return `${periodName(period)} (${formatDate(period.start)} – ${formatDate(period.end)})`;
}

/** "17:00 ngày 15/10/2024" on the district's clock. */
export function atTime(instant: IsoInstant | Date, timeZone: string): string {
  const [time, date] = formatDateTime(instant, timeZone).split(' ');
  return `${time} ngày ${date}`;
}

/** "17:00 15/10/2024" for the English line. */
export function atTimeEn(instant: IsoInstant | Date, timeZone: string): string {
  return `${formatDateTime(instant, timeZone)} (Vietnam time)`;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const points = (p: Points) => formatPoints(p);

/** "89,99 %" (half-up, decimal comma). */
export function percentText(p: Fraction): string {
  return `${formatPercent(p)} %`;
}

/** "+5,76" / "-2,50" / "0,00" percentage points. */
export function signedPercent(p: Fraction): string {
  const text = formatPercent(p);
  return p.num > 0n && text !== '0,00' ? `+${text}` : text;
}

// ---------------------------------------------------------------- who and when a letter is about

export interface UnitRef {
  id: string;
  name: string;
  focalPoint: { name: string; email: string };
}

export interface PersonRef {
  name: string;
  email?: string;
  title?: string;
}

export type PeriodRef = Pick<Period, 'id' | 'frequency' | 'year' | 'start' | 'end'>;
