/**
 * The admin's actions in the cloud's shape: the page's invocation dies (throws `CrashPoint`) right
 * after its claim or its mail, and the admin's browser sends the same POST again. What the admin
 * did is then recorded as it would have been without the crash: the audit entry once, the mail
 * once, the unit's progress marked — never a "done" page over a record that lacks the entry.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCycle } from '#functions/commendation/award';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { handler as requestVote } from '#functions/commendation/request-vote';
import { handler as tallyVotes } from '#functions/commendation/tally-votes';
import { audit } from '#ports/dynamo/audit';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { loadCampaign } from '#steps/campaign';
import { type AdminBed, startAdminBed } from '../admin/bed.ts';
import { at } from '../functions/cycle-harness.ts';
import { armCrash, disarmCrash } from '../helpers/crash-bed.ts';

let a: AdminBed;

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

const disarm = disarmCrash;
afterEach(disarm);

/** The POST dies at `point` (500), then the same POST again answers as the first would have. */
async function diesThenAgain(point: string, path: string, fields: Record<string, string>): Promise<Response> {
  armCrash(point);
  expect((await a.post(path, fields)).status, `${path} at ${point}`).toBe(500);
  disarm();
  return a.post(path, fields);
}

/**
 * The reminders mailed to an address. Only they are counted: an execution an earlier test started
 * in this bed (a recomputation after recorded adjustments mails the leadership, a council member
 * among them) may still be mailing the same address when a test looks.
 */
const VOTE_REMINDER = 'Nhắc: Đề nghị biểu quyết';
const UNIT_REMINDER = 'Nhắc nộp báo cáo';
const remindersTo = async (email: string, subject: string) =>
  (await a.bed.emails()).filter((m) => m.destination.to.includes(email) && m.subject.includes(subject));

const nonceIn = (page: string) => /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';
const entriesOf = async (subject: string, action: string) =>
  (await audit().list(subject)).filter((e) => e.action === action);

