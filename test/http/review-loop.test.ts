/**
 * The pages inside the real `review` execution (ASL extracted from the demo stack, steps running
 * in-process): the unit submits on its page, the reviewer returns the report from the link in
 * the review-request email, the unit explains on its page, the reviewer approves the second
 * round from the new email. Every link comes from the mailbox, every action is an HTTP request.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatPoints, fractionToPoints, parsePoints } from '#domain/points';
import { scoreUnit } from '#domain/unit-score';
import { auditRowOf } from '#functions/http/admin-audit';
import { inviteUnit } from '#functions/period/invitation';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { log } from '#ports/log';
import { loadCampaign } from '#steps/campaign';
import { dateTime } from '#web/pages';
import { completeForm, formOf, type Harness, PERIOD_ID, postForm, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function linkIn(to: string, subjectPart: RegExp, path: '/r' | '/d'): Promise<string> {
  const mail = (await h.mails())
    .filter((m) => m.destination.to.includes(to) && subjectPart.test(m.subject))
    .at(-1);
  const pattern = path === '/r' ? /https?:\/\/[^\s"<>]+\/r\?[^\s"<>]+/ : /https?:\/\/[^\s"<>]+\/d\?[^\s"<>]+/;
  const url = pattern.exec(mail?.body.text ?? '')?.[0];
  if (!url) throw new Error(`no ${path} link mailed to ${to} (${subjectPart})`);
  return url;
}

/** A time a mail states on its `label` line ("17:00 ngày 21/10/2022"), as the pages write it ("17:00 21/10/2022"). */
async function mailedTime(to: string, subjectPart: RegExp, label: string): Promise<string> {
  const mail = (await h.mails())
    .filter((m) => m.destination.to.includes(to) && subjectPart.test(m.subject))
    .at(-1);
  const found = new RegExp(`${label}: (\\d{2}:\\d{2}) ngày (\\d{2}/\\d{2}/\\d{4})`).exec(
    mail?.body.text ?? '',
  );
  if (!found) throw new Error(`no "${label}" in the mail to ${to} (${subjectPart})`);
  return `${found[1]} ${found[2]}`;
}

/**
 * A reviewer's decision as a browser makes it: the form pressed (the confirmation page answers, and
 * nothing is recorded yet: the report is still in review), then the confirmation's own form.
 */
async function decide(url: string, form: URLSearchParams, unitId: string): Promise<Response> {
  const first = await postForm(url, form);
  expect(first.status).toBe(200);
  const confirmation = await first.text();
  expect(confirmation).toContain('Quyết định chưa được ghi nhận.');
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('in-review');
  return postForm(url, formOf(confirmation, { confirm: 'yes' }));
}

