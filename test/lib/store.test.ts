/**
 * The storage port against the real dynalite: what a person would notice (a lost edit, two
 * decisions from one link, a republished result silently changed) must not happen.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import type { Appraisal, Period, Report } from '#domain/model';
import { DynamoStore } from '#ports/dynamo-store';
import { type Actor, ConflictError, NotFoundError } from '#ports/store';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';

let table: TestTable;
let clock = new Date('2024-10-01T02:00:00Z');
let store: DynamoStore;

beforeAll(async () => {
  table = await startDynalite();
  store = new DynamoStore({ client: table.client, tableName: table.tableName, clock: () => clock });
});
afterAll(async () => {
  await table.close();
});

const unitActor: Actor = { kind: 'unit', id: 'phong-tu-phap', email: 'tuphap@example.vn', ip: '203.0.113.7' };
const reviewer: Actor = { kind: 'reviewer', id: 'nguyen-van-a', ip: '198.51.100.2' };

function report(unitId: string, periodId: string, summary: string): Report {
  return {
    unitId,
    periodId,
    criteriaSetId: 'huyen-co-quan-2022',
    entries: {
      '1.1': {
        selfScore: 150,
        explanation: summary,
        evidence: [{ number: '45/BC-UBND', date: '2024-09-30' }],
      },
    },
    initiatives: [],
    nominations: [],
    summary,
  };
}

function period(id: string, start: string, end: string): Period {
  return {
    id,
    frequency: 'quarterly',
    year: Number(id.slice(0, 4)),
    start,
    end,
    opensAt: `${end}T01:00:00Z`,
    remindAt: `${end}T02:00:00Z`,
    deadlineAt: `${end}T03:00:00Z`,
    reviewClosesAt: `${end}T04:00:00Z`,
    lateAppraisalUntil: `${end}T05:00:00Z`,
  };
}

describe('campaign', () => {
  it('stores the config once, recognises the same config, refuses a stale change, projects units', async () => {
    const demo = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
    expect(await store.getCampaign()).toBeUndefined();
    expect(await store.putCampaign(demo, 0)).toEqual({ version: 1, changed: true });
    expect(await store.putCampaign(demo, 0)).toEqual({ version: 1, changed: false });

    const stored = await store.getCampaign();
    expect(stored?.config).toEqual(demo.config);
    expect(stored?.criteriaSets).toEqual(demo.criteriaSets);
    const first = demo.config.units[0]!;
    expect(await store.getUnit(first.id)).toEqual(first);
    expect((await store.listUnits()).map((u) => u.id).sort()).toEqual(
      demo.config.units.map((u) => u.id).sort(),
    );
    expect((await store.listPeople('reviewer')).length).toBe(demo.config.reviewers.length);
    const setId = demo.criteriaSets[0]!.id;
    expect(await store.getCriteriaSet(setId)).toEqual(demo.criteriaSets[0]);

    const fewer = { ...demo, config: { ...demo.config, units: demo.config.units.slice(1) } };
    await expect(store.putCampaign(fewer, 0)).rejects.toBeInstanceOf(ConflictError);
    expect(await store.putCampaign(fewer, 1)).toEqual({ version: 2, changed: true });
    expect(await store.getUnit(first.id)).toBeUndefined();
    expect((await store.listUnits()).length).toBe(demo.config.units.length - 1);
  });
});

describe('periods', () => {
  it('keeps status across a re-put, changes status conditionally, counts a unit once', async () => {
    await store.putPeriods([
      period('2024Q3', '2024-07-01', '2024-09-30'),
      period('2024Q4', '2024-10-01', '2024-12-31'),
    ]);
    expect((await store.setPeriodStatus('2024Q3', 'scheduled', 'open')).changed).toBe(true);
    expect((await store.setPeriodStatus('2024Q3', 'scheduled', 'open')).changed).toBe(false);
    await expect(store.setPeriodStatus('2024Q3', 'closed', 'scheduled')).rejects.toBeInstanceOf(
      ConflictError,
    );
    await store.putPeriods([period('2024Q3', '2024-07-01', '2024-09-30')]);
    expect((await store.getPeriod('2024Q3'))?.status).toBe('open');
    expect((await store.listPeriods()).map((p) => p.period.id)).toEqual(['2024Q3', '2024Q4']);

    await store.addToPeriodCounter('2024Q3', 'invited', 'phong-tu-phap');
    await store.addToPeriodCounter('2024Q3', 'invited', 'phong-tu-phap');
    await store.addToPeriodCounter('2024Q3', 'invited', 'xa-an-binh');
    expect((await store.getPeriod('2024Q3'))?.counters.invited).toEqual(['phong-tu-phap', 'xa-an-binh']);
    await expect(store.addToPeriodCounter('2099Q1', 'invited', 'x')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('reports', () => {
  it('of two concurrent saves of the same version exactly one wins; the other is told, not lost silently', async () => {
    const u = 'phong-noi-vu';
    const p = '2024Q3';
    await store.saveReportDraft(u, p, report(u, p, 'bản đầu'), 0, unitActor);
    const results = await Promise.allSettled([
      store.saveReportDraft(u, p, report(u, p, 'sửa của chị Lan'), 1, unitActor),
      store.saveReportDraft(u, p, report(u, p, 'sửa của anh Minh'), 1, { ...unitActor, id: 'other' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    expect((lost[0]!.reason as ConflictError).reason).toBe('version');
    expect((lost[0]!.reason as Error).message).toMatch(/Someone else saved this report/);

    const winner = (won[0] as PromiseFulfilledResult<{ report: Report }>).value.report.summary;
    const stored = await store.getReport(u, p);
    expect(stored?.version).toBe(2);
    expect(stored?.report.summary).toBe(winner);

    const revisions = await store.listReportRevisions(u, p);
    expect(revisions.map((r) => [r.version, r.report.summary])).toEqual([
      [1, 'bản đầu'],
      [2, winner],
    ]);
  });

  it('walks draft → submitted → in-review → returned → explained, content only while editable', async () => {
    const u = 'phong-tu-phap';
    const p = '2024Q3';
    const saved = await store.saveReportDraft(u, p, report(u, p, 'nháp'), 0, unitActor);
    expect(saved.status).toBe('draft');
    const submitted = await store.submitReport(u, p, report(u, p, 'nộp'), 1, unitActor);
    expect([submitted.status, submitted.version]).toEqual(['submitted', 2]);
    expect(submitted.submittedAt).toBeDefined();

    const late = store.saveReportDraft(u, p, report(u, p, 'sửa sau khi nộp'), 2, unitActor);
    await expect(late).rejects.toMatchObject({ name: 'ConflictError', reason: 'status' });

    expect(
      (await store.setReportStatus(u, p, ['submitted', 'explained'], 'in-review', reviewer)).changed,
    ).toBe(true);
    expect((await store.setReportStatus(u, p, 'submitted', 'in-review', reviewer)).changed).toBe(false);
    await expect(store.setReportStatus(u, p, 'approved', 'returned', reviewer)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(store.setReportStatus(u, p, 'draft', 'submitted', reviewer)).rejects.toThrow(/submitReport/);
    await store.setReportStatus(u, p, 'in-review', 'returned', reviewer);

    await store.saveReportDraft(u, p, report(u, p, 'giải trình nháp'), 2, unitActor);
    const explained = await store.submitReport(u, p, report(u, p, 'giải trình'), 3, unitActor);
    expect([explained.status, explained.version, explained.submittedAt]).toEqual([
      'explained',
      4,
      submitted.submittedAt,
    ]);
    expect((await store.listReportRevisions(u, p)).map((r) => `${r.version}:${r.kind}:${r.status}`)).toEqual([
      '1:save:draft',
      '2:submit:submitted',
      '3:save:returned',
      '4:submit:explained',
    ]);

    const listed = await store.listPeriodReports(p);
    const mine = listed.find((r) => r.unitId === u);
    expect(mine).toMatchObject({ status: 'explained', version: 4 });
    expect(mine).not.toHaveProperty('report');
    expect(listed.map((r) => r.unitId)).toContain('phong-noi-vu');
  });

  it('a writer that crashed after its revision is rolled forward, and a stale save is refused', async () => {
    const u = 'xa-an-binh';
    const p = '2024Q3';
    const first = await store.saveReportDraft(u, p, report(u, p, 'v1'), 0, unitActor);
    // The crashed writer: revision 2 is written, the current item never updated.
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `UNIT#${u}`,
          sk: `P#${p}#REPORT#000002`,
          unitId: u,
          periodId: p,
          version: 2,
          status: 'submitted',
          kind: 'submit',
          doc: JSON.stringify(report(u, p, 'v2 của người bị ngắt')),
          savedAt: clock.toISOString(),
          savedBy: unitActor,
          writeId: 'crashed',
        },
      }),
    );
    await expect(
      store.saveReportDraft(u, p, report(u, p, 'cũ'), first.version, unitActor),
    ).rejects.toBeInstanceOf(ConflictError);
    const now = await store.getReport(u, p);
    expect([now?.version, now?.status, now?.report.summary]).toEqual([
      2,
      'submitted',
      'v2 của người bị ngắt',
    ]);
    expect((await store.listPeriodReports(p)).find((r) => r.unitId === u)?.status).toBe('submitted');
  });

  it('refuses a report whose ids differ from the key and a non-slug id', async () => {
    await expect(
      store.saveReportDraft('a', '2024Q3', report('b', '2024Q3', 'x'), 0, unitActor),
    ).rejects.toThrow(/differ/);
    await expect(store.getReport('bad#id', '2024Q3')).rejects.toThrow(/unitId must be an ASCII slug/);
  });
});

describe('appraisals and reviewer balance', () => {
  const appraisal = (comment: string): Appraisal => ({
    unitId: 'phong-tu-phap',
    periodId: '2024Q3',
    criteriaSetId: 'huyen-co-quan-2022',
    reviewerId: 'nguyen-van-a',
    entries: { '1.1': { score: 100, comment } },
  });

  it('keeps one immutable appraisal per round', async () => {
    expect(await store.putAppraisal(appraisal('thiếu minh chứng'), 1, { reportVersion: 2 })).toBe('created');
    expect(await store.putAppraisal(appraisal('thiếu minh chứng'), 1, { reportVersion: 2 })).toBe(
      'unchanged',
    );
    await expect(store.putAppraisal(appraisal('khác'), 1)).rejects.toMatchObject({ reason: 'exists' });
    await store.putAppraisal(appraisal('đạt'), 2);
    const rounds = await store.listAppraisals('phong-tu-phap', '2024Q3');
    expect(rounds.map((r) => [r.round, r.appraisal.entries['1.1']?.comment])).toEqual([
      [1, 'thiếu minh chứng'],
      [2, 'đạt'],
    ]);
  });

  it('assigns once, counts each unit once, and moves the count on reassignment', async () => {
    const system: Actor = { kind: 'system', id: 'assign-reviewer' };
    const a = await store.assignReviewer('2024Q4', 'phong-tu-phap', 'rv-a', system);
    const again = await store.assignReviewer('2024Q4', 'phong-tu-phap', 'rv-b', system);
    expect([a.created, again.created, again.assignment.reviewerId]).toEqual([true, false, 'rv-a']);
    await store.assignReviewer('2024Q4', 'xa-an-binh', 'rv-a', system);
    await store.incrementReviewerLoad('2024Q4', 'rv-a', 'xa-an-binh');
    expect(await store.getReviewerLoads('2024Q4')).toEqual({ 'rv-a': 2 });

    const admin: Actor = { kind: 'admin', id: 'can-bo-noi-vu' };
    const moved = await store.reassignReviewer('2024Q4', 'xa-an-binh', 'rv-a', 'rv-b', admin);
    expect([moved.reviewerId, moved.previousReviewers]).toEqual(['rv-b', ['rv-a']]);
    await store.reassignReviewer('2024Q4', 'xa-an-binh', 'rv-a', 'rv-b', admin); // a re-run
    expect(await store.getReviewerLoads('2024Q4')).toEqual({ 'rv-a': 1, 'rv-b': 1 });
    await expect(
      store.reassignReviewer('2024Q4', 'xa-an-binh', 'rv-a', 'rv-c', admin),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('approvals', () => {
  const point = {
    kind: 'appraise' as const,
    periodId: '2024Q3',
    unitId: 'phong-tu-phap',
    round: 1,
    party: 'reviewer',
  };
  const expiresAt = '2024-12-31T17:00:00Z';

  it('one approval per decision point; a re-armed task keeps the id', async () => {
    const first = await store.createApproval({ ...point, taskToken: 'token-1', expiresAt, keyId: 'k1' });
    expect(first.created).toBe(true);
    expect(first.approval.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await store.createApproval({ ...point, taskToken: 'token-2', expiresAt, keyId: 'k1' });
    expect([again.created, again.approval.id, again.approval.taskToken]).toEqual([
      false,
      first.approval.id,
      'token-1',
    ]);
    const swapped = await store.swapTaskToken(first.approval.id, 'token-2');
    expect([swapped.state, swapped.approval.taskToken, swapped.approval.tokenGen]).toEqual([
      'armed',
      'token-2',
      1,
    ]);
    expect((await store.listUnitPeriodApprovals('phong-tu-phap', '2024Q3')).map((a) => a.id)).toEqual([
      first.approval.id,
    ]);
  });

  it('two concurrent decisions on one link: one decided, one already-decided; delivery is tracked', async () => {
    const { approval } = await store.createApproval({
      ...point,
      round: 2,
      taskToken: 'tok-a',
      expiresAt,
      keyId: 'k1',
    });
    const [x, y] = await Promise.all([
      store.decideApproval(approval.id, { action: 'approve', payload: { note: 'A' } }, reviewer),
      store.decideApproval(
        approval.id,
        { action: 'return', payload: { note: 'B' } },
        { ...reviewer, ip: '192.0.2.9' },
      ),
    ]);
    expect([x.outcome, y.outcome].sort()).toEqual(['already-decided', 'decided']);
    const winner = x.outcome === 'decided' ? x : y;
    if (winner.outcome !== 'decided') throw new Error('unreachable');
    const stored = await store.getApproval(approval.id);
    expect(stored?.decision).toEqual(winner.approval.decision);
    expect(stored?.decidedBy).toEqual(winner.approval.decidedBy);

    const audit = await store.listAudit('report/phong-tu-phap/2024Q3');
    expect(audit.filter((e) => e.action === 'appraise.decided')).toHaveLength(1);
    expect(audit[0]?.actor.ip).toBeDefined();
    expect((await store.listPeriodAudit('2024Q3')).length).toBeGreaterThan(0);

    expect((await store.listUndelivered()).map((a) => a.id)).toContain(approval.id);
    expect(await store.listUndelivered({ decidedBefore: new Date(clock.getTime() - 60_000) })).toEqual([]);
    // A re-armed task (restart) gets the decision at once; the stale token's answer cannot win.
    const swap = await store.swapTaskToken(approval.id, 'tok-b');
    expect([swap.state, swap.approval.tokenGen]).toEqual(['decided', 1]);
    expect(await store.markTaskGone(approval.id, 0, 'InvalidToken')).toBe(false);
    expect(await store.markDeliveryFailed(approval.id, 1, 'ServiceUnavailable')).toBe(true);
    expect((await store.listUndelivered()).map((a) => a.id)).toContain(approval.id);
    expect(await store.markDelivered(approval.id, 1)).toBe(true);
    expect((await store.listUndelivered()).map((a) => a.id)).not.toContain(approval.id);
    expect((await store.getApproval(approval.id))?.status).toBe('delivered');
  });

  it('expired, closed, unknown and task-gone approvals say so', async () => {
    const old = await store.createApproval({
      ...point,
      round: 3,
      taskToken: 't',
      expiresAt: '2024-09-30T00:00:00Z',
      keyId: 'k1',
    });
    expect((await store.decideApproval(old.approval.id, { action: 'approve' }, reviewer)).outcome).toBe(
      'expired',
    );
    expect((await store.getApproval(old.approval.id))?.status).toBe('pending');

    const closing = await store.createApproval({
      ...point,
      round: 4,
      taskToken: 't',
      expiresAt,
      keyId: 'k1',
    });
    expect(await store.closeApproval(closing.approval.id, 'review closed')).toBe(true);
    expect((await store.decideApproval(closing.approval.id, { action: 'approve' }, reviewer)).outcome).toBe(
      'closed',
    );
    expect(
      (await store.decideApproval('AAAAAAAAAAAAAAAAAAAAAA', { action: 'approve' }, reviewer)).outcome,
    ).toBe('not-found');
    await expect(store.swapTaskToken('AAAAAAAAAAAAAAAAAAAAAA', 'x')).rejects.toBeInstanceOf(NotFoundError);

    const gone = await store.createApproval({ ...point, round: 5, taskToken: 't', expiresAt, keyId: 'k1' });
    await store.decideApproval(gone.approval.id, { action: 'approve' }, reviewer);
    expect(await store.markTaskGone(gone.approval.id, 0, 'TaskTimedOut')).toBe(true);
    expect((await store.listTaskGone()).map((a) => a.id)).toContain(gone.approval.id);
    expect((await store.listUndelivered()).map((a) => a.id)).not.toContain(gone.approval.id);
  });

  it('counts reminders at most once per interval, only while pending', async () => {
    const { approval } = await store.createApproval({
      ...point,
      round: 6,
      taskToken: 't',
      expiresAt,
      keyId: 'k1',
    });
    expect(await store.noteReminder(approval.id, 3_600_000)).toEqual({ remind: true, reminders: 1 });
    expect(await store.noteReminder(approval.id, 3_600_000)).toEqual({ remind: false, reminders: 1 });
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await store.noteReminder(approval.id, 3_600_000)).toEqual({ remind: true, reminders: 2 });
  });

  it('sign-in links are single-use and never deduplicated', async () => {
    const input = {
      kind: 'signin' as const,
      subjectId: 'can-bo-noi-vu',
      expiresAt: new Date(clock.getTime() + 900_000).toISOString(),
      keyId: 'k1',
    };
    const a = await store.createApproval(input);
    const b = await store.createApproval(input);
    expect(a.approval.id).not.toBe(b.approval.id);
    expect(
      (await store.decideApproval(a.approval.id, { action: 'signin' }, { kind: 'admin', id: 'x' })).outcome,
    ).toBe('decided');
    expect(
      (await store.decideApproval(a.approval.id, { action: 'signin' }, { kind: 'admin', id: 'x' })).outcome,
    ).toBe('already-decided');
    expect((await store.listUndelivered()).map((x) => x.id)).not.toContain(a.approval.id);
  });
});

describe('results', () => {
  it('a published version is never overwritten; a recomputation is a new version', async () => {
    const v1 = { ranks: [{ unitId: 'phong-tu-phap', percent: { num: 8999n, den: 100n } }] };
    expect(await store.putResults('2024Q3', 1, v1)).toBe('created');
    expect(await store.putResults('2024Q3', 1, v1)).toBe('unchanged');
    await expect(store.putResults('2024Q3', 1, { ranks: [] })).rejects.toMatchObject({ reason: 'exists' });
    expect((await store.getResults('2024Q3', 1))?.results).toEqual(v1);
    expect(await store.putResults('2024Q3', 2, { ranks: [] })).toBe('created');
    expect((await store.listResults('2024Q3')).map((r) => r.version)).toEqual([1, 2]);
  });
});

describe('outbox', () => {
  const identity = {
    step: 'invitation',
    recipient: 'TuPhap@Example.vn',
    subjectId: 'phong-tu-phap',
    periodId: '2024Q3',
  };
  const mail = { to: 'tuphap@example.vn', subject: 'Mời nộp báo cáo', text: 'x', html: '<p>x</p>' };

  it('claims once; a stale claim becomes ambiguous, never re-sent by guess; lists newest first', async () => {
    const first = await store.claimOutbox(identity, mail);
    expect(first.outcome).toBe('claimed');
    expect((await store.claimOutbox(identity, mail)).outcome).toBe('in-progress');
    clock = new Date(clock.getTime() + 16 * 60_000);
    const stale = await store.claimOutbox(identity, mail);
    expect(stale.outcome).toBe('ambiguous');
    expect((await store.listOutboxAttention()).map((r) => r.key)).toContain(first.record.key);
    expect(await store.releaseOutbox(first.record.key)).toBe(true);
    const retry = await store.claimOutbox(identity, mail);
    expect([retry.outcome, retry.record.attempt]).toEqual(['claimed', 2]);
    expect(await store.markOutboxSent(retry.record.key, 1, 'stale-attempt')).toBe(false);
    expect(await store.markOutboxSent(retry.record.key, 2, 'msg-1')).toBe(true);
    expect((await store.claimOutbox(identity, mail)).outcome).toBe('duplicate');

    clock = new Date(clock.getTime() + 1000);
    await store.claimOutbox({ ...identity, step: 'reminder' }, mail);
    expect((await store.listOutbox(2)).map((r) => r.identity.step)).toEqual(['reminder', 'invitation']);
  });
});

describe('sessions', () => {
  it('expire after idle time and absolutely; only a hash of the id is stored', async () => {
    const { sessionId } = await store.createSession(
      { adminId: 'can-bo-noi-vu', email: 'noivu@example.vn' },
      { absoluteMs: 8 * 3_600_000, idleTimeoutMs: 3_600_000 },
    );
    expect((await store.getSession(sessionId))?.adminId).toBe('can-bo-noi-vu');
    clock = new Date(clock.getTime() + 50 * 60_000);
    expect(await store.getSession(sessionId)).toBeDefined(); // refreshes the idle clock
    clock = new Date(clock.getTime() + 50 * 60_000);
    expect(await store.getSession(sessionId)).toBeDefined();
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect(await store.getSession(sessionId)).toBeUndefined();
    expect(await store.getSession('not a session')).toBeUndefined();
    const hashed = createHash('sha256').update(sessionId).digest('hex');
    const item = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: `SESSION#${hashed}`, sk: 'SESSION' } }),
    );
    expect(item.Item?.adminId).toBe('can-bo-noi-vu');
    const raw = JSON.stringify(item.Item);
    expect(raw).not.toContain(sessionId);
  });
});

describe('commendation', () => {
  it('keeps proposals versioned and one ballot per member', async () => {
    const p1 = await store.putProposal('2024', 'phong-tu-phap', { form: 'giay-khen' }, 0);
    expect(p1.version).toBe(1);
    await expect(
      store.putProposal('2024', 'phong-tu-phap', { form: 'bang-khen-tinh' }, 0),
    ).rejects.toBeInstanceOf(ConflictError);
    const council: Actor = { kind: 'council', id: 'tv-1' };
    expect((await store.castBallot('2024', 'tv-1', { 'phong-tu-phap': 'yes' }, council)).outcome).toBe(
      'cast',
    );
    const second = await store.castBallot('2024', 'tv-1', { 'phong-tu-phap': 'no' }, council);
    expect([second.outcome, second.ballot.ballot]).toEqual(['already-cast', { 'phong-tu-phap': 'yes' }]);
    expect(await store.listBallots('2024')).toHaveLength(1);
    expect(await store.listProposals('2024')).toHaveLength(1);
  });
});

describe('request paths', () => {
  it('never Scan (no ScanCommand anywhere under functions/)', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) files.push(path);
      }
    };
    walk('functions');
    const offenders = files.filter((f) =>
      /\bScan(Command|Input)\b|\b(client|documentClient|db|ddb|dynamo)\.scan\(/.test(readFileSync(f, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
