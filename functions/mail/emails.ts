/**
 * The district's emails: pure functions from what a message is about to `{subject, text, html}`.
 *
 * Every template builds a `Letter` — a subject, a greeting, a few blocks (paragraphs, facts,
 * a table, one action link) and a short English line — and `renderLetter` turns it into a plain
 * text part and an HTML part with one layout: the district's authority in the header, Vietnamese
 * first, English last. Every string is escaped on its way into HTML (the blocks hold plain text
 * only, so a template cannot forget to escape); dates are dd/mm/yyyy and times HH:mm on the
 * district's clock (Asia/Ho_Chi_Minh), through domain/calendar.ts.
 *
 * The templates of the later steps (launch notice, reminder, late notice, results, council vote,
 * commendation outcome, initiatives digest) are written the same way: a data interface, a
 * function `xxxEmail(sender, data): Email` returning `renderLetter(sender, {...})`.
 *
 * Links are signed URLs: they are put in the mail and nowhere else (never in a log).
 */
import { formatDate, formatDateTime, localDateOf } from '#domain/calendar';
import type { Fraction, Frequency, IsoDate, IsoInstant, Period, Points } from '#domain/model';
import { formatPercent, formatPoints } from '#domain/points';
import { MESSAGE_05K, MESSAGE_05T } from '#domain/report';
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
  | { kind: 'table'; caption: string; head: readonly string[]; rows: readonly (readonly string[])[] }
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
        ...b.rows.map((row, i) =>
          [`${i + 1}.`, ...row.map((cell, j) => (j === 0 ? cell : `${b.head[j] ?? ''}: ${cell}`))].join(
            '\n   ',
          ),
        ),
      ].join('\n');
    case 'action':
      return `${b.label}:\n${checkedUrl(b.url)}`;
  }
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
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
        `padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:bold;">${escapeHtml(b.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#444444;">Nếu nút trên không mở được, hãy sao chép địa chỉ sau vào trình duyệt:<br>` +
        `<a href="${href}" style="color:#0b5394;word-break:break-all;">${escapeHtml(b.url)}</a></p>`
      );
    }
  }
}

const FOOTER_VI =
  'Thư này được gửi tự động từ hệ thống theo dõi phong trào thi đua cải cách hành chính. ' +
  'Đường dẫn trong thư dành riêng cho người nhận; xin không chuyển tiếp.';
const FOOTER_EN =
  'Automatic message of the administrative-reform emulation campaign. The link is personal: please do not forward it.';

/** The one layout: header (authority), greeting, blocks, footer, English line. */
export function renderLetter(sender: Sender, letter: Letter): Email {
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
    '<tr><td style="padding:24px;">' +
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
function atTimeEn(instant: IsoInstant | Date, timeZone: string): string {
  return `${formatDateTime(instant, timeZone)} (Vietnam time)`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const points = (p: Points) => formatPoints(p);

// ---------------------------------------------------------------- review slice templates

interface UnitRef {
  id: string;
  name: string;
  focalPoint: { name: string; email: string };
}

interface PersonRef {
  name: string;
  email?: string;
  title?: string;
}

type PeriodRef = Pick<Period, 'id' | 'frequency' | 'year' | 'start' | 'end'>;

export interface InvitationData {
  unit: UnitRef;
  period: PeriodRef & Pick<Period, 'deadlineAt'>;
  /** The unit's signed report link (`/r?…`). */
  reportUrl: string;
  /** When the link stops working (the period's late-appraisal deadline). */
  linkExpiresAt: IsoInstant;
}

/** Period invitation, to the unit's focal point. */
export function invitationEmail(sender: Sender, d: InvitationData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Mời nộp báo cáo thi đua ${periodName(d.period)} – ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `${sender.authority} mời ${d.unit.name} lập báo cáo kết quả thực hiện phong trào thi đua cải cách hành chính ` +
          `${periodWithDates(d.period)}: tự chấm điểm theo từng tiêu chí, giải trình và nêu tài liệu kiểm chứng ` +
          '(số, ngày, cơ quan ban hành văn bản hoặc đường dẫn), các sáng kiến, mô hình mới, cách làm hay, ' +
          'và kết quả tự kiểm tra thực hiện thông điệp 05T, 05K.',
      },
      {
        kind: 'facts',
        rows: [
          ['Đơn vị', d.unit.name],
          ['Kỳ báo cáo', capitalize(periodName(d.period))],
          ['Hạn nộp báo cáo', atTime(d.period.deadlineAt, tz)],
        ],
      },
      { kind: 'action', label: 'Mở trang báo cáo của đơn vị', url: d.reportUrl },
      {
        kind: 'paragraph',
        text:
          'Đơn vị có thể lưu bản nháp nhiều lần trước khi nộp. Sau khi nộp, báo cáo được chuyển cho người thẩm định; ' +
          `đường dẫn này vẫn dùng để theo dõi và giải trình đến ${atTime(d.linkExpiresAt, tz)}.`,
      },
    ],
    english:
      `Invitation: ${d.unit.name} is asked to submit its administrative-reform emulation report for period ${d.period.id} ` +
      `by ${atTimeEn(d.period.deadlineAt, tz)}, through the link above.`,
  });
}

export interface ReviewRequestData {
  reviewer: PersonRef;
  unit: Pick<UnitRef, 'id' | 'name'>;
  period: PeriodRef;
  round: number;
  /** The reviewer's signed decision link (`/d?…`). */
  reviewUrl: string;
  /** The answer is expected by then (review close, or the late-appraisal deadline after it). */
  respondBy: IsoInstant;
}

