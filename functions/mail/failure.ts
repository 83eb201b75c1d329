/**
 * The email every workflow shares: one of its executions failed with its retries spent (to each
 * admin, from record-failure.ts).
 */
import type { IsoInstant } from '#domain/model';
import {
  atTime,
  atTimeEn,
  capitalize,
  type Email,
  type PeriodRef,
  type PersonRef,
  periodName,
  renderLetter,
  type Sender,
  type UnitRef,
} from './letter.ts';

/** The five state machines, by the prefix of their execution names (DESIGN.md). */
const WORKFLOW_LABELS: Record<string, { vi: string; en: string }> = {
  launch: { vi: 'phát động phong trào thi đua', en: 'launch' },
  period: { vi: 'điều hành kỳ báo cáo', en: 'period' },
  scoring: { vi: 'chấm điểm, xếp hạng', en: 'scoring' },
  commendation: { vi: 'xét khen thưởng', en: 'commendation' },
  review: { vi: 'thẩm định báo cáo', en: 'review' },
};

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
  const rows: [string, string][] = [
    ['Quy trình', capitalize(label)],
    ['Lượt xử lý', execution],
  ];
  if (d.unit) rows.push(['Đơn vị', d.unit.name]);
  if (d.period) rows.push(['Kỳ báo cáo', capitalize(periodName(d.period))]);
  rows.push(['Thời điểm', atTime(d.at, tz)], ['Lỗi', d.error]);
  if (d.cause) rows.push(['Chi tiết', d.cause]);
  const next =
    d.workflow === 'review'
      ? 'Đồng chí có thể khởi động lại quy trình thẩm định của đơn vị trên trang quản trị sau khi khắc phục nguyên nhân.'
      : 'Sau khi khắc phục nguyên nhân, đồng chí có thể chạy lại lượt xử lý này bằng chức năng Redrive của AWS Step Functions: ' +
        'các bước đã hoàn thành không lặp lại, email đã gửi không gửi lại.';
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
