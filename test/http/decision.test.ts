/**
 * Decision links through real HTTP on the local system, with a real callback task waiting on the
 * local Step Functions engine (reached by the handler through the real SFNClient and the local
 * endpoint): what a scanner's GET, a double click, a forged or an old link do — and do not do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Appraisal } from '#domain/model';
import type { Callbacks } from '#ports/callbacks';
import { callbacks, SfnCallbacks } from '#ports/callbacks';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { replacePort } from '#ports/registry';
import type { Approval } from '#ports/reviews';
import {
  callbacksReceived,
  completeReport,
  formOf,
  type Harness,
  linkParams,
  PERIOD_ID,
  postForm,
  REMIND_EVERY_SECONDS,
  startHarness,
  waitingAppraisal,
  withParams,
} from './harness.ts';

let h: Harness;
const XSS = '<script>alert(1)</script>';
const secrets: string[] = [];

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

/**
 * An approving appraisal form: every leaf at the unit's own score, as the confirmation page sends it
 * (`confirm=yes`, the second press; 'the confirmation' below goes through that page).
 */
function approveForm(unitId: string, reportVersion: number, decision = 'approve'): URLSearchParams {
  const form = new URLSearchParams({ decision, confirm: 'yes', reportVersion: String(reportVersion) });
  for (const [id, entry] of Object.entries(completeReport(h, unitId).entries)) {
    form.set(`score[${id}]`, String(entry.selfScore / 100));
  }
  return form;
}

describe('the review page', () => {
  it('shows the report beside the criteria with escaped text, safe evidence links and missing-evidence flags; GET and HEAD change nothing', async () => {
    const unitId = 'phong-y-te';
    const report = completeReport(h, unitId);
    report.entries['1.1.1'] = {
      selfScore: 100,
      explanation: XSS,
      evidence: [{ title: XSS, url: 'https://vanban.example.org/kh-12' }],
    };
    report.entries['1.1.2'] = { selfScore: 100, explanation: 'Không có văn bản', evidence: [] };
    const { url, token } = await waitingAppraisal(h, unitId, { report });
    secrets.push(linkParams(url).get('s') as string, token);

    const before = await h.snapshot();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Thẩm định báo cáo');
    expect(page).toContain('Phòng Y tế');
    expect(page).not.toContain(XSS);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain(
      '<a href="https://vanban.example.org/kh-12" rel="noreferrer noopener" target="_blank">',
    );
    expect(page).toContain('⚠ Tự chấm điểm nhưng chưa có minh chứng');
    expect(page).toContain('Trả lại để giải trình');
    expect(page).toContain('Phê duyệt');
    // The running appraised total comes from the product's own script file, under a policy that
    // allows that file and no inline script.
    expect(page).toContain('<script type="module" src="/assets/review-form.js"></script>');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    const script = await fetch(new URL('/assets/review-form.js', url));
    expect(script.status).toBe(200);
    expect(await script.text()).toContain('appraisalTally');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (let i = 0; i < 3; i++) await fetch(url); // a mail scanner, a preview, a person
    expect(await h.snapshot()).toBe(before);
  });
});

