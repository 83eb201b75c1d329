import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#domain/config';
import type { DistrictConfig } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { INVITED_COUNTER, inviteUnit } from '#functions/period/invitation';
import { verifyLink } from '#ports/links';
import { BASE_URL, type Bed, IN_REVIEW, linkIn, startBed } from './harness.ts';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed({ store: false });
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

describe('storeCampaign', () => {
  it('refuses an invalid config with an error naming the field, and stores nothing', async () => {
    const bad: DistrictConfig = structuredClone(bed.config);
    bad.units[2] = { ...bad.units[2]!, id: 'Phòng Tư Pháp' };
    const error = await storeCampaign(bed.deps.store, bad, bed.criteriaSets, IN_REVIEW).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.file}: ${p.path}`)).toContain(
      'config: units[2].id',
    );
    expect(await bed.deps.store.getCampaign()).toBeUndefined();
    expect(await bed.deps.store.listUnits()).toEqual([]);
  });

  it('refuses a criteria set whose maxima do not add up, naming the set and the field', async () => {
    const sets = structuredClone(bed.criteriaSets);
    sets[0]!.areas[0]!.max += 25;
    const error = await storeCampaign(bed.deps.store, bed.config, sets, IN_REVIEW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]?.file).toBe(`criteria/${sets[0]!.id}`);
    expect((error as ConfigError).problems[0]?.path).toMatch(/^areas\[0\]/);
    expect(await bed.deps.store.getCampaign()).toBeUndefined();
  });

  it('answers a malformed launch input with ConfigError, not a crash', async () => {
    const garbage = [null, { id: 'x', areas: 'none' }] as unknown as typeof bed.criteriaSets;
    const error = await storeCampaign(
      bed.deps.store,
      { groups: 7 } as unknown as DistrictConfig,
      garbage,
      IN_REVIEW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const files = (error as ConfigError).problems.map((p) => p.file);
    expect(files).toContain('config');
    expect(files).toContain('criteria/x');
    expect(await bed.deps.store.getCampaign()).toBeUndefined();
  });

  it('stores the demo campaign: units, reviewers, criteria sets, periods; again changes nothing', async () => {
    const first = await storeCampaign(bed.deps.store, bed.config, bed.criteriaSets, IN_REVIEW);
    expect(first).toMatchObject({ version: 1, changed: true });
    expect((await bed.deps.store.listUnits()).length).toBe(27);
    expect((await bed.deps.store.listPeople('reviewer')).length).toBe(6);
    const stored = await bed.deps.store.getCampaign();
    expect(stored?.config).toEqual(bed.config);
    // Points stay integer hundredths through the second validation (not multiplied by 100 again).
    expect(stored?.criteriaSets).toEqual(bed.criteriaSets);
    const periods = await bed.deps.store.listPeriods();
    expect(periods.map((p) => p.period.id)).toEqual(first.periods.map((p) => p.id));
    expect(periods[0]).toMatchObject({ status: 'scheduled', period: { id: '2022Q3', start: '2022-08-02' } });

    const again = await storeCampaign(bed.deps.store, bed.config, bed.criteriaSets, IN_REVIEW);
    expect(again).toMatchObject({ version: 1, changed: false });
  });

  it('keeps a group cap given in hundredths as it is', async () => {
    const capped: DistrictConfig = structuredClone(bed.config);
    capped.groups.office.bonusCap = 300;
    const r = await storeCampaign(bed.deps.store, capped, bed.criteriaSets, IN_REVIEW);
    expect(r).toMatchObject({ version: 2, changed: true });
    expect((await bed.deps.store.getCampaign())?.config.groups.office.bonusCap).toBe(300);
    // Back to the demo for the invitations below.
    expect((await storeCampaign(bed.deps.store, bed.config, bed.criteriaSets, IN_REVIEW)).version).toBe(3);
  });
});

describe('inviteUnit', () => {
  it('sends one invitation whose signed link opens the unit report grant; twice is still one email', async () => {
    await bed.clearEmails();
    const first = await inviteUnit(bed.deps, 'phong-tu-phap', '2022Q3');
    expect(first.outcome).toBe('sent');
    const again = await inviteUnit(bed.deps, 'phong-tu-phap', '2022Q3');
    expect(again).toEqual({ outcome: 'already-invited', approvalId: first.approvalId });

    const emails = await bed.emails();
    expect(emails).toHaveLength(1);
    const mail = emails[0]!;
    expect(mail.destination.to).toEqual(['namtv.tuphap@song-lam.example.org']);
    expect(mail.subject).toBe('[Thi đua CCHC] Mời nộp báo cáo thi đua quý III năm 2022 – Phòng Tư pháp');

    const link = linkIn(mail.body.text, '/r');
    expect(link.origin).toBe(BASE_URL);
    const check = verifyLink(link.searchParams, await bed.deps.keyring(), IN_REVIEW);
    expect(check).toMatchObject({ ok: true, approvalId: first.approvalId, action: 'report' });
    const grant = await bed.deps.store.getApproval(first.approvalId);
    const q3 = (await bed.deps.store.getPeriod('2022Q3'))!;
    expect(grant).toMatchObject({
      kind: 'report',
      unitId: 'phong-tu-phap',
      periodId: '2022Q3',
      status: 'pending',
    });
    expect(Date.parse(grant!.expiresAt)).toBe(Date.parse(q3.period.lateAppraisalUntil));
    expect(check.ok && check.expiresAt.getTime()).toBe(Date.parse(q3.period.lateAppraisalUntil));
    expect(q3.counters[INVITED_COUNTER]).toEqual(['phong-tu-phap']);
    // The HTML part carries the same link.
    expect(mail.body.html).toContain(link.href.replace(/&/g, '&amp;'));
  });

  it('a second invitation run after the counter was lost still sends nothing new (the outbox remembers)', async () => {
    await bed.clearEmails();
    const r = await inviteUnit(bed.deps, 'xa-thanh-son', '2022Q3');
    expect(r.outcome).toBe('sent');
    // The same step again (e.g. the period workflow restarted before it counted the unit).
    const again = await inviteUnit(bed.deps, 'xa-thanh-son', '2022Q3');
    expect(['already-invited', 'duplicate']).toContain(again.outcome);
    expect(again.approvalId).toBe(r.approvalId);
    expect(await bed.emails()).toHaveLength(1);
  });

  it('an unknown unit is a NotFound error, and nothing is sent', async () => {
    await bed.clearEmails();
    await expect(inviteUnit(bed.deps, 'xa-khong-co', '2022Q3')).rejects.toThrow(
      /unit not found: xa-khong-co/,
    );
    expect(await bed.emails()).toHaveLength(0);
  });
});
