/**
 * The unit's report page through real HTTP on the local system: what a unit sees and what is
 * stored when it saves, submits, makes mistakes or races a colleague.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteUnit } from '#functions/period/invitation';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { log } from '#ports/log';
import { replacePort } from '#ports/registry';
import { approvalUrl, currentKeyId } from '#ports/signing';
import { loadCampaign } from '#steps/campaign';
import { ROWS } from '#web/report-fields';
import { decideAppraisal } from '../helpers/ports.ts';
import {
  callbacksReceived,
  completeForm,
  completeReport,
  type Harness,
  linkParams,
  location,
  PERIOD_ID,
  postForm,
  reportLink,
  startHarness,
  unitActor,
  waitingTask,
  withParams,
} from './harness.ts';

let h: Harness;
const XSS = '<script>alert(1)</script>';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function stored(unitId: string) {
  return reports().get(unitId, PERIOD_ID);
}

describe('the invitation link opens the report page', () => {
  it('shows the criteria with their maxima, the self-check and nominations, with the security headers; HEAD is the same without a body', async () => {
    const unitId = 'phong-tu-phap';
    await inviteUnit(await loadCampaign(), unitId, PERIOD_ID, log);
    const invitation = (await h.mails()).find((m) =>
      m.destination.to.includes('namtv.tuphap@song-lam.example.org'),
    );
    const url = /https?:\/\/[^\s"<>]+\/r\?[^\s"<>]+/.exec(invitation?.body.text ?? '')?.[0];
    expect(url).toBeDefined();

    const res = await fetch(url as string);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Phòng Tư pháp');
    expect(page).toContain('1.1.1. Ban hành kế hoạch CCHC năm đúng thời hạn UBND huyện yêu cầu');
    expect(page).toContain('Tối đa 1 điểm');
    expect(page).toContain('Tiếp xúc lịch sự, vui vẻ, thân thiện, cởi mở');
    expect(page).toContain('Không nhận quà, tiền bôi trơn');
    // The messages named as the launch notice names them.
    expect(page).toContain('Thông điệp 05T – năm nội dung cần thực hiện');
    expect(page).toContain('Thông điệp 05K – năm điều không được làm');
    expect(page).toContain('Đề nghị khen thưởng cá nhân');
    expect(page).toContain('Lưu nháp');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain(
      `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ${h.rt.endpoints.s3}; form-action 'self'`,
    );

    const head = await fetch(url as string, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(head.headers.get('content-security-policy')).toBe(res.headers.get('content-security-policy'));
  });
});

describe('saving a draft', () => {
  const unitId = 'phong-tai-chinh-ke-hoach';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });

  it('stores the draft (version 1, then 2) and shows it again', async () => {
    const first = await postForm(url, {
      action: 'save',
      version: '0',
      'score[1.1.1]': '1',
      'explanation[1.1.1]': 'Kế hoạch ban hành ngày 05/01/2022',
      'evidence[1.1.1][0][number]': '12/KH-TCKH',
      'evidence[1.1.1][0][date]': '05/01/2022',
      'evidence[1.1.1][0][url]': 'https://vanban.example.org/12-kh',
    });
    expect(first.status).toBe(303);
    expect((await stored(unitId))?.version).toBe(1);

    const second = await postForm(url, {
      action: 'save',
      version: '1',
      'score[1.1.1]': '1',
      'score[1.1.2]': '0,5',
      'explanation[1.1.1]': 'Kế hoạch ban hành ngày 05/01/2022',
      'evidence[1.1.1][0][number]': '12/KH-TCKH',
      'evidence[1.1.1][0][date]': '2022-01-05',
    });
    expect(second.status).toBe(303);
    const after = await stored(unitId);
    expect(after?.version).toBe(2);
    expect(after?.status).toBe('draft');
    expect(after?.report.entries['1.1.2']?.selfScore).toBe(50);
    expect(after?.report.entries['1.1.1']?.evidence).toEqual([{ number: '12/KH-TCKH', date: '2022-01-05' }]);

    const page = await (await fetch(location(h, second))).text();
    expect(page).toContain('Đã lưu bản nháp (phiên bản 2)');
    expect(page).toContain('value="0,5"');
    expect(page).toContain('value="05/01/2022"');
  });

  it('refuses a save made from a stale page with 409 and keeps the other save', async () => {
    const before = await stored(unitId);
    const res = await postForm(url, { action: 'save', version: '1', 'score[1.1.1]': '0' });
    expect(res.status).toBe(409);
    const page = await res.text();
    expect(page).toContain('người khác lưu');
    expect(await stored(unitId)).toEqual(before);
  });

  it('refuses a form shown again (Back) and posted with other content: 409, not "saved", and the first save kept', async () => {
    const before = await stored(unitId);
    const version = String(before?.version ?? 0);
    const writeId = 'back-button-form-00001';
    const first = await postForm(url, { action: 'save', version, writeId, 'score[1.1.1]': '0,5' });
    expect(first.status).toBe(303);
    const saved = await stored(unitId);
    expect(saved?.version).toBe(Number(version) + 1);
    // The same page (same write id, same version) posted again with another score.
    const again = await postForm(url, { action: 'save', version, writeId, 'score[1.1.1]': '1' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('người khác lưu');
    expect(await stored(unitId)).toEqual(saved);
    // The very same request again (a retry after a lost answer) is still answered as the first.
    const retry = await postForm(url, { action: 'save', version, writeId, 'score[1.1.1]': '0,5' });
    expect(retry.status).toBe(303);
    expect(await stored(unitId)).toEqual(saved);
  });

  it('answers the same save again as the first even when it adds a nominee (stamped anew at each parse)', async () => {
    const before = await stored(unitId);
    const version = String(before?.version ?? 0);
    const fields = {
      action: 'save',
      version,
      writeId: 'retry-new-nominee-0001',
      'nomination[0][name]': 'Nguyễn Văn Bình',
      'nomination[0][achievements]': 'Số hóa hồ sơ một cửa',
    };
    const first = await postForm(url, fields);
    expect(first.status).toBe(303);
    const saved = await stored(unitId);
    expect(saved?.report.nominations?.map((n) => n.name)).toEqual(['Nguyễn Văn Bình']);
    // The answer was lost; the same request again (a retry, a resent autosave) a moment later.
    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 60_000));
    const again = await postForm(url, fields);
    expect(again.status).toBe(303);
    expect(await stored(unitId)).toEqual(saved);
  });

  it('refuses out-of-range, over-precise scores and bad links with 422 naming the criterion, storing nothing', async () => {
    const before = await stored(unitId);
    const revisions = (await reports().listRevisions(unitId, PERIOD_ID)).length;

    const tooHigh = await postForm(url, { action: 'save', version: '2', 'score[1.1.1]': '1,5' });
    expect(tooHigh.status).toBe(422);
    const tooHighPage = await tooHigh.text();
    expect(tooHighPage).toContain('tiêu chí 1.1.1');
    expect(tooHighPage).toContain('ngoài khoảng 0–1 điểm');
    expect(tooHighPage).toContain('value="1,5"'); // the input as typed
    expect(tooHighPage).toContain('aria-invalid="true"');

    const precise = await postForm(url, { action: 'save', version: '2', 'score[1.2.1]': '0,255' });
    expect(precise.status).toBe(422);
    const precisePage = await precise.text();
    expect(precisePage).toContain('Tiêu chí 1.2.1');
    expect(precisePage).toContain('quá hai chữ số thập phân');

    const badUrl = await postForm(url, {
      action: 'save',
      version: '2',
      'score[1.1.1]': '1',
      'evidence[1.1.1][0][url]': 'javascript:alert(1)',
      'evidence[1.1.1][1][date]': '31/02/2022',
    });
    expect(badUrl.status).toBe(422);
    const badUrlPage = await badUrl.text();
    expect(badUrlPage).toContain(
      'Tiêu chí 1.1.1, minh chứng 1: đường dẫn phải là địa chỉ web bắt đầu bằng http://',
    );
    expect(badUrlPage).toContain('Tiêu chí 1.1.1, minh chứng 2: ngày &quot;31/02/2022&quot; không hợp lệ');
    expect(badUrlPage).not.toContain('href="javascript:');

    expect(await stored(unitId)).toEqual(before);
    expect((await reports().listRevisions(unitId, PERIOD_ID)).length).toBe(revisions);
  });

  it('escapes a script typed into an explanation and an evidence title', async () => {
    const version = String((await stored(unitId))?.version);
    const res = await postForm(url, {
      action: 'save',
      version,
      'score[1.1.1]': '1',
      'explanation[1.1.1]': XSS,
      'evidence[1.1.1][0][title]': XSS,
      summary: `"><img src=x onerror=alert(1)>`,
    });
    expect(res.status).toBe(303);
    const page = await (await fetch(url)).text();
    expect(page).not.toContain(XSS);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('drops invisible control and bidi-override characters from what is typed, keeping line ends', async () => {
    const version = String((await stored(unitId))?.version);
    const res = await postForm(url, {
      action: 'save',
      version,
      'score[1.1.1]': '1',
      // NUL, backspace, a right-to-left override and a left-to-right isolate, around real text.
      'explanation[1.1.1]': 'Kế hoạch\u0000 số 12\b\u202Egnól\u2066\r\ndòng hai\tcột',
    });
    expect(res.status).toBe(303);
    const entry = (await stored(unitId))?.report.entries['1.1.1'];
    expect(entry?.explanation).toBe('Kế hoạch số 12gnól\ndòng hai\tcột');
  });

  it('refuses a post from another site or an opaque origin (403) and stores nothing', async () => {
    const before = await stored(unitId);
    const version = String(before?.version);
    const refused: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      // A sandboxed frame, a data: page or a page under no-referrer: it says nothing of its origin.
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { origin: h.base.replace('127.0.0.1', 'localhost') },
    ];
    for (const headers of refused) {
      const res = await postForm(url, { action: 'save', version, 'score[1.1.1]': '0' }, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('phải được gửi từ chính trang của hệ thống');
    }
    expect(await stored(unitId)).toEqual(before);
    // Our own page's post, as a browser sends it under Referrer-Policy: same-origin, is accepted.
    const own = await postForm(
      url,
      { action: 'save', version, 'score[1.1.1]': '0' },
      { origin: h.base, 'sec-fetch-site': 'same-origin' },
    );
    expect(own.status).toBe(303);
  });
});

describe('submitting', () => {
  const unitId = 'phong-kinh-te-ha-tang';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });

  it('refuses an incomplete report with 422 naming what is missing', async () => {
    const res = await postForm(url, { action: 'submit', version: '0', 'score[1.1.1]': '1' });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('Chưa tự chấm tiêu chí 1.1.2');
    expect(page).toContain('05T và 05K');
    expect(await stored(unitId)).toBeUndefined();
    // The "no evidence" warning follows what the page shows: on 1.1.1, scored without evidence,
    // and on no criterion left unscored beside its "Chưa tự chấm".
    const shownFlags = [
      ...page.matchAll(/id="leaf-([\d.]+)"[\s\S]*?<p class="flag"( data-flag)?( hidden)?>/g),
    ]
      .filter((m) => !m[3])
      .map((m) => m[1]);
    expect(shownFlags).toEqual(['1.1.1']);
  });

  it('stores a complete report as submitted, starts its review execution and shows it read-only', async () => {
    const res = await postForm(url, completeForm(h, unitId, 0, 'submit'));
    expect(res.status).toBe(303);
    const report = await stored(unitId);
    expect(report?.status).toBe('submitted');
    const name = `review-${unitId}-${PERIOD_ID}-1`;
    expect(h.rt.sfn.listExecutions().map((e) => e.name)).toContain(name);

    const page = await (await fetch(location(h, res))).text();
    expect(page).toContain('Đã nộp báo cáo');
    expect(page).not.toContain('name="action" value="save"');

    // A second submit (e.g. a retry) changes nothing and starts nothing new…
    const again = await postForm(url, completeForm(h, unitId, 1, 'submit'));
    expect(again.status).toBe(303);
    expect((await stored(unitId))?.version).toBe(report?.version);
    expect(h.rt.sfn.listExecutions().filter((e) => e.name === name)).toHaveLength(1);
    // …whether or not its review has moved it on meanwhile (the same answer, not a 409).
    await h.rt.settle();
    expect((await stored(unitId))?.status).toBe('in-review');
    const later = await postForm(url, completeForm(h, unitId, 1, 'submit'));
    expect(later.status).toBe(303);
    expect(await (await fetch(location(h, later))).text()).toContain('Đã nộp báo cáo');
    expect((await stored(unitId))?.version).toBe(report?.version);
    // Saving over a submitted report is refused.
    const save = await postForm(url, {
      action: 'save',
      version: String(report?.version),
      'score[1.1.1]': '0',
    });
    expect(save.status).toBe(409);
  });
});

describe('explaining a returned report', () => {
  const unitId = 'van-phong-hdnd-ubnd';

  it('shows the reviewer’s scores and comments beside each criterion, takes the explanation and delivers it', async () => {
    const system = { kind: 'system', id: 'test' } as const;
    const submitted = await reports().writeRevision(unitId, PERIOD_ID, {
      report: completeReport(h, unitId),
      expectedVersion: 0,
      actor: unitActor(unitId),
      kind: 'submit',
    });
    await reports().setStatus(unitId, PERIOD_ID, ['submitted'], 'in-review', system);
    const appraisal = completeReport(h, unitId).entries;
    await decideAppraisal(
      {
        unitId,
        periodId: PERIOD_ID,
        criteriaSetId: submitted.report.criteriaSetId,
        reviewerId: 'tran-quoc-huy',
        entries: Object.fromEntries(
          Object.entries(appraisal).map(([id, e]) => [
            id,
            id === '1.1.1'
              ? { score: 0, comment: `Thiếu số kế hoạch ${XSS}` }
              : { score: e.selfScore, comment: '' },
          ]),
        ),
      },
      1,
      'return',
      { reportVersion: submitted.version },
    );
    await reports().setStatus(unitId, PERIOD_ID, ['in-review'], 'returned', system);
    const { executionArn, taskToken } = await waitingTask(h, unitId);
    const { approval } = await reviews().createApproval({
      kind: 'explain',
      periodId: PERIOD_ID,
      unitId,
      round: 1,
      party: 'unit',
      subjectId: unitId,
      taskToken,
      expiresAt: h.period.lateAppraisalUntil,
      keyId: await currentKeyId(),
    });
    const url = await reportLink(h, unitId);

    const page = await (await fetch(url)).text();
    expect(page).toContain('Báo cáo được trả lại để giải trình');
    expect(page).toContain('Điểm thẩm định: 0</strong> / 1<br>Nhận xét: Thiếu số kế hoạch &lt;script&gt;');
    expect(page).toContain('Gửi giải trình');
    // Shorter on a phone: a criterion the reviewer left alone folds its evidence under its count;
    // 1.1.1, commented, is open.
    const fold = (html: string, id: string) =>
      /<details class="evidence-rows"[^>]*>/.exec(html.slice(html.indexOf(`id="leaf-${id}"`)))?.[0];
    expect(fold(page, '1.1.1')).toBe('<details class="evidence-rows" open>');
    expect(fold(page, '1.2.1')).toBe('<details class="evidence-rows">');
    // A draft saved since the return added a reference to 1.2.1: the page opens that fold (the
    // handler reads the report as the reviewer saw it), and only that one.
    const draft = completeForm(h, unitId, submitted.version, 'save');
    for (const name of [...draft.keys()].filter((k) => /\]\[0\]\[number\]$/.test(k)))
      draft.set(name.replace('[number]', '[issuer]'), 'UBND huyện');
    draft.set('evidence[1.2.1][1][number]', '07/KH-VP');
    expect((await postForm(url, draft)).status).toBe(303);
    const saved = await (await fetch(url)).text();
    expect(fold(saved, '1.2.1')).toBe('<details class="evidence-rows" open>');
    expect(fold(saved, '1.2.2')).toBe('<details class="evidence-rows">');

    const form = completeForm(h, unitId, submitted.version + 1, 'explain');
    const missing = await postForm(url, form);
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Hãy viết nội dung giải trình');
    expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('returned');

    form.set('response', 'Đã bổ sung Kế hoạch số 12/KH-VP ngày 05/01/2022.');
    form.set('evidence[1.1.1][1][number]', '12/KH-VP');
    const res = await postForm(url, form);
    expect(res.status).toBe(303);
    const after = await reports().get(unitId, PERIOD_ID);
    expect(after?.status).toBe('explained');
    expect(after?.report.response).toBe('Đã bổ sung Kế hoạch số 12/KH-VP ngày 05/01/2022.');
    expect(after?.report.entries['1.1.1']?.evidence.map((x) => x.number)).toContain('12/KH-VP');
    await h.rt.settle();
    const decided = await reviews().getApproval(approval.id);
    expect(decided?.status).toBe('delivered');
    expect(decided?.decision?.action).toBe('explained');
    if (!decided) throw new Error('no approval');
    expect(await reviews().getDecisionPayload(decided)).toEqual({
      explanation: 'Đã bổ sung Kế hoạch số 12/KH-VP ngày 05/01/2022.',
      reportVersion: after?.version,
    });
    expect(callbacksReceived(h, executionArn)).toBe(1);
    // The explanation says how long the reviewer's next wait lasts. This approval was armed
    // without a reminder interval (as one armed before the interval was recorded): the longest,
    // 7 days, the deadline being further away.
    expect(Date.parse(h.period.lateAppraisalUntil) - h.rt.clock.now().getTime()).toBeGreaterThan(
      7 * 86_400_000,
    );
    expect(JSON.parse(h.rt.sfn.describeExecution(executionArn).output ?? '{}')).toEqual({
      decision: 'explained',
      round: 1,
      waitSeconds: 7 * 86_400,
    });

    const shown = await (await fetch(location(h, res))).text();
    expect(shown).toContain('Đã gửi giải trình');
    expect(shown).not.toContain('name="action" value="explain"');
    // Explaining again is refused and sends nothing.
    expect((await postForm(url, form)).status).toBe(409);
    expect(callbacksReceived(h, executionArn)).toBe(1);
  });
});

describe('links that do not open', () => {
  it('refuses forged, tampered and unknown-key links with 403 and expired ones with 410', async () => {
    const url = await reportLink(h, 'phong-noi-vu');
    const s = linkParams(url).get('s') as string;
    const forged = withParams(url, { s: `${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}` });
    expect((await fetch(forged)).status).toBe(403);
    const id = linkParams(url).get('id') as string;
    const tampered = withParams(url, { id: `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}` });
    expect((await fetch(tampered)).status).toBe(403);
    expect((await fetch(withParams(url, { k: 'k9' }))).status).toBe(403);
    const longer = withParams(url, { e: String(Number(linkParams(url).get('e')) + 86_400) });
    const res = await fetch(longer);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Liên kết không hợp lệ');
    expect((await fetch(`${h.base}/r`)).status).toBe(403);
  });

  it("an expired report link says so and leads to the unit's own history", async () => {
    const unitId = 'phong-noi-vu';
    // A period no other test here uses: its grant made already past its time.
    const { approval } = await reviews().createApproval({
      kind: 'report',
      periodId: '2025Q4',
      unitId,
      round: 0,
      party: 'unit',
      subjectId: unitId,
      expiresAt: new Date(h.rt.clock.now().getTime() - 60_000).toISOString(),
      keyId: await currentKeyId(),
    });
    const res = await fetch(await approvalUrl(approval));
    expect(res.status).toBe(410);
    const page = await res.text();
    expect(page).toContain('Liên kết đã hết hạn');
    expect(page).toContain('<a href="/u">Xem lịch sử báo cáo và kết quả của đơn vị');
  });

  it('answers an unknown path with 404', async () => {
    expect((await fetch(`${h.base}/khong-co`)).status).toBe(404);
  });
});

describe('requests the pages do not take', () => {
  it('refuses a non-form body (415) and an oversized form (413); an unexpected failure is a 500 that reveals nothing', async () => {
    const url = await reportLink(h, 'phong-nong-nghiep-ptnt');
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"save"}',
    });
    expect(json.status).toBe(415);
    const huge = await postForm(url, { action: 'save', version: '0', summary: 'x'.repeat(600 * 1024) });
    expect(huge.status).toBe(413);
    // A field sent twice is refused by name, not read as its first value; the self-check's
    // checkbox groups are the report form's only repeated fields.
    for (const [name, values] of [
      ['score[1.1.1]', ['0,5', '7']],
      ['version', ['0', '99']],
      ['action', ['save', 'submit']],
    ] as const) {
      const twice = await postForm(url, { action: 'save', version: '0', [name]: [...values] });
      expect(twice.status).toBe(400);
      expect(await twice.text()).toContain(`Trường “${name}” được gửi nhiều lần`);
    }
    expect(await reports().get('phong-nong-nghiep-ptnt', PERIOD_ID)).toBeUndefined();
    const ticked = await postForm(url, {
      action: 'save',
      version: '0',
      selfcheck: '1',
      t05: ['0', '1'],
      k05: ['2', '3'],
    });
    expect(ticked.status).toBe(303);
    expect((await reports().get('phong-nong-nghiep-ptnt', PERIOD_ID))?.report.selfCheck?.t05).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);

    const broken = new Proxy(campaigns(), {
      get(target, name, receiver) {
        if (name === 'getHeader')
          return async () => Promise.reject(new Error('ket noi that bai: bang-thidua-bi-mat'));
        return Reflect.get(target, name, receiver);
      },
    });
    replacePort(campaigns, broken);
    try {
      const res = await fetch(url);
      expect(res.status).toBe(500);
      const page = await res.text();
      expect(page).toContain('Lỗi hệ thống');
      expect(page).not.toContain('bang-thidua-bi-mat');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    } finally {
      replacePort(campaigns, undefined);
    }
  });
});

describe('evidence rows added on the page', () => {
  const unitId = 'phong-y-te';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });
  const rows = (count: number) =>
    Object.fromEntries(
      Array.from({ length: count }, (_, i) => [`evidence[1.1.1][${i}][number]`, `${i + 1}/KH-YT`]),
    );

  it('stores rows numbered past the one blank row the page draws, and shows them with the next blank', async () => {
    const page = await (await fetch(url)).text();
    expect(page).toContain('name="evidence[1.1.1][0][number]" value=""');
    expect(page).not.toContain('name="evidence[1.1.1][1]');

    const saved = await postForm(url, { action: 'save', version: '0', 'score[1.1.1]': '1', ...rows(5) });
    expect(saved.status).toBe(303);
    expect((await stored(unitId))?.report.entries['1.1.1']?.evidence.map((x) => x.number)).toEqual([
      '1/KH-YT',
      '2/KH-YT',
      '3/KH-YT',
      '4/KH-YT',
      '5/KH-YT',
    ]);
    const again = await (await fetch(location(h, saved))).text();
    expect(again).toContain('name="evidence[1.1.1][4][number]" value="5/KH-YT"');
    expect(again).toContain('name="evidence[1.1.1][5][number]" value=""');
    expect(again).not.toContain('name="evidence[1.1.1][6]');
  });

  it('refuses a filled row past the maximum with 422 naming the criterion, storing nothing', async () => {
    const before = await stored(unitId);
    const revisions = (await reports().listRevisions(unitId, PERIOD_ID)).length;
    const res = await postForm(url, {
      action: 'save',
      version: String(before?.version),
      'score[1.1.1]': '1',
      ...rows(ROWS.evidenceMax + 1),
    });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain(
      'Tiêu chí 1.1.1: mỗi tiêu chí ghi được tối đa 10 dòng minh chứng; 1 dòng nhập thêm sau dòng thứ 10 chưa được lưu.',
    );
    expect(page).toContain('name="evidence[1.1.1][9][number]" value="10/KH-YT"');
    expect(await stored(unitId)).toEqual(before);
    expect((await reports().listRevisions(unitId, PERIOD_ID)).length).toBe(revisions);
  });
});

describe('logs', () => {
  it('never contain a link signature, a link, or report contents', async () => {
    const url = await reportLink(h, 'phong-tu-phap');
    const signature = linkParams(url).get('s') as string;
    const text = h.output.join('');
    expect(text).toContain('"handler":"report-page"'); // the request lines are there …
    expect(text).not.toContain(signature); // … without what they must not carry
    expect(text).not.toContain('/r?');
    expect(text).not.toContain('alert(1)');
    expect(text).not.toContain('Kế hoạch ban hành ngày 05/01/2022');
  });
});
