/**
 * The commendation workflow's steps in the cloud's shape: an invocation dies (throws `CrashPoint`)
 * right after one of its writes, and the workflow's Retry runs it again with the same input; a
 * member's vote request dies and is sent again as it was. The year ends as it would have without
 * the crashes: one proposal, each member asked once, each ballot recorded and audited once, one
 * outcome, audited once, that counts every ballot cast.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CycleHeader, cycleVoteApprovals, readCycle } from '#functions/commendation/award';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { handler as requestVote } from '#functions/commendation/request-vote';
import { handler as tallyVotes } from '#functions/commendation/tally-votes';
import { handler as computeResults } from '#functions/scoring/compute-results';
import { audit } from '#ports/dynamo/audit';
import { scoringExecution } from '#workflows/executions';
import {
  at,
  type CycleBed,
  decisionPage,
  seedAppraisedYear,
  startCycleBed,
} from '../functions/cycle-harness.ts';
import { linkIn } from '../functions/harness.ts';
import { armCrash, disarmCrash } from '../helpers/crash-bed.ts';

let bed: CycleBed;
/** When the schedule `commendation-2024` fires: 2024's last review close + 7 days. */
const COMMENDATION_2024 = new Date('2025-01-28T10:00:00Z');
const CYCLE = '2024';

beforeAll(async () => {
  bed = await startCycleBed(new Date('2024-01-01T00:00:00Z'));
  const periods = await seedAppraisedYear(bed, 'examples/appraisals-2024.yaml', {});
  for (const p of periods) {
    at(bed, new Date(Date.parse(p.reviewClosesAt) + 60_000));
    await bed.invoke(computeResults, {
      periodId: p.id,
      executionName: scoringExecution(p.id, { trigger: 'close' }).name,
    });
  }
  at(bed, COMMENDATION_2024);
}, 180_000);
afterAll(async () => {
  await bed?.stop();
});

const disarm = disarmCrash;
afterEach(disarm);
const crashAt = armCrash;

/** The invocation dies at `point`: it rejects with the crash, never answers. */
async function dies(point: string, run: () => Promise<unknown>): Promise<void> {
  crashAt(point);
  await expect(run()).rejects.toThrow(`Crash point ${point} reached`);
  disarm();
}

const page = (method: 'GET' | 'POST', url: URL, form?: URLSearchParams) =>
  decisionPage(bed, method, url, form);

const auditOf = async (subject: string, action: string) =>
  (await audit().list(subject)).filter((e) => e.action === action);