describe('admin actions dying after their first write', { timeout: 90_000 }, () => {
  it('adjustments.after-put: the same form again audits the recorded change once', async () => {
    const unit = a.bed.config.units.find((u) => u.group === 'commune');
    if (!unit) throw new Error('no commune');
    const path = '/admin/periods/2024Q3/adjustments';
    const form = await (await a.get(path)).text();
    const fields = {
      nonce: nonceIn(form),
      [`version[${unit.id}]`]:
        new RegExp(`name="version\\[${unit.id}\\]" value="(\\d+)"`).exec(form)?.[1] ?? '',
      [`survey[${unit.id}]`]: '6,5',
      [`bonus[${unit.id}]`]: '0,5',
      step: 'confirm',
    };
    const before = (await results().getAdjustments(unit.id, '2024Q3'))?.version ?? 0;
    const again = await diesThenAgain('adjustments.after-put', path, fields);
    expect(again.status).toBe(303);
    const stored = await results().getAdjustments(unit.id, '2024Q3');
    expect(stored).toMatchObject({ survey: 650, bonus: 50, version: before + 1 });
    const recorded = await entriesOf(`adjustments/${unit.id}/2024Q3`, 'adjustments.recorded');
    const entry = recorded.filter((e) => e.detail?.version === before + 1);
    expect(entry).toHaveLength(1);
    expect(entry[0]?.actor).toMatchObject({ kind: 'admin' });
    expect(entry[0]?.detail?.after).toMatchObject({ survey: 650, bonus: 50 });
  });

  it('admin-remind.after-mail: the same press again audits the reminder and marks the unit reminded, one mail', async () => {
    const campaign = await loadCampaign();
    const statuses = await campaigns().listPeriodStatuses();
    const period = campaign.periods.find(
      (p) => (statuses.get(p.id)?.status ?? 'scheduled') === 'scheduled' && p.year >= 2025,
    );
    if (!period) throw new Error('no period left to open');
    at(a.bed, new Date(Date.parse(period.opensAt) + 3_600_000));
    await campaigns().setPeriodStatus(period.id, 'scheduled', 'open');
    const unit = campaign.units[0];
    if (!unit) throw new Error('no unit');
    await reports().markProgress(unit.id, period.id, 'invited');
    const path = `/admin/periods/${period.id}/units/${unit.id}/remind`;
    const page = await (await a.get(path)).text();
    await a.bed.clearEmails();

    const again = await diesThenAgain('admin-remind.after-mail', path, { nonce: nonceIn(page) });
    expect(again.status).toBeLessThan(400);
    expect(await remindersTo(unit.focalPoint.email, UNIT_REMINDER)).toHaveLength(1);
    expect(await entriesOf(`report/${unit.id}/${period.id}`, 'admin.remind')).toHaveLength(1);
    expect((await reports().getProgress(unit.id, period.id))?.remindedAt).toBeDefined();
  });

  it('admin-remind across midnight: the same press again just after midnight is the same reminder; a new press that day is the next', async () => {
    const campaign = await loadCampaign();
    const statuses = await campaigns().listPeriodStatuses();
    // The period the test before opened (or the next one), its window under way.
    const period =
      campaign.periods.find((p) => statuses.get(p.id)?.status === 'open' && p.year >= 2025) ??
      campaign.periods.find(
        (p) => (statuses.get(p.id)?.status ?? 'scheduled') === 'scheduled' && p.year >= 2025,
      );
    if (!period) throw new Error('no period to open');
    if (statuses.get(period.id)?.status !== 'open')
      await campaigns().setPeriodStatus(period.id, 'scheduled', 'open');
    const unit = campaign.units[1];
    if (!unit) throw new Error('no unit');
    await reports().markProgress(unit.id, period.id, 'invited');
    // Midnight in Hồ Chí Minh (UTC+7) two days into the window.
    const day = new Date(Date.parse(period.opensAt) + 2 * 86_400_000 + 7 * 3_600_000)
      .toISOString()
      .slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00+07:00`);
    const path = `/admin/periods/${period.id}/units/${unit.id}/remind`;
    const mailsTo = async () => (await remindersTo(unit.focalPoint.email, UNIT_REMINDER)).length;
    const reminders = () => entriesOf(`report/${unit.id}/${period.id}`, 'admin.remind');

    at(a.bed, new Date(midnight - 60_000));
    const form = { nonce: nonceIn(await (await a.get(path)).text()) };
    await a.bed.clearEmails();
    expect((await a.post(path, form)).status).toBe(303);
    expect(await mailsTo()).toBe(1);

    // Its answer lost, the browser sends the very same request again, two minutes later: the next day.
    at(a.bed, new Date(midnight + 60_000));
    const again = await a.post(path, form);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Đã gửi lời nhắc');
    expect(await mailsTo()).toBe(1);
    expect(await reminders()).toHaveLength(1);

    // So too when the first try died after its mail, before its audit entry: the same day's entry.
    const other = campaign.units[2];
    if (!other) throw new Error('no third unit');
    await reports().markProgress(other.id, period.id, 'invited');
    const otherPath = `/admin/periods/${period.id}/units/${other.id}/remind`;
    at(a.bed, new Date(midnight + 86_400_000 - 60_000));
    const otherForm = { nonce: nonceIn(await (await a.get(otherPath)).text()) };
    armCrash('admin-remind.after-mail');
    expect((await a.post(otherPath, otherForm)).status).toBe(500);
    disarm();
    at(a.bed, new Date(midnight + 86_400_000 + 60_000));
    expect((await a.post(otherPath, otherForm)).status).toBeLessThan(400);
    expect(await remindersTo(other.focalPoint.email, UNIT_REMINDER)).toHaveLength(1);
    expect((await entriesOf(`report/${other.id}/${period.id}`, 'admin.remind')).map((e) => e.id)).toEqual([
      `remind-${day}`,
    ]);

    // A deliberate press the new day, from the page opened again, is that day's reminder: one more mail.
    const next = { nonce: nonceIn(await (await a.get(path)).text()) };
    expect((await a.post(path, next)).status).toBe(303);
    expect(await mailsTo()).toBe(2);
    expect(await reminders()).toHaveLength(2);
  });

  describe('the 2024 council', () => {
    const CYCLE = '2024';
    let members: string[] = [];
    const token = () => `LTT1${randomBytes(48).toString('base64url')}`;

    it('admin-remind-vote.after-mail: the same press again audits the reminder, one mail', async () => {
      at(a.bed, new Date('2025-01-28T10:00:00Z'));
      members = ((await a.bed.invoke(proposeCommendations, { cycleId: CYCLE })) as { memberIds: string[] })
        .memberIds;
      for (const memberId of members)
        await a.bed.invoke(requestVote, { cycleId: CYCLE, memberId, taskToken: token() });
      const memberId = members[0] ?? '';
      const email = a.bed.config.council.find((m) => m.id === memberId)?.email ?? '';
      const path = `/admin/commendation/${CYCLE}/members/${memberId}/remind`;
      const page = await (await a.get(path)).text();
      await a.bed.clearEmails();

      const again = await diesThenAgain('admin-remind-vote.after-mail', path, { nonce: nonceIn(page) });
      expect(again.status).toBeLessThan(400);
      expect(await remindersTo(email, VOTE_REMINDER)).toHaveLength(1);
      expect(await entriesOf(`award/${CYCLE}/${memberId}`, 'admin.remind-vote')).toHaveLength(1);
    });

    it('admin-remind-vote across midnight: the same press again just after midnight sends nothing more', async () => {
      const memberId = members[1] ?? '';
      const email = a.bed.config.council.find((m) => m.id === memberId)?.email ?? '';
      const path = `/admin/commendation/${CYCLE}/members/${memberId}/remind`;
      // 23:59 in Hồ Chí Minh (UTC+7) on 28/01/2025, the vote open.
      at(a.bed, new Date('2025-01-28T16:59:00Z'));
      const fields = { nonce: nonceIn(await (await a.get(path)).text()) };
      await a.bed.clearEmails();
      expect((await a.post(path, fields)).status).toBe(303);
      at(a.bed, new Date('2025-01-28T17:01:00Z'));
      expect((await a.post(path, fields)).status).toBe(200);
      expect(await remindersTo(email, VOTE_REMINDER)).toHaveLength(1);
      expect((await entriesOf(`award/${CYCLE}/${memberId}`, 'admin.remind-vote')).map((e) => e.id)).toEqual([
        'remind-vote-2025-01-28',
      ]);
    });

    it('revote.after-start: the same press again, after the new round proposed, audits the revote once', async () => {
      // Nobody voted: the tally finds no quorum, and the admin may call a new vote.
      const header = (await readCycle(CYCLE)).header;
      if (!header) throw new Error('no proposal');
      at(a.bed, new Date(Date.parse(header.voteClosesAt) + 60_000));
      expect(await a.bed.invoke(tallyVotes, { cycleId: CYCLE })).toMatchObject({ quorumMet: false });
      const path = `/admin/commendation/${CYCLE}/revote`;
      const page = await (await a.get(path)).text();
      const fields = { nonce: nonceIn(page) };

      armCrash('revote.after-start');
      expect((await a.post(path, fields)).status).toBe(500);
      disarm();
      // The execution started runs on meanwhile: its first step proposes round 2.
      const next = a.bed.executions('commendation').filter((n) => n.startsWith('commendation-2024-2'));
      expect(next).toHaveLength(1);
      await a.bed.invoke(proposeCommendations, { cycleId: '2024-2' });

      const again = await a.post(path, fields);
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toBe(`${path}?done=${fields.nonce}`);
      const revotes = await entriesOf(`award/${CYCLE}`, 'admin.revote');
      expect(revotes).toHaveLength(1);
      expect(revotes[0]?.detail).toMatchObject({ writeId: fields.nonce, nextCycleId: '2024-2' });
      expect(a.bed.executions('commendation').filter((n) => n.startsWith('commendation-2024-2'))).toEqual(
        next,
      );
    });
  });
});
