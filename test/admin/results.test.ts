/**
 * The results pages and a unit's pages on the real emulators: the demo's 2024 stored, scored by
 * the ComputeResults step, read back through the pages a signed-in admin opens.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHundredths, percentHundredths } from '#functions/documents/format';
import { contextFromConfig, homeAffairsOffice } from '#functions/documents/types';
import { summaryXlsx } from '#functions/documents/xlsx';
import { latestPeriodResults } from '#functions/scoring/results';
import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { readAppraisals } from '../../cli/appraisals.ts';
import { htmlText, readDocx, unzip } from '../documents/read-back.ts';
import { formOf } from '../http/harness.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

/** Every sheet's cell values, row by row, leaving out the line with the file's production date. */
async function cellsOf(bytes: Buffer): Promise<Record<string, string[]>> {
  const wb = new ExcelJS.Workbook();
  // exceljs declares an ArrayBuffer; a fresh copy of the bytes is one.
  await wb.xlsx.load(new Uint8Array(bytes).buffer);
  const out: Record<string, string[]> = {};
  for (const ws of wb.worksheets) {
    const rows: string[] = [];
    ws.eachRow((row) => {
      const text = JSON.stringify(row.values);
      if (!text.includes('Lập ngày')) rows.push(text);
    });
    out[ws.name] = rows;
  }
  return out;
}

let a: AdminBed;

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

describe('results', { timeout: 60_000 }, () => {
  it('lists every period with its latest version, and the year', async () => {
    const res = await a.get('/admin/results');
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const p of a.periods) expect(page).toContain(`/admin/periods/${p.id}/results?version=1`);
    expect(page).toContain('/admin/years/2024/results');
  });

  it("shows a period's ranking per group with percentages, bands, and the charts as inline SVG", async () => {
    const stored = await latestPeriodResults('2024Q3');
    const first = stored?.units.find((u) => u.rank === 1 && u.group === 'commune');
    expect(first?.percent).toBeTruthy();
    const res = await a.get('/admin/periods/2024Q3/results');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Kết quả Quý III/2024');
    expect(page).toContain('Phiên bản 1');
    expect(page).toContain(first?.name);
    if (first?.percent) expect(page).toContain(`${formatHundredths(percentHundredths(first.percent))} %`);
    // Score distribution, band counts and the reform areas' averages, drawn on the server.
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(4);
    expect(page).not.toMatch(/<script/i);
    expect((await a.get('/admin/periods/2024Q3/results?version=7')).status).toBe(404);
    expect((await a.get('/admin/periods/2030Q1/results')).status).toBe(404);
  });

  it("shows the year's ranking and the phase's", async () => {
    const year = await a.get('/admin/years/2024/results');
    expect(year.status).toBe(200);
    expect(await year.text()).toContain('Kết quả năm 2024');
    expect((await a.get('/admin/years/1999/results')).status).toBe(404);
    // The phase needs every period's results: an admin page names, in words, those still missing.
    const phase = await a.get('/admin/phase/results');
    expect(phase.status).toBe(200);
    const text = htmlText(await phase.text());
    expect(text).toContain('Kết quả giai đoạn 2022-2025');
    expect(text).toContain('Chưa có kết quả của quý III năm 2022, quý IV năm 2022, quý I năm 2023');
    expect(text).toContain('Kết quả giai đoạn 2022-2025 được tổng hợp khi tất cả các kỳ trong giai đoạn');
    expect(text).toContain('Quý I/2025 (01/01/2025 – 31/03/2025): Chưa mở');
    expect(text).not.toMatch(/20\d\dQ\d|Mã lỗi/);
    // The downloads have nothing to give: 404 naming the periods in words too.
    const xlsx = await a.get('/admin/phase/summary.xlsx');
    expect(xlsx.status).toBe(404);
    expect(htmlText(await xlsx.text())).toContain('Chưa có kết quả của quý III năm 2022');
  });

  it('a year of the calendar without results yet: a page saying which periods are awaited, linked from the index', async () => {
    const index = htmlText(await (await a.get('/admin/results')).text());
    expect(index).toContain('Năm 2024 Giai đoạn 2022-2025 – chưa đủ kết quả để tổng hợp');
    const year = await a.get('/admin/years/2023/results');
    expect(year.status).toBe(200);
    const page = await year.text();
    expect(htmlText(page)).toContain(
      'Chưa có kết quả của quý I năm 2023, quý II năm 2023, quý III năm 2023, quý IV năm 2023. Kết quả năm 2023 được tổng hợp khi',
    );
    expect(page).toContain('href="/admin/periods/2023Q4"');
    expect(page).toContain('<nav class="admin-nav"');
  });

  it('needs the admin session', async () => {
    const res = await fetch(`${a.http.url}/admin/periods/2024Q3/results`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    // The sign-in form, which brings the admin back to this page.
    expect(res.headers.get('location')).toBe(
      `/admin?next=${encodeURIComponent('/admin/periods/2024Q3/results')}`,
    );
  });
});

