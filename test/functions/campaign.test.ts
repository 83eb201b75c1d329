/** Storing a campaign before its launch, and inviting a unit, against the emulators. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DistrictConfig } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { inviteUnit } from '#functions/period/invitation';
import { campaigns, DynamoCampaignStore } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { table } from '#ports/dynamo/table';
import { keyring } from '#ports/keyring';
import { verifyLink } from '#ports/links';
import { log } from '#ports/log';
import { replacePort } from '#ports/registry';
import { loadCampaign, loadCampaignVersion } from '#steps/campaign';
import { BASE_URL, type Bed, IN_REVIEW, linkIn, startBed } from './harness.ts';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed({ store: false });
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

describe('storeCampaign', () => {
  it('stores the demo campaign as version 1: units, people, criteria sets; again changes nothing', async () => {
    const first = await storeCampaign({ config: bed.config, criteriaSets: bed.criteriaSets });
    expect(first).toMatchObject({ version: 1, changed: true });
    const campaign = await loadCampaign();
    expect(campaign.units).toHaveLength(27);
    expect(campaign.people('reviewer')).toHaveLength(6);
    expect(campaign.config).toEqual(bed.config);
    expect(campaign.criteriaSets).toEqual(bed.criteriaSets);
    // Periods come from the calendar; a period nobody opened is scheduled.
    expect(campaign.periods[0]).toMatchObject({ id: '2022Q3', start: '2022-08-02' });
    expect(await campaigns().getPeriodStatus('2022Q3')).toEqual({ status: 'scheduled' });

    expect(await storeCampaign({ config: bed.config, criteriaSets: bed.criteriaSets })).toEqual({
      ...first,
      changed: false,
    });
  });

  it('an edited config is the next version, and the steps read the newest', async () => {
    const capped: DistrictConfig = structuredClone(bed.config);
    capped.groups.office.bonusCap = 300;
    expect(await storeCampaign({ config: capped, criteriaSets: bed.criteriaSets })).toMatchObject({
      version: 2,
      changed: true,
    });
    expect((await loadCampaign()).config.groups.office.bonusCap).toBe(300);
    // Back to the demo for the invitations below.
    expect((await storeCampaign({ config: bed.config, criteriaSets: bed.criteriaSets })).version).toBe(3);
  });
});

describe('the campaign header in a warm container', () => {
  it('is read once for invocations close together; a launch naming a newer version reads it strongly', async () => {
    const here = new DynamoCampaignStore(table());
    const gets = vi.spyOn(table(), 'get');
    try {
      const first = await here.getHeader();
      expect((await here.getHeader())?.version).toBe(first?.version);
      expect(gets).toHaveBeenCalledTimes(1);
      // Another container stores the next version: this one still answers from its read…
      replacePort(campaigns, new DynamoCampaignStore(table()));
      const edited: DistrictConfig = structuredClone(bed.config);
      edited.groups.office.bonusCap = 250;
      const next = await storeCampaign({ config: edited, criteriaSets: bed.criteriaSets });
      replacePort(campaigns, here);
      expect((await here.getHeader())?.version).toBe(first?.version);
      // …except where it must not: the launch step of that version, and any strong read.
      const launched = await loadCampaignVersion(next.version);
      expect(launched.superseded ? launched.header.version : launched.campaign.header.version).toBe(
        next.version,
      );
      expect((await here.getHeader())?.version).toBe(next.version);
      // Back to the demo for the invitations below.
      await storeCampaign({ config: bed.config, criteriaSets: bed.criteriaSets });
      expect((await here.getHeader())?.version).toBe(next.version + 1);
    } finally {
      gets.mockRestore();
      replacePort(campaigns, undefined);
    }
  });
});

describe('inviteUnit', () => {
  it('sends one invitation whose signed link opens the unit report grant; twice is still one email', async () => {
    await bed.clearEmails();
    const campaign = await loadCampaign();
    const first = await inviteUnit(campaign, 'phong-tu-phap', '2022Q3', log);
    expect(first.outcome).toBe('sent');
    const again = await inviteUnit(campaign, 'phong-tu-phap', '2022Q3', log);
    expect(again).toEqual({ outcome: 'already-invited', approvalId: first.approvalId });

    const emails = await bed.emails();
    expect(emails).toHaveLength(1);
    const mail = emails[0];
    expect(mail?.destination.to).toEqual(['namtv.tuphap@song-lam.example.org']);
    expect(mail?.subject).toBe('[Thi đua CCHC] Mời nộp báo cáo thi đua quý III năm 2022 – Phòng Tư pháp');

    const link = linkIn(mail?.body.text, '/r');
    expect(link.origin).toBe(BASE_URL);
    const check = verifyLink(link.searchParams, await keyring().load(), IN_REVIEW);
    expect(check).toMatchObject({ ok: true, approvalId: first.approvalId, action: 'report' });
    const grant = await reviews().getApproval(first.approvalId);
    const q3 = campaign.period('2022Q3');
    expect(grant).toMatchObject({
      kind: 'report',
      unitId: 'phong-tu-phap',
      periodId: '2022Q3',
      status: 'pending',
    });
    expect(Date.parse(grant?.expiresAt ?? '')).toBe(Date.parse(q3.lateAppraisalUntil));
    expect(check.ok && check.expiresAt.getTime()).toBe(Date.parse(q3.lateAppraisalUntil));
    expect((await reports().getProgress('phong-tu-phap', '2022Q3'))?.invitedAt).toBe(IN_REVIEW.toISOString());
    // The HTML part carries the same link.
    expect(mail?.body.html).toContain(link.href.replace(/&/g, '&amp;'));
  });

  it('an unknown unit is a NotFound error, and nothing is sent', async () => {
    await bed.clearEmails();
    await expect(inviteUnit(await loadCampaign(), 'xa-khong-co', '2022Q3', log)).rejects.toThrow(
      /unit not found: xa-khong-co/,
    );
    expect(await bed.emails()).toHaveLength(0);
  });
});
