/**
 * The launch workflow's email: the launch notice (phát động) with the plan's content, the 05T/05K
 * messages and the first periods' calendar, to every unit's focal point and every reviewer.
 */
import { formatDate } from '#domain/calendar';
import type { Frequency, IsoDate, Period } from '#domain/model';
import { MESSAGE_05K, MESSAGE_05T } from '#domain/report';
import {
  atTime,
  atTimeEn,
  type Block,
  capitalize,
  type Email,
  type PeriodRef,
  type PersonRef,
  periodWithDates,
  renderLetter,
  type Sender,
  type UnitRef,
} from './letter.ts';

const FREQUENCY_LABELS: Record<Frequency, string> = {
  quarterly: 'theo quý',
  'half-yearly': '6 tháng một lần',
  yearly: 'hằng năm',
};

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