describe("a unit's pages", { timeout: 60_000 }, () => {
  it('lists every period with its state and result, and opens one with the report beside the appraisal', async () => {
    const stored = await latestPeriodResults('2024Q3');
    const unit = stored?.units.find((u) => u.status === 'approved');
    if (!unit) throw new Error('no approved unit');
    const history = await a.get(`/admin/units/${unit.unitId}`);
    expect(history.status).toBe(200);
    const page = await history.text();
    expect(page).toContain(unit.name);
    for (const p of a.periods) expect(page).toContain(`/admin/units/${unit.unitId}/periods/${p.id}`);
    if (unit.percent) expect(page).toContain(`${formatHundredths(percentHundredths(unit.percent))} %`);

    const one = await a.get(`/admin/units/${unit.unitId}/periods/2024Q3`);
    expect(one.status).toBe(200);
    const detail = await one.text();
    expect(detail).toContain('Đã thực hiện.');
    expect(detail).toContain('Đã phê duyệt');
    // The rank over the group's ranked units, as the unit's own email and page give it: a unit
    // not yet appraised has no rank and does not count.
    const group = stored?.units.filter((u) => u.group === unit.group) ?? [];
    const ranked = group.filter((u) => u.rank !== null).length;
    expect(ranked).toBeLessThan(group.length);
    expect(htmlText(detail)).toContain(`Thứ hạng trong khối ${unit.rank}/${ranked}`);
    expect((await a.get('/admin/units/khong-co/periods/2024Q3')).status).toBe(404);
  });

  it('reads "Không nộp báo cáo" for a period a unit never reported, after close', async () => {
    const missed = await Promise.all(
      a.periods.map(async (p) =>
        (await latestPeriodResults(p.id))?.units.find((u) => u.status === 'not-submitted'),
      ),
    );
    const missing = missed.find((u) => u !== undefined);
    if (!missing) throw new Error('no unit without a report');
    const page = await (await a.get(`/admin/units/${missing.unitId}`)).text();
    expect(page).toMatch(/<span class="badge not-reported">Không nộp báo cáo<\/span>/);
    // The reminder's page for that period says the same, as the period's page does.
    const periodId = a.periods[missed.indexOf(missing)]?.id;
    const remind = htmlText(
      await (await a.get(`/admin/periods/${periodId}/units/${missing.unitId}/remind`)).text(),
    );
    expect(remind).toContain('Trạng thái Không nộp báo cáo');
    expect(remind).not.toContain('Đã mời, chưa lập báo cáo');
  });
});