/** Review request, to the assigned reviewer. */
export function reviewRequestEmail(sender: Sender, d: ReviewRequestData): Email {
  const tz = sender.timeZone;
  const again = d.round > 1;
  return renderLetter(sender, {
    subject: `Đề nghị thẩm định báo cáo ${periodName(d.period)} – ${d.unit.name}${again ? ` (vòng ${d.round})` : ''}`,
    greeting: `Kính gửi đồng chí ${d.reviewer.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: again
          ? `${d.unit.name} đã giải trình, bổ sung báo cáo ${periodName(d.period)} theo ý kiến thẩm định. ` +
            `Đề nghị đồng chí thẩm định lại (vòng ${d.round}).`
          : `Đồng chí được phân công thẩm định báo cáo kết quả thực hiện phong trào thi đua cải cách hành chính ` +
            `${periodWithDates(d.period)} của ${d.unit.name}.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Đơn vị', d.unit.name],
          ['Kỳ báo cáo', capitalize(periodName(d.period))],
          ['Vòng thẩm định', String(d.round)],
          ['Đề nghị hoàn thành trước', atTime(d.respondBy, tz)],
        ],
      },
      { kind: 'action', label: 'Mở trang thẩm định', url: d.reviewUrl },
      {
        kind: 'paragraph',
        text:
          'Trên trang thẩm định, đồng chí chấm điểm và ghi ý kiến cho từng tiêu chí, rồi chọn "Trả lại để giải trình" ' +
          'hoặc "Phê duyệt". Việc mở trang không ghi nhận quyết định nào; quyết định chỉ được ghi nhận khi đồng chí bấm nút gửi.',
      },
    ],
    english:
      `Review request: please appraise the report of ${d.unit.name} for period ${d.period.id} (round ${d.round}) ` +
      `by ${atTimeEn(d.respondBy, tz)}, through the link above.`,
  });
}

/** One criterion the reviewer commented on. */
export interface ReviewComment {
  criterionId: string;
  criterionName: string;
  max: Points;
  /** Absent when the report had no entry for it. */
  selfScore?: Points;
  appraisedScore: Points;
  comment: string;
}

export interface ReturnedData {
  unit: UnitRef;
  period: PeriodRef;
  round: number;
  reviewer?: Pick<PersonRef, 'name'>;
  comments: readonly ReviewComment[];
  /** The unit's signed report link (`/r?…`), where it explains. */
  reportUrl: string;
  /** Explanations are accepted until then. */
  explainBy: IsoInstant;
}

/** Returned for explanation, to the unit's focal point, with the reviewer's comments. */
export function returnedEmail(sender: Sender, d: ReturnedData): Email {
  const tz = sender.timeZone;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Báo cáo thi đua cải cách hành chính ${periodName(d.period)} của ${d.unit.name} đã được thẩm định (vòng ${d.round}) ` +
        'và được trả lại để đơn vị giải trình, bổ sung theo ý kiến của người thẩm định.',
    },
  ];
  if (d.comments.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Ý kiến thẩm định theo từng tiêu chí',
      head: ['Tiêu chí', 'Điểm tự chấm', 'Điểm thẩm định', 'Ý kiến'],
      rows: d.comments.map((c) => [
        `${c.criterionId}. ${c.criterionName} (tối đa ${points(c.max)})`,
        c.selfScore === undefined ? '—' : points(c.selfScore),
        points(c.appraisedScore),
        c.comment || '—',
      ]),
    });
  } else {
    blocks.push({ kind: 'paragraph', text: 'Ý kiến chi tiết được ghi trên trang báo cáo của đơn vị.' });
  }
  blocks.push(
    { kind: 'facts', rows: [['Hạn gửi giải trình', atTime(d.explainBy, tz)]] },
    { kind: 'action', label: 'Mở trang báo cáo để giải trình', url: d.reportUrl },
    {
      kind: 'paragraph',
      text: 'Trên trang báo cáo, ý kiến thẩm định hiện bên cạnh từng tiêu chí; đơn vị sửa, bổ sung tài liệu kiểm chứng và gửi giải trình.',
    },
  );
  return renderLetter(sender, {
    subject: `Báo cáo ${periodName(d.period)} của ${d.unit.name} được trả lại để giải trình`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks,
    english:
      `Returned for explanation: the reviewer commented on ${d.comments.length} criteria of the report of ${d.unit.name} ` +
      `for period ${d.period.id}; please explain by ${atTimeEn(d.explainBy, tz)} through the link above.`,
  });
}

export interface ApprovedData {
  unit: UnitRef;
  period: PeriodRef;
  round: number;
  /** Sum of the final appraised scores (survey excluded). */
  appraisedTotal: Points;
  /** What those criteria can give at most. */
  appraisedMax: Points;
  /** The unit's own total, for comparison. */
  selfTotal?: Points;
  /** The unit's report link, to read the final appraisal. */
  reportUrl?: string;
}

/** Approved, to the unit's focal point, with the final appraised total. */
export function approvedEmail(sender: Sender, d: ApprovedData): Email {
  const rows: [string, string][] = [
    ['Kỳ báo cáo', capitalize(periodName(d.period))],
    ['Tổng điểm thẩm định', `${points(d.appraisedTotal)} / ${points(d.appraisedMax)} điểm`],
  ];
  if (d.selfTotal !== undefined) rows.push(['Tổng điểm tự chấm', `${points(d.selfTotal)} điểm`]);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Báo cáo thi đua cải cách hành chính ${periodName(d.period)} của ${d.unit.name} đã được thẩm định và phê duyệt` +
        `${d.round > 1 ? ` (sau ${d.round} vòng thẩm định)` : ''}.`,
    },
    { kind: 'facts', rows },
    {
      kind: 'paragraph',
      text:
        'Tổng điểm trên chưa gồm điểm khảo sát sự hài lòng và điểm thưởng, điểm trừ (nếu có). ' +
        'Kết quả xếp loại, xếp hạng của kỳ được công bố sau khi kết thúc thời gian thẩm định.',
    },
  ];
  if (d.reportUrl) blocks.push({ kind: 'action', label: 'Xem kết quả thẩm định', url: d.reportUrl });
  return renderLetter(sender, {
    subject: `Báo cáo ${periodName(d.period)} của ${d.unit.name} đã được phê duyệt`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks,
    english:
      `Approved: the report of ${d.unit.name} for period ${d.period.id} was approved with an appraised total of ` +
      `${points(d.appraisedTotal)} / ${points(d.appraisedMax)} points.`,
  });
}

