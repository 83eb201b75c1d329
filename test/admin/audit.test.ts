/**
 * The audit trail behind the admin sign-in, on the real emulators: an admin's action and the
 * workflow's entries listed per period, per unit and per unit-period, newest first, a page at a
 * time by the storage's cursor; the same entries as CSV; a forged cursor or an unknown scope
 * refused, nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '#domain/model';
import { formatPoints } from '#domain/points';
import { recordAdjustments, storedDistrict } from '#functions/scoring/record-adjustments';
import { latestPeriodResults } from '#functions/scoring/results';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { reviews } from '#ports/dynamo/reviews';
import { auditDecision } from '#steps/decisions';
import { auditSubmission } from '#steps/records';
import { parseCsv } from '../documents/read-back.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

let a: AdminBed;
const PERIOD = '2024Q2';
/** Entries appended for the paging test: more than two pages of 50. */
const MANY = 120;

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

/** The table rows of an audit page, as text. */
function rowsOf(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    (m[1] ?? '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

function olderHref(html: string): string | undefined {
  return /<a href="([^"]+)" rel="next">Cũ hơn<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

describe('audit trail', { timeout: 90_000 }, () => {
  it("lists an admin's action on the period's page, with who, how and from where", async () => {
    const page = await (await a.get('/admin/periods/2024Q3/recompute')).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
    expect((await a.post('/admin/periods/2024Q3/recompute', { nonce })).status).toBe(303);

    const res = await a.get('/admin/audit?period=2024Q3');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Nhật ký – Quý III/2024');
    const row = rowsOf(html).find((r) => r.includes('Tính lại kết quả'));
    expect(row).toBeDefined();
    expect(row).toContain('Quản trị');
    expect(row).toContain('Phiên đăng nhập');
    expect(row).toContain('scoring-2024Q3-admin-');
    // The period's page links here.
    expect(await (await a.get('/admin/periods/2024Q3')).text()).toContain(
      'href="/admin/audit?period=2024Q3"',
    );
  });

  it('pages a period newest first by cursor, each entry once, and gives every entry as CSV', async () => {
    const unit = a.bed.config.units[0];
    if (!unit) throw new Error('no unit');
    const base = Date.parse('2024-05-01T01:00:00Z');
    for (let i = 0; i < MANY; i++) {
      await audit().append({
        id: `remind-test-${i}`,
        subject: `report/${unit.id}/${PERIOD}`,
        periodId: PERIOD,
        at: new Date(base + i * 60_000).toISOString(),
        actor: { kind: 'admin', id: 'tran-quoc-huy', email: 'huy.tq@x.example', ip: '203.0.113.7' },
        action: 'admin.remind',
        detail: { to: `dau-moi-${i}@x.example` },
      });
    }
    const seen: string[] = [];
    let href: string | undefined = `/admin/audit?period=${PERIOD}`;
    let pages = 0;
    while (href) {
      const html = await (await a.get(href)).text();
      seen.push(...rowsOf(html).filter((r) => r.includes('Nhắc đơn vị')));
      href = olderHref(html);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(MANY);
    expect(new Set(seen).size).toBe(MANY);
    // Newest first: the last appended comes first, the first appended last.
    expect(seen[0]).toContain(`dau-moi-${MANY - 1}@`);
    expect(seen.at(-1)).toContain('dau-moi-0@');
    expect(seen[0]).toContain('IP 203.0.113.7');
    // 02:59 UTC is 09:59 in Hồ Chí Minh City.
    expect(seen[0]).toContain('09:59:00 01/05/2024');

    const csv = await a.get(`/admin/audit.csv?period=${PERIOD}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Thời điểm;Người thực hiện;Vai trò;Email;Cách thực hiện;Hành động;Đơn vị;Kỳ;Chi tiết;Địa chỉ IP',
    );
    const reminders = lines.filter((l) => l.includes('Nhắc đơn vị'));
    expect(reminders).toHaveLength(MANY);
    expect(reminders[0]).toBe(
      `09:59:00 01/05/2024;Trần Quốc Huy;Quản trị;huy.tq@x.example;Phiên đăng nhập;Nhắc đơn vị;${unit.name};Quý II/2024;Gửi tới dau-moi-${MANY - 1}@x.example;203.0.113.7`,
    );
  });

  it('lists the entries of one instant in the order they were written, whatever their subjects and ids', async () => {
    // The local clock stands still between two moves: a workflow's entries share one instant.
    const unit = a.bed.config.units[2];
    if (!unit) throw new Error('no unit');
    const at = '2024-11-01T02:00:00.000Z';
    const written = [
      { id: 'z-first', subject: `report/${unit.id}/2024Q4`, action: 'appraise.decided' },
      { id: 'y-second', subject: `report/${unit.id}/2024Q4`, action: 'report.approved' },
      { id: 'a-third', subject: `adjustments/${unit.id}/2024Q4`, action: 'admin.remind' },
    ];
    for (const w of written) {
      await audit().append({ ...w, periodId: '2024Q4', at, actor: { kind: 'system', id: 'test' } });
    }
    const page = await audit().listPage({ periodId: '2024Q4' }, { limit: 200 });
    expect(page.entries.filter((x) => x.at === at).map((x) => x.id)).toEqual([
      'a-third',
      'y-second',
      'z-first',
    ]);
    const ofUnit = await audit().listPage({ unitId: unit.id, periodId: '2024Q4' }, { limit: 200 });
    expect(ofUnit.entries.filter((x) => x.at === at).map((x) => x.id)).toEqual([
      'a-third',
      'y-second',
      'z-first',
    ]);
    const ours = new Set(written.map((w) => w.id));
    const ofSubject = await audit().list(`report/${unit.id}/2024Q4`);
    expect(ofSubject.map((x) => x.id).filter((id) => ours.has(id))).toEqual(['z-first', 'y-second']);
  });

  it('names a submission as the unit made it: by its report link, with the version it sent', async () => {
    const unit = a.bed.config.units[3];
    if (!unit) throw new Error('no unit');
    await auditSubmission({
      unitId: unit.id,
      periodId: '2024Q1',
      version: 7,
      status: 'submitted',
      // The entry names the version; the content is the revision's, not read here.
      report: {} as Report,
      updatedAt: '2024-04-08T03:00:00.000Z',
      submittedAt: '2024-04-08T03:00:00.000Z',
      statusChangedAt: '2024-04-08T03:00:00.000Z',
      updatedBy: { kind: 'unit', id: unit.id, email: unit.focalPoint.email, ip: '198.51.100.4' },
    });
    const csv = await (await a.get(`/admin/audit.csv?unit=${unit.id}&period=2024Q1`)).text();
    const line = csv.split('\r\n').find((l) => l.includes('Nộp báo cáo'));
    expect(line).toBe(
      `10:00:00 08/04/2024;${unit.name};Đơn vị;${unit.focalPoint.email};Qua liên kết báo cáo trong email;Nộp báo cáo;${unit.name};Quý I/2024;Phiên bản 7;198.51.100.4`,
    );
  });

  it('says a first publication is the first, not "0 đơn vị thay đổi"; a later one counts its changes', async () => {
    const actor = { kind: 'system' as const, id: 'notify-leadership' };
    for (const [version, changed] of [
      [1, 0],
      [2, 3],
    ] as const) {
      await audit().append({
        id: `announced-v${version}`,
        subject: 'results/2024Q2',
        periodId: '2024Q2',
        at: `2024-07-2${version}T03:00:00.000Z`,
        actor,
        action: 'results.announced',
        detail: { version, changed },
      });
    }
    const csv = await (await a.get('/admin/audit.csv?period=2024Q2')).text();
    const details = csv
      .split('\r\n')
      .filter((l) => l.includes('Phiên bản 1,') || l.includes('Phiên bản 2,'))
      .map((l) => l.split(';')[8]);
    expect(details).toEqual(['Phiên bản 2, 3 đơn vị thay đổi', 'Phiên bản 1, công bố lần đầu']);
  });

  it("gives an appraisal's total out of its maximum, beside the rescaled total the results page shows", async () => {
    // A unit of 2024Q4 without a survey result, bonus or penalty: its total on the results page is
    // its appraised sum rescaled to the set's 100 points (DOMAIN.md, "Arithmetic").
    const line = (await latestPeriodResults('2024Q4'))?.units.find(
      (u) => u.breakdown?.rescaled && u.breakdown.bonusCounted === 0 && u.breakdown.penaltyCounted === 0,
    );
    if (!line?.breakdown) throw new Error('no unit of 2024Q4 rescaled without bonus or penalty');
    // The entry the review's steps write for the approval that made the report final, from its payload.
    const approvalId = (await reports().getProgress(line.unitId, '2024Q4'))?.finalApprovalId ?? '';
    const approval = await reviews().getApproval(approvalId);
    if (!approval) throw new Error(`no final approval of ${line.unitId}`);
    await auditDecision(approval);

    const results = await (await a.get('/admin/periods/2024Q4/results')).text();
    const shown = new RegExp(`>${line.name}</a></th><td class="num">(\\d+,\\d\\d)</td>`).exec(results)?.[1];
    expect(shown).toBeDefined();
    const raw = `${formatPoints(line.breakdown.assessed)}/70`;
    const detail = `tổng điểm thẩm định ${raw} (chưa gồm điểm khảo sát, điểm thưởng, điểm trừ; nếu đơn vị không có kết quả khảo sát, quy đổi thành ${shown} trên thang 100)`;
    const page = await (await a.get(`/admin/audit?unit=${line.unitId}&period=2024Q4`)).text();
    const row = rowsOf(page).find((r) => r.includes('Phê duyệt báo cáo'));
    expect(row).toContain(`Vòng 1; ${detail}; báo cáo phiên bản 1`);
    // The CSV's detail column reads the same; its columns are those it always had.
    const csv = (await (await a.get(`/admin/audit.csv?unit=${line.unitId}&period=2024Q4`)).text()).split(
      '\r\n',
    );
    expect(csv[0]?.split(';')).toHaveLength(10);
    expect(csv.find((l) => l.includes('Phê duyệt báo cáo'))).toContain(
      `"Vòng 1; ${detail}; báo cáo phiên bản 1"`,
    );
  });

  it('says what a recorded adjustment changed, from `thidua record` and from the form alike', async () => {
    // A unit of 2024Q1 with nothing recorded yet: its first record sets every value.
    let unit: (typeof a.bed.config.units)[number] | undefined;
    for (const u of a.bed.config.units) {
      if (!(await results().getAdjustments(u.id, '2024Q1'))) {
        unit = u;
        break;
      }
    }
    if (!unit) throw new Error('every unit of 2024Q1 has adjustments');
    const district = await storedDistrict();
    if (!district) throw new Error('no campaign stored');
    const note = 'Xã chưa tổ chức khảo sát trong kỳ';
    // `thidua record` (cli/record.ts stores through the same function as the form).
    await recordAdjustments(
      district,
      {
        file: 'adjustments-2024Q1.yaml',
        text: `periods:\n  "2024Q1":\n    ${unit.id}:\n      survey: null\n      note: ${note}\n`,
      },
      { kind: 'admin', id: 'cli:huy' },
    );
    // Then the admin's form: the survey result arrives, with a bonus and a penalty; the note stays.
    const path = '/admin/periods/2024Q1/adjustments';
    const form = await (await a.get(path)).text();
    const fields = {
      nonce: /name="nonce" value="([^"]+)"/.exec(form)?.[1] ?? '',
      [`version[${unit.id}]`]:
        new RegExp(`name="version\\[${unit.id}\\]" value="(\\d+)"`).exec(form)?.[1] ?? '',
      [`survey[${unit.id}]`]: '25,5',
      [`bonus[${unit.id}]`]: '2',
      [`penalty[${unit.id}]`]: '0,5',
      [`note[${unit.id}]`]: note,
    };
    expect((await a.post(path, { ...fields, step: 'preview' })).status).toBe(200);
    expect((await a.post(path, { ...fields, step: 'confirm' })).status).toBe(303);

    const first = `Phiên bản 1: khảo sát (không có); thưởng 0; trừ 0; nguồn số liệu “${note}”`;
    const second = 'Phiên bản 2: khảo sát (không có) → 25,5; thưởng 0 → 2; trừ 0 → 0,5';
    const rows = rowsOf(await (await a.get(`/admin/audit?unit=${unit.id}&period=2024Q1`)).text()).filter(
      (r) => r.includes('Ghi nhận khảo sát, điểm thưởng, điểm trừ'),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Phiên đăng nhập');
    expect(rows[0]).toContain(second);
    expect(rows[0]).not.toContain('nguồn số liệu');
    expect(rows[1]).toContain('Dòng lệnh (huy)');
    expect(rows[1]).toContain(first);
    const csv = parseCsv(await (await a.get(`/admin/audit.csv?unit=${unit.id}&period=2024Q1`)).text())
      .filter((r) => r[5] === 'Ghi nhận khảo sát, điểm thưởng, điểm trừ')
      .map((r) => r[8]);
    expect(csv).toEqual([second, first]);
  });

  it("lists a unit's entries across periods, and one unit-period's", async () => {
    const unit = a.bed.config.units[1];
    if (!unit) throw new Error('no unit');
    for (const periodId of ['2024Q1', '2024Q3']) {
      await audit().append({
        id: `remind-unit-${periodId}`,
        subject: `report/${unit.id}/${periodId}`,
        periodId,
        actor: { kind: 'admin', id: 'tran-quoc-huy' },
        action: 'admin.remind',
        detail: { to: `${periodId}@x.example` },
      });
    }
    const all = rowsOf(await (await a.get(`/admin/audit?unit=${unit.id}`)).text()).filter((r) =>
      r.includes('Nhắc đơn vị'),
    );
    expect(all.map((r) => /(2024Q\d)@/.exec(r)?.[1]).sort()).toEqual(['2024Q1', '2024Q3']);
    const one = rowsOf(await (await a.get(`/admin/audit?unit=${unit.id}&period=2024Q1`)).text()).filter((r) =>
      r.includes('Nhắc đơn vị'),
    );
    expect(one).toHaveLength(1);
    expect(one[0]).toContain('2024Q1@x.example');
    expect(await (await a.get(`/admin/units/${unit.id}`)).text()).toContain(
      `href="/admin/audit?unit=${unit.id}"`,
    );
  });

  it('refuses a forged cursor, an unknown period or unit, and a visitor without a session', async () => {
    const forged = Buffer.from(JSON.stringify(['SESSION#x', 'SESSION', 'x'])).toString('base64url');
    const bad = await a.get(`/admin/audit?period=${PERIOD}&after=${forged}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Trang nhật ký không hợp lệ');
    expect((await a.get(`/admin/audit?period=${PERIOD}&after=%%%`)).status).toBe(400);
    expect((await a.get('/admin/audit?period=2099Q1')).status).toBe(404);
    expect((await a.get('/admin/audit?unit=khong-co')).status).toBe(404);
    const anonymous = await fetch(`${a.http.url}/admin/audit.csv?period=${PERIOD}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(
      `/admin?next=${encodeURIComponent(`/admin/audit.csv?period=${PERIOD}`)}`,
    );
  });
});