describe('downloads', { timeout: 90_000 }, () => {
  it("gives the period's scoring summary as XLSX, cell for cell what `thidua score --out` writes offline", async () => {
    const res = await a.get('/admin/periods/2024Q3/summary.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="bang-tong-hop-diem-2024Q3-v1.xlsx"',
    );
    const downloaded = Buffer.from(await res.arrayBuffer());
    // The same file made offline from the appraisals the stored reports were seeded with.
    const file = readAppraisals('examples/appraisals-2024.yaml', {
      config: a.bed.config,
      criteriaSets: a.bed.criteriaSets,
    });
    const q3 = file.periods.find((p) => p.period.id === '2024Q3');
    const stored = await latestPeriodResults('2024Q3');
    if (!q3 || !stored) throw new Error('no 2024Q3');
    const offline = await summaryXlsx({
      context: contextFromConfig(a.bed.config, { producedAt: new Date() }),
      issuer: homeAffairsOffice(a.bed.config),
      period: q3.period,
      results: stored,
      setsByGroup: q3.setsByGroup,
      appraisals: q3.inputs,
      caps: a.bed.config.groups,
    });
    const cells = await cellsOf(downloaded);
    expect(Object.keys(cells)).toEqual(['Khối cơ quan', 'Khối xã, thị trấn']);
    expect(cells).toEqual(await cellsOf(offline));
  });

  it('gives the CSV as Excel in Vietnamese opens it, and the print HTML', async () => {
    const csv = Buffer.from(await (await a.get('/admin/periods/2024Q3/summary.csv')).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toMatch(/;\d+,\d\d;/);
    const html = await a.get('/admin/periods/2024Q3/summary.html');
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('BẢNG TỔNG HỢP ĐIỂM');
  });

  it("gives the results report as DOCX on A4 with the decree's margins, in Times New Roman", async () => {
    const res = await a.get('/admin/periods/2024Q3/report.docx');
    expect(res.status).toBe(200);
    const doc = readDocx(Buffer.from(await res.arrayBuffer()));
    const text = doc.paragraphs.map((p) => p.text).join('\n');
    expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(text).toContain('Nơi nhận:');
    expect(text).toContain(
      'Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính quý III năm 2024',
    );
    const tag = (name: string) => new RegExp(`<${name} [^>]*>`).exec(doc.xml)?.[0] ?? '';
    const twips = (name: string, a: string) => Number(new RegExp(`${a}="(\\d+)"`).exec(tag(name))?.[1]);
    expect([twips('w:pgSz', 'w:w'), twips('w:pgSz', 'w:h')]).toEqual([11906, 16838]);
    const mm = (t: number) => (t * 25.4) / 1440;
    expect(mm(twips('w:pgMar', 'w:left'))).toBeGreaterThanOrEqual(30);
    expect(mm(twips('w:pgMar', 'w:right'))).toBeLessThanOrEqual(20);
    expect(mm(twips('w:pgMar', 'w:top'))).toBeGreaterThanOrEqual(20);
    const fonts = new Set(
      doc.paragraphs
        .flatMap((p) => p.runs)
        .filter((r) => r.text.trim())
        .map((r) => r.font),
    );
    expect([...fonts]).toEqual(['Times New Roman']);
    expect(
      unzip(Buffer.from(await (await a.get('/admin/periods/2024Q3/report.docx')).arrayBuffer())).has(
        'word/document.xml',
      ),
    ).toBe(true);
  });

  it("gives the year's summary, and refuses a download without a session or of a version that does not exist", async () => {
    const year = await a.get('/admin/years/2024/summary.xlsx');
    expect(year.status).toBe(200);
    expect(Object.keys(await cellsOf(Buffer.from(await year.arrayBuffer())))).toEqual([
      'Khối cơ quan',
      'Khối xã, thị trấn',
    ]);
    const anonymous = await fetch(`${a.http.url}/admin/periods/2024Q3/summary.xlsx`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect((await a.get('/admin/periods/2024Q3/summary.xlsx?version=9')).status).toBe(404);
  });
});

describe('recompute', { timeout: 60_000 }, () => {
  it('starts the scoring execution named by the recorded adjustments, once for the same data, and audits it', async () => {
    const page = await (await a.get('/admin/periods/2024Q3/recompute')).text();
    expect(page).toContain('Tính lại kết quả');
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const first = await a.post('/admin/periods/2024Q3/recompute', { nonce });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/admin/periods/2024Q3/recompute?done=started');
    const started = a.bed.executions('scoring').filter((n) => n.startsWith('scoring-2024Q3-admin-'));
    expect(started).toHaveLength(1);
    // Pressed again with nothing new recorded: the same execution, nothing started.
    const again = await a.post('/admin/periods/2024Q3/recompute', { nonce: `${nonce}x` });
    expect(again.headers.get('location')).toBe('/admin/periods/2024Q3/recompute?done=unchanged');
    expect(a.bed.executions('scoring').filter((n) => n.startsWith('scoring-2024Q3-admin-'))).toEqual(started);
    const said = await (await a.get('/admin/periods/2024Q3/recompute?done=unchanged')).text();
    expect(said).toContain('kết quả không thay đổi');
    const entries = await audit().list('results/2024Q3');
    expect(entries.filter((e) => e.action === 'admin.recompute')).toHaveLength(1);
    // A POST from another site is refused before anything happens.
    const cross = await fetch(`${a.http.url}/admin/periods/2024Q3/recompute`, {
      method: 'POST',
      headers: {
        cookie: a.cookie,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `nonce=${nonce}`,
    });
    expect(cross.status).toBe(403);
  });
});

describe('survey, bonus and penalty through the form', { timeout: 60_000 }, () => {
  it('refuses a bad value naming it, previews the change, then records and audits it', async () => {
    const unit = a.bed.config.units.find((u) => u.group === 'commune');
    if (!unit) throw new Error('no commune');
    const form = await (await a.get('/admin/periods/2024Q3/adjustments')).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(form)?.[1] ?? '';
    expect(form).toContain(`name="survey[${unit.id}]"`);
    const before = await results().getAdjustments(unit.id, '2024Q3');

    const bad = await a.post('/admin/periods/2024Q3/adjustments', {
      nonce,
      step: 'preview',
      [`survey[${unit.id}]`]: '999',
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain(unit.name);
    expect(await results().getAdjustments(unit.id, '2024Q3')).toEqual(before);

    const fields = {
      nonce,
      // The stored version the page carries, as a browser sends it back.
      [`version[${unit.id}]`]:
        new RegExp(`name="version\\[${unit.id}\\]" value="(\\d+)"`).exec(form)?.[1] ?? '',
      [`survey[${unit.id}]`]: '7,5',
      [`bonus[${unit.id}]`]: '1',
      [`note[${unit.id}]`]: 'Báo cáo khảo sát 12/BC-UBND',
    };
    const preview = await a.post('/admin/periods/2024Q3/adjustments', { ...fields, step: 'preview' });
    expect(preview.status).toBe(200);
    const previewPage = await preview.text();
    expect(previewPage).toContain('Ghi nhận');
    // Each button names its step: the form sends one `step`, whichever is pressed.
    expect(previewPage).toContain('<button type="submit" name="step" value="confirm">Ghi nhận</button>');
    expect(previewPage).not.toContain('type="hidden" name="step"');
    expect(await results().getAdjustments(unit.id, '2024Q3')).toEqual(before);
    // Sửa lại: back to the form with the values typed, nothing stored.
    const edit = await a.post('/admin/periods/2024Q3/adjustments', { ...fields, step: 'edit' });
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain('value="7,5"');
    expect(await results().getAdjustments(unit.id, '2024Q3')).toEqual(before);

    const done = await a.post('/admin/periods/2024Q3/adjustments', { ...fields, step: 'confirm' });
    expect(done.status).toBe(303);
    const after = await results().getAdjustments(unit.id, '2024Q3');
    expect(after).toMatchObject({ survey: 750, bonus: 100, note: 'Báo cáo khảo sát 12/BC-UBND' });
    const recorded = await (await a.get(done.headers.get('location') ?? '')).text();
    expect(recorded).toContain('Đã ghi nhận');
    const entries = await audit().list(`adjustments/${unit.id}/2024Q3`);
    expect(entries.at(-1)?.actor).toMatchObject({ kind: 'admin' });
  });

  it('names a bonus or penalty above its cap by unit, value and cap before recording it as typed, as thidua record does', async () => {
    const unit = a.bed.config.units.find((u) => u.group === 'commune');
    if (!unit) throw new Error('no commune');
    const path = '/admin/periods/2024Q1/adjustments';
    const form = await (await a.get(path)).text();
    const fields = {
      nonce: /name="nonce" value="([^"]+)"/.exec(form)?.[1] ?? '',
      [`version[${unit.id}]`]:
        new RegExp(`name="version\\[${unit.id}\\]" value="(\\d+)"`).exec(form)?.[1] ?? '',
      [`survey[${unit.id}]`]: '20',
      [`bonus[${unit.id}]`]: '7,5',
      [`penalty[${unit.id}]`]: '1',
    };
    const before = await results().getAdjustments(unit.id, '2024Q1');
    // The words `thidua record` prints for the same value (one check, functions/scoring/adjustments.ts).
    const said = `${unit.name}: điểm thưởng 7,5 vượt mức tối đa 5 — ghi nhận 7,5 như đã nhập, khi tính điểm chỉ tính 5`;

    const preview = await a.post(path, { ...fields, step: 'preview' });
    expect(preview.status).toBe(200);
    const text = htmlText(await preview.text());
    expect(text).toContain('Vượt mức tối đa');
    expect(text).toContain(said);
    expect(text).toContain('thưởng 7,5 (vượt trần 5: tính 5)');
    // The penalty within its cap is not named.
    expect(text).not.toContain('điểm trừ 1 vượt');
    expect(await results().getAdjustments(unit.id, '2024Q1')).toEqual(before);

    // Pasted from a spreadsheet: the same preview says the same.
    const pasted = await a.post(path, {
      nonce: fields.nonce,
      step: 'paste',
      paste: `${unit.name}\t20\t7,5\t1`,
    });
    expect(pasted.status).toBe(200);
    expect(htmlText(await pasted.text())).toContain(said);
    expect(await results().getAdjustments(unit.id, '2024Q1')).toEqual(before);

    // Recorded as typed; scoring counts the cap (domain/unit-score.ts).
    const done = await a.post(path, { ...fields, step: 'confirm' });
    expect(done.status).toBe(303);
    expect(await results().getAdjustments(unit.id, '2024Q1')).toMatchObject({ bonus: 750, penalty: 100 });
  });

  it("refuses a second admin's stale form with 409, keeping what was stored and what the admin typed", async () => {
    const unit = a.bed.config.units.find((u) => u.group !== 'commune');
    if (!unit) throw new Error('no unit outside the communes');
    const path = '/admin/periods/2024Q2/adjustments';
    const opened = await (await a.get(path)).text();
    const formFields = (page: string, bonus: string) => ({
      nonce: /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '',
      [`bonus[${unit.id}]`]: bonus,
      [`version[${unit.id}]`]:
        new RegExp(`name="version\\[${unit.id}\\]" value="(\\d+)"`).exec(page)?.[1] ?? '',
      step: 'confirm',
    });
    // Both admins opened the form on the same stored version; the first records.
    const first = formFields(opened, '2');
    const second = formFields(opened, '3');
    const opened0 = Number(first[`version[${unit.id}]`]);
    expect(opened0).toBe((await results().getAdjustments(unit.id, '2024Q2'))?.version ?? 0);
    expect((await a.post(path, first)).status).toBe(303);
    const recorded = await results().getAdjustments(unit.id, '2024Q2');
    expect(recorded).toMatchObject({ bonus: 200, version: opened0 + 1 });

    const stale = await a.post(path, second);
    expect(stale.status).toBe(409);
    const page = await stale.text();
    expect(page).toContain('Số liệu đã được sửa ở nơi khác');
    expect(page).toContain(unit.name);
    expect(page).toContain('thưởng 2');
    // What the second admin typed is still in the form, now on the stored version.
    expect(page).toContain(`name="bonus[${unit.id}]" value="3"`);
    expect(page).toContain(`name="version[${unit.id}]" value="${opened0 + 1}"`);
    expect(await results().getAdjustments(unit.id, '2024Q2')).toEqual(recorded);

    // Sent again from that page, deliberately: recorded over the first admin's change.
    const again = { ...second, [`version[${unit.id}]`]: String(opened0 + 1) };
    expect((await a.post(path, again)).status).toBe(303);
    expect(await results().getAdjustments(unit.id, '2024Q2')).toMatchObject({
      bonus: 300,
      version: opened0 + 2,
    });
  });
});

describe('a province-size form: the search narrows it, a spreadsheet fills it', { timeout: 60_000 }, () => {
  const path = '/admin/periods/2024Q4/adjustments';
  const stored = async () =>
    Object.fromEntries((await results().listPeriodAdjustments('2024Q4')).map((x) => [x.unitId, x]));
  const shownRows = (page: string) => [...page.matchAll(/name="survey\[([^\]]+)\]"/g)].map((m) => m[1]);

  it('records the two units a search shows, and leaves every other unit, values and version, as stored', async () => {
    // Every unit has values first (an absent row read as "cleared" would show), through the whole form.
    const whole = await (await a.get(path)).text();
    const all: Record<string, string> = {};
    a.bed.config.units.forEach((u, i) => {
      all[`survey[${u.id}]`] = `2${i % 10},5`;
      all[`bonus[${u.id}]`] = String(i % 3);
      all[`note[${u.id}]`] = `Phiếu ${i}`;
    });
    expect((await a.post(path, Object.fromEntries(formOf(whole, { ...all, step: 'confirm' })))).status).toBe(
      303,
    );
    const before = await stored();
    expect(Object.keys(before)).toHaveLength(a.bed.config.units.length);

    // "thi tran", typed without accents, finds the two Thị trấn.
    const page = await (await a.get(`${path}?q=thi+tran`)).text();
    expect(shownRows(page)).toEqual(['thi-tran-song-lam', 'thi-tran-ben-dinh']);
    const changed = 'thi-tran-song-lam';
    const typed = formOf(page, { step: 'preview', [`survey[${changed}]`]: '29,75' });
    expect([...typed.keys()].filter((k) => k.startsWith('survey['))).toHaveLength(2);
    const preview = await a.post(path, Object.fromEntries(typed));
    expect(preview.status).toBe(200);
    const previewPage = await preview.text();
    expect(htmlText(previewPage)).toContain('Chưa ghi gì. 1 đơn vị sẽ thay đổi, 1 đơn vị không đổi.');
    expect(await stored()).toEqual(before);

    const done = await a.post(path, Object.fromEntries(formOf(previewPage, { step: 'confirm' })));
    expect(done.status).toBe(303);
    // Back on the same search after recording.
    expect(done.headers.get('location')).toBe(`${path}?q=thi+tran&recorded=1-1`);
    const after = await stored();
    expect(after[changed]).toMatchObject({ survey: 2975, version: (before[changed]?.version ?? 0) + 1 });
    for (const u of a.bed.config.units) if (u.id !== changed) expect(after[u.id], u.id).toEqual(before[u.id]);
    expect(htmlText(await (await a.get(done.headers.get('location') ?? '')).text())).toContain(
      '1 đơn vị thay đổi, 1 đơn vị không đổi.',
    );
  });

  it('refuses a paste with a bad line naming it, storing nothing; a good paste previews, then records', async () => {
    const page = await (await a.get(path)).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const before = await stored();
    const bad = await a.post(path, {
      nonce,
      step: 'paste',
      paste:
        'Đơn vị\tKhảo sát\tThưởng\tTrừ\nXã Thanh Sơn\t21\t0\t0\nXã Không Tồn Tại\t22\nxa hung loc\t8,755',
    });
    expect(bad.status).toBe(422);
    const badText = htmlText(await bad.text());
    expect(badText).toContain('Dòng 3: không có đơn vị “Xã Không Tồn Tại” trong phong trào');
    expect(badText).toContain('Dòng 4: Xã Hưng Lộc – khảo sát: "8,755" có quá hai chữ số thập phân');
    expect(await stored()).toEqual(before);

    const good = await a.post(path, {
      nonce,
      step: 'paste',
      paste: 'XÃ THANH SƠN\t21,25\t0,5\t0\tBáo cáo 7/BC-UBND\r\nxa-hung-loc\t\t1\t1,5\r\n',
    });
    expect(good.status).toBe(200);
    const previewPage = await good.text();
    expect(htmlText(previewPage)).toContain('Chưa ghi gì. 2 đơn vị sẽ thay đổi, 0 đơn vị không đổi.');
    expect(await stored()).toEqual(before);
    // Sửa lại: the pasted text back in its box, nothing stored.
    const edit = await a.post(path, Object.fromEntries(formOf(previewPage, { step: 'edit' })));
    expect(edit.status).toBe(200);
    expect(await edit.text()).toContain('>XÃ THANH SƠN\t21,25');
    expect(await stored()).toEqual(before);

    const done = await a.post(path, Object.fromEntries(formOf(previewPage, { step: 'confirm' })));
    expect(done.status).toBe(303);
    const after = await stored();
    expect(after['xa-thanh-son']).toMatchObject({
      survey: 2125,
      bonus: 50,
      penalty: 0,
      note: 'Báo cáo 7/BC-UBND',
    });
    expect(after['xa-hung-loc']).toMatchObject({ bonus: 100, penalty: 150 });
    expect(after['xa-hung-loc']?.survey ?? null).toBeNull();
    for (const u of a.bed.config.units)
      if (u.id !== 'xa-thanh-son' && u.id !== 'xa-hung-loc') expect(after[u.id], u.id).toEqual(before[u.id]);
    const entries = await audit().list('adjustments/xa-hung-loc/2024Q4');
    expect(entries.at(-1)?.actor).toMatchObject({ kind: 'admin' });
  });
});
