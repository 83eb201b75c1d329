/**
 * A unit's standing for commendation, recorded by the admin (docs/admin.md, "Admin actions"): a
 * unit under inspection is proposed neither as a collective nor upward, with the reason. The form
 * refuses a status without its ground and a stale page; the same POST again changes nothing more;
 * every change is audited with the values before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCycle } from '#functions/commendation/award';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { at } from '../functions/cycle-harness.ts';
import { formOf } from '../http/harness.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

let a: AdminBed;
const UNIT = 'phong-tu-phap';
const page = `/admin/units/${UNIT}/standing`;

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

describe("a unit's standing for commendation", { timeout: 90_000 }, () => {
  it('is recorded with its ground, audited, and keeps the unit out of the proposal, saying why', async () => {
    const unitPage = await (await a.get(`/admin/units/${UNIT}`)).text();
    expect(unitPage).toContain(`href="${page}"`);
    const form = await (await a.get(page)).text();
    expect(form).toContain('Tình trạng khi xét khen thưởng – Phòng Tư pháp');
    expect(form).toContain('Không (đơn vị được xét khen thưởng bình thường)');

    // A status without its ground: 422 naming the field, nothing stored.
    const bare = await a.post(page, Object.fromEntries(formOf(form, { status: 'inspection', reason: '' })));
    expect(bare.status).toBe(422);
    expect(await bare.text()).toContain('Ghi căn cứ');
    const unknown = await a.post(
      page,
      Object.fromEntries(formOf(form, { status: 'tam-dinh-chi', reason: 'x' })),
    );
    expect(unknown.status).toBe(422);
    expect(await results().getStanding(UNIT)).toBeUndefined();

    const fields = Object.fromEntries(
      formOf(form, { status: 'inspection', reason: 'Quyết định thanh tra số 12/QĐ-TTr ngày 04/11/2024' }),
    );
    const done = await a.post(page, fields);
    expect(done.status).toBe(303);
    const outcome = await (await a.get(done.headers.get('location') ?? '')).text();
    expect(outcome).toContain('Đã ghi nhận tình trạng của Phòng Tư pháp: Đang bị thanh tra, kiểm tra');
    expect(await results().getStanding(UNIT)).toMatchObject({ status: 'inspection', version: 1 });

    // The same POST again: answered the same, nothing more stored or audited.
    expect((await a.post(page, fields)).status).toBe(303);
    expect((await results().getStanding(UNIT))?.version).toBe(1);
    const entries = (await audit().list(`standing/${UNIT}`)).filter((x) => x.action === 'admin.standing');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.detail).toMatchObject({
      before: { status: 'none' },
      after: { status: 'inspection', reason: 'Quyết định thanh tra số 12/QĐ-TTr ngày 04/11/2024' },
    });
    // Another admin's form opened before the change: 409, nothing stored.
    const stale = await a.post(page, Object.fromEntries(formOf(form, { status: 'none', reason: '' })));
    expect(stale.status).toBe(409);
    expect((await results().getStanding(UNIT))?.status).toBe('inspection');
    // The unit's audit trail lists it.
    const trail = await (await a.get(`/admin/audit?unit=${UNIT}`)).text();
    expect(trail).toContain('admin.standing');

    // The year's proposal: the unit is left out as a collective (and upward), with the reason.
    at(a.bed, new Date('2025-01-28T10:00:00Z'));
    await a.bed.invoke(proposeCommendations, { cycleId: '2024' });
    const cycle = await readCycle('2024');
    const collective = cycle.candidates.get(`collective:${UNIT}`)?.proposal.candidate;
    expect(collective?.status).toBe('excluded');
    expect(collective?.reasons.map((r) => r.code)).toContain('inspection');
    expect(collective?.reasons.map((r) => r.message).join(' ')).toContain('Đang bị thanh tra, kiểm tra');
    expect(cycle.candidates.has(`upward:${UNIT}`)).toBe(false);
  });
});
