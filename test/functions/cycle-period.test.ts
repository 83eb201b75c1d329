/**
 * The period workflow's steps (events open, remind, deadline, close) invoked as Lambda would,
 * against dynalite, aws-ses-v2-local and the local Step Functions endpoint: who is invited,
 * reminded and marked late, what they read, and that review close starts scoring once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Period } from '#domain/model';
import { handler as closePeriod } from '#functions/period/close-period';
import { handler as inviteUnit } from '#functions/period/invite-unit';
import { handler as listRecipients } from '#functions/period/list-recipients';
import { handler as openPeriod } from '#functions/period/open-period';
import { handler as remindUnit } from '#functions/period/remind-unit';
import type { Actor } from '#ports/actor';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { loadCampaign } from '#steps/campaign';
import { at, type CycleBed, LAUNCH, startCycleBed } from './cycle-harness.ts';
import { fullReport, linkIn } from './harness.ts';

const P = '2022Q3';
let bed: CycleBed;
let q3: Period;

beforeAll(async () => {
  bed = await startCycleBed(LAUNCH);
  q3 = (await loadCampaign()).period(P);
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

/** The Map's items (bare unit ids), each as the ItemSelector hands it to the step. */
const list = async (purpose: 'invite' | 'remind' | 'late') =>
  (await bed.invoke(listRecipients, { purpose, periodId: P })).items.map((unitId) => ({
    unitId,
    periodId: P,
    ...(purpose === 'invite' ? {} : { kind: purpose }),
  }));
const mailsTo = async (email: string) => (await bed.emails()).filter((m) => m.destination.to[0] === email);

const TU_PHAP = 'phong-tu-phap';
const TU_PHAP_EMAIL = 'namtv.tuphap@song-lam.example.org';
const NOI_VU = 'phong-noi-vu';
const Y_TE_EMAIL = 'dungpv.yte@song-lam.example.org';