describe('the confirmation', () => {
  it('the first press shows what will be recorded and writes nothing; "Quay lại sửa" keeps what was typed; the confirmation records exactly that', async () => {
    const unitId = 'phong-kinh-te-ha-tang';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const page = await (await fetch(url)).text();
    const before = await h.snapshot();

    // The reviewer lowers 1.1.1 with a comment that tries to break out, and presses Phê duyệt.
    const typed = formOf(page, { decision: 'approve', 'score[1.1.1]': '0,5' });
    typed.set('comment[1.1.1]', `Chỉ có dự thảo ${XSS}`);
    const first = await postForm(url, typed);
    expect(first.status).toBe(200);
    const confirmation = await first.text();
    expect(confirmation).toContain('<h1>Xác nhận phê duyệt</h1>');
    expect(confirmation).toContain('Quyết định chưa được ghi nhận.');
    const self = completeReport(h, unitId).entries['1.1.1']?.selfScore as number;
    expect(confirmation).toMatch(
      new RegExp(
        `<td><strong>1\\.1\\.1\\. [^<]+</strong></td><td class="num" data-label="Tự chấm">${(self / 100).toString().replace('.', ',')}</td><td class="num" data-label="Thẩm định"><strong>0,5</strong></td><td data-label="Nhận xét">Chỉ có dự thảo &lt;script&gt;`,
      ),
    );
    expect(confirmation).not.toContain(XSS);
    expect(confirmation).toContain('Tổng điểm thẩm định: <strong>');
    expect(await h.snapshot()).toBe(before);
    expect((await reviews().getApproval(approval.id))?.status).toBe('pending');
    expect(callbacksReceived(h, executionArn)).toBe(0);

    // Back to the form: what was typed is there, still nothing recorded.
    const back = await postForm(url, formOf(confirmation, { back: '1' }));
    expect(back.status).toBe(200);
    const again = await back.text();
    expect(again).toContain('Thẩm định báo cáo');
    expect(again).toMatch(/name="score\[1\.1\.1\]" value="0,5"/);
    expect(again).toContain('Chỉ có dự thảo &lt;script&gt;');
    expect(await h.snapshot()).toBe(before);

    // Confirmed: the decision recorded is the one the confirmation showed.
    const confirmed = await postForm(url, formOf(confirmation, { confirm: 'yes' }));
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Đã ghi nhận quyết định');
    await h.rt.settle();
    const stored = (await reviews().getApproval(approval.id)) as Approval;
    expect(stored.decision?.action).toBe('approve');
    const payload = await reviews().getDecisionPayload<{ appraisal: Appraisal }>(stored);
    expect(payload?.appraisal.entries['1.1.1']).toEqual({ score: 50, comment: `Chỉ có dự thảo ${XSS}` });
    expect(h.rt.sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });

  it('a return is confirmed too, showing the comments the unit will read', async () => {
    const unitId = 'phong-nong-nghiep-ptnt';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const page = await (await fetch(url)).text();
    const before = await h.snapshot();
    const first = await postForm(
      url,
      formOf(page, { decision: 'return', general: 'Bổ sung số, ngày của các văn bản minh chứng.' }),
    );
    expect(first.status).toBe(200);
    const confirmation = await first.text();
    expect(confirmation).toContain('<h1>Xác nhận trả lại để giải trình</h1>');
    expect(confirmation).toContain('Bổ sung số, ngày của các văn bản minh chứng.');
    expect(confirmation).toContain('Điểm thẩm định của mọi tiêu chí bằng điểm đơn vị tự chấm');
    expect(confirmation).toContain('>Xác nhận trả lại để giải trình</button>');
    expect(await h.snapshot()).toBe(before);

    const confirmed = await postForm(url, formOf(confirmation, { confirm: 'yes' }));
    expect(confirmed.status).toBe(200);
    await h.rt.settle();
    expect((await reviews().getApproval(approval.id))?.decision?.action).toBe('return');
    expect(JSON.parse(h.rt.sfn.describeExecution(executionArn).output ?? '{}')).toMatchObject({
      decision: 'return',
      round: 1,
    });
  });
});

describe('deciding', () => {
  it('two concurrent POSTs on one link: one decision, one SendTaskSuccess, the other 409', async () => {
    const unitId = 'phong-van-hoa-thong-tin';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;

    const [a, b] = await Promise.all([
      postForm(url, approveForm(unitId, version)),
      postForm(url, approveForm(unitId, version)),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [ok, lost] = a.status === 200 ? [a, b] : [b, a];
    const okPage = await ok.text();
    expect(okPage).toContain('Đã ghi nhận quyết định');
    // A confirmation carries no status code; a refusal names its code for whoever helps.
    expect(okPage).not.toContain('Mã lỗi');
    const lostPage = await lost.text();
    expect(lostPage).toContain('đã được ghi nhận trước đó');
    expect(lostPage).toContain('Mã lỗi: 409');
    // It leads to the decision as recorded (the link itself, read-only now), under the authority's name.
    expect(lostPage).toContain(
      `href="${new URL(url).pathname}?${new URL(url).search.slice(1).replaceAll('&', '&amp;')}"`,
    );
    expect(lostPage).toContain('Xem báo cáo và quyết định đã ghi nhận');
    expect(lostPage).toContain(h.config.district.authority);

    await h.rt.settle();
    const stored = await reviews().getApproval(approval.id);
    expect(stored?.status).toBe('delivered');
    expect(stored?.decision?.action).toBe('approve');
    expect(stored?.decidedBy?.kind).toBe('reviewer');
    expect(callbacksReceived(h, executionArn)).toBe(1);
    const execution = h.rt.sfn.describeExecution(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toEqual({
      decision: 'approve',
      round: 1,
      waitSeconds: REMIND_EVERY_SECONDS,
    });

    // A replay, later: 409, nothing changes, nothing is sent.
    const before = await h.snapshot();
    const replay = await postForm(url, approveForm(unitId, version));
    expect(replay.status).toBe(409);
    // Reopened, the link shows the report and the decision read-only, with nothing to click.
    const reopened = await fetch(url);
    expect(reopened.status).toBe(200);
    const readOnly = await reopened.text();
    expect(readOnly).toContain('Đã có quyết định: Phê duyệt');
    expect(readOnly).toContain('Phòng Văn hóa');
    expect(readOnly).toContain('Điểm thẩm định:');
    expect(readOnly).not.toContain('<form');
    expect(await h.snapshot()).toBe(before);
    expect(callbacksReceived(h, executionArn)).toBe(1);
  });

  it('the confirmation pressed twice at once (one write id): one decision, and both presses answered as recorded', async () => {
    const unitId = 'xa-binh-minh';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
    const form = approveForm(unitId, version);
    form.set('writeId', 'double-press-0000001');
    const [a, b] = await Promise.all([postForm(url, form), postForm(url, form)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const pages = [await a.text(), await b.text()];
    for (const page of pages) expect(page).toContain('Quyết định “Phê duyệt” đã được ghi nhận');
    expect(pages.filter((p) => p.includes('lần này không ghi nhận thêm gì'))).toHaveLength(1);
    await h.rt.settle();
    expect(callbacksReceived(h, executionArn)).toBe(1);
    expect((await reviews().getApproval(approval.id))?.decision?.writeId).toBe('double-press-0000001');
  });

  it('a return for explanation carries the scores and comments in the decision', async () => {
    const unitId = 'phong-giao-duc-dao-tao';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
    const form = approveForm(unitId, version, 'return');
    form.set('score[1.1.1]', '0');
    form.set('comment[1.1.1]', 'Chưa có số, ngày kế hoạch');

    const res = await postForm(url, form);
    expect(res.status).toBe(200);
    await h.rt.settle();
    const stored = await reviews().getApproval(approval.id);
    expect(stored?.decision?.action).toBe('return');
    if (!stored) throw new Error('no approval');
    // The appraisal is the decision's payload, selected by the hash its claim recorded.
    const payload = await reviews().getDecisionPayload<{
      appraisal: { entries: Record<string, { score: number; comment: string }> };
      reportVersion: number;
    }>(stored);
    expect(stored.decision?.payloadHash).toMatch(/^[0-9a-f]{64}$/);
    if (!payload) throw new Error('no payload');
    expect(payload.appraisal.entries['1.1.1']).toEqual({ score: 0, comment: 'Chưa có số, ngày kế hoạch' });
    expect(payload.reportVersion).toBe(version);
    // The return says how long the unit's explanation wait lasts: the review's reminder interval,
    // the deadline being further away (docs/review.md, "How long a wait lasts").
    expect(Date.parse(h.period.lateAppraisalUntil) - h.rt.clock.now().getTime()).toBeGreaterThan(
      REMIND_EVERY_SECONDS * 1000,
    );
    expect(JSON.parse(h.rt.sfn.describeExecution(executionArn).output ?? '{}')).toEqual({
      decision: 'return',
      round: 1,
      waitSeconds: REMIND_EVERY_SECONDS,
    });
  });

  it('refuses an out-of-range score, a changed score without comment, a return without any comment: 422, nothing recorded', async () => {
    const unitId = 'thanh-tra-huyen';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
    const before = await h.snapshot();

    const tooHigh = approveForm(unitId, version);
    tooHigh.set('score[1.1.1]', '3');
    tooHigh.set('score[1.2.1]', '0,125');
    const res = await postForm(url, tooHigh);
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('tiêu chí 1.1.1 là 3, ngoài khoảng 0–1 điểm');
    expect(page).toContain('Tiêu chí 1.2.1');
    expect(page).toContain('quá hai chữ số thập phân');
    expect(page).toContain('value="3"');
    // The form shown again keeps its running total: the same script, the same policy.
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page).toContain('<script type="module" src="/assets/review-form.js"></script>');

    const noComment = approveForm(unitId, version);
    noComment.set('score[1.1.1]', '0');
    const res2 = await postForm(url, noComment);
    expect(res2.status).toBe(422);
    expect(await res2.text()).toContain('cần ghi nhận xét');

    const bareReturn = await postForm(url, approveForm(unitId, version, 'return'));
    expect(bareReturn.status).toBe(422);

    // Two decisions in one form (a crafted request): neither is guessed at.
    const both = approveForm(unitId, version);
    both.append('decision', 'return');
    const res3 = await postForm(url, both);
    expect(res3.status).toBe(400);
    expect(await res3.text()).toContain('Trường “decision” được gửi nhiều lần');

    expect(await h.snapshot()).toBe(before);
    expect((await reviews().getApproval(approval.id))?.status).toBe('pending');
    expect(callbacksReceived(h, executionArn)).toBe(0);
  });

  it('keeps a decision whose delivery fails, says so, and leaves it to the sweep', async () => {
    const unitId = 'phong-tai-nguyen-moi-truong';
    const { url, approval, executionArn, token } = await waitingAppraisal(h, unitId);
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
    // A fault no emulator produces on demand: Step Functions unreachable for one call.
    const real = new SfnCallbacks();
    const flaky: Callbacks = {
      sendDecision: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error', code: 'ECONNREFUSED' });
      },
      sendFailure: (...args) => real.sendFailure(...args),
      startExecution: (...args) => real.startExecution(...args),
    };
    replacePort(callbacks, flaky);
    let res: Response;
    try {
      res = await postForm(url, approveForm(unitId, version));
    } finally {
      replacePort(callbacks, undefined);
    }
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('đã được ghi nhận');
    const stored = await reviews().getApproval(approval.id);
    expect(stored?.status).toBe('failed-delivery');
    expect((await reviews().listUndelivered()).map((a) => a.id)).toContain(approval.id);
    expect(callbacksReceived(h, executionArn)).toBe(0);
    // A second click does not decide again.
    expect((await postForm(url, approveForm(unitId, version))).status).toBe(409);
  });
});

describe('links that do not decide', () => {
  it('forged signature, tampered id, unknown key → 403; expired (on the clock) → 410; nothing read or changed', async () => {
    const unitId = 'phong-lao-dong-tbxh';
    const expiresAt = new Date(h.rt.clock.now().getTime() + 2 * 3_600_000).toISOString();
    const { url, approval, token } = await waitingAppraisal(h, unitId, { expiresAt });
    secrets.push(linkParams(url).get('s') as string, token);
    const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
    const before = await h.snapshot();

    const s = linkParams(url).get('s') as string;
    const forged = withParams(url, { s: `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}` });
    const id = linkParams(url).get('id') as string;
    const tampered = withParams(url, { id: `${id[0] === 'A' ? 'B' : 'A'}${id.slice(1)}` });
    const unknownKey = withParams(url, { k: 'rotated-out' });
    const otherKind = withParams(url, { a: 'vote' });
    // Every storage call the handler makes is counted: a bad link is refused before any.
    const calls: string[] = [];
    const counted = <T extends object>(port: T): T =>
      new Proxy(port, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            calls.push(String(name));
            return value.apply(target, args);
          };
        },
      });
    replacePort(reviews, counted(reviews()));
    replacePort(reports, counted(reports()));
    replacePort(campaigns, counted(campaigns()));
    try {
      for (const bad of [forged, tampered, unknownKey, otherKind]) {
        expect((await fetch(bad)).status).toBe(403);
        const post = await postForm(bad, approveForm(unitId, version));
        expect(post.status).toBe(403);
        expect(await post.text()).toContain('Liên kết không hợp lệ');
      }
      expect(calls).toEqual([]);
      expect((await fetch(url)).status).toBe(200);
      expect(calls).toContain('getApproval'); // the proxy does see the handler's reads
    } finally {
      replacePort(reviews, undefined);
      replacePort(reports, undefined);
      replacePort(campaigns, undefined);
    }
    expect(await h.snapshot()).toBe(before);

    await h.rt.advanceClock(new Date(Date.parse(expiresAt) + 60_000));
    const late = await fetch(url);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('Liên kết đã hết hạn');
    expect((await postForm(url, approveForm(unitId, version))).status).toBe(410);
    expect((await reviews().getApproval(approval.id))?.status).toBe('pending');
    // A tampered expired link is still 403: the signature is checked first.
    expect((await fetch(tampered)).status).toBe(403);
  });
});

describe('logs', () => {
  it('never contain a signature or a task token', () => {
    const text = h.output.join('');
    expect(text).toContain('"handler":"decision-page"');
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('/d?');
    expect(text).not.toContain('alert(1)');
  });
});