export interface EscalationData {
  admin: Pick<PersonRef, 'name'>;
  unit: Pick<UnitRef, 'id' | 'name'>;
  reviewer: PersonRef;
  period: PeriodRef;
  round: number;
  /** Since when the reviewer has had the request. */
  waitingSince: IsoInstant;
  /** Appraisals are accepted until then; after it the report is "Chưa thẩm định". */
  lateAppraisalUntil: IsoInstant;
  reviewClosesAt: IsoInstant;
  /** 1 for the first escalation of this wait. */
  reminder: number;
}

/** Escalation, to each admin, when a reviewer has not answered in time. */
export function escalationEmail(sender: Sender, d: EscalationData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Quá hạn thẩm định: ${d.unit.name} – ${periodName(d.period)}${d.reminder > 1 ? ` (lần ${d.reminder})` : ''}`,
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Báo cáo ${periodName(d.period)} của ${d.unit.name} đang chờ đồng chí ${d.reviewer.name} thẩm định ` +
          `(vòng ${d.round}) từ ${atTime(d.waitingSince, tz)} nhưng chưa có kết quả.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Đơn vị', d.unit.name],
          [
            'Người thẩm định',
            d.reviewer.email ? `${d.reviewer.name} <${d.reviewer.email}>` : d.reviewer.name,
          ],
          ['Chờ từ', atTime(d.waitingSince, tz)],
          ['Kết thúc thẩm định của kỳ', atTime(d.reviewClosesAt, tz)],
          ['Hạn cuối nhận thẩm định muộn', atTime(d.lateAppraisalUntil, tz)],
          ['Lần báo', String(d.reminder)],
        ],
      },
      {
        kind: 'paragraph',
        text:
          'Đồng chí có thể đôn đốc người thẩm định hoặc phân công người khác trên trang quản trị; đường dẫn đã gửi cho ' +
          `người thẩm định vẫn dùng được đến ${atTime(d.lateAppraisalUntil, tz)}. Sau thời hạn này, báo cáo được ghi nhận ` +
          '"Chưa thẩm định" và không được xếp hạng trong kỳ.',
      },
    ],
    english:
      `Escalation: the reviewer ${d.reviewer.name} has not appraised the report of ${d.unit.name} for period ${d.period.id} ` +
      `(waiting since ${atTimeEn(d.waitingSince, tz)}); late appraisals are accepted until ${atTimeEn(d.lateAppraisalUntil, tz)}.`,
  });
}

export interface ExplanationReminderData {
  unit: UnitRef;
  period: PeriodRef;
  round: number;
  /** When the report was returned. */
  returnedAt: IsoInstant;
  reportUrl: string;
  explainBy: IsoInstant;
  reminder: number;
}

/** Explanation reminder, to the unit's focal point. */
export function explanationReminderEmail(sender: Sender, d: ExplanationReminderData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Nhắc gửi giải trình báo cáo ${periodName(d.period)} – ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Báo cáo ${periodName(d.period)} của ${d.unit.name} đã được trả lại để giải trình từ ${atTime(d.returnedAt, tz)} ` +
          `(vòng ${d.round}) nhưng đơn vị chưa gửi giải trình.`,
      },
      { kind: 'facts', rows: [['Hạn cuối gửi giải trình', atTime(d.explainBy, tz)]] },
      { kind: 'action', label: 'Mở trang báo cáo để giải trình', url: d.reportUrl },
      {
        kind: 'paragraph',
        text: 'Quá thời hạn trên, báo cáo được ghi nhận "Chưa thẩm định" và đơn vị không được xếp hạng trong kỳ.',
      },
    ],
    english:
      `Reminder: ${d.unit.name} has not yet explained its returned report for period ${d.period.id}; ` +
      `explanations are accepted until ${atTimeEn(d.explainBy, tz)}.`,
  });
}

export interface UnappraisedData {
  admin: Pick<PersonRef, 'name'>;
  unit: Pick<UnitRef, 'id' | 'name'>;
  period: PeriodRef;
  /** Whose turn it was: the reviewer's appraisal or the unit's explanation. */
  waitingFor: 'reviewer' | 'unit';
  reviewer?: PersonRef;
  lateAppraisalUntil: IsoInstant;
}

