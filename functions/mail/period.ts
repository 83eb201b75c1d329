/**
 * The period workflow's emails: the invitation to report, the reminder before the deadline and the
 * late notice after it (to a unit's focal point), and the review-closed notice (to each admin).
 */
import { localDateOf } from '#domain/calendar';
import type { IsoInstant, Period } from '#domain/model';
import {
  atTime,
  atTimeEn,
  capitalize,
  type Email,
  type PeriodRef,
  type PersonRef,
  periodName,
  periodWithDates,
  renderLetter,
  type Sender,
  type UnitRef,
} from './letter.ts';

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
          `chưa nộp báo cáo${d.hasDraft ? ' (mới lưu bản nháp)' : ''}. Báo cáo nộp sau thời điểm này được ghi nhận là nộp muộn.`,
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
  /** The admin's page of the period, where every unit's status is listed. */
  progressUrl: string;
}

/** Reports named in the review-closed mail; the rest are counted (a province may leave ~2,000). */
export const REVIEW_CLOSED_ROWS = 30;

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
        rows: d.unappraised.slice(0, REVIEW_CLOSED_ROWS).map((u) => [u.name, u.statusLabel]),
      },
      ...(d.unappraised.length > REVIEW_CLOSED_ROWS
        ? [
            {
              kind: 'paragraph' as const,
              text: `Và ${d.unappraised.length - REVIEW_CLOSED_ROWS} báo cáo khác chưa thẩm định xong: danh sách đầy đủ ở trang theo dõi của kỳ.`,
            },
          ]
        : []),
      { kind: 'action', label: 'Xem tiến độ của kỳ', url: d.progressUrl },
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