describe('the commendation of 2024 with its steps dying after their writes', { timeout: 120_000 }, () => {
  let header: CycleHeader;
  let members: string[];

  it('propose.after-header: the Retry answers from the stored proposal, audited once', async () => {
    await dies('propose.after-header', () => bed.invoke(proposeCommendations, { cycleId: CYCLE }));
    const retried = (await bed.invoke(proposeCommendations, { cycleId: CYCLE })) as { memberIds: string[] };
    members = retried.memberIds;
    expect(members).toHaveLength(bed.config.council.length);
    header = (await readCycle(CYCLE)).header as CycleHeader;
    expect(header.ballot.length).toBeGreaterThan(0);
    const proposed = await auditOf(`award/${CYCLE}`, 'commendation.proposed');
    expect(proposed).toHaveLength(1);
    expect(proposed[0]?.detail).toMatchObject({
      ballot: header.ballot.length,
      voteClosesAt: header.voteClosesAt,
    });
  });

  it('request-vote.after-arm: the member is asked once, behind the link the Retry armed', async () => {
    await bed.clearEmails();
    const [first, ...others] = members as [string, ...string[]];
    const token = () => `LTT1${randomBytes(48).toString('base64url')}`;
    const input = { cycleId: CYCLE, memberId: first, taskToken: token() };
    await dies('request-vote.after-arm', () => bed.invoke(requestVote, input));
    await bed.invoke(requestVote, input);
    for (const memberId of others)
      await bed.invoke(requestVote, { cycleId: CYCLE, memberId, taskToken: token() });
    const mails = await bed.emails();
    const emailOf = (id: string) => bed.config.council.find((m) => m.id === id)?.email;
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual(members.map(emailOf).sort());
    expect(await cycleVoteApprovals(CYCLE)).toHaveLength(members.length);
  });

  it('vote.after-payload, after-claim, after-audit: the same POST again records the ballot, once', async () => {
    const mails = await bed.emails();
    const linkOf = (memberId: string) => {
      const email = bed.config.council.find((m) => m.id === memberId)?.email;
      const mail = mails.find((m) => m.destination.to[0] === email);
      if (!mail) throw new Error(`no vote request to ${memberId}`);
      return linkIn(mail.body.text, '/d');
    };
    // (vote.after-delivery needs a task token the engine knows, which this bed does not run: the
    // delivery is shared by every decision kind, killed at appraise.after-delivery in
    // test/reliability/crash-period.test.ts.)
    const points = ['vote.after-payload', 'vote.after-claim', 'vote.after-audit'];
    // Six of the eight vote yes on every candidate (quorum 6, pass 6): three of them die once.
    const voters = members.slice(0, 6);
    for (const [i, memberId] of voters.entries()) {
      const url = linkOf(memberId);
      const shown = await page('GET', url);
      expect(shown.status).toBe(200);
      const form = new URLSearchParams(header.ballot.map((id): [string, string] => [`vote[${id}]`, 'yes']));
      form.set('writeId', /name="writeId" value="([^"]+)"/.exec(shown.body)?.[1] ?? '');
      form.set('confirm', 'yes');
      const point = points[i];
      if (point) {
        crashAt(point);
        expect((await page('POST', url, form)).status).toBe(500);
        disarm();
      }
      const answer = await page('POST', url, form);
      // 202: recorded, its delivery to the workflow left to the sweep (this bed's task tokens are made up).
      expect([200, 202], `${memberId} after ${point ?? 'no crash'}`).toContain(answer.status);
      expect(answer.body).toContain('Đã ghi nhận phiếu biểu quyết');
      expect(await auditOf(`award/${CYCLE}/${memberId}`, 'vote.decided')).toHaveLength(1);
    }
    const decided = (await cycleVoteApprovals(CYCLE)).filter((a) => a.decision);
    expect(decided.map((a) => a.party).sort()).toEqual([...voters].sort());
  });

  it('vote.after-claim, and nobody posts again: the re-armed wait audits the ballot once', async () => {
    // The seventh member's request dies after its claim and the browser gives up; before any sweep
    // runs, the member's wait is armed again (a Retry of RequestVote, a restarted execution) and
    // finds the ballot decided: it delivers it at once, and writes its audit entry (once, by id).
    const memberId = members[6] as string;
    const email = bed.config.council.find((m) => m.id === memberId)?.email;
    const mail = (await bed.emails()).find((m) => m.destination.to[0] === email);
    const url = linkIn(mail?.body.text, '/d');
    const shown = await page('GET', url);
    const form = new URLSearchParams(header.ballot.map((id): [string, string] => [`vote[${id}]`, 'yes']));
    form.set('writeId', /name="writeId" value="([^"]+)"/.exec(shown.body)?.[1] ?? '');
    form.set('confirm', 'yes');
    crashAt('vote.after-claim');
    expect((await page('POST', url, form)).status).toBe(500);
    disarm();
    const token = `LTT1${randomBytes(48).toString('base64url')}`;
    await bed.invoke(requestVote, { cycleId: CYCLE, memberId, taskToken: token });
    expect(await auditOf(`award/${CYCLE}/${memberId}`, 'vote.decided')).toHaveLength(1);
    await bed.invoke(requestVote, { cycleId: CYCLE, memberId, taskToken: `${token}x` });
    expect(await auditOf(`award/${CYCLE}/${memberId}`, 'vote.decided')).toHaveLength(1);
  });

  it('tally.after-close, after-proposals, after-outcome: one outcome that counts every ballot, audited once', async () => {
    at(bed, new Date(Date.parse(header.voteClosesAt) + 60_000));
    for (const point of ['tally.after-close', 'tally.after-proposals', 'tally.after-outcome']) {
      await dies(point, () => bed.invoke(tallyVotes, { cycleId: CYCLE }));
    }
    const answer = (await bed.invoke(tallyVotes, { cycleId: CYCLE })) as {
      passed: number;
      quorumMet: boolean;
    };
    expect(answer).toEqual({ passed: header.ballot.length, quorumMet: true });
    const stored = await readCycle(CYCLE);
    expect(stored.outcome?.council).toMatchObject({ N: members.length, present: 7, quorumMet: true });
    expect(stored.outcome?.passed).toBe(header.ballot.length);
    for (const id of header.ballot) {
      expect(stored.candidates.get(id)?.proposal.final?.votes?.yes, id).toBe(7);
    }
    const tallied = await auditOf(`award/${CYCLE}`, 'commendation.tallied');
    expect(tallied).toHaveLength(1);
    expect(tallied[0]?.detail).toMatchObject({
      present: 7,
      N: members.length,
      quorumMet: true,
      passed: header.ballot.length,
    });
    // Again (a later Retry): the stored outcome, nothing appended.
    expect(await bed.invoke(tallyVotes, { cycleId: CYCLE })).toEqual(answer);
    expect(await auditOf(`award/${CYCLE}`, 'commendation.tallied')).toHaveLength(1);
  });
});