it('submit → return with comments → explain → approve, all through the pages and the mailed links', async () => {
  const unitId = 'phong-tu-phap';
  const focal = 'namtv.tuphap@song-lam.example.org';
  await inviteUnit(await loadCampaign(), unitId, PERIOD_ID, log);
  const reportUrl = await linkIn(focal, /./, '/r');

  expect((await postForm(reportUrl, completeForm(h, unitId, 0, 'submit'))).status).toBe(303);
  await h.rt.settle();
  // The submission is audited in the unit's name, with the version it sent.
  const [submitted, ...again] = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).filter(
    (x) => x.action === 'report.submitted',
  );
  expect(again).toEqual([]);
  expect(submitted).toMatchObject({ actor: { kind: 'unit', id: unitId }, detail: { version: 1 } });
  const assignment = await reviews().getAssignment(PERIOD_ID, unitId);
  const reviewer = h.config.reviewers.find((r) => r.id === assignment?.reviewerId);
  expect(reviewer).toBeDefined();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('in-review');

  // Round 1: the reviewer returns the report with a comment on 1.1.1.
  const review1 = await linkIn(reviewer?.email as string, /./, '/d');
  const page1 = await (await fetch(review1)).text();
  expect(page1).toContain('Vòng thẩm định: <strong>1</strong>');
  // The reviewer's own deadline, as the review-request mail gave it, not the unit's submission one.
  const reviewBy = await mailedTime(
    reviewer?.email as string,
    /Đề nghị thẩm định/,
    'Đề nghị hoàn thành trước',
  );
  expect(page1).toContain(`Hạn thẩm định: <strong>${reviewBy}</strong>`);
  expect(page1).not.toContain('Hạn nộp:');
  expect(page1).not.toContain('Đơn vị đã sửa sau vòng');
  const returnForm = formOf(page1, {
    decision: 'return',
    'score[1.1.1]': '0',
    'comment[1.1.1]': 'Chưa nêu số, ngày của kế hoạch.',
  });
  const returned = await decide(review1, returnForm, unitId);
  expect(returned.status).toBe(200);
  await h.rt.settle();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('returned');

  // The unit sees the comment beside the criterion on its page and explains.
  const unitPage = await (await fetch(reportUrl)).text();
  expect(unitPage).toContain('Chưa nêu số, ngày của kế hoạch.');
  // By when, as the return mail said: the page the unit works on says it too.
  const explainBy = await mailedTime(focal, /trả lại để giải trình/, 'Hạn gửi giải trình');
  expect(unitPage).toContain(`Hạn gửi giải trình: <strong>${explainBy}</strong>`);
  const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
  const explain = completeForm(h, unitId, version, 'explain');
  explain.set('response', 'Kế hoạch số 05/KH-TP ngày 10/01/2022 (bổ sung minh chứng ở tiêu chí 1.1.1).');
  explain.set('evidence[1.1.1][1][number]', '05/KH-TP');
  expect((await postForm(reportUrl, explain)).status).toBe(303);
  await h.rt.settle();

  // Round 2: a new review request with its own link; the page shows round 1 and the explanation.
  const review2 = await linkIn(reviewer?.email as string, /./, '/d');
  expect(review2).not.toBe(review1);
  const page2 = await (await fetch(review2)).text();
  expect(page2).toContain('Vòng thẩm định: <strong>2</strong>');
  // The version the explanation made, with when it came (not the first submission's time).
  const explained = await reports().get(unitId, PERIOD_ID);
  expect(page2).toContain(
    `Báo cáo phiên bản ${explained?.version}, gửi giải trình lúc ${dateTime(explained?.updatedAt)}`,
  );
  expect(page2).toContain('Kế hoạch số 05/KH-TP ngày 10/01/2022');
  expect(page2).toContain('Vòng trước: 0 điểm — Chưa nêu số, ngày của kế hoạch.');
  // What the unit changed since round 1 (the reference it added), listed and marked at the criterion.
  expect(page2).toContain('Đơn vị đã sửa sau vòng 1');
  expect(page2).toMatch(/<a href="#leaf-1\.1\.1">1\.1\.1\. [^<]+<\/a>: thêm 1 minh chứng<\/li>/);
  expect(page2).toContain('<a class="tag changed" href="#thay-doi">Đã sửa sau vòng 1: thêm 1 minh chứng</a>');
  // The round-1 link is spent: it shows its decision read-only.
  const spent = await fetch(review1);
  expect(spent.status).toBe(200);
  const spentPage = await spent.text();
  expect(spentPage).toContain('Đã có quyết định: Trả lại để giải trình');
  expect(spentPage).not.toContain('<form');

  const approveForm = formOf(page2, {
    decision: 'approve',
    'score[1.1.1]': '1',
    'comment[1.1.1]': 'Đã bổ sung.',
  });
  const approved = await decide(review2, approveForm, unitId);
  expect(approved.status).toBe(200);
  await h.rt.settle();
  const execution = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);
  expect(execution?.status).toBe('SUCCEEDED');
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('approved');

  // The audit trail gives each decision's round, the total the reviewer appraised (the sum of the
  // scores posted) and the report version it was made on; the explanation its version.
  const campaign = await loadCampaign();
  const rows = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).map((entry) =>
    auditRowOf(entry, campaign),
  );
  const detailOf = (action: string) => rows.find((r) => r.action === action)?.detail;
  // Out of the appraised areas' maximum, and rescaled to the set's scale as scoring counts a unit
  // without a survey result (the domain's own arithmetic, not the page's).
  const set = campaign.criteriaSet((await reports().get(unitId, PERIOD_ID))?.report.criteriaSetId ?? '');
  if (!set) throw new Error('no criteria set');
  const surveyMax = set.areas.find((area) => area.kind === 'survey')?.max ?? 0;
  const totalOf = (form: URLSearchParams) => {
    const appraised = Object.fromEntries(
      [...form]
        .filter(([name]) => name.startsWith('score['))
        .map(([name, value]) => [name.slice(6, -1), parsePoints(value)]),
    );
    const sum = Object.values(appraised).reduce((total, points) => total + points, 0);
    const raw = `${formatPoints(sum)}/${formatPoints(set.max - surveyMax)}`;
    const noCaps = { survey: null, bonus: 0, penalty: 0, bonusCap: 0, penaltyCap: 0 };
    const onScale = fractionToPoints(scoreUnit({ set, appraised, ...noCaps }).total);
    return `tổng điểm thẩm định ${raw} (chưa gồm điểm khảo sát, điểm thưởng, điểm trừ; nếu đơn vị không có kết quả khảo sát, quy đổi thành ${formatPoints(onScale, { fixed: true })} trên thang ${formatPoints(set.max)})`;
  };
  expect(detailOf('appraise.return')).toBe(`Vòng 1; ${totalOf(returnForm)}; báo cáo phiên bản 1`);
  expect(detailOf('explain.explained')).toBe(`Vòng 1; báo cáo phiên bản ${version + 1}`);
  expect(detailOf('appraise.approve')).toBe(
    `Vòng 2; ${totalOf(approveForm)}; báo cáo phiên bản ${version + 1}`,
  );

  // Nothing secret reached a log line during the whole loop.
  const tokens = (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).flatMap((a) =>
    a.taskToken ? [a.taskToken] : [],
  );
  const signatures = [reportUrl, review1, review2].map((u) => new URL(u).searchParams.get('s') as string);
  expect(tokens.length).toBeGreaterThanOrEqual(3);
  const text = h.output.join('');
  for (const secret of [...tokens, ...signatures]) expect(text).not.toContain(secret);
}, 60_000);