/** The late-appraisal deadline passed without an approval: to each admin. */
export function unappraisedEmail(sender: Sender, d: UnappraisedData): Email {
  const tz = sender.timeZone;
  const whose =
    d.waitingFor === 'unit'
      ? 'đơn vị chưa gửi giải trình'
      : `người thẩm định${d.reviewer ? ` ${d.reviewer.name}` : ''} chưa hoàn thành thẩm định`;
  return renderLetter(sender, {
    subject: `Chưa thẩm định: ${d.unit.name} – ${periodName(d.period)}`,
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Đã hết hạn nhận thẩm định muộn (${atTime(d.lateAppraisalUntil, tz)}) mà báo cáo ${periodName(d.period)} ` +
          `của ${d.unit.name} chưa được phê duyệt: ${whose}.`,
      },
      {
        kind: 'paragraph',
        text:
          'Báo cáo được ghi nhận "Chưa thẩm định" và không được xếp hạng trong kỳ; các đường dẫn thẩm định, giải trình ' +
          'của kỳ này không còn dùng được.',
      },
    ],
    english: `Not appraised: the report of ${d.unit.name} for period ${d.period.id} was not approved by the late-appraisal deadline.`,
  });
}

/** The five state machines, by the prefix of their execution names (DESIGN.md). */
const WORKFLOW_LABELS: Record<string, { vi: string; en: string }> = {
  launch: { vi: 'phát động phong trào thi đua', en: 'launch' },
  period: { vi: 'điều hành kỳ báo cáo', en: 'period' },
  scoring: { vi: 'chấm điểm, xếp hạng', en: 'scoring' },
  commendation: { vi: 'xét khen thưởng', en: 'commendation' },
  review: { vi: 'thẩm định báo cáo', en: 'review' },
};

/** The workflow an execution belongs to: the prefix of its name (`period-2024Q3-open` → `period`). */
export function workflowOfExecution(executionName: string | undefined): string {
  return /^([A-Za-z]+)[-_]/.exec(executionName ?? '')?.[1]?.toLowerCase() ?? 'unknown';
}

export interface WorkflowFailedData {
  admin: Pick<PersonRef, 'name'>;
  /** The execution's workflow (`launch`, `period`, `scoring`, `commendation`, `review`). */
  workflow: string;
  executionName?: string;
  unit?: Pick<UnitRef, 'id' | 'name'>;
  period?: PeriodRef;
  error: string;
  /** Already free of tokens and signatures (scrubbed), and short. */
  cause?: string;
  at: IsoInstant | Date;
}

/** An execution of one of the workflows failed (its retries spent): to each admin. */
export function workflowFailedEmail(sender: Sender, d: WorkflowFailedData): Email {
  const tz = sender.timeZone;
  const known = WORKFLOW_LABELS[d.workflow];
  const label = known ? known.vi : d.workflow;
  const execution = d.executionName ?? 'không rõ';
  const about =
    d.unit && d.period
      ? ` (báo cáo ${periodName(d.period)} của ${d.unit.name})`
      : d.period
        ? ` (${periodName(d.period)})`
        : '';
  const rows: [string, string][] = [['Quy trình', `${capitalize(label)} (${d.workflow})`]];
  rows.push(['Lượt xử lý (execution)', execution]);
  if (d.unit) rows.push(['Đơn vị', d.unit.name]);
  if (d.period) rows.push(['Kỳ báo cáo', capitalize(periodName(d.period))]);
  rows.push(['Thời điểm', atTime(d.at, tz)], ['Lỗi', d.error]);
  if (d.cause) rows.push(['Chi tiết', d.cause]);
  const next =
    d.workflow === 'review'
      ? 'Đồng chí có thể khởi động lại quy trình thẩm định của đơn vị trên trang quản trị sau khi khắc phục nguyên nhân.'
      : 'Sau khi khắc phục nguyên nhân, đồng chí có thể chạy lại (redrive) lượt xử lý này: các bước đã hoàn thành không lặp lại, email đã gửi không gửi lại.';
  return renderLetter(sender, {
    subject: `Quy trình ${label} gặp lỗi: ${execution}`,
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Quy trình ${label}${about} gặp lỗi và đã dừng. ` +
          'Các bước đã hoàn thành và các quyết định đã ghi nhận vẫn được lưu giữ.',
      },
      { kind: 'facts', rows },
      { kind: 'paragraph', text: next },
    ],
    english:
      `Workflow failed: the ${known?.en ?? d.workflow} workflow (execution ${execution}) stopped with ${d.error} ` +
      `at ${atTimeEn(d.at, tz)}.`,
  });
}

// ---------------------------------------------------------------- campaign cycle templates (issue 4)

const FREQUENCY_LABELS: Record<Frequency, string> = {
  quarterly: 'theo quý',
  'half-yearly': '6 tháng một lần',
  yearly: 'hằng năm',
};

/** "89,99 %" (half-up, decimal comma). */
function percentText(p: Fraction): string {
  return `${formatPercent(p)} %`;
}

/** "+5,76" / "-2,50" / "0,00" percentage points. */
function signedPercent(p: Fraction): string {
  const text = formatPercent(p);
  return p.num > 0n && text !== '0,00' ? `+${text}` : text;
}

type EventPeriodRef = PeriodRef & Pick<Period, 'opensAt' | 'deadlineAt' | 'reviewClosesAt'>;

export interface LaunchNoticeData {
  recipient: Pick<PersonRef, 'name'>;
  /** The units whose focal point the person is (usually one; none for a reviewer only). */
  units: readonly Pick<UnitRef, 'name'>[];
  /** The person is a member of the review team. */
  reviewer: boolean;
  campaign: {
    planNumber: string;
    planDate: IsoDate;
    title: string;
    phaseStart: IsoDate;
    phaseEnd: IsoDate;
    /** The plan's content: paragraphs separated by blank lines. */
    content: string;
  };
  frequency: Frequency;
  /** The calendar's first periods, in order. */
  firstPeriods: readonly EventPeriodRef[];
  /** How many periods the phase has in all. */
  periodCount: number;
}

