/**
 * The guided report form served live through real HTTP on the local system: its own script and
 * style sheet, the policy that lets them run, the autosave's answers, the valid part of a refused
 * form saved on request, the late banner and the view of only the commented criteria.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { storePeriodResults } from '#functions/scoring/results';
import { reports } from '#ports/dynamo/reports';
import type { AutosaveAnswer } from '#web/report-save';
import { fullScores, officeSet, officeUnits } from '../web/fixtures.ts';
import { type Harness, leavesOf, PERIOD_ID, postForm, reportLink, setOf, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const JSON_ACCEPT = { accept: 'application/json' };

async function answerOf(res: Response): Promise<AutosaveAnswer> {
  // The script reads this shape (functions/web/report-save.ts); the test reads it the same way.
  return (await res.json()) as AutosaveAnswer;
}

describe('the form’s own files', () => {
  it('are served by the product with a policy that runs only them, revalidated by ETag', async () => {
    const page = await fetch(await reportLink(h, 'phong-tu-phap'));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/assets/report-form.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/assets/report-form.css">');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("form-action 'self'");

    const js = await fetch(`${h.base}/assets/report-form.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-cache');
    expect(await js.text()).toContain('export function parseHundredths');
    const etag = js.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    const again = await fetch(`${h.base}/assets/report-form.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const css = await fetch(`${h.base}/assets/report-form.css`, { method: 'HEAD' });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    expect((await fetch(`${h.base}/assets/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${h.base}/assets/evil.js`)).status).toBe(404);
  });
});

describe('autosave', () => {
  const unitId = 'phong-tai-chinh-ke-hoach';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });

  it('stores the valid part as a draft and answers JSON with the new version and what was left out', async () => {
    const res = await postForm(
      url,
      { action: 'save', autosave: '1', version: '0', 'score[1.1.1]': '1', 'score[1.1.2]': 'nhiều' },
      JSON_ACCEPT,
    );
    expect(res.status).toBe(200);
    const answer = await answerOf(res);
    expect(answer).toMatchObject({ status: 'saved-partly', version: 1 });
    expect(answer.message).toContain('phiên bản 1');
    expect(answer.problems?.map((p) => p.field)).toEqual(['score[1.1.2]']);
    const stored = await reports().get(unitId, PERIOD_ID);
    expect(stored?.version).toBe(1);
    expect(stored?.report.entries['1.1.1']?.selfScore).toBe(100);
    expect(stored?.report.entries['1.1.2']).toBeUndefined();
  });

  it('from a stale version stores nothing and answers “edited elsewhere” with the stored version', async () => {
    const before = await reports().get(unitId, PERIOD_ID);
    const res = await postForm(
      url,
      { action: 'save', autosave: '1', version: '0', 'score[1.1.1]': '0' },
      JSON_ACCEPT,
    );
    expect(res.status).toBe(409);
    const answer = await answerOf(res);
    expect(answer).toMatchObject({ status: 'conflict', version: before?.version });
    expect(answer.message).toContain('sửa ở nơi khác');
    expect(await reports().get(unitId, PERIOD_ID)).toEqual(before);
  });

  it('on a forged link answers JSON 403 and reads nothing', async () => {
    const forged = new URL(url);
    forged.searchParams.set('s', 'A'.repeat(43));
    const res = await postForm(
      forged.toString(),
      { action: 'save', autosave: '1', version: '1' },
      JSON_ACCEPT,
    );
    expect(res.status).toBe(403);
    expect((await answerOf(res)).status).toBe('refused');
  });
});

describe('a refused form', () => {
  const unitId = 'phong-noi-vu';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });

  it('offers to save its valid part, which then stores exactly that and keeps the typed form on the page', async () => {
    const typed = {
      version: '0',
      'score[1.1.1]': '1',
      'score[1.1.2]': '9,999',
      'explanation[1.1.1]': 'Kế hoạch số 3',
    };
    const refused = await postForm(url, { ...typed, action: 'submit' });
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain('value="save-valid"');
    expect(page).toContain('Lưu phần hợp lệ thành bản nháp');
    expect(await reports().get(unitId, PERIOD_ID)).toBeUndefined();

    const saved = await postForm(url, { ...typed, action: 'save-valid' });
    expect(saved.status).toBe(200);
    const after = await saved.text();
    expect(after).toContain('Đã lưu phần hợp lệ thành bản nháp (phiên bản 1)');
    expect(after).toContain('value="9,999"');
    expect(after).toContain('name="version" value="1"');
    const stored = await reports().get(unitId, PERIOD_ID);
    expect(stored?.status).toBe('draft');
    expect(stored?.report.entries['1.1.1']).toMatchObject({ selfScore: 100, explanation: 'Kế hoạch số 3' });
    expect(stored?.report.entries['1.1.2']).toBeUndefined();
  });
});

describe('a report too long to store', () => {
  const unitId = 'phong-y-te';
  let url: string;
  beforeAll(async () => {
    url = await reportLink(h, unitId);
  });

  /** Every criterion explained at nearly its own limit (5,000 characters): each field is fine, all together are not. */
  const typed = (extra: Record<string, string> = {}) => {
    const form = new URLSearchParams({ version: '0', ...extra });
    for (const leaf of leavesOf(setOf(h, unitId))) {
      form.set(`score[${leaf.id}]`, '0');
      form.set(`explanation[${leaf.id}]`, `${leaf.id} ${'x'.repeat(4990)}`);
    }
    return form;
  };

  it('keeps the form as typed, says how much is too much and marks the longest parts; nothing is stored', async () => {
    const form = typed({ action: 'save' });
    const res = await postForm(url, form);
    expect(res.status).toBe(413);
    const page = await res.text();
    expect(page).toMatch(/Báo cáo quá dài để lưu \(khoảng [\d.]+ KB, tối đa 350 KB\): chưa lưu gì/);
    // The person's text is still on the page, and the parts to shorten say so beside them.
    const first = leavesOf(setOf(h, unitId))[0]?.id ?? '';
    expect(page).toContain(`${first} ${'x'.repeat(4990)}</textarea>`);
    expect(page.split('Phần này dài 4.99').length - 1).toBeGreaterThanOrEqual(3);
    expect(await reports().get(unitId, PERIOD_ID)).toBeUndefined();
  });

  it('an autosave of it answers JSON the script stops on, not a page it would retry', async () => {
    const res = await postForm(url, typed({ action: 'save', autosave: '1' }), JSON_ACCEPT);
    expect(res.status).toBe(413);
    const answer = await answerOf(res);
    expect(answer.status).toBe('refused');
    expect(answer.message).toContain('Báo cáo quá dài để lưu');
    expect(await reports().get(unitId, PERIOD_ID)).toBeUndefined();
  });
});

