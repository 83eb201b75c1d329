/**
 * The local product's next event in words (the home page, `npm start -- advance`): a callback's
 * wait running out says what happens to whom, never the state machine's code names.
 */
import { describe, expect, it } from 'vitest';
import { describeEvent } from '#local/product/events';
import { config } from '../web/fixtures.ts';

describe('the next event in words', () => {
  it("names a review's waits by the unit and period, and what follows", () => {
    expect(describeEvent('review-phong-tu-phap-2022Q3-1 AwaitAppraisal timeout', config)).toBe(
      'Người thẩm định chưa trả lời (Phòng Tư pháp, quý III năm 2022): nhắc và báo quản trị',
    );
    expect(describeEvent('review-phong-tu-phap-2022Q3-1 AwaitExplanation timeout', config)).toBe(
      'Đơn vị chưa giải trình (Phòng Tư pháp, quý III năm 2022): nhắc đơn vị',
    );
  });

  it("says a council member's wait ends in a reminder or the close, for the year and a later round", () => {
    expect(describeEvent('commendation-2022-1 RequestVote timeout', config)).toBe(
      'Bỏ phiếu khen thưởng năm 2022: nhắc thành viên chưa gửi phiếu; khi hết hạn, thành viên chưa gửi phiếu được ghi là không tham gia',
    );
    expect(describeEvent('commendation-2023-2-1 RequestVote timeout', config)).toContain(
      'khen thưởng năm 2023 (lần 2)',
    );
    // Without a reminder the wait ends only at the close.
    const silent = {
      ...config,
      commendation: {
        ...config.commendation,
        council: { ...config.commendation.council, reminderLeadDays: 0 },
      },
    };
    expect(describeEvent('commendation-2022-1 RequestVote timeout', silent)).toBe(
      'Hết hạn bỏ phiếu khen thưởng năm 2022: thành viên chưa gửi phiếu được ghi là không tham gia',
    );
  });

  it('never shows a state name, even for a wait it has no words for', () => {
    const text = describeEvent('launch-v1-abc SomeState timeout', config);
    expect(text).not.toContain('SomeState');
    expect(text).toContain('Hết thời gian chờ');
  });
});