/** Launch notice (phát động), to every unit's focal point and every reviewer. */
export function launchNoticeEmail(sender: Sender, d: LaunchNoticeData): Email {
  const tz = sender.timeZone;
  const c = d.campaign;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `${sender.authority} đã ban hành Kế hoạch số ${c.planNumber} ngày ${formatDate(c.planDate)}: ` +
        `“${c.title}”.`,
    },
    {
      kind: 'facts',
      rows: [
        ['Kế hoạch', `Số ${c.planNumber} ngày ${formatDate(c.planDate)}`],
        ['Giai đoạn', `${formatDate(c.phaseStart)} – ${formatDate(c.phaseEnd)}`],
        ['Kỳ báo cáo', `${capitalize(FREQUENCY_LABELS[d.frequency])} (${d.periodCount} kỳ trong giai đoạn)`],
      ],
    },
    { kind: 'paragraph', text: 'NỘI DUNG KẾ HOẠCH' },
    ...c.content
      .split(/\n\s*\n/)
      .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
      .filter((p) => p !== '')
      .map((text): Block => ({ kind: 'paragraph', text })),
    { kind: 'paragraph', text: 'Thông điệp “05 T” – năm nội dung cần thực hiện:' },
    { kind: 'list', items: MESSAGE_05T },
    { kind: 'paragraph', text: 'Thông điệp “05 K” – năm điều không được làm:' },
    { kind: 'list', items: MESSAGE_05K },
  ];
  const roles: string[] = [];
  if (d.units.length > 0) {
    roles.push(
      `Đồng chí là cán bộ đầu mối của ${d.units.map((u) => u.name).join(', ')}: khi mỗi kỳ báo cáo bắt đầu, ` +
        'đồng chí sẽ nhận email mời lập báo cáo, kèm đường dẫn riêng tới trang báo cáo của đơn vị ' +
        '(tự chấm điểm, giải trình, minh chứng, sáng kiến, tự kiểm tra 05T/05K, đề nghị khen thưởng).',
    );
  }
  if (d.reviewer) {
    roles.push(
      'Đồng chí là thành viên Tổ thẩm định: khi có báo cáo được phân công, đồng chí sẽ nhận email kèm đường dẫn ' +
        'tới trang thẩm định (không thẩm định báo cáo của chính đơn vị mình).',
    );
  }
  for (const text of roles) blocks.push({ kind: 'paragraph', text });
  if (d.firstPeriods.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Lịch các kỳ báo cáo đầu tiên',
      head: ['Kỳ báo cáo', 'Bắt đầu nhận báo cáo', 'Hạn nộp', 'Kết thúc thẩm định'],
      rows: d.firstPeriods.map((p) => [
        capitalize(periodWithDates(p)),
        atTime(p.opensAt, tz),
        atTime(p.deadlineAt, tz),
        atTime(p.reviewClosesAt, tz),
      ]),
    });
  }
  const first = d.firstPeriods[0];
  return renderLetter(sender, {
    subject: `Phát động phong trào thi đua cải cách hành chính – Kế hoạch số ${c.planNumber}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      `Launch notice: ${sender.authority} launched the administrative-reform emulation campaign of plan ${c.planNumber} ` +
      `(${formatDate(c.phaseStart)} – ${formatDate(c.phaseEnd)}).` +
      (first ? ` The first reporting period opens at ${atTimeEn(first.opensAt, tz)}.` : ''),
  });
}

export interface ReminderData {
  unit: UnitRef;
  period: PeriodRef & Pick<Period, 'deadlineAt'>;
  /** The unit's signed report link (`/r?…`), the same as in the invitation. */
  reportUrl: string;
  /** The time the reminder is written (for the days left). */
  now: Date;
  /** The unit has saved a draft (not submitted). */
  hasDraft: boolean;
}

/** Calendar days from today to the deadline's day on the district's clock; 0 on the day or after. */
export function daysLeft(deadline: IsoInstant, now: Date, timeZone: string): number {
  const day = (d: Date) => Date.parse(`${localDateOf(d, timeZone)}T00:00:00Z`);
  return Math.max(0, Math.round((day(new Date(Date.parse(deadline))) - day(now)) / 86_400_000));
}

/** Reminder before the deadline, to the focal point of a unit that has not submitted. */
export function reminderEmail(sender: Sender, d: ReminderData): Email {
  const tz = sender.timeZone;
  const days = daysLeft(d.period.deadlineAt, d.now, tz);
  const left = days === 0 ? 'hôm nay là hạn cuối' : `còn ${days} ngày`;
  return renderLetter(sender, {
    subject: `Nhắc nộp báo cáo thi đua ${periodName(d.period)} – ${left} – ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Đến nay ${d.unit.name} chưa nộp báo cáo kết quả thực hiện phong trào thi đua cải cách hành chính ` +
          `${periodWithDates(d.period)}` +
          (d.hasDraft ? ' (đơn vị đã lưu bản nháp nhưng chưa bấm nộp).' : '.'),
      },
      {
        kind: 'facts',
        rows: [
          ['Hạn nộp báo cáo', atTime(d.period.deadlineAt, tz)],
          ['Thời gian còn lại', days === 0 ? 'Hôm nay là hạn cuối' : `${days} ngày`],
        ],
      },
      { kind: 'action', label: 'Mở trang báo cáo của đơn vị', url: d.reportUrl },
      {
        kind: 'paragraph',
        text: 'Báo cáo chỉ được chuyển thẩm định sau khi đơn vị bấm “Nộp báo cáo”; bản nháp chưa được tính.',
      },
    ],
    english:
      `Reminder: ${d.unit.name} has not yet submitted its report for period ${d.period.id}; ` +
      `the deadline is ${atTimeEn(d.period.deadlineAt, tz)} (${days} day${days === 1 ? '' : 's'} left).`,
  });
}

export interface LateNoticeData {
  unit: UnitRef;
  period: PeriodRef & Pick<Period, 'deadlineAt' | 'reviewClosesAt'>;
  reportUrl: string;
  hasDraft: boolean;
}

/** Late notice after the deadline, to the focal point of a unit that has not submitted. */
export function lateNoticeEmail(sender: Sender, d: LateNoticeData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Quá hạn nộp báo cáo thi đua ${periodName(d.period)} – ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Đã hết hạn nộp báo cáo ${periodName(d.period)} (${atTime(d.period.deadlineAt, tz)}) nhưng ${d.unit.name} ` +
          `chưa nộp báo cáo${d.hasDraft ? ' (mới lưu bản nháp)' : ''}. Đơn vị được ghi nhận nộp chậm.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Hạn nộp đã qua', atTime(d.period.deadlineAt, tz)],
          ['Kết thúc thẩm định của kỳ', atTime(d.period.reviewClosesAt, tz)],
        ],
      },
      { kind: 'action', label: 'Mở trang báo cáo và nộp ngay', url: d.reportUrl },
      {
        kind: 'paragraph',
        text:
          `Nếu đến ${atTime(d.period.reviewClosesAt, tz)} đơn vị vẫn chưa nộp báo cáo, đơn vị được tính 0 điểm, ` +
          'xếp cuối khối và ghi nhận “Không nộp báo cáo” trong kỳ.',
      },
    ],
    english:
      `Late: ${d.unit.name} did not submit its report for period ${d.period.id} by ${atTimeEn(d.period.deadlineAt, tz)}. ` +
      `Without a report by ${atTimeEn(d.period.reviewClosesAt, tz)} the unit scores 0 and ranks last.`,
  });
}

export interface ReviewClosedData {
  admin: Pick<PersonRef, 'name'>;
  period: PeriodRef & Pick<Period, 'reviewClosesAt' | 'lateAppraisalUntil'>;
  /** Submitted but not approved at review close. */
  unappraised: readonly { name: string; statusLabel: string }[];
  counts: { approved: number; unappraised: number; notSubmitted: number };
}

/** Review closed with reports still not appraised: to each admin. */
export function reviewClosedEmail(sender: Sender, d: ReviewClosedData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Kết thúc thẩm định ${periodName(d.period)}: ${d.counts.unappraised} báo cáo chưa thẩm định xong`,
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Thời gian thẩm định ${periodName(d.period)} đã kết thúc lúc ${atTime(d.period.reviewClosesAt, tz)}. ` +
          'Kết quả của kỳ được tính và công bố ngay; các báo cáo dưới đây chưa được phê duyệt nên được ghi nhận ' +
          '“Chưa thẩm định” và chưa được xếp hạng.',
      },
      {
        kind: 'facts',
        rows: [
          ['Đã phê duyệt', String(d.counts.approved)],
          ['Chưa thẩm định xong', String(d.counts.unappraised)],
          ['Không nộp báo cáo', String(d.counts.notSubmitted)],
        ],
      },
      {
        kind: 'table',
        caption: 'Báo cáo chưa thẩm định xong',
        head: ['Đơn vị', 'Trạng thái'],
        rows: d.unappraised.map((u) => [u.name, u.statusLabel]),
      },
      {
        kind: 'paragraph',
        text:
          `Thẩm định muộn vẫn được nhận đến ${atTime(d.period.lateAppraisalUntil, tz)}; khi một báo cáo được phê duyệt, ` +
          'kết quả của kỳ được tính lại và công bố thành phiên bản mới.',
      },
    ],
    english:
      `Review closed for period ${d.period.id}: ${d.counts.unappraised} report(s) not yet approved are left unranked; ` +
      `late appraisals are accepted until ${atTimeEn(d.period.lateAppraisalUntil, tz)}.`,
  });
}

export interface ResultsData {
  unit: UnitRef;
  period: PeriodRef;
  /** The results version (2 and later: a recomputation after a late appraisal). */
  version: number;
  status: 'approved' | 'submitted-not-appraised' | 'not-submitted';
  /** Total points (rounded to hundredths); null when not appraised. */
  total: Points | null;
  /** The criteria set's maximum. */
  setMax: Points;
  percent: Fraction | null;
  bandLabel: string | null;
  rank: number | null;
  /** Units of the group that have a rank. */
  rankedInGroup: number;
  /** "khối cơ quan" / "khối xã, thị trấn". */
  groupLabel: string;
  breakdown: {
    assessed: Points;
    survey: Points | null;
    rescaled: boolean;
    bonus: Points;
    penalty: Points;
  } | null;
  change: {
    /** "quý II năm 2024". */
    previousLabel: string;
    percentPoints: Fraction | null;
    rankChange: number | null;
  } | null;
  reportUrl?: string;
}

/** What a unit without a report reads instead of a rank number (DOMAIN.md: "ranked last in its group"). */
export const NOT_SUBMITTED_RANK = 'Không nộp báo cáo – xếp cuối khối';

/**
 * A rank as "x/n"; a unit without a report has no place earned: all such units share the rank after
 * the last appraised one (rank 1 when nobody reported), which as "1/12" would read as first.
 */
function rankText(d: Pick<ResultsData, 'status' | 'rank' | 'rankedInGroup'>): string {
  if (d.status === 'not-submitted') return NOT_SUBMITTED_RANK;
  return d.rank === null ? 'Chưa xếp hạng' : `${d.rank}/${d.rankedInGroup}`;
}

/** Period results, to each unit's focal point: total, percentage, band, rank, change. */
export function resultsEmail(sender: Sender, d: ResultsData): Email {
  const again = d.version > 1 ? ` (công bố lại, phiên bản ${d.version})` : '';
  const blocks: Block[] = [];
  const rows: [string, string][] = [['Kỳ báo cáo', capitalize(periodWithDates(d.period))]];
  if (d.status === 'submitted-not-appraised') {
    blocks.push({
      kind: 'paragraph',
      text:
        `Báo cáo ${periodName(d.period)} của ${d.unit.name} chưa được thẩm định xong khi kết thúc thời gian thẩm định, ` +
        'nên đơn vị được ghi nhận “Chưa thẩm định” và chưa được xếp hạng trong kỳ. Khi báo cáo được phê duyệt, ' +
        'kết quả được tính lại và gửi tới đơn vị.',
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: `${sender.authority} thông báo kết quả chấm điểm thi đua cải cách hành chính ${periodName(d.period)} của ${d.unit.name}${again}.`,
    });
    rows.push(['Tổng điểm', d.total === null ? '—' : `${points(d.total)} / ${points(d.setMax)} điểm`]);
    rows.push(['Tỷ lệ', d.percent ? percentText(d.percent) : '—']);
    rows.push(['Xếp loại', d.bandLabel ?? '—']);
    rows.push([`Xếp hạng trong ${d.groupLabel}`, rankText(d)]);
    if (d.status === 'not-submitted') {
      rows.push(['Ghi chú', 'Không nộp báo cáo: 0 điểm cho kỳ báo cáo']);
    }
    if (d.breakdown) {
      const b = d.breakdown;
      rows.push([
        'Điểm thẩm định',
        `${points(b.assessed)} điểm${b.rescaled ? ' (không có kết quả khảo sát: quy đổi về thang điểm chung)' : ''}`,
      ]);
      if (b.survey !== null) rows.push(['Điểm khảo sát sự hài lòng', `${points(b.survey)} điểm`]);
      if (b.bonus > 0) rows.push(['Điểm thưởng', `+${points(b.bonus)} điểm`]);
      if (b.penalty > 0) rows.push(['Điểm trừ', `-${points(b.penalty)} điểm`]);
    }
    if (d.change) {
      const moves =
        d.change.rankChange === null
          ? 'không so sánh được thứ hạng'
          : d.change.rankChange > 0
            ? `tăng ${d.change.rankChange} bậc`
            : d.change.rankChange < 0
              ? `giảm ${-d.change.rankChange} bậc`
              : 'giữ nguyên thứ hạng';
      const pts =
        d.change.percentPoints === null
          ? 'không so sánh được tỷ lệ'
          : `${signedPercent(d.change.percentPoints)} điểm phần trăm`;
      rows.push([`So với ${d.change.previousLabel}`, `${pts}; ${moves}`]);
    }
  }
  blocks.splice(1, 0, { kind: 'facts', rows });
  if (d.reportUrl)
    blocks.push({ kind: 'action', label: 'Xem báo cáo và kết quả thẩm định', url: d.reportUrl });
  const en =
    d.status === 'submitted-not-appraised'
      ? `Results of period ${d.period.id}: the report of ${d.unit.name} was not appraised by review close, so it is not ranked yet.`
      : `Results of period ${d.period.id}${d.version > 1 ? ` (version ${d.version})` : ''} for ${d.unit.name}: ` +
        `${d.total === null ? '—' : points(d.total)} points, ${d.percent ? percentText(d.percent) : '—'}, ` +
        `${d.status === 'not-submitted' ? 'no report, ranked last' : d.rank === null ? 'not ranked' : `rank ${d.rank}/${d.rankedInGroup}`} in its group.`;
  return renderLetter(sender, {
    subject: `Kết quả thi đua cải cách hành chính ${periodName(d.period)} – ${d.unit.name}${again}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks,
    english: en,
  });
}

