/**
 * Every email of the product rendered once, for the checks every email must pass (layout, escaping,
 * dates, links, language). Each user string carries a script tag, so an unescaped one shows.
 */
import { periodsOf } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import { fraction } from '#domain/points';
import { signInEmail } from '#functions/http/admin';
import { commendationOutcomeEmail, initiativesDigestEmail, voteRequestEmail } from '#mail/commendation';
import { workflowFailedEmail } from '#mail/failure';
import { launchNoticeEmail } from '#mail/launch';
import { type Email, senderOf } from '#mail/letter';
import { invitationEmail, lateNoticeEmail, reminderEmail, reviewClosedEmail } from '#mail/period';
import {
  approvedEmail,
  escalationEmail,
  explanationReminderEmail,
  returnedEmail,
  reviewRequestEmail,
  unappraisedEmail,
  unappraisedUnitEmail,
} from '#mail/review';
import { resultsEmail, resultsSummaryEmail } from '#mail/scoring';

export const SCRIPT = '<script>alert("x")</script>';
export const ESCAPED_SCRIPT = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

const { config } = loadDistrict('districts/demo.yaml', { now: new Date('2022-10-01') });
export const sender = senderOf(config);
const periods = periodsOf(config);
const q3 = periods.find((p) => p.id === '2022Q3');
if (!q3) throw new Error('the demo calendar has no 2022Q3');
export const period = q3;

/** A signed link as long as a real one, with `&` to escape. */
export const LINK = `https://thidua.test/d?k=k1&id=${'A'.repeat(22)}&a=appraise&e=1669800000&s=${'x'.repeat(43)}`;
const unit = {
  id: 'phong-tu-phap',
  name: `Phòng Tư pháp ${SCRIPT}`,
  focalPoint: { name: `Trần Văn Nam ${SCRIPT}`, email: 'namtv.tuphap@song-lam.example.org' },
};
const person = { name: `Lê Thị Mai ${SCRIPT}`, email: 'mailt.noivu@song-lam.example.org' };
const at = '2022-10-12T03:00:00.000Z';
/** Every instant the emails below are given: a time they show must be one of these, on the district's clock. */
export const INSTANTS: readonly string[] = [
  at,
  ...periods.slice(0, 2).flatMap((x) => [x.opensAt, x.deadlineAt, x.reviewClosesAt, x.lateAppraisalUntil]),
];
const council = {
  N: 8,
  present: 5,
  quorumRequired: 6,
  quorumMet: false,
  passRequired: 6,
  outcome: `Không đủ ${SCRIPT}`,
};
const candidate = {
  name: `Nguyễn Văn An ${SCRIPT}`,
  kindLabel: 'Cá nhân',
  unitName: unit.name,
  formLabel: 'Giấy khen',
};

