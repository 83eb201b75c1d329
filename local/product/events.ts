/** What a timer on the virtual clock means, in words a person reads (the home page, `advance`). */
import { voteTimes } from '#domain/council';
import type { DistrictConfig } from '#domain/model';
import { periodName } from '#mail/letter';
import { parseExecutionName } from '#workflows/executions';

/** The next event on the clock in words (schedule names: functions/launch/plan-schedules.ts). */
export function describeEvent(label: string, config: DistrictConfig): string {
  const schedule = /^schedule [^/]+\/(.+)$/.exec(label)?.[1];
  const period = (id: string) => {
    const p = /^(\d{4})/.exec(id);
    const frequency = config.calendar.frequency;
    return p ? periodName({ id, year: Number(p[1]), frequency }) : id;
  };
  if (schedule) {
    const m = /^period-(.+)-(open|remind|deadline|close)$/.exec(schedule);
    if (m) {
      const [, id = '', event] = m;
      switch (event) {
        case 'open':
          return `Mở kỳ báo cáo ${period(id)}: gửi thư mời nộp báo cáo`;
        case 'remind':
          return `Nhắc các đơn vị chưa nộp báo cáo ${period(id)}`;
        case 'deadline':
          return `Hạn nộp báo cáo ${period(id)}: ghi nhận đơn vị nộp muộn`;
        default:
          return `Kết thúc thẩm định ${period(id)}, tính điểm và công bố kết quả`;
      }
    }
    const c = /^commendation-(.+)$/.exec(schedule);
    if (c) {
      return c[1] === 'phase' ? 'Bình xét khen thưởng cả giai đoạn' : `Bình xét khen thưởng năm ${c[1]}`;
    }
    if (/sweep/i.test(schedule)) {
      return 'Quét định kỳ: gửi lại quyết định và email chưa gửi được';
    }
    return `Lịch ${schedule}`;
  }
  const wait = /^(\S+) (\S+) (timeout|heartbeat)$/.exec(label);
  if (wait) return waitEnds(wait[1] ?? '', wait[2] ?? '', config, period);
  const resume = /^resume (\S+)$/.exec(label);
  if (resume) return `Chạy tiếp quy trình ${resume[1]} chưa xong`;
  return label;
}

/**
 * A callback's wait running out (the local engine's timer `<execution> <state> timeout`), in what
 * it means for people: a review's reminder, a vote's close. Never the state's code name.
 */
function waitEnds(
  executionName: string,
  state: string,
  config: DistrictConfig,
  period: (id: string) => string,
): string {
  const execution = parseExecutionName(executionName);
  if (execution?.workflow === 'review') {
    const unit = config.units.find((u) => u.id === execution.unitId)?.name ?? execution.unitId;
    const where = `${unit}, ${period(execution.periodId)}`;
    if (state === 'AwaitAppraisal') return `Người thẩm định chưa trả lời (${where}): nhắc và báo quản trị`;
    if (state === 'AwaitExplanation') return `Đơn vị chưa giải trình (${where}): nhắc đơn vị`;
    return `Hết thời gian chờ trong thẩm định ${where}`;
  }
  if (execution?.workflow === 'commendation' && state === 'RequestVote') {
    const [year, round] = execution.cycleId.split('-');
    const cycle = year === 'phase' ? 'cả giai đoạn' : `năm ${year}`;
    const which = `khen thưởng ${cycle}${round ? ` (lần ${round})` : ''}`;
    // Whether the vote has a reminder is the domain's rule (any instant tells: it is relative).
    if (voteTimes(new Date(0), config.commendation.council).remindAt === undefined) {
      return `Hết hạn bỏ phiếu ${which}: thành viên chưa gửi phiếu được ghi là không tham gia`;
    }
    // The first wait ends at the reminder, the second at the close: the label cannot tell which.
    return `Bỏ phiếu ${which}: nhắc thành viên chưa gửi phiếu; khi hết hạn, thành viên chưa gửi phiếu được ghi là không tham gia`;
  }
  return `Hết thời gian chờ trong quy trình ${executionName}`;
}
