import { describe, expect, it } from 'vitest';
import { periodsOf } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import { fraction } from '#domain/points';
import { commendationOutcomeEmail, voteRequestEmail } from '#mail/commendation';
import { periodName, senderOf } from '#mail/letter';
import { invitationEmail } from '#mail/period';
import {
  approvedEmail,
  escalationEmail,
  explanationReminderEmail,
  receiptEmail,
  returnedEmail,
  reviewRequestEmail,
} from '#mail/review';
import { resultsEmail } from '#mail/scoring';

const { config } = loadDistrict('districts/demo.yaml', { now: new Date('2022-10-01') });
const sender = senderOf(config);
const q3 = periodsOf(config).find((p) => p.id === '2022Q3');
if (!q3) throw new Error('the demo calendar has no 2022Q3');
const SCRIPT = '<script>alert("x")</script>';
const unit = {
  id: 'phong-tu-phap',
  name: `Phòng Tư pháp ${SCRIPT}`,
  focalPoint: { name: 'Trần Văn Nam', email: 'namtv.tuphap@song-lam.example.org' },
};
const url = 'https://thidua.test/r?k=k1&id=AAAAAAAAAAAAAAAAAAAAAA&a=report&e=1669800000&s=x';
/** An approved unit's results: 85 %, Tốt, 2nd of 12 offices. */
const SECOND_AT_85 = {
  unit,
  period: q3,
  version: 1,
  status: 'approved',
  total: 8500,
  setMax: 10_000,
  percent: fraction(85),
  bandLabel: 'Tốt',
  rank: 2,
  rankedInGroup: 12,
  groupLabel: 'khối cơ quan',
  breakdown: { assessed: 6000, survey: 2500, rescaled: false, bonus: 0, penalty: 0 },
  change: null,
} as const;