describe('the period workflow', { timeout: 60_000 }, () => {
  it('opens the period once and invites every unit once', async () => {
    at(bed, q3.opensAt);
    expect(await bed.invoke(openPeriod, { periodId: P })).toEqual({ status: 'open' });
    expect(await bed.invoke(openPeriod, { periodId: P })).toEqual({ status: 'open' });

    const toInvite = await list('invite');
    expect(toInvite).toHaveLength(bed.config.units.length);
    expect(toInvite).toContainEqual({ unitId: TU_PHAP, periodId: P });
    // Half the Map ran before a restart …
    for (const item of toInvite.slice(0, 10)) await bed.invoke(inviteUnit, item);
    const rest = await list('invite');
    expect(rest.map((i) => i.unitId).sort()).toEqual(
      toInvite
        .slice(10)
        .map((i) => i.unitId)
        .sort(),
    );
    // … and the restarted execution lists and invites again: nobody gets a second invitation.
    for (const item of toInvite) await bed.invoke(inviteUnit, item);
    expect(await list('invite')).toEqual([]);
    const invitations = (await bed.emails()).filter((m) => m.subject.includes('Mời nộp báo cáo'));
    expect(invitations).toHaveLength(bed.config.units.length);
  });

  it('reminds exactly the units without a submitted report, with the days left and their link', async () => {
    const actor = (unitId: string): Actor => ({ kind: 'unit', id: unitId });
    // Tư pháp submits; Nội vụ saves a draft only; the others do nothing.
    const write = (unitId: string, expectedVersion: number, kind: 'save' | 'submit') =>
      reports().writeRevision(unitId, P, {
        report: fullReport(bed, unitId, q3),
        expectedVersion,
        actor: actor(unitId),
        kind,
      });
    await write(TU_PHAP, 0, 'submit');
    await write(NOI_VU, 0, 'save');

    at(bed, q3.remindAt);
    const toRemind = await list('remind');
    expect(toRemind.map((i) => i.unitId).sort()).toEqual(
      bed.config.units
        .map((u) => u.id)
        .filter((id) => id !== TU_PHAP)
        .sort(),
    );
    expect(toRemind.every((i) => i.kind === 'remind' && i.periodId === P)).toBe(true);
    for (const item of toRemind) await bed.invoke(remindUnit, item);
    for (const item of toRemind) await bed.invoke(remindUnit, item); // a retried Map: no second reminder

    expect(await mailsTo(TU_PHAP_EMAIL)).toHaveLength(1); // its invitation only
    const reminders = (await bed.emails()).filter((m) => m.subject.includes('Nhắc nộp báo cáo'));
    expect(reminders).toHaveLength(toRemind.length);
    const yTe = (await mailsTo(Y_TE_EMAIL)).find((m) => m.subject.includes('Nhắc nộp'))!;
    expect(yTe.subject).toBe(
      '[Thi đua CCHC] Nhắc nộp báo cáo thi đua quý III năm 2022 – còn 3 ngày – Phòng Y tế',
    );
    expect(yTe.body.text).toContain('Hạn nộp báo cáo: 17:00 ngày 11/10/2022');
    expect(yTe.body.text).toContain('Thời gian còn lại: 3 ngày');
    // The link is the unit's report link, the same as in its invitation.
    const invitation = (await mailsTo(Y_TE_EMAIL)).find((m) => m.subject.includes('Mời nộp'))!;
    expect(linkIn(yTe.body.text, '/r').href).toBe(linkIn(invitation.body.text, '/r').href);
    const noiVu = (await mailsTo('phuongdt.noivu@song-lam.example.org')).find((m) =>
      m.subject.includes('Nhắc nộp'),
    )!;
    expect(noiVu.body.text).toContain('đã lưu bản nháp nhưng chưa bấm nộp');

    // A unit that submits after being listed is not reminded.
    await write(NOI_VU, 1, 'submit');
    expect(await bed.invoke(remindUnit, { unitId: NOI_VU, periodId: P, kind: 'late' })).toEqual({
      sent: false,
    });
  });

  it('marks the units still without a report late at the deadline and tells them', async () => {
    at(bed, new Date(Date.parse(q3.deadlineAt) + 60_000));
    const late = await list('late');
    const expected = bed.config.units
      .map((u) => u.id)
      .filter((id) => id !== TU_PHAP && id !== NOI_VU)
      .sort();
    expect(late.map((i) => i.unitId).sort()).toEqual(expected);
    const marked = (await reports().listProgress(P))
      .filter((p) => p.lateAt !== undefined)
      .map((p) => p.unitId);
    expect(marked.sort()).toEqual(expected);
    for (const item of late) await bed.invoke(remindUnit, item);
    for (const item of late) await bed.invoke(remindUnit, item);
    const notices = (await bed.emails()).filter((m) => m.subject.includes('Quá hạn nộp báo cáo'));
    expect(notices).toHaveLength(expected.length);
    const yTe = (await mailsTo(Y_TE_EMAIL)).find((m) => m.subject.includes('Quá hạn'))!;
    expect(yTe.body.text).toContain('Hạn nộp đã qua: 17:00 ngày 11/10/2022');
    expect(yTe.body.text).toContain('Kết thúc thẩm định của kỳ: 17:00 ngày 21/10/2022');
    expect(yTe.body.text).toContain('Không nộp báo cáo');
  });

  it('closes review once, alerts the admins of the unappraised reports and starts scoring once', async () => {
    at(bed, q3.reviewClosesAt);
    await bed.clearEmails();
    expect(await bed.invoke(closePeriod, { periodId: P })).toEqual({ scoring: 'started' });
    expect((await campaigns().getPeriodStatus(P)).status).toBe('closed');
    const alerts = (await bed.emails()).filter((m) => m.subject.includes('Kết thúc thẩm định'));
    expect(alerts.map((m) => m.destination.to[0]).sort()).toEqual(
      bed.config.admins.map((a) => a.email).sort(),
    );
    const text = alerts[0]!.body.text!;
    expect(alerts[0]!.subject).toBe(
      '[Thi đua CCHC] Kết thúc thẩm định quý III năm 2022: 2 báo cáo chưa thẩm định xong',
    );
    expect(text).toContain('Phòng Tư pháp');
    expect(text).toContain('Phòng Nội vụ');
    expect(text).toContain(`Không nộp báo cáo: ${bed.config.units.length - 2}`);
    await bed.engine.waitForExecution(
      bed.engine
        .listExecutions({ stateMachineArn: 'scoring' })
        .find((e) => e.name === 'scoring-2022Q3-close')!.executionArn,
    );

    // Run again (a restart): no second alert, and the scoring execution is not started twice.
    expect(await bed.invoke(closePeriod, { periodId: P })).toEqual({ scoring: 'already-exists' });
    expect((await bed.emails()).filter((m) => m.subject.includes('Kết thúc thẩm định'))).toHaveLength(2);
    expect(bed.executions('scoring')).toEqual(['scoring-2022Q3-close']);
  });
});