export interface ResultsSummaryRow {
  rank: number | null;
  /** A unit without a report: its rank cell says "cuối khối" (last), not the shared number. */
  notSubmitted?: boolean;
  name: string;
  total: Points | null;
  percent: Fraction | null;
  bandLabel: string | null;
  flagLabels: readonly string[];
}

export interface ResultsSummaryData {
  recipient: Pick<PersonRef, 'name'>;
  period: PeriodRef;
  version: number;
  /** Names of the units whose line changed since the previous version (version 2 and later). */
  changedUnits: readonly string[];
  groups: readonly { label: string; rows: readonly ResultsSummaryRow[] }[];
  counts: { approved: number; unappraised: number; notSubmitted: number };
}

/** Period results summary per group, to leadership and admins. */
export function resultsSummaryEmail(sender: Sender, d: ResultsSummaryData): Email {
  const again = d.version > 1 ? ` (phiên bản ${d.version})` : '';
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính ${periodWithDates(d.period)}${again}. ` +
        'Các đơn vị được xếp hạng riêng theo từng khối; tỷ lệ là tổng điểm so với điểm tối đa của bộ tiêu chí.',
    },
    {
      kind: 'facts',
      rows: [
        ['Đã thẩm định', String(d.counts.approved)],
        ['Chưa thẩm định', String(d.counts.unappraised)],
        ['Không nộp báo cáo', String(d.counts.notSubmitted)],
      ],
    },
  ];
  if (d.version > 1 && d.changedUnits.length > 0) {
    blocks.push({
      kind: 'paragraph',
      text: `Phiên bản này thay thế phiên bản ${d.version - 1} sau khi có kết quả thẩm định muộn; đơn vị có thay đổi: ${d.changedUnits.join(', ')}.`,
    });
  }
  for (const g of d.groups) {
    blocks.push({
      kind: 'table',
      caption: capitalize(g.label),
      head: ['Hạng', 'Đơn vị', 'Tổng điểm', 'Tỷ lệ', 'Xếp loại', 'Ghi chú'],
      rows: g.rows.map((r) => [
        r.notSubmitted ? 'Cuối khối' : r.rank === null ? '—' : String(r.rank),
        r.name,
        r.total === null ? '—' : points(r.total),
        r.percent ? percentText(r.percent) : '—',
        r.bandLabel ?? '—',
        r.flagLabels.join(', ') || '',
      ]),
    });
  }
  return renderLetter(sender, {
    subject: `Kết quả thi đua cải cách hành chính ${periodName(d.period)}${again}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      `Results of period ${d.period.id}${d.version > 1 ? ` (version ${d.version})` : ''}: ${d.counts.approved} units appraised, ` +
      `${d.counts.unappraised} not appraised, ${d.counts.notSubmitted} without a report; ranked per group.`,
  });
}

