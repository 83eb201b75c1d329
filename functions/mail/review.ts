/**
 * The review workflow's emails: to the reviewer (review request), to the unit's focal point
 * (receipt, returned for explanation, explanation reminder, approved), and to each admin when a review
 * stalls (escalation, not appraised by the late-appraisal deadline).
 */
import type { IsoInstant, Points } from '#domain/model';
import {
  atTime,
  atTimeEn,
  type Block,
  capitalize,
  type Email,
  type PeriodRef,
  type PersonRef,
  periodName,
  periodWithDates,
  points,
  renderLetter,
  type Sender,
  type UnitRef,
} from './letter.ts';

export interface ReviewRequestData {
  reviewer: PersonRef;
  unit: Pick<UnitRef, 'id' | 'name'>;
  period: PeriodRef;
  round: number;
  /** The reviewer's signed decision link (`/d?…`). */
  reviewUrl: string;
  /** The answer is expected by then (review close, or the late-appraisal deadline after it). */
  respondBy: IsoInstant;
  /** A reminder of the same request (the same link): the n-th, and since when it waits. */
  reminder?: { n: number; waitingSince: IsoInstant };
}

/** Review request, to the assigned reviewer; with `reminder`, the reminder of it. */
export function reviewRequestEmail(sender: Sender, d: ReviewRequestData): Email {
  const tz = sender.timeZone;
  const again = d.round > 1;
  const round = again ? ` (vòng ${d.round})` : '';
  return renderLetter(sender, {
    subject: d.reminder
      ? `Nhắc thẩm định báo cáo ${periodName(d.period)} – ${d.unit.name}${round}${d.reminder.n > 1 ? ` (lần ${d.reminder.n})` : ''}`
      : `Đề nghị thẩm định báo cáo ${periodName(d.period)} – ${d.unit.name}${round}`,
    greeting: `Kính gửi đồng chí ${d.reviewer.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: d.reminder
          ? `Báo cáo ${periodName(d.period)} của ${d.unit.name} đang chờ đồng chí thẩm định${round} từ ` +
            `${atTime(d.reminder.waitingSince, tz)}. Đề nghị đồng chí hoàn thành trước ${atTime(d.respondBy, tz)}; ` +
            'đường dẫn dưới đây là đường dẫn đã gửi trước đó.'
          : again
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
          'hoặc "Phê duyệt" và kiểm tra lại trên trang xác nhận. Việc mở trang không ghi nhận quyết định nào; ' +
          'quyết định chỉ được ghi nhận khi đồng chí bấm "Xác nhận phê duyệt" hoặc "Xác nhận trả lại để giải trình".',
      },
    ],
    english:
      `${d.reminder ? 'Reminder of a review request' : 'Review request'}: please appraise the report of ${d.unit.name} ` +
      `for period ${d.period.id} (round ${d.round}) by ${atTimeEn(d.respondBy, tz)}, through the link above.`,
  });
}

export interface ReceiptData {
  unit: UnitRef;
  period: PeriodRef;
  /** 1: the report submitted; later rounds: the explanation sent after a return. */
  round: number;
  /** The report's version as received, and when it was sent. */
  version: number;
  receivedAt: IsoInstant;
  /** The review is expected by then (review close, or the late-appraisal deadline after it). */
  reviewBy: IsoInstant;
  /** A report submitted after the deadline: that deadline (it is recorded as late). */
  lateAfter?: IsoInstant;
  /** The unit's report link, to read what it sent. */
  reportUrl: string;
}

/**
 * Receipt, to the unit's focal point, once its report (or its explanation) is with a reviewer:
 * the version and time received, by when the review is due, what comes next.
 */
export function receiptEmail(sender: Sender, d: ReceiptData): Email {
  const tz = sender.timeZone;
  const explanation = d.round > 1;
  const what = explanation ? 'giải trình, bổ sung báo cáo' : 'báo cáo';
  return renderLetter(sender, {
    subject: explanation
      ? `Đã nhận giải trình báo cáo ${periodName(d.period)} của ${d.unit.name} (thẩm định vòng ${d.round})`
      : `Đã nhận báo cáo ${periodName(d.period)} của ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Hệ thống đã nhận ${what} thi đua cải cách hành chính ${periodName(d.period)} của ${d.unit.name} ` +
          `và đã chuyển thẩm định${explanation ? ` (vòng ${d.round})` : ''}.`,
      },
      {
        kind: 'facts',
        rows: [
          ['Kỳ báo cáo', capitalize(periodName(d.period))],
          ['Phiên bản báo cáo', String(d.version)],
          [
            explanation ? 'Thời điểm gửi giải trình' : 'Thời điểm nộp',
            d.lateAfter && !explanation
              ? `${atTime(d.receivedAt, tz)} (nộp muộn: sau hạn nộp ${atTime(d.lateAfter, tz)})`
              : atTime(d.receivedAt, tz),
          ],
          ['Hạn thẩm định', atTime(d.reviewBy, tz)],
        ],
      },
      {
        kind: 'paragraph',
        text:
          'Trong thời gian thẩm định, báo cáo không sửa được. Kết quả thẩm định (phê duyệt, hoặc trả lại để giải trình ' +
          'kèm ý kiến của người thẩm định) sẽ được gửi tới đồng chí qua email.',
      },
      { kind: 'action', label: 'Xem báo cáo đã nộp', url: d.reportUrl },
    ],
    english:
      `Received: the ${explanation ? 'explanation' : 'report'} of ${d.unit.name} for period ${d.period.id}, ` +
      `version ${d.version}, sent at ${atTimeEn(d.receivedAt, tz)}${d.lateAfter && !explanation ? ' (late)' : ''}, is with a reviewer; the review is due by ${atTimeEn(d.reviewBy, tz)}.`,
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
  /** The reviewer's general comment (often the main reason for the return). */
  generalComment?: string;
  /** The unit's signed report link (`/r?…`), where it explains. */
  reportUrl: string;
  /** Explanations are accepted until then. */
  explainBy: IsoInstant;
}

/** The reviewer's general comment, then the scores and comments per criterion as a table (each when given). */
function reviewerWords(
  caption: string,
  generalComment: string | undefined,
  comments: readonly ReviewComment[] = [],
): Block[] {
  const blocks: Block[] = [];
  if (generalComment?.trim()) {
    blocks.push(
      { kind: 'paragraph', text: 'Nhận xét chung của người thẩm định:' },
      { kind: 'paragraph', text: generalComment.trim() },
    );
  }
  if (comments.length > 0) blocks.push(commentsTable(caption, comments));
  return blocks;
}

function commentsTable(caption: string, comments: readonly ReviewComment[]): Block {
  return {
    kind: 'table',
    caption,
    head: ['Tiêu chí', 'Điểm tự chấm', 'Điểm thẩm định', 'Ý kiến'],
    // Each row starts with the criterion's own number (1.1.1.): a row number would read as a second one.
    numbered: false,
    rows: comments.map((c) => [
      `${c.criterionId}. ${c.criterionName} (tối đa ${points(c.max)})`,
      c.selfScore === undefined ? '—' : points(c.selfScore),
      points(c.appraisedScore),
      c.comment || '—',
    ]),
  };
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
  blocks.push(...reviewerWords('Ý kiến thẩm định theo từng tiêu chí', d.generalComment, d.comments));
  if (d.comments.length === 0 && !d.generalComment?.trim()) {
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
    english: `Returned for explanation: the reviewer ${
      d.comments.length === 0
        ? 'returned'
        : `commented on ${d.comments.length} ${d.comments.length === 1 ? 'criterion' : 'criteria'} of`
    } the report of ${d.unit.name} for period ${d.period.id}; please explain by ${atTimeEn(d.explainBy, tz)} through the link above.`,
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
  /** The criteria scored differently from the unit's own score, or commented. */
  comments?: readonly ReviewComment[];
  /** The reviewer's general comment on approving. */
  generalComment?: string;
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
  ];
  blocks.push(
    ...reviewerWords(
      'Tiêu chí có điểm thẩm định khác điểm tự chấm hoặc có ý kiến',
      d.generalComment,
      d.comments,
    ),
  );
  blocks.push({
    kind: 'paragraph',
    text:
      'Tổng điểm trên chưa gồm điểm khảo sát sự hài lòng và điểm thưởng, điểm trừ (nếu có). ' +
      'Kết quả xếp loại, xếp hạng của kỳ được công bố sau khi kết thúc thời gian thẩm định.',
  });
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
  /** The admin's page that hands this review to another reviewer (behind the admin sign-in). */
  reassignUrl: string;
  /**
   * The period's review has closed (`reviewClosesAt` passed): the appraisal is overdue. Before
   * that the reviewer is still within the period's time, and the letter says so.
   */
  overdue: boolean;
}

/** Escalation, to each admin, when a reviewer has not answered within the reminder interval. */
export function escalationEmail(sender: Sender, d: EscalationData): Email {
  const tz = sender.timeZone;
  const what = d.overdue ? 'Quá hạn thẩm định' : 'Chưa có kết quả thẩm định';
  return renderLetter(sender, {
    subject: `${what}: ${d.unit.name} – ${periodName(d.period)}${d.reminder > 1 ? ` (lần ${d.reminder})` : ''}`,
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Báo cáo ${periodName(d.period)} của ${d.unit.name} đang chờ đồng chí ${d.reviewer.name} thẩm định ` +
          `(vòng ${d.round}) từ ${atTime(d.waitingSince, tz)} nhưng chưa có kết quả` +
          (d.overdue
            ? `; thời gian thẩm định của kỳ đã kết thúc lúc ${atTime(d.reviewClosesAt, tz)}.`
            : `. Thời gian thẩm định của kỳ còn đến ${atTime(d.reviewClosesAt, tz)}: thư này để đồng chí nắm tiến độ.`),
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
          'Đồng chí có thể đôn đốc người thẩm định, hoặc phân công người khác trên trang quản trị (cần đăng nhập); ' +
          `nếu không đổi, đường dẫn đã gửi cho người thẩm định vẫn dùng được đến ${atTime(d.lateAppraisalUntil, tz)}. ` +
          'Sau thời hạn này, báo cáo được ghi nhận "Chưa thẩm định" và không được xếp hạng trong kỳ.',
      },
      { kind: 'action', label: 'Phân công người thẩm định khác', url: d.reassignUrl },
    ],
    english:
      `${d.overdue ? 'Overdue' : 'Pending'} review: the reviewer ${d.reviewer.name} has not appraised the report of ${d.unit.name} for period ${d.period.id} ` +
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

export interface UnappraisedUnitData {
  unit: UnitRef;
  period: PeriodRef;
  /** Whose turn it was: the reviewer's appraisal or the unit's explanation. */
  waitingFor: 'reviewer' | 'unit';
  lateAppraisalUntil: IsoInstant;
  /** The unit's own pages (`/u`): its reports and results, after a sign-in by email. */
  historyUrl: string;
}

/**
 * The same outcome, to the unit's focal point: its results mail promised a new result once the
 * report was approved, so it is told when that can no longer happen, and why.
 */
export function unappraisedUnitEmail(sender: Sender, d: UnappraisedUnitData): Email {
  const tz = sender.timeZone;
  return renderLetter(sender, {
    subject: `Báo cáo ${periodName(d.period)} của ${d.unit.name} chưa được thẩm định trong thời hạn`,
    greeting: `Kính gửi ${d.unit.name} (đồng chí ${d.unit.focalPoint.name}),`,
    blocks: [
      {
        kind: 'paragraph',
        text:
          `Đã hết hạn nhận thẩm định muộn (${atTime(d.lateAppraisalUntil, tz)}) mà báo cáo ${periodName(d.period)} ` +
          `của đơn vị chưa được phê duyệt: ${
            d.waitingFor === 'unit'
              ? 'đơn vị chưa gửi giải trình theo ý kiến thẩm định'
              : 'việc thẩm định chưa hoàn thành'
          }.`,
      },
      {
        kind: 'paragraph',
        text:
          'Kết quả kỳ này của đơn vị được ghi nhận "Chưa thẩm định" và đơn vị không được xếp hạng trong kỳ; ' +
          'liên kết báo cáo của kỳ này không còn dùng được. Nếu cần trao đổi, đề nghị đơn vị liên hệ Phòng Nội vụ.',
      },
      { kind: 'action', label: 'Xem lịch sử báo cáo và kết quả của đơn vị', url: d.historyUrl },
    ],
    english:
      `Not appraised: the report of ${d.unit.name} for period ${d.period.id} was not approved by the ` +
      `late-appraisal deadline (${atTimeEn(d.lateAppraisalUntil, tz)}); the period records it as not appraised.`,
  });
}