export function everyEmail(): Record<string, Email> {
  const p = period;
  return {
    launch: launchNoticeEmail(sender, {
      recipient: person,
      units: [unit],
      reviewer: true,
      campaign: {
        planNumber: '111/KH-UBND',
        planDate: '2022-08-02',
        title: `Phong trào thi đua ${SCRIPT}`,
        phaseStart: '2022-08-02',
        phaseEnd: '2025-12-31',
        content: `Mục đích ${SCRIPT}\n\nYêu cầu`,
      },
      frequency: 'quarterly',
      firstPeriods: periods.slice(0, 2),
      periodCount: periods.length,
    }),
    invitation: invitationEmail(sender, {
      unit,
      period: p,
      reportUrl: LINK,
      linkExpiresAt: p.lateAppraisalUntil,
    }),
    reminder: reminderEmail(sender, { unit, period: p, reportUrl: LINK, now: new Date(at), hasDraft: true }),
    late: lateNoticeEmail(sender, { unit, period: p, reportUrl: LINK, hasDraft: false }),
    reviewClosed: reviewClosedEmail(sender, {
      admin: person,
      period: p,
      unappraised: [{ name: unit.name, statusLabel: 'Đang thẩm định' }],
      counts: { approved: 20, unappraised: 1, notSubmitted: 6 },
      progressUrl: LINK,
    }),
    reviewRequest: reviewRequestEmail(sender, {
      reviewer: person,
      unit,
      period: p,
      round: 2,
      reviewUrl: LINK,
      respondBy: p.reviewClosesAt,
    }),
    returned: returnedEmail(sender, {
      unit,
      period: p,
      round: 1,
      comments: [
        {
          criterionId: '1.1',
          criterionName: `Ban hành kế hoạch ${SCRIPT}`,
          max: 150,
          selfScore: 150,
          appraisedScore: 100,
          comment: `Thiếu văn bản ${SCRIPT}`,
        },
      ],
      reportUrl: LINK,
      explainBy: p.lateAppraisalUntil,
    }),
    approved: approvedEmail(sender, {
      unit,
      period: p,
      round: 2,
      appraisedTotal: 6850,
      appraisedMax: 7000,
      selfTotal: 6900,
      reportUrl: LINK,
    }),
    escalation: escalationEmail(sender, {
      admin: person,
      unit,
      reviewer: person,
      period: p,
      round: 1,
      waitingSince: at,
      reviewClosesAt: p.reviewClosesAt,
      lateAppraisalUntil: p.lateAppraisalUntil,
      reminder: 2,
      reassignUrl: LINK,
      overdue: true,
    }),
    explanationReminder: explanationReminderEmail(sender, {
      unit,
      period: p,
      round: 1,
      returnedAt: at,
      reportUrl: LINK,
      explainBy: p.lateAppraisalUntil,
      reminder: 1,
    }),
    unappraised: unappraisedEmail(sender, {
      admin: person,
      unit,
      period: p,
      waitingFor: 'reviewer',
      reviewer: person,
      lateAppraisalUntil: p.lateAppraisalUntil,
    }),
    unappraisedUnit: unappraisedUnitEmail(sender, {
      unit,
      period: p,
      waitingFor: 'unit',
      lateAppraisalUntil: p.lateAppraisalUntil,
      historyUrl: LINK,
    }),
    results: resultsEmail(sender, {
      unit,
      period: p,
      version: 2,
      status: 'approved',
      total: 8999,
      setMax: 10_000,
      percent: fraction(8999, 100),
      bandLabel: 'Tốt',
      rank: 2,
      rankedInGroup: 14,
      groupLabel: 'khối cơ quan',
      breakdown: { assessed: 6000, survey: 2500, rescaled: false, bonus: 150, penalty: 50 },
      change: { previousLabel: 'quý II năm 2022', percentPoints: fraction(576, 100), rankChange: 3 },
      reportUrl: LINK,
    }),
    resultsDigest: resultsSummaryEmail(sender, {
      recipient: person,
      period: p,
      version: 2,
      changedUnits: [unit.name],
      groups: [
        {
          label: 'khối cơ quan',
          rows: [
            { rank: 1, name: unit.name, total: 9000, percent: fraction(90), bandLabel: 'Xuất sắc' },
            { rank: null, name: `Phòng Y tế ${SCRIPT}`, total: null, percent: null, bandLabel: null },
          ],
        },
      ],
      resultsUrl: LINK,
    }),
    voteRequest: voteRequestEmail(sender, {
      member: person,
      cycleLabel: 'năm 2023',
      cycleEn: '2023',
      candidates: [{ ...candidate, reasons: [`Hạng 1 ${SCRIPT}`, 'Có sáng kiến được công nhận'] }],
      voteUrl: LINK,
      closesAt: at,
      rule: { N: 8, quorumRequired: 6, passRequired: 6, passPercent: 70 },
      ties: [`Hòa điểm ${SCRIPT}`],
    }),
    outcome: commendationOutcomeEmail(sender, {
      recipient: person,
      unitName: unit.name,
      cycleLabel: 'năm 2023',
      cycleEn: '2023',
      council,
      entries: [
        {
          ...candidate,
          votes: { yes: 5, no: 1, abstain: 1, absent: 1 },
          statusLabel: 'Không được Hội đồng thông qua',
          note: `Không đủ phiếu ${SCRIPT}`,
        },
      ],
      awardedCount: 0,
      upwardCount: 0,
      ballotSize: 1,
    }),
    initiatives: initiativesDigestEmail(sender, {
      unit,
      cycleLabel: 'năm 2023',
      cycleEn: '2023',
      initiatives: [
        {
          title: `Một cửa số ${SCRIPT}`,
          unitName: unit.name,
          description: 'Tiếp nhận hồ sơ trực tuyến',
          periodLabel: 'quý I năm 2023',
        },
      ],
    }),
    // Written beside the sign-in page that sends it, on the same letter layout.
    signIn: signInEmail(sender, {
      role: 'admin',
      person: { id: 'tran-quoc-huy', ...person },
      url: LINK,
      expiresAt: at,
    }),
    leaderSignIn: signInEmail(sender, {
      role: 'leader',
      person: { id: 'nguyen-van-chu-tich', ...person },
      url: LINK,
      expiresAt: at,
    }),
    workflowFailed: workflowFailedEmail(sender, {
      admin: person,
      workflow: 'period',
      executionName: 'period-2022Q3-open',
      unit,
      period: p,
      error: 'States.TaskFailed',
      cause: `Lỗi ${SCRIPT}`,
      at,
    }),
  };
}