describe('after the deadline', () => {
  it('the form says the report is late, and a save no longer says “nộp trước hạn”', async () => {
    const url = await reportLink(h, 'van-phong-hdnd-ubnd');
    h.rt.clock.set(new Date(Date.parse(h.period.deadlineAt) + 3_600_000));
    const page = await (await fetch(url)).text();
    expect(page).toContain('Báo cáo nộp muộn');
    const saved = await postForm(url, { action: 'save', version: '0', 'score[1.1.1]': '1' });
    expect(saved.status).toBe(303);
    const after = await (await fetch(new URL(saved.headers.get('location') ?? '', h.base))).text();
    expect(after).toContain('Đã lưu bản nháp (phiên bản 1)');
    expect(after).not.toContain('nộp trước hạn');
  });
});

describe('the results, once published', () => {
  const unitId = 'phong-tu-phap';
  const late = 'phong-y-te';
  /** Full marks everywhere; the survey orders the group, the unit second until the late approval. */
  function version(n: number, lateApproved: boolean) {
    const inputs: Record<string, UnitPeriodInput> = {};
    officeUnits.forEach((u, i) => {
      const survey = u.id === unitId ? 2800 : u.id === 'phong-noi-vu' ? 2900 : 1000 + i * 100;
      if (u.id !== late) inputs[u.id] = { status: 'approved', appraised: fullScores(), survey };
      else if (lateApproved) inputs[u.id] = { status: 'approved', appraised: fullScores(), survey: 2950 };
      else inputs[u.id] = { status: 'submitted-not-appraised' };
    });
    return computePeriodResults({
      periodId: PERIOD_ID,
      units: officeUnits,
      inputs,
      setsByGroup: { office: officeSet },
      version: n,
    });
  }

  it('show the unit its score, band, rank and the group’s spread; a later version says why it changed', async () => {
    const url = await reportLink(h, unitId);
    expect(await (await fetch(url)).text()).not.toContain('Xếp hạng trong khối cơ quan');

    const campaign = { criteriaSets: [] };
    await storePeriodResults(version(1, false), { changed: 'all', reason: { trigger: 'close' }, campaign });
    const first = await (await fetch(url)).text();
    expect(first).toContain('<dt>Xếp hạng trong khối cơ quan</dt><dd>2/11</dd>');
    expect(first).toContain('<dt>Xếp loại</dt><dd>Xuất sắc</dd>');
    expect(first).toContain('Chưa thẩm định');

    await storePeriodResults(version(2, true), {
      changed: [unitId, late],
      reason: { trigger: 'late', unitId: late, round: 1 },
      campaign,
    });
    const second = await (await fetch(url)).text();
    expect(second).toContain('<dt>Xếp hạng trong khối cơ quan</dt><dd>3/12</dd>');
    expect(second).toContain(
      'Tính lại vì báo cáo của Phòng Y tế được phê duyệt sau khi kết thúc thời gian thẩm định',
    );
    expect(second).toContain('xếp hạng 2/11 → 98,00 %, xếp hạng 3/12');
  });
});