export interface VoteCandidateLine {
  name: string;
  /** "Tập thể", "Cá nhân", "Đề nghị cấp trên". */
  kindLabel: string;
  unitName: string;
  formLabel: string;
  /** Ranking and the proposal's grounds, one line. */
  detail: string;
}

export interface VoteRequestData {
  member: Pick<PersonRef, 'name'>;
  /** "năm 2024", "giai đoạn 2022 – 2025". */
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  candidates: readonly VoteCandidateLine[];
  /** The member's signed vote link (`/d?…`). */
  voteUrl: string;
  closesAt: IsoInstant;
  rule: { N: number; quorumRequired: number; passRequired: number; passPercent: number };
  /** Ties at a cut-off the council settles (messages of the proposal). */
  ties: readonly string[];
}

/** Council vote request, to each council member. */
export function voteRequestEmail(sender: Sender, d: VoteRequestData): Email {
  const tz = sender.timeZone;
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Hội đồng Thi đua – Khen thưởng xét đề nghị khen thưởng phong trào thi đua cải cách hành chính ${d.cycleLabel}. ` +
        `Đề nghị đồng chí biểu quyết (tán thành, không tán thành hoặc không biểu quyết) đối với từng trường hợp trước ${atTime(d.closesAt, tz)}.`,
    },
    {
      kind: 'table',
      caption: `Danh sách đề nghị (${d.candidates.length} trường hợp)`,
      head: ['Trường hợp', 'Loại', 'Đơn vị', 'Hình thức', 'Căn cứ'],
      rows: d.candidates.map((c) => [c.name, c.kindLabel, c.unitName, c.formLabel, c.detail]),
    },
  ];
  if (d.ties.length > 0) blocks.push({ kind: 'list', items: d.ties });
  blocks.push(
    {
      kind: 'facts',
      rows: [
        ['Hạn biểu quyết', atTime(d.closesAt, tz)],
        ['Số thành viên Hội đồng', String(d.rule.N)],
        ['Số thành viên tối thiểu tham gia', String(d.rule.quorumRequired)],
        [
          'Số phiếu tán thành cần có',
          `${d.rule.passRequired} (${String(d.rule.passPercent).replace('.', ',')} % tổng số thành viên)`,
        ],
      ],
    },
    { kind: 'action', label: 'Mở phiếu biểu quyết', url: d.voteUrl },
    {
      kind: 'paragraph',
      text: 'Việc mở trang không ghi nhận phiếu; phiếu chỉ được ghi nhận khi đồng chí bấm “Gửi phiếu”, và mỗi thành viên gửi một lần.',
    },
  );
  return renderLetter(sender, {
    subject: `Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC ${d.cycleLabel}`,
    greeting: `Kính gửi đồng chí ${d.member.name},`,
    blocks,
    english:
      `Council vote: please vote on ${d.candidates.length} commendation proposal(s) for ${d.cycleEn} ` +
      `by ${atTimeEn(d.closesAt, tz)}, through the link above.`,
  });
}

export interface OutcomeLine {
  name: string;
  kindLabel: string;
  unitName: string;
  formLabel: string;
  votes: { yes: number; no: number; abstain: number; absent: number } | null;
  /** "Được khen thưởng", "Không được thông qua", … */
  statusLabel: string;
  /** Why (the council's reason, or the refusal's). */
  note: string;
}

export interface CommendationOutcomeData {
  recipient: Pick<PersonRef, 'name'>;
  /** Set when the letter goes to a unit (only its own candidates are listed). */
  unitName?: string;
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  council: {
    N: number;
    present: number;
    quorumRequired: number;
    quorumMet: boolean;
    passRequired: number;
    outcome: string;
  };
  entries: readonly OutcomeLine[];
  awardedCount: number;
  upwardCount: number;
}

/** Commendation outcome, to units (their candidates), council members and leadership (all). */
export function commendationOutcomeEmail(sender: Sender, d: CommendationOutcomeData): Email {
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Kết quả biểu quyết của Hội đồng Thi đua – Khen thưởng về đề nghị khen thưởng phong trào thi đua cải cách hành chính ${d.cycleLabel}` +
        (d.unitName ? ` đối với ${d.unitName}.` : '.'),
    },
    { kind: 'paragraph', text: d.council.outcome },
    {
      kind: 'facts',
      rows: [
        [
          'Thành viên tham gia / tổng số',
          `${d.council.present}/${d.council.N} (cần ít nhất ${d.council.quorumRequired})`,
        ],
        ['Số phiếu tán thành cần có', String(d.council.passRequired)],
        ['Được đề nghị tặng Giấy khen', String(d.awardedCount)],
        ['Đề nghị cấp trên khen thưởng', String(d.upwardCount)],
      ],
    },
  ];
  if (d.entries.length > 0) {
    blocks.push({
      kind: 'table',
      caption: d.unitName ? `Các trường hợp của ${d.unitName}` : 'Kết quả từng trường hợp',
      head: [
        'Trường hợp',
        'Loại',
        'Đơn vị',
        'Hình thức',
        'Phiếu (tán thành/không/không biểu quyết/vắng)',
        'Kết quả',
        'Ghi chú',
      ],
      rows: d.entries.map((e) => [
        e.name,
        e.kindLabel,
        e.unitName,
        e.formLabel,
        e.votes ? `${e.votes.yes}/${e.votes.no}/${e.votes.abstain}/${e.votes.absent}` : '—',
        e.statusLabel,
        e.note,
      ]),
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: 'Không có trường hợp nào của đơn vị trong danh sách biểu quyết.',
    });
  }
  blocks.push({
    kind: 'paragraph',
    text: 'Danh sách được thông qua sẽ được trình Chủ tịch UBND xem xét, quyết định kèm hồ sơ theo quy định (Điều 84 Luật Thi đua, Khen thưởng 2022).',
  });
  return renderLetter(sender, {
    subject: `Kết quả xét khen thưởng phong trào thi đua CCHC ${d.cycleLabel}${d.unitName ? ` – ${d.unitName}` : ''}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      `Commendation outcome for ${d.cycleEn}: ${d.council.present}/${d.council.N} council members voted ` +
      `(quorum ${d.council.quorumMet ? 'met' : 'not met'}); ${d.awardedCount} proposed for the certificate of merit, ` +
      `${d.upwardCount} proposed upward.`,
  });
}

export interface DigestInitiative {
  title: string;
  unitName: string;
  description: string;
  effect?: string;
  /** "quý III năm 2024". */
  periodLabel: string;
}

export interface InitiativesDigestData {
  unit: UnitRef;
  cycleLabel: string;
  /** The same in English: "2024", "the 2022–2025 phase". */
  cycleEn: string;
  initiatives: readonly DigestInitiative[];
}

/** Digest of the approved initiatives (sáng kiến, mô hình mới, cách làm hay), to every unit. */
export function initiativesDigestEmail(sender: Sender, d: InitiativesDigestData): Email {
  return renderLetter(sender, {
    subject: `Giới thiệu ${d.initiatives.length} sáng kiến, mô hình mới, cách làm hay ${d.cycleLabel}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `${sender.authority} giới thiệu các sáng kiến, giải pháp, mô hình mới, cách làm hay trong cải cách hành chính ` +
          `${d.cycleLabel} đã được thẩm định, để các cơ quan, đơn vị, địa phương nghiên cứu, học tập và nhân rộng.`,
      },
      {
        kind: 'table',
        caption: 'Sáng kiến, mô hình mới, cách làm hay',
        head: ['Tên sáng kiến', 'Đơn vị', 'Kỳ', 'Nội dung', 'Hiệu quả'],
        rows: d.initiatives.map((i) => [
          i.title,
          i.unitName,
          i.periodLabel,
          i.description || '—',
          i.effect || '—',
        ]),
      },
    ],
    english: `Good practice: ${d.initiatives.length} approved initiative(s) of ${d.cycleEn}, shared with every unit.`,
  });
}
