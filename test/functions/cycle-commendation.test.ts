/**
 * The commendation workflow's steps for the demo's year 2024, from the stored period results and
 * reports: the proposal, a vote request per council member, ballots cast through the vote page of
 * the `/d` link (functions/http/decision.ts, invoked in-process as API Gateway would), the tally
 * by DOMAIN.md's rule (8 members: quorum 6, pass 6 yes), the stored final list, the outcome and
 * the initiatives digest; then a second round without quorum.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Nomination, Period } from '#domain/model';
import {
  ballotOf,
  type CandidateDoc,
  type CycleHeader,
  type CycleOutcome,
  cycleVoteApprovals,
  HEADER_ID,
  OUTCOME_ID,
  readCycle,
  type VoteBallot,
} from '#functions/commendation/award';
import { handler as notifyOutcome } from '#functions/commendation/notify-outcome';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { handler as remindVote } from '#functions/commendation/remind-vote';
import { handler as requestVote } from '#functions/commendation/request-vote';
import { handler as tallyVotes } from '#functions/commendation/tally-votes';
import { auditRowOf } from '#functions/http/admin-audit';
import { handler as computeResults } from '#functions/scoring/compute-results';
import { audit } from '#ports/dynamo/audit';
import { reviews } from '#ports/dynamo/reviews';
import { loadCampaign } from '#steps/campaign';
import { decideVote } from '#web/vote-page';
import { scoringExecution } from '#workflows/executions';
import { at, type CycleBed, decisionPage, seedAppraisedYear, startCycleBed } from './cycle-harness.ts';
import { linkIn } from './harness.ts';

let bed: CycleBed;
let periods: Period[];
/** When the schedule `commendation-2024` fires: 2024's last review close + 7 days. */
const COMMENDATION_2024 = new Date('2025-01-28T10:00:00Z');
const token = () => `LTT1${randomBytes(48).toString('base64url')}`;

const INITIATIVE = {
  id: 'so-hoa-mot-cua',
  title: 'Số hóa hồ sơ một cửa <liên thông>',
  description: 'Tiếp nhận, trả kết quả hồ sơ trực tuyến toàn trình.',
  effect: 'Giảm 40 % thời gian chờ',
};

function nomination(id: string, name: string, unitId: string, extra: Partial<Nomination> = {}): Nomination {
  return {
    id,
    name,
    unitId,
    position: 'Chuyên viên',
    form: 'giay-khen',
    achievements: 'Tham mưu số hóa hồ sơ.',
    status: 'none',
    submittedAt: '2024-04-02T08:00:00+07:00',
    ...extra,
  };
}

beforeAll(async () => {
  bed = await startCycleBed(new Date('2024-01-01T00:00:00Z'));
  periods = await seedAppraisedYear(bed, 'examples/appraisals-2024.yaml', {
    initiatives: (unitId, p) => (unitId === 'phong-noi-vu' && p.id === '2024Q2' ? [INITIATIVE] : []),
    nominations: (unitId, p) =>
      unitId === 'phong-noi-vu' && p.id === '2024Q2'
        ? [nomination('cn-1', 'Nguyễn Văn An', unitId, { initiativeId: 'so-hoa-mot-cua' })]
        : unitId === 'thi-tran-song-lam' && p.id === '2024Q3'
          ? [nomination('cn-1', 'Lê Văn Bình', unitId, { status: 'discipline' })]
          : [],
  });
  for (const p of periods) {
    at(bed, new Date(Date.parse(p.reviewClosesAt) + 60_000));
    await bed.invoke(computeResults, {
      periodId: p.id,
      executionName: scoringExecution(p.id, { trigger: 'close' }).name,
    });
  }
}, 180_000);
afterAll(async () => {
  await bed?.stop();
});

const page = (method: 'GET' | 'POST', url: URL, form?: URLSearchParams) =>
  decisionPage(bed, method, url, form);

async function header(cycleId: string): Promise<CycleHeader> {
  return (await readCycle(cycleId)).header!;
}

