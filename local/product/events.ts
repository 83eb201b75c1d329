/** What a timer on the virtual clock means, in words a person reads (the home page, `advance`). */
import type { DistrictConfig } from '#domain/model';
import { periodName } from '#mail/letter';

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
  if (wait) return `Hết thời gian chờ: ${wait[1]}, bước ${wait[2]}`;
  const resume = /^resume (\S+)$/.exec(label);
  if (resume) return `Chạy tiếp quy trình ${resume[1]} chưa xong`;
  return label;
}
