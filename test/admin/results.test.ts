/**
 * The results pages and a unit's pages on the real emulators: the demo's 2024 stored, scored by
 * the ComputeResults step, read back through the pages a signed-in admin opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHundredths, percentHundredths } from '#functions/documents/format';
import { latestPeriodResults } from '#functions/scoring/results';
import { type AdminBed, startAdminBed } from './bed.ts';

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
    // The phase needs every period's results: it names those still missing.
    const phase = await a.get('/admin/phase/results');
    expect(phase.status).toBe(404);
    expect(await phase.text()).toContain('Chưa có kết quả của kỳ 2022Q3');
  });

  it('needs the admin session', async () => {
    const res = await fetch(`${a.http.url}/admin/periods/2024Q3/results`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
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
  });
});