/** The ballots the cycle's vote decisions carry (what the tally counts). */
async function ballots(cycleId: string): Promise<VoteBallot[]> {
  const cast = await Promise.all((await cycleVoteApprovals(cycleId)).map((a) => ballotOf(a)));
  return cast.flatMap((b) => (b ? [b] : []));
}

describe('the commendation of 2024', { timeout: 120_000 }, () => {
  let members: string[];
  let ballot: string[];
  let victim: string;

  it('proposes from the year results and the approved reports, once', async () => {
    at(bed, COMMENDATION_2024);
    const out = (await bed.invoke(proposeCommendations, { cycleId: '2024' })) as {
      memberIds: string[];
      waitSeconds: number;
    };
    members = out.memberIds;
    // The first wait ends at the reminder, a day before the close (reminderLeadDays 1).
    expect(out.waitSeconds).toBe(6 * 86_400);
    expect([...members].sort()).toEqual(bed.config.council.map((m) => m.id).sort());
    expect(members).toHaveLength(8);
    const h = await header('2024');
    ballot = h.ballot;
    expect(h.periodIds).toEqual(['2024Q1', '2024Q2', '2024Q3', '2024Q4']);
    expect(h.sources).toEqual(h.periodIds.map((periodId) => ({ periodId, version: 1 })));
    expect(h.onDate).toBe('2025-01-28');
    expect(h.voteClosesAt).toBe('2025-02-04T10:00:00.000Z'); // + voteDays (7)
    expect(h.remindAt).toBe('2025-02-03T10:00:00.000Z');
    expect(h.issuer.listId).toBe('huyen-2024');
    const cycle = await readCycle('2024');
    const individual = cycle.candidates.get('individual:phong-noi-vu.2024Q2.cn-1')?.proposal.candidate;
    expect(individual).toMatchObject({ name: 'Nguyễn Văn An', status: 'proposed' });
    expect(individual?.initiative).toMatchObject({ confirmed: true });
    // The nomination counts as submitted when its report was submitted, not when it was typed.
    expect(individual?.submittedAt).toBe(new Date(Date.parse(periods[1]!.opensAt) + 3_600_000).toISOString());
    const refused = cycle.candidates.get('individual:thi-tran-song-lam.2024Q3.cn-1')?.proposal.candidate;
    expect(refused?.status).toBe('excluded');
    expect(refused?.reasons.map((r) => r.code)).toContain('discipline');
    expect(ballot).toContain('individual:phong-noi-vu.2024Q2.cn-1');
    expect(ballot.some((id) => id.startsWith('collective:'))).toBe(true);

    // Again (a restart): the stored proposal is returned as it is.
    at(bed, new Date(COMMENDATION_2024.getTime() + 3_600_000));
    const times = { closesAt: '2025-02-04T10:00:00.000Z', remindAt: '2025-02-03T10:00:00.000Z' };
    expect(await bed.invoke(proposeCommendations, { cycleId: '2024' })).toEqual({
      memberIds: members,
      waitSeconds: 6 * 86_400 - 3_600,
      ...times,
    });
    expect((await header('2024')).voteClosesAt).toBe(h.voteClosesAt);
    // Proposed again after the reminder time: the first wait ends at once, so it is not skipped.
    at(bed, new Date('2025-02-03T12:00:00Z'));
    expect(await bed.invoke(proposeCommendations, { cycleId: '2024' })).toMatchObject({ waitSeconds: 60 });
    at(bed, new Date(COMMENDATION_2024.getTime() + 3_600_000));
  });

  it('asks each member once for a vote, with the candidates, the link and the closing time', async () => {
    await bed.clearEmails();
    for (const memberId of members)
      await bed.invoke(requestVote, { cycleId: '2024', memberId, taskToken: token() });
    // Re-armed after a restart: new tokens, the same links, no second mail.
    for (const memberId of members)
      await bed.invoke(requestVote, { cycleId: '2024', memberId, taskToken: token() });
    const mails = await bed.emails();
    expect(mails).toHaveLength(8);
    const first = mails.find((m) => m.destination.to[0] === bed.config.council[0]!.email)!;
    expect(first.subject).toBe(
      '[Thi đua CCHC] Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC năm 2024',
    );
    expect(first.body.text).toContain('Hạn biểu quyết: 17:00 ngày 04/02/2025');
    expect(first.body.text).toContain('Số phiếu tán thành cần có: 6 (70 % tổng số thành viên)');
    expect(first.body.text).toContain('Nguyễn Văn An');
    expect(first.body.html).not.toContain('<liên thông>');
    const approvals = await cycleVoteApprovals('2024');
    expect(approvals).toHaveLength(8);
    expect(approvals.every((a) => a.tokenGen === 1 && a.expiresAt === '2025-02-04T10:00:00.000Z')).toBe(true);
  });

  it('records the ballots cast through the vote page, each once; one candidate misses the 70 % threshold', async () => {
    victim = ballot.find((id) => id.startsWith('collective:'))!;
    const mails = await bed.emails();
    const linkOf = (memberId: string) => {
      const email = bed.config.council.find((m) => m.id === memberId)!.email;
      return linkIn(mails.find((m) => m.destination.to[0] === email)!.body.text, '/d');
    };
    // Seven members vote; the eighth never does.
    const voters = members.slice(0, 7);
    for (const [i, memberId] of voters.entries()) {
      const url = linkOf(memberId);
      const shown = await page('GET', url);
      expect(shown.status).toBe(200);
      expect(shown.body).toContain('Phiếu biểu quyết khen thưởng');
      expect(shown.body).toContain('Nguyễn Văn An');
      expect(shown.body).toContain(`name="vote[${victim}]"`);
      // An incomplete ballot is refused and records nothing.
      if (i === 0) {
        const partial = await page('POST', url, new URLSearchParams({ [`vote[${victim}]`]: 'yes' }));
        expect(partial.status).toBe(422);
        expect(await ballots('2024')).toHaveLength(0);
      }
      const form = new URLSearchParams();
      for (const id of ballot) {
        // The victim gets 5 yes (members 0–4) and 2 no: 5/8 < 6. Everyone else: 6 yes, 1 abstention.
        const vote = id === victim ? (i < 5 ? 'yes' : 'no') : i < 6 ? 'yes' : 'abstain';
        form.set(`vote[${id}]`, vote);
      }
      // The page's write id goes with the form: the same POST again is answered as the first.
      form.set('writeId', /name="writeId" value="([^"]+)"/.exec(shown.body)?.[1] ?? '');
      expect(form.get('writeId')).toMatch(/^[A-Za-z0-9_-]{22}$/);
      // The first press shows the ballot as it would be cast, and records nothing.
      const check = await page('POST', url, form);
      expect(check.status).toBe(200);
      expect(check.body).toContain('Phiếu chưa được ghi nhận');
      expect(check.body).toContain('Xác nhận gửi phiếu');
      expect(check.body).toContain(`${ballot.length} trường hợp:`);
      // An individual is named with the unit that nominated them: two units may each put forward
      // a person of one name, and the member must see which one each choice is for.
      expect(check.body).toContain('Nguyễn Văn An <span class="muted">(Cá nhân, Phòng Nội vụ)</span>');
      expect(await ballots('2024')).toHaveLength(i);
      if (i === 0) {
        // Its way back: the ballot again, with the choices as made.
        const back = await page('POST', url, new URLSearchParams([...form, ['back', '1']]));
        expect(back.status).toBe(200);
        expect(back.body).toContain('Gửi phiếu');
        expect(back.body).toMatch(new RegExp(`name="vote\\[${victim}\\]" value="yes"[^>]* checked`));
        expect(await ballots('2024')).toHaveLength(0);
      }
      const confirmed = new URLSearchParams([...form, ['confirm', 'yes']]);
      // The second member presses the confirmation twice at once: both are answered as recorded.
      const [posted, twin] = await Promise.all([
        page('POST', url, confirmed),
        ...(i === 1 ? [page('POST', url, confirmed)] : []),
      ]);
      for (const answer of twin ? [posted, twin] : [posted]) {
        expect([200, 202]).toContain(answer?.status);
        expect(answer?.body).toContain('Đã ghi nhận phiếu biểu quyết');
      }
      if (!twin) expect(posted?.body).not.toContain('lần này không ghi nhận thêm gì');
      const again = await page('POST', url, confirmed);
      expect(again.status).toBe(200);
      expect(again.body).toContain('Đã ghi nhận phiếu biểu quyết');
      expect(again.body).toContain('lần này không ghi nhận thêm gì');
      // Other choices from the same rendering (back, change, send), or another rendering: refused.
      const changed = new URLSearchParams(confirmed);
      changed.set(`vote[${victim}]`, changed.get(`vote[${victim}]`) === 'yes' ? 'no' : 'yes');
      expect((await page('POST', url, changed)).status).toBe(409);
      const other = new URLSearchParams(confirmed);
      other.set('writeId', 'another-rendering-00000');
      const refused = await page('POST', url, other);
      expect(refused.status).toBe(409);
      expect(refused.body).toContain('Phiếu đã được ghi nhận trước đó');
      expect(refused.body).toContain('Xem phiếu đã ghi nhận');
      // The link opened again shows the ballot as recorded, read-only.
      const reopened = await page('GET', url);
      expect(reopened.status).toBe(200);
      expect(reopened.body).toContain('liên kết này chỉ còn để xem lại');
      expect(reopened.body).not.toContain('<form');
      expect(reopened.body).toContain(
        form.get(`vote[${victim}]`) === 'yes' ? 'Tán thành' : 'Không tán thành',
      );
    }
    expect((await ballots('2024')).map((b) => b.memberId).sort()).toEqual([...voters].sort());
    // The audit trail lists each ballot cast, with the campaign's entries (a ballot belongs to no
    // period: the admin reads it under "Chung"), and nothing of its choices.
    const general = (await audit().listPage({ campaign: true }, { limit: 100 })).entries.filter(
      (e) => e.action === 'vote.decided',
    );
    expect(general.map((e) => e.actor.id).sort()).toEqual([...voters].sort());
    const campaign = await loadCampaign();
    const castRow = async (memberId: string) =>
      (await audit().list(`award/2024/${memberId}`))
        .map((entry) => auditRowOf(entry, campaign))
        .find((r) => r.action === 'vote.cast');
    for (const memberId of [voters[0], voters[6]] as string[]) {
      const row = await castRow(memberId);
      expect(row?.action).toBe('vote.cast');
      // Nothing of the choices: one member's counts would be their vote on a one-case ballot.
      expect(row?.detail).toBeUndefined();
    }
    const stored = (await audit().list(`award/2024/${voters[6]}`)).find((e) => e.action === 'vote.decided');
    expect(Object.keys(stored?.detail ?? {}).sort()).toEqual(['approvalId', 'decision', 'kind', 'round']);
  });

  it('reminds only the member who has not voted, once, a day before the close, with the same link', async () => {
    const silent = members[7]!;
    const email = bed.config.council.find((m) => m.id === silent)!.email;
    const firstLink = linkIn(
      (await bed.emails()).find((m) => m.destination.to[0] === email)!.body.text,
      '/d',
    );
    await bed.clearEmails();
    const times = { closesAt: '2025-02-04T10:00:00.000Z', remindAt: '2025-02-03T10:00:00.000Z' };
    const remind = (memberId: string, cycleId = '2024') =>
      bed.invoke(remindVote, { cycleId, memberId, ...times });
    // A wait re-armed before the reminder time (a restart) ends at it, and sends nothing.
    at(bed, new Date('2025-02-02T10:00:00Z'));
    expect(await remind(silent)).toEqual({
      pastLateDeadline: false,
      waitSeconds: 86_400,
    });
    at(bed, new Date('2025-02-03T10:00:00Z'));
    for (const memberId of members) {
      // Every member's wait ends now: the next lasts until the close.
      expect(await remind(memberId)).toEqual({
        pastLateDeadline: false,
        waitSeconds: 86_400,
      });
    }
    // A retried step: nobody mailed twice.
    await remind(silent);
    // A reminder that cannot be sent (here: no such proposal) does not fail the step: it waits on.
    expect(await remind(silent, '2019')).toEqual({ pastLateDeadline: false, waitSeconds: 86_400 });
    const mails = await bed.emails();
    expect(mails.map((m) => m.destination.to[0])).toEqual([email]);
    const [reminder] = mails as [(typeof mails)[number]];
    expect(reminder.subject).toBe(
      '[Thi đua CCHC] Nhắc: Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC năm 2024',
    );
    expect(reminder.body.text).toContain('đồng chí chưa gửi phiếu biểu quyết');
    expect(reminder.body.text).toContain('vẫn dùng được đến 17:00 ngày 04/02/2025');
    expect(linkIn(reminder.body.text, '/d').href).toBe(firstLink.href);
    // At the close the member is absent: nothing more is sent.
    at(bed, new Date('2025-02-04T10:00:00Z'));
    expect(await remind(silent)).toMatchObject({ pastLateDeadline: true });
    expect(await remind(silent, '2019')).toMatchObject({ pastLateDeadline: true });
    expect(await bed.emails()).toHaveLength(1);
  });

  it('tallies the stored ballots into the final list, once', async () => {
    at(bed, new Date('2025-02-04T10:00:01Z')); // the last member's task timed out at the close
    const out = await bed.invoke(tallyVotes, { cycleId: '2024' });
    expect(out).toEqual({ passed: ballot.length - 1, quorumMet: true });
    const cycle = await readCycle('2024');
    const outcome = cycle.outcome as CycleOutcome;
    expect(outcome.council).toMatchObject({
      N: 8,
      present: 7,
      quorumRequired: 6,
      quorumMet: true,
      passRequired: 6,
    });
    expect(outcome.absentMembers).toEqual([members[7]]);
    const passed = [...outcome.awarded, ...outcome.proposedUpward, ...outcome.undecidedTies].sort();
    expect(passed).toEqual(ballot.filter((id) => id !== victim).sort());
    expect(outcome.awarded).toContain('individual:phong-noi-vu.2024Q2.cn-1');
    const lost = cycle.candidates.get(victim)!.proposal as CandidateDoc;
    expect(lost.final?.status).toBe('not-passed');
    expect(lost.final?.votes).toMatchObject({ yes: 5, no: 2, abstain: 0, absent: 1, passed: false });
    expect(lost.final?.reasons.at(-1)).toMatchObject({ code: 'council-rejected' });
    expect(lost.final?.reasons.at(-1)?.message).toContain('5/8 phiếu tán thành, cần ít nhất 6');
    expect(outcome.dossier.map((d) => d.code)).toContain('bien-ban-hop-xet');
    // The eighth member's link now answers "closed".
    const pending = (await reviews().listPeriodApprovals('2024')).find((a) => a.party === members[7]);
    expect(pending?.status).toBe('closed');
    // Again: nothing changes.
    expect(await bed.invoke(tallyVotes, { cycleId: '2024' })).toEqual(out);
    expect((await readCycle('2024')).versions.get(OUTCOME_ID)).toBe(1);
    expect((await readCycle('2024')).versions.get(HEADER_ID)).toBe(1);
  });

  it('tells the council, leadership and the units concerned, and sends every unit the initiatives digest', async () => {
    await bed.clearEmails();
    await bed.invoke(notifyOutcome, { cycleId: '2024' });
    await bed.invoke(notifyOutcome, { cycleId: '2024' });
    const mails = await bed.emails();
    const outcome = mails.filter((m) => m.subject.includes('Kết quả xét khen thưởng'));
    const council = new Set([...bed.config.council, ...bed.config.leadership].map((p) => p.email));
    const councilMails = outcome.filter((m) => !m.subject.includes(' – '));
    expect(new Set(councilMails.map((m) => m.destination.to[0]))).toEqual(council);
    expect(councilMails).toHaveLength(council.size);
    const text = councilMails[0]!.body.text!;
    expect(text).toContain('Đủ số thành viên tham gia (7/8, cần ít nhất 6)');
    expect(text).toContain('Không được Hội đồng thông qua');
    const noiVu = outcome.find((m) => m.destination.to[0] === 'phuongdt.noivu@song-lam.example.org')!;
    expect(noiVu.subject).toContain('– Phòng Nội vụ');
    expect(noiVu.body.text).toContain('Nguyễn Văn An');
    const songLam = outcome.find((m) => m.destination.to[0] === 'hungnv.ttsonglam@song-lam.example.org')!;
    expect(songLam.body.text).toContain('Lê Văn Bình');
    expect(songLam.body.text).toContain('Không đủ điều kiện đề nghị');

    const digests = mails.filter((m) => m.subject.includes('sáng kiến'));
    expect(digests).toHaveLength(bed.config.units.length);
    const digest = digests[0]!;
    expect(digest.subject).toBe('[Thi đua CCHC] Giới thiệu 1 sáng kiến, mô hình mới, cách làm hay năm 2024');
    expect(digest.body.text).toContain('Số hóa hồ sơ một cửa <liên thông>');
    expect(digest.body.text).toContain('Phòng Nội vụ');
    expect(digest.body.text).toContain('Tiếp nhận, trả kết quả hồ sơ trực tuyến toàn trình.');
    expect(digest.body.html).toContain('Số hóa hồ sơ một cửa &lt;liên thông&gt;');
  });

  it('a second round without quorum passes nobody, and says so', async () => {
    at(bed, new Date('2025-02-10T02:00:00Z'));
    const out = (await bed.invoke(proposeCommendations, { cycleId: '2024-2' })) as { memberIds: string[] };
    expect(out.memberIds).toHaveLength(8);
    for (const memberId of out.memberIds)
      await bed.invoke(requestVote, { cycleId: '2024-2', memberId, taskToken: token() });
    const approvals = await cycleVoteApprovals('2024-2');
    const h = await header('2024-2');
    // Five of eight vote (quorum is six), all in favour.
    for (const a of approvals.slice(0, 5)) {
      const votes = Object.fromEntries(h.ballot.map((id) => [id, 'yes' as const]));
      const r = await decideVote(a, votes, { kind: 'council', id: a.party! });
      expect(r.outcome).toBe('decided');
    }
    at(bed, new Date(h.voteClosesAt));
    expect(await bed.invoke(tallyVotes, { cycleId: '2024-2' })).toEqual({ passed: 0, quorumMet: false });
    const outcome = (await readCycle('2024-2')).outcome!;
    expect(outcome.awarded).toEqual([]);
    expect(outcome.council.outcome).toContain('Không đủ số thành viên tham gia (5/8, cần ít nhất 6)');
    await bed.clearEmails();
    await bed.invoke(notifyOutcome, { cycleId: '2024-2' });
    const mails = await bed.emails();
    expect(mails.some((m) => m.subject.includes('năm 2024 (biểu quyết lần 2)'))).toBe(true);
    // The digest of 2024 went out with the first round: not again.
    expect(mails.filter((m) => m.subject.includes('sáng kiến'))).toHaveLength(0);
  });

  it('never prints a task token or a link signature', () => {
    const output = bed.output();
    expect(output).not.toMatch(/LTT1[A-Za-z0-9_-]{20,}/);
    expect(output).not.toMatch(/[?&]s=[A-Za-z0-9_-]{43}/);
  });
});