describe('the review emails', () => {
  it('invitation: Vietnamese first, the district authority in the header, deadline in Vietnam time, the link', () => {
    const mail = invitationEmail(sender, {
      unit,
      period: q3,
      reportUrl: url,
      linkExpiresAt: q3.lateAppraisalUntil,
    });
    expect(mail.subject).toBe(`[Thi đua CCHC] Mời nộp báo cáo thi đua quý III năm 2022 – ${unit.name}`);
    // Deadline 11/10/2022 17:00 in Asia/Ho_Chi_Minh (the calendar's deadlineTime), not UTC.
    expect(q3.deadlineAt).toMatch(/^2022-10-11T17:00:00\+07:00$/);
    expect(mail.text).toContain('Hạn nộp báo cáo: 17:00 ngày 11/10/2022');
    // The first period is clipped to the phase, which began on 02/08/2022.
    expect(mail.text).toContain('quý III năm 2022 (02/08/2022 – 30/09/2022)');
    expect(mail.text.startsWith('UBND HUYỆN SÔNG LAM')).toBe(true);
    expect(mail.html).toContain('>UBND huyện Sông Lam</td>');
    expect(mail.html).toContain('<html lang="vi">');
    expect(mail.html).toContain('<p lang="en"');
    // English comes last, after the Vietnamese.
    expect(mail.text.indexOf('[English]')).toBeGreaterThan(mail.text.indexOf('Hạn nộp'));
    // The link, with & escaped in the attribute and intact in the text part.
    expect(mail.html).toContain(
      'href="https://thidua.test/r?k=k1&amp;id=AAAAAAAAAAAAAAAAAAAAAA&amp;a=report',
    );
    expect(mail.text).toContain(url);
  });

  it('escapes a script in a unit name and in a reviewer comment in every HTML part', () => {
    const comment = `Thiếu văn bản ${SCRIPT} & "trích dẫn"`;
    const returned = returnedEmail(sender, {
      unit,
      period: q3,
      round: 1,
      comments: [
        {
          criterionId: '1.1',
          criterionName: `Ban hành kế hoạch ${SCRIPT}`,
          max: 150,
          selfScore: 150,
          appraisedScore: 100,
          comment,
        },
      ],
      generalComment: `Nhiều tiêu chí chưa có minh chứng ${SCRIPT}`,
      reportUrl: url,
      explainBy: q3.lateAppraisalUntil,
    });
    const mails = [
      invitationEmail(sender, { unit, period: q3, reportUrl: url, linkExpiresAt: q3.lateAppraisalUntil }),
      reviewRequestEmail(sender, {
        reviewer: { name: `Lê ${SCRIPT}` },
        unit,
        period: q3,
        round: 2,
        reviewUrl: url,
        respondBy: q3.reviewClosesAt,
      }),
      returned,
      approvedEmail(sender, {
        unit,
        period: q3,
        round: 1,
        appraisedTotal: 6850,
        appraisedMax: 7000,
        reportUrl: url,
      }),
      escalationEmail(sender, {
        admin: { name: 'Trần Quốc Huy' },
        unit,
        reviewer: { name: 'Lê Thị Mai', email: 'mailt.noivu@song-lam.example.org' },
        period: q3,
        round: 1,
        waitingSince: '2022-10-12T03:00:00.000Z',
        reviewClosesAt: q3.reviewClosesAt,
        lateAppraisalUntil: q3.lateAppraisalUntil,
        reminder: 1,
        reassignUrl: url,
        overdue: true,
      }),
      explanationReminderEmail(sender, {
        unit,
        period: q3,
        round: 1,
        returnedAt: '2022-10-13T02:00:00.000Z',
        reportUrl: url,
        explainBy: q3.lateAppraisalUntil,
        reminder: 1,
      }),
    ];
    for (const mail of mails) {
      expect(mail.html).not.toContain('<script');
      expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
    expect(returned.html).toContain(
      'Thiếu văn bản &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;trích dẫn&quot;',
    );
    // The plain text part carries the words as written (no HTML there).
    expect(returned.text).toContain(comment);
    // The general comment too, often the main reason for the return, escaped in the HTML part.
    expect(returned.text).toContain(
      `Nhận xét chung của người thẩm định:\n\nNhiều tiêu chí chưa có minh chứng ${SCRIPT}`,
    );
    expect(returned.html).toContain('Nhiều tiêu chí chưa có minh chứng &lt;script&gt;');
  });

  it('returned: each commented criterion with its name, maximum, self and appraised scores (decimal comma)', () => {
    const mail = returnedEmail(sender, {
      unit: { ...unit, name: 'Phòng Tư pháp' },
      period: q3,
      round: 1,
      comments: [
        {
          criterionId: '2.3',
          criterionName: 'Kiểm tra văn bản',
          max: 250,
          selfScore: 250,
          appraisedScore: 175,
          comment: 'Chưa có biên bản kiểm tra.',
        },
      ],
      reportUrl: url,
      explainBy: q3.lateAppraisalUntil,
    });
    expect(mail.text).toContain('2.3. Kiểm tra văn bản (tối đa 2,5)');
    // The criterion's own number leads its row: no row number before it to read as a second one.
    expect(mail.text).toContain('\n- 2.3. Kiểm tra văn bản');
    expect(mail.text).not.toMatch(/^1\.\n/m);
    expect(mail.text).toContain('Điểm tự chấm: 2,5');
    expect(mail.text).toContain('Điểm thẩm định: 1,75');
    expect(mail.text).toContain('Ý kiến: Chưa có biên bản kiểm tra.');
    expect(mail.html).toContain('<th scope="col"');
  });

  it('approved: the final appraised total; escalation: reviewer, waiting since and the late-appraisal deadline', () => {
    const approved = approvedEmail(sender, {
      unit,
      period: q3,
      round: 2,
      appraisedTotal: 6850,
      appraisedMax: 7000,
    });
    expect(approved.text).toContain('Tổng điểm thẩm định: 68,5 / 70 điểm');
    expect(approved.text).toContain('sau 2 vòng thẩm định');
    // With what the reviewer changed: the criterion, both scores and the reason, and the general comment.
    const adjusted = approvedEmail(sender, {
      unit,
      period: q3,
      round: 1,
      appraisedTotal: 6850,
      appraisedMax: 7000,
      comments: [
        {
          criterionId: '3.3.2',
          criterionName: 'Tỷ lệ hồ sơ đúng hạn',
          max: 250,
          selfScore: 250,
          appraisedScore: 100,
          comment: 'Chỉ đạt 80 %.',
        },
      ],
      generalComment: 'Báo cáo đầy đủ.',
    });
    expect(adjusted.text).toContain('Nhận xét chung của người thẩm định:\n\nBáo cáo đầy đủ.');
    expect(adjusted.text).toContain('\n- 3.3.2. Tỷ lệ hồ sơ đúng hạn (tối đa 2,5)');
    expect(adjusted.text).toContain('Điểm thẩm định: 1');
    expect(adjusted.text).toContain('Ý kiến: Chỉ đạt 80 %.');
    expect(approved.text).not.toContain('Tiêu chí có điểm thẩm định khác');
    const silent = {
      admin: { name: 'Trần Quốc Huy' },
      unit,
      reviewer: { name: 'Lê Thị Mai', email: 'mailt.noivu@song-lam.example.org' },
      period: q3,
      round: 1,
      waitingSince: '2022-10-12T03:00:00.000Z',
      reviewClosesAt: q3.reviewClosesAt,
      lateAppraisalUntil: q3.lateAppraisalUntil,
      reassignUrl: 'https://thidua.test/admin/periods/2022Q3/units/phong-tu-phap/reassign',
    };
    const escalation = escalationEmail(sender, { ...silent, reminder: 1, overdue: false });
    // Within the period's review time the admin is kept informed, not told it is overdue.
    expect(escalation.subject).toBe(
      `[Thi đua CCHC] Chưa có kết quả thẩm định: ${unit.name} – quý III năm 2022`,
    );
    expect(escalation.text).toMatch(/Thời gian thẩm định của kỳ còn đến \d\d:\d\d ngày \d\d\/\d\d\/2022/);
    const overdue = escalationEmail(sender, { ...silent, reminder: 3, overdue: true });
    expect(overdue.subject).toBe(`[Thi đua CCHC] Quá hạn thẩm định: ${unit.name} – quý III năm 2022 (lần 3)`);
    expect(overdue.text).toContain('thời gian thẩm định của kỳ đã kết thúc lúc');
    // The escalation leads to the page that hands the review to someone else.
    expect(escalation.text).toContain(
      'https://thidua.test/admin/periods/2022Q3/units/phong-tu-phap/reassign',
    );
    expect(escalation.text).toContain('Chờ từ: 10:00 ngày 12/10/2022');
    expect(escalation.text).toMatch(/Hạn cuối nhận thẩm định muộn: \d\d:\d\d ngày \d\d\/\d\d\/2022/);
    expect(escalation.text).toContain('Lê Thị Mai <mailt.noivu@song-lam.example.org>');
  });

  it('receipt: the version and time received, by when the review is due, the report link; an explanation is named as such', () => {
    const plain = { ...unit, name: 'Phòng Tư pháp' };
    const submitted = receiptEmail(sender, {
      unit: plain,
      period: q3,
      round: 1,
      version: 3,
      receivedAt: '2022-10-10T02:05:00.000Z',
      reviewBy: q3.reviewClosesAt,
      reportUrl: url,
    });
    expect(submitted.subject).toBe('[Thi đua CCHC] Đã nhận báo cáo quý III năm 2022 của Phòng Tư pháp');
    expect(submitted.text).toContain('Kính gửi đồng chí Trần Văn Nam, cán bộ đầu mối của Phòng Tư pháp,');
    expect(submitted.text).toContain('Phiên bản báo cáo: 3');
    expect(submitted.text).toContain('Thời điểm nộp: 09:05 ngày 10/10/2022');
    expect(submitted.text).not.toContain('nộp muộn');
    // Submitted after the deadline: the receipt says it is recorded as late.
    const late = receiptEmail(sender, {
      unit: plain,
      period: q3,
      round: 1,
      version: 3,
      receivedAt: '2022-10-12T02:05:00.000Z',
      reviewBy: q3.reviewClosesAt,
      lateAfter: q3.deadlineAt,
      reportUrl: url,
    });
    expect(late.text).toContain(
      'Thời điểm nộp: 09:05 ngày 12/10/2022 (nộp muộn: sau hạn nộp 17:00 ngày 11/10/2022)',
    );
    expect(submitted.text).toMatch(/Hạn thẩm định: \d\d:\d\d ngày \d\d\/\d\d\/2022/);
    expect(submitted.text).toContain(url);
    const explained = receiptEmail(sender, {
      unit,
      period: q3,
      round: 2,
      version: 5,
      receivedAt: '2022-10-20T09:00:00.000Z',
      reviewBy: q3.reviewClosesAt,
      reportUrl: url,
    });
    expect(explained.subject).toContain('Đã nhận giải trình báo cáo quý III năm 2022');
    expect(explained.subject).toMatch(/\(thẩm định vòng 2\)$/);
    expect(explained.text).toContain('Thời điểm gửi giải trình: 16:00 ngày 20/10/2022');
    expect(explained.html).not.toContain('<script');
  });

  it('results: a unit without a report reads "xếp cuối khối", never the rank it shares with every such unit', () => {
    // Nobody in the group reported: all twelve share rank 1 (rankGroup), which is not "1st".
    const none = resultsEmail(sender, {
      unit,
      period: q3,
      version: 1,
      status: 'not-submitted',
      total: 0,
      setMax: 10_000,
      percent: fraction(0),
      bandLabel: 'Yếu',
      rank: 1,
      rankedInGroup: 12,
      groupLabel: 'khối cơ quan',
      breakdown: null,
      change: null,
    });
    expect(none.text).toContain('- Xếp hạng trong khối cơ quan: Không nộp báo cáo – xếp cuối khối\n');
    expect(none.text).toContain('- Ghi chú: Không nộp báo cáo: 0 điểm cho kỳ báo cáo');
    expect(none.text).not.toContain('1/12');
    expect(none.text).toContain('no report, ranked last in its group');
    // The next period it reports and comes 2nd: its places against that shared rank do not compare.
    const next = resultsEmail(sender, {
      ...SECOND_AT_85,
      change: { previousLabel: 'quý II năm 2022', percentPoints: fraction(85), rankChange: null },
    });
    expect(next.text).toContain('- Xếp hạng trong khối cơ quan: 2/12\n');
    expect(next.text).toContain(
      '- So với quý II năm 2022: +85,00 điểm phần trăm; không so sánh được thứ hạng',
    );
    expect(next.text).not.toMatch(/giảm \d+ bậc/);
  });

  it('results: the appraised sum out of its 70 points, and rescaled to 100 as the total when there is no survey', () => {
    const surveyed = resultsEmail(sender, {
      ...SECOND_AT_85,
      breakdown: { ...SECOND_AT_85.breakdown, assessedMax: 7000 },
    });
    expect(surveyed.text).toContain('- Điểm thẩm định: 60/70 điểm\n');
    // 51 × 100 / 70 = 72,857… shown half-up, as the results' total (no bonus or penalty).
    const rescaled = resultsEmail(sender, {
      ...SECOND_AT_85,
      total: 7286,
      breakdown: { assessed: 5100, assessedMax: 7000, survey: null, rescaled: true, bonus: 0, penalty: 0 },
    });
    expect(rescaled.text).toContain('- Tổng điểm: 72,86 / 100 điểm');
    expect(rescaled.text).toContain(
      '- Điểm thẩm định: 51/70 → 72,86 trên thang 100 (không có kết quả khảo sát: quy đổi về thang điểm chung)',
    );
  });

  it('results: says until when the report link opens, and where the unit sees its results after that', () => {
    const mail = resultsEmail(sender, {
      ...SECOND_AT_85,
      reportUrl: url,
      reportUrlUntil: q3.lateAppraisalUntil,
      unitPagesUrl: 'https://thidua.test/u',
    });
    // 05/11/2022 17:00 in Vietnam: the end of the period's late appraisals.
    expect(mail.text).toContain(
      'Đường dẫn trên dùng được đến 17:00 ngày 05/11/2022; sau đó, xem lại kết quả và báo cáo các kỳ tại https://thidua.test/u (đăng nhập bằng email đầu mối của đơn vị).',
    );
    // Without a report link (not approved, or already expired), the unit pages all the same.
    const late = resultsEmail(sender, { ...SECOND_AT_85, version: 2, unitPagesUrl: 'https://thidua.test/u' });
    expect(late.text).not.toContain('Đường dẫn trên');
    expect(late.text).toContain('Đơn vị có thể xem lại kết quả và báo cáo các kỳ tại https://thidua.test/u');
  });

  it('names periods the Vietnamese way', () => {
    expect(periodName({ id: '2024Q1', frequency: 'quarterly', year: 2024 })).toBe('quý I năm 2024');
    expect(periodName({ id: '2024H2', frequency: 'half-yearly', year: 2024 })).toBe('6 tháng cuối năm 2024');
    expect(periodName({ id: '2024', frequency: 'yearly', year: 2024 })).toBe('năm 2024');
  });

  it('refuses a link that is not an http(s) URL', () => {
    expect(() =>
      invitationEmail(sender, {
        unit,
        period: q3,
        reportUrl: 'javascript:alert(1)',
        linkExpiresAt: q3.lateAppraisalUntil,
      }),
    ).toThrow(/http/);
  });
});

describe('the vote request', () => {
  const reasons = [
    'Xếp hạng 1/12 khối cơ quan năm 2023 (93,50 %), loại Xuất sắc.',
    'Căn cứ sáng kiến “Một cửa điện tử liên thông” đã được công nhận.',
  ];
  const mail = voteRequestEmail(sender, {
    member: { name: 'Lê Văn Hùng' },
    cycleLabel: 'năm 2023',
    cycleEn: '2023',
    candidates: [
      {
        name: 'Phòng Tư pháp',
        kindLabel: 'Tập thể',
        unitName: 'Phòng Tư pháp',
        formLabel: 'Giấy khen',
        reasons,
      },
    ],
    voteUrl: 'https://thidua.test/d?k=k1&id=AAAAAAAAAAAAAAAAAAAAAA&a=vote&e=1669800000&s=x',
    closesAt: '2023-12-20T10:00:00Z',
    rule: { N: 8, quorumRequired: 6, passRequired: 6, passPercent: 70 },
    ties: [],
  });

  it('gives each reason of a case its own line, never one run-on sentence', () => {
    expect(mail.html).toContain(
      `<li>${reasons[0]}</li><li>Căn cứ sáng kiến “Một cửa điện tử liên thông” đã được công nhận.</li>`,
    );
    expect(mail.text).toContain(
      `1. Phòng Tư pháp — Tập thể · Phòng Tư pháp · Giấy khen\n\n- ${reasons[0]}\n- ${reasons[1]}`,
    );
    expect(mail.text).not.toContain(`${reasons[0]} ${reasons[1]}`);
  });
});

describe('the commendation outcome', () => {
  const base = {
    cycleLabel: 'năm 2022',
    cycleEn: '2022',
    council: {
      N: 8,
      present: 0,
      quorumRequired: 6,
      quorumMet: false,
      passRequired: 6,
      outcome:
        'Không có trường hợp nào đủ điều kiện đưa ra Hội đồng biểu quyết: không có đề nghị khen thưởng.',
    },
    entries: [],
    awardedCount: 0,
    upwardCount: 0,
    ballotSize: 0,
  };

  it('to a leader, with nothing to vote on: no line about "the unit", nothing said to go to the chairman', () => {
    const mail = commendationOutcomeEmail(sender, { ...base, recipient: { name: 'Bùi Thị Hạnh' } });
    expect(mail.text).toContain('không có đề nghị khen thưởng');
    expect(mail.text).not.toContain('của đơn vị');
    expect(mail.text).not.toContain('Danh sách được thông qua');
  });

  it("to a unit without a case, says so; a passed list still goes to the chairman's decision", () => {
    const toUnit = commendationOutcomeEmail(sender, {
      ...base,
      recipient: { name: 'Trần Văn Nam' },
      unitName: 'Phòng Tư pháp',
    });
    expect(toUnit.text).toContain('Không có trường hợp nào của đơn vị trong danh sách biểu quyết.');
    const passed = commendationOutcomeEmail(sender, {
      ...base,
      recipient: { name: 'Bùi Thị Hạnh' },
      council: { ...base.council, present: 7, quorumMet: true, outcome: 'Đủ số thành viên tham gia.' },
      awardedCount: 2,
      ballotSize: 3,
    });
    expect(passed.text).toContain('Danh sách được thông qua sẽ được trình Chủ tịch UBND xem xét');
  });
});
