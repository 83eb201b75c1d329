/**
 * The storage ports against the real dynalite: what a person would notice (a lost edit, two
 * decisions from one link, a republished result silently changed, a half-written version read)
 * must not happen.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import type { Report } from '#domain/model';
import type { Actor } from '#ports/actor';
import { ConflictError, NotFoundError, SchemaMismatchError } from '#ports/errors';
import type { StoredReport } from '#ports/reports';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { dynamoPorts } from '../helpers/ports.ts';

let table: TestTable;
let clock = new Date('2024-10-01T02:00:00Z');
let ports: ReturnType<typeof dynamoPorts>;

beforeAll(async () => {
  table = await startDynalite();
  ports = dynamoPorts(table, () => clock);
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

describe('campaign', () => {
  const demo = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });

  it('stores a version as its parts, then the header that selects them; the same content again changes nothing', async () => {
    const { campaigns } = ports;
    expect(await campaigns.getHeader()).toBeUndefined();
    const first = await campaigns.putCampaign(demo, 0);
    expect(first).toMatchObject({ version: 1, changed: true });
    expect(await campaigns.putCampaign(demo, 0)).toEqual({ ...first, changed: false });

    const header = await campaigns.getHeader({ consistent: true });
    expect(header).toMatchObject({
      version: 1,
      contentHash: first.contentHash,
      unitCount: demo.config.units.length,
    });
    if (!header) throw new Error('no header');
    const stored = await campaigns.getCampaign(header);
    expect(stored.config).toEqual(demo.config);
    expect(stored.criteriaSets).toEqual(demo.criteriaSets);

    const fewer = { ...demo, config: { ...demo.config, units: demo.config.units.slice(1) } };
    await expect(campaigns.putCampaign(fewer, 0)).rejects.toBeInstanceOf(ConflictError);
    const second = await campaigns.putCampaign(fewer, 1);
    expect(second).toMatchObject({ version: 2, changed: true });
    const newer = await campaigns.getHeader({ consistent: true });
    if (!newer) throw new Error('no header');
    expect((await campaigns.getCampaign(newer)).config.units).toEqual(fewer.config.units);
    // Version 1's parts stay as they were: a step still working on version 1 reads it whole.
    expect((await campaigns.getCampaign(header)).config.units).toEqual(demo.config.units);
  });

  it('a version whose header was never written is not read; an incomplete one is refused', async () => {
    const { campaigns } = ports;
    const header = await campaigns.getHeader({ consistent: true });
    if (!header) throw new Error('no header');
    // A writer that crashed before its header: version 3's parts exist, nothing names them.
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: 'CAMPAIGN', sk: 'V#0003#UNIT#xa-moi', order: 0, doc: JSON.stringify({ id: 'xa-moi' }) },
      }),
    );
    expect((await campaigns.getHeader({ consistent: true }))?.version).toBe(2);
    // A header that names more parts than are stored (read too early, or a lost write).
    const fresh = dynamoPorts(table, () => clock).campaigns;
    await expect(fresh.getCampaign({ ...header, version: 3, contentHash: 'x'.repeat(64) })).rejects.toThrow(
      /incomplete/,
    );
  });

  it('refuses data written by the earlier layout, saying what to do', async () => {
    const other = await startDynalite('thidua-old');
    try {
      // The earlier layout's campaign item: the whole config in one document, no layout number.
      await other.client.send(
        new PutCommand({
          TableName: other.tableName,
          Item: { pk: 'CAMPAIGN', sk: 'CAMPAIGN', doc: '{}', version: 1, contentHash: 'x' },
        }),
      );
      const error = await dynamoPorts(other)
        .campaigns.getHeader()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchemaMismatchError);
      expect((error as Error).message).toMatch(/Upgrading/);
    } finally {
      await other.close();
    }
  });

  it('keeps only period statuses, changed conditionally; a period never changed is scheduled', async () => {
    const { campaigns } = ports;
    expect(await campaigns.getPeriodStatus('2024Q3')).toEqual({ status: 'scheduled' });
    expect((await campaigns.setPeriodStatus('2024Q3', 'scheduled', 'open')).changed).toBe(true);
    expect((await campaigns.setPeriodStatus('2024Q3', 'scheduled', 'open')).changed).toBe(false);
    await expect(campaigns.setPeriodStatus('2024Q3', 'closed', 'scheduled')).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect([...(await campaigns.listPeriodStatuses()).entries()].map(([id, s]) => [id, s.status])).toEqual([
      ['2024Q3', 'open'],
    ]);
  });
});

describe('reports', () => {
  const save = (u: string, p: string, summary: string, expectedVersion: number, actor = unitActor) =>
    ports.reports.writeRevision(u, p, {
      report: report(u, p, summary),
      expectedVersion,
      actor,
      kind: 'save',
    });
  const submit = (u: string, p: string, summary: string, expectedVersion: number) =>
    ports.reports.writeRevision(u, p, {
      report: report(u, p, summary),
      expectedVersion,
      actor: unitActor,
      kind: 'submit',
    });

  it('a save made on what its request read before another save is refused, and the other save stays', async () => {
    const u = 'phong-van-hoa';
    const p = '2024Q3';
    const write = (summary: string, expectedVersion: number, readBefore: StoredReport | null) =>
      ports.reports.writeRevision(u, p, {
        report: report(u, p, summary),
        expectedVersion,
        actor: unitActor,
        kind: 'save',
        readBefore,
      });
    const readFirst = await ports.reports.get(u, p); // nothing yet
    await save(u, p, 'bản của chị Lan', 0);
    await expect(write('bản của anh Minh', 0, readFirst ?? null)).rejects.toBeInstanceOf(ConflictError);
    const readSecond = await ports.reports.get(u, p);
    await save(u, p, 'chị Lan sửa lại', 1);
    await expect(write('anh Minh sửa', 1, readSecond ?? null)).rejects.toBeInstanceOf(ConflictError);
    const stored = await ports.reports.get(u, p);
    expect([stored?.version, stored?.report.summary]).toEqual([2, 'chị Lan sửa lại']);
    expect(await write('anh Minh sửa trên bản mới', 2, stored ?? null)).toMatchObject({ version: 3 });
  });

  it('of two concurrent saves of the same version exactly one wins; the other is told, not lost silently', async () => {
    const u = 'phong-noi-vu';
    const p = '2024Q3';
    await save(u, p, 'bản đầu', 0);
    const results = await Promise.allSettled([
      save(u, p, 'sửa của chị Lan', 1),
      save(u, p, 'sửa của anh Minh', 1, { ...unitActor, id: 'other' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const refusal: unknown = lost[0]?.reason;
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(refusal).toMatchObject({
      reason: 'version',
      message: expect.stringMatching(/Someone else saved this report/),
    });

    const winner = (won[0] as PromiseFulfilledResult<{ report: Report }>).value.report.summary;
    const stored = await ports.reports.get(u, p);
    expect(stored?.version).toBe(2);
    expect(stored?.report.summary).toBe(winner);
    expect((await ports.reports.listRevisions(u, p)).map((r) => [r.version, r.report.summary])).toEqual([
      [1, 'bản đầu'],
      [2, winner],
    ]);
  });

  it('walks draft → submitted → in-review → returned → explained, content only while editable', async () => {
    const u = 'phong-tu-phap';
    const p = '2024Q3';
    expect((await save(u, p, 'nháp', 0)).status).toBe('draft');
    const submitted = await submit(u, p, 'nộp', 1);
    expect([submitted.status, submitted.version]).toEqual(['submitted', 2]);
    expect(submitted.submittedAt).toBeDefined();
    await expect(save(u, p, 'sửa sau khi nộp', 2)).rejects.toMatchObject({
      name: 'ConflictError',
      reason: 'status',
    });

    const { reports } = ports;
    expect((await reports.setStatus(u, p, ['submitted', 'explained'], 'in-review', reviewer)).changed).toBe(
      true,
    );
    expect((await reports.setStatus(u, p, ['submitted'], 'in-review', reviewer)).changed).toBe(false);
    await expect(reports.setStatus(u, p, ['approved'], 'returned', reviewer)).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(reports.setStatus(u, p, ['draft'], 'submitted', reviewer)).rejects.toThrow(
      /submit a revision/,
    );
    await reports.setStatus(u, p, ['in-review'], 'returned', reviewer);

    await save(u, p, 'giải trình nháp', 2);
    const explained = await submit(u, p, 'giải trình', 3);
    expect([explained.status, explained.version, explained.submittedAt]).toEqual([
      'explained',
      4,
      submitted.submittedAt,
    ]);
    expect((await reports.listRevisions(u, p)).map((r) => `${r.version}:${r.kind}:${r.status}`)).toEqual([
      '1:save:draft',
      '2:submit:submitted',
      '3:save:returned',
      '4:submit:explained',
    ]);
    const listed = await reports.listPeriod(p);
    const mine = listed.find((r) => r.unitId === u);
    expect(mine).toMatchObject({ status: 'explained', version: 4 });
    expect(mine).not.toHaveProperty('report');
    expect(listed.map((r) => r.unitId)).toContain('phong-noi-vu');
  });

  it('a writer that crashed after its revision is rolled forward, and a stale save is refused', async () => {
    const u = 'xa-an-binh';
    const p = '2024Q3';
    const first = await save(u, p, 'v1', 0);
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
    await expect(save(u, p, 'cũ', first.version)).rejects.toBeInstanceOf(ConflictError);
    const now = await ports.reports.get(u, p);
    expect([now?.version, now?.status, now?.report.summary]).toEqual([
      2,
      'submitted',
      'v2 của người bị ngắt',
    ]);
    expect((await ports.reports.listPeriod(p)).find((r) => r.unitId === u)?.status).toBe('submitted');
  });

  it('stores a long report deflated, far under its JSON size, and reads it back exactly', async () => {
    const u = 'phong-tai-chinh';
    const p = '2024Q3';
    // ~20 KB of Vietnamese explanation across many criteria: what a real report carries.
    const long = report(u, p, 'Tóm tắt kết quả cải cách hành chính quý III');
    for (let i = 1; i <= 60; i++) {
      long.entries[`2.${i}`] = {
        selfScore: i,
        explanation: `Đơn vị đã thực hiện đầy đủ nhiệm vụ số ${i}, có văn bản chứng minh kèm theo.`,
        evidence: [{ number: `${i}/BC-UBND`, date: '2024-09-30' }],
      };
    }
    const saved = await ports.reports.writeRevision(u, p, {
      report: long,
      expectedVersion: 0,
      actor: unitActor,
      kind: 'save',
    });
    expect((await ports.reports.get(u, p))?.report).toEqual(long);
    expect((await ports.reports.listRevisions(u, p)).map((r) => r.report)).toEqual([long]);
    const json = Buffer.byteLength(JSON.stringify(long));
    for (const sk of [`P#${p}#REPORT#CURRENT`, `P#${p}#REPORT#000001`]) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `UNIT#${u}`, sk } }),
      );
      expect(Item?.doc, sk).toBeUndefined();
      expect(Item?.docz, sk).toBeInstanceOf(Uint8Array);
      // Billed per KB on every write of the item and of its index copy.
      expect(Item?.docz.byteLength, sk).toBeLessThan(json / 4);
    }
    expect(saved.version).toBe(1);
  });

  it('refuses a report whose ids differ from the key and a non-slug id', async () => {
    await expect(
      ports.reports.writeRevision('a', '2024Q3', {
        report: report('b', '2024Q3', 'x'),
        expectedVersion: 0,
        actor: unitActor,
        kind: 'save',
      }),
    ).rejects.toThrow(/differ/);
    await expect(ports.reports.get('bad#id', '2024Q3')).rejects.toThrow(/unitId must be an ASCII slug/);
  });

  it("keeps a unit-period's progress: the first mark stands, listed per period", async () => {
    const { reports } = ports;
    const invited = await reports.markProgress('xa-an-binh', '2024Q4', 'invited');
    clock = new Date(clock.getTime() + 60_000);
    const again = await reports.markProgress('xa-an-binh', '2024Q4', 'invited');
    expect(again.invitedAt).toBe(invited.invitedAt);
    await reports.markProgress('xa-an-binh', '2024Q4', 'late');
    await reports.setFinalApproval('phong-tu-phap', '2024Q4', 'AAAAAAAAAAAAAAAAAAAAAA');
    const listed = await reports.listProgress('2024Q4');
    expect(
      listed.map((p) => [p.unitId, Boolean(p.invitedAt), Boolean(p.lateAt), p.finalApprovalId ?? null]),
    ).toEqual([
      ['phong-tu-phap', false, false, 'AAAAAAAAAAAAAAAAAAAAAA'],
      ['xa-an-binh', true, true, null],
    ]);
  });
});

describe('reviewer assignment', () => {
  const system: Actor = { kind: 'system', id: 'assign-reviewer' };

  it('assigns once; a load is counted from its slots, one per unit, taken by one of two racers', async () => {
    const { reviews } = ports;
    const a = await reviews.assign('2024Q4', 'phong-tu-phap', 'rv-a', system);
    const again = await reviews.assign('2024Q4', 'phong-tu-phap', 'rv-b', system);
    expect([a.created, again.created, again.assignment.reviewerId]).toEqual([true, false, 'rv-a']);

    expect(await reviews.takeLoadSlot('2024Q4', 'rv-a', 'phong-tu-phap', 0)).toBe(true);
    // Two assignments that both saw rv-a holding one unit: only one gets its second slot.
    const race = await Promise.all([
      reviews.takeLoadSlot('2024Q4', 'rv-a', 'xa-an-binh', 1),
      reviews.takeLoadSlot('2024Q4', 'rv-a', 'xa-thanh-son', 1),
    ]);
    expect(race.filter(Boolean)).toHaveLength(1);
    expect(await reviews.reviewerLoads('2024Q4', 'phong-tu-phap')).toEqual({
      loads: { 'rv-a': 2 },
      holder: 'rv-a',
      holders: ['rv-a'],
    });
    expect((await reviews.reviewerLoads('2024Q4', 'xa-khac')).holder).toBeUndefined();
  });
});

describe('approvals and decisions', () => {
  const point = {
    kind: 'appraise' as const,
    periodId: '2024Q3',
    unitId: 'phong-tu-phap',
    round: 1,
    party: 'reviewer',
  };
  const expiresAt = '2024-12-31T17:00:00Z';

  it('one approval per decision point; a re-armed task keeps the id', async () => {
    const { reviews } = ports;
    const first = await reviews.createApproval({ ...point, taskToken: 'token-1', expiresAt, keyId: 'k1' });
    expect(first.created).toBe(true);
    expect(first.approval.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await reviews.createApproval({ ...point, taskToken: 'token-2', expiresAt, keyId: 'k1' });
    expect([again.created, again.approval.id, again.approval.taskToken]).toEqual([
      false,
      first.approval.id,
      'token-1',
    ]);
    const swapped = await reviews.swapTaskToken(first.approval.id, 'token-2');
    expect([swapped.state, swapped.approval.taskToken, swapped.approval.tokenGen]).toEqual([
      'armed',
      'token-2',
      1,
    ]);
    expect((await reviews.listUnitPeriodApprovals('phong-tu-phap', '2024Q3')).map((a) => a.id)).toEqual([
      first.approval.id,
    ]);
  });

  it('two concurrent decisions on one link: one claim wins, and its payload is the one read', async () => {
    const { reviews } = ports;
    const { approval } = await reviews.createApproval({
      ...point,
      round: 2,
      taskToken: 'tok-a',
      expiresAt,
      keyId: 'k1',
    });
    const decide = async (note: string, action: string, actor: Actor) => {
      const payloadHash = await reviews.putDecisionPayload(approval, { note });
      return reviews.decide(approval.id, { action, payloadHash }, actor);
    };
    const [x, y] = await Promise.all([
      decide('A', 'approve', reviewer),
      decide('B', 'return', { ...reviewer, ip: '192.0.2.9' }),
    ]);
    expect([x.outcome, y.outcome].sort()).toEqual(['already-decided', 'decided']);
    const winner = x.outcome === 'decided' ? x : y;
    if (winner.outcome !== 'decided') throw new Error('unreachable');
    const stored = await reviews.getApproval(approval.id);
    expect(stored?.decision).toEqual(winner.approval.decision);
    expect(stored?.decidedBy).toEqual(winner.approval.decidedBy);
    if (!stored) throw new Error('no approval');
    // The loser's payload is stored too (it was put before its claim lost), and never read.
    const payload = await reviews.getDecisionPayload<{ note: string }>(stored);
    expect(payload?.note).toBe(stored.decision?.action === 'approve' ? 'A' : 'B');

    expect((await reviews.listUndelivered()).map((a) => a.id)).toContain(approval.id);
    expect(await reviews.listUndelivered({ decidedBefore: new Date(clock.getTime() - 60_000) })).toEqual([]);
    // A re-armed task (restart) gets the decision at once; the stale token's answer cannot win.
    const swap = await reviews.swapTaskToken(approval.id, 'tok-b');
    expect([swap.state, swap.approval.tokenGen]).toEqual(['decided', 1]);
    expect(await reviews.markTaskGone(approval.id, 0, 'InvalidToken')).toBe(false);
    expect(await reviews.markDeliveryFailed(approval.id, 1, 'ServiceUnavailable')).toBe(true);
    expect((await reviews.listUndelivered()).map((a) => a.id)).toContain(approval.id);
    expect(await reviews.markDelivered(approval.id, 1)).toBe(true);
    expect((await reviews.listUndelivered()).map((a) => a.id)).not.toContain(approval.id);
    expect((await reviews.getApproval(approval.id))?.status).toBe('delivered');
  });

  it('expired, closed, unknown and task-gone approvals say so', async () => {
    const { reviews } = ports;
    const old = await reviews.createApproval({
      ...point,
      round: 3,
      taskToken: 't',
      expiresAt: '2024-09-30T00:00:00Z',
      keyId: 'k1',
    });
    expect((await reviews.decide(old.approval.id, { action: 'approve' }, reviewer)).outcome).toBe('expired');
    expect((await reviews.getApproval(old.approval.id))?.status).toBe('pending');

    const closing = await reviews.createApproval({
      ...point,
      round: 4,
      taskToken: 't',
      expiresAt,
      keyId: 'k1',
    });
    expect(await reviews.closeApproval(closing.approval.id, 'review closed')).toBe(true);
    expect((await reviews.decide(closing.approval.id, { action: 'approve' }, reviewer)).outcome).toBe(
      'closed',
    );
    expect((await reviews.decide('AAAAAAAAAAAAAAAAAAAAAA', { action: 'approve' }, reviewer)).outcome).toBe(
      'not-found',
    );
    await expect(reviews.swapTaskToken('AAAAAAAAAAAAAAAAAAAAAA', 'x')).rejects.toBeInstanceOf(NotFoundError);

    const gone = await reviews.createApproval({ ...point, round: 5, taskToken: 't', expiresAt, keyId: 'k1' });
    await reviews.decide(gone.approval.id, { action: 'approve' }, reviewer);
    expect(await reviews.markTaskGone(gone.approval.id, 0, 'TaskTimedOut')).toBe(true);
    expect((await reviews.listTaskGone()).map((a) => a.id)).toContain(gone.approval.id);
    expect((await reviews.listUndelivered()).map((a) => a.id)).not.toContain(gone.approval.id);
  });

  it('counts reminders at most once per interval, only while pending', async () => {
    const { reviews } = ports;
    const { approval } = await reviews.createApproval({
      ...point,
      round: 6,
      taskToken: 't',
      expiresAt,
      keyId: 'k1',
    });
    expect(await reviews.noteReminder(approval.id, 3_600_000)).toEqual({ remind: true, reminders: 1 });
    expect(await reviews.noteReminder(approval.id, 3_600_000)).toEqual({ remind: false, reminders: 1 });
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await reviews.noteReminder(approval.id, 3_600_000)).toEqual({ remind: true, reminders: 2 });
  });

  it('sign-in links are single-use and never deduplicated', async () => {
    const { reviews } = ports;
    const input = {
      kind: 'signin' as const,
      subjectId: 'can-bo-noi-vu',
      expiresAt: new Date(clock.getTime() + 900_000).toISOString(),
      keyId: 'k1',
    };
    const a = await reviews.createApproval(input);
    const b = await reviews.createApproval(input);
    expect(a.approval.id).not.toBe(b.approval.id);
    const admin: Actor = { kind: 'admin', id: 'x' };
    expect((await reviews.decide(a.approval.id, { action: 'signin' }, admin)).outcome).toBe('decided');
    expect((await reviews.decide(a.approval.id, { action: 'signin' }, admin)).outcome).toBe(
      'already-decided',
    );
    expect((await reviews.listUndelivered()).map((x) => x.id)).not.toContain(a.approval.id);
  });
});

describe('results', () => {
  const version = (
    v: number,
    lines: { unitId: string; line: unknown }[],
    changed: 'all' | string[] = 'all',
  ) => ({
    periodId: '2024Q3',
    version: v,
    lines,
    counts: { 'co-quan': { ranked: lines.length, notSubmitted: 0, notAppraised: 0 } },
    criteriaSets: { 'co-quan': { id: 'huyen-co-quan-2022', hash: 'abc' } },
    changed,
    reason:
      v === 1
        ? ({ trigger: 'close' } as const)
        : ({ trigger: 'late', unitId: 'xa-an-binh', round: 2 } as const),
    body: { kind: 'period', periodId: '2024Q3' },
  });
  const v1 = [
    { unitId: 'phong-tu-phap', line: { rank: 1, percent: { num: 8999n, den: 100n } } },
    { unitId: 'xa-an-binh', line: { rank: 2, percent: null } },
  ];

  it('a version is read whole through its header, in its order; never overwritten; the next is v+1', async () => {
    const { results } = ports;
    expect(await results.putVersion(version(1, v1))).toBe('created');
    expect(await results.putVersion(version(1, v1))).toBe('unchanged');
    // Another computation of version 1 loses: its lines are written under its own hash, never read.
    await expect(
      results.putVersion(
        version(
          1,
          [v1[1], v1[0]].flatMap((l) => (l ? [l] : [])),
        ),
      ),
    ).rejects.toMatchObject({
      reason: 'exists',
    });
    const header = await results.getHeader('2024Q3', 1);
    if (!header) throw new Error('no header');
    expect([header.lineCount, header.changed, header.reason]).toEqual([2, 'all', { trigger: 'close' }]);
    expect(await results.getLines(header)).toEqual(v1);
    expect(await results.getLine(header, 'xa-an-binh')).toEqual({ rank: 2, percent: null });

    expect(await results.putVersion(version(2, v1.slice(0, 1), ['xa-an-binh']))).toBe('created');
    expect((await results.listHeaders('2024Q3')).map((h) => [h.version, h.changed])).toEqual([
      [1, 'all'],
      [2, ['xa-an-binh']],
    ]);
  });

  it('a version whose lines are not all stored is refused, not read in part', async () => {
    const header = await ports.results.getHeader('2024Q3', 1);
    if (!header) throw new Error('no header');
    await expect(ports.results.getLines({ ...header, lineCount: 3 })).rejects.toThrow(
      /2 lines stored, the header says 3/,
    );
  });

  it('records adjustments with a version per change; the same values change nothing', async () => {
    const admin: Actor = { kind: 'admin', id: 'can-bo' };
    const first = await ports.results.putAdjustments(
      'xa-an-binh',
      '2024Q3',
      { survey: 2500, bonus: 0, penalty: 0 },
      admin,
    );
    const same = await ports.results.putAdjustments(
      'xa-an-binh',
      '2024Q3',
      { survey: 2500, bonus: 0, penalty: 0 },
      admin,
    );
    const changed = await ports.results.putAdjustments(
      'xa-an-binh',
      '2024Q3',
      { survey: 2600, bonus: 0, penalty: 0 },
      admin,
    );
    expect([first.changed, same.changed, changed.changed, changed.adjustments.version]).toEqual([
      true,
      false,
      true,
      2,
    ]);
    expect(changed.before?.survey).toBe(2500);
    expect((await ports.results.listPeriodAdjustments('2024Q3')).map((a) => a.survey)).toEqual([2600]);
  });
});

describe('audit', () => {
  it('an entry id is the same entry when appended again; listed in time order', async () => {
    const { audit } = ports;
    const entry = {
      id: 'decision-x',
      subject: 'report/xa-an-binh/2024Q3',
      actor: reviewer,
      action: 'appraise.decided',
    };
    expect(await audit.append({ ...entry, at: '2024-10-02T00:00:00.000Z' })).toBe('appended');
    expect(await audit.append({ ...entry, at: '2024-10-05T00:00:00.000Z' })).toBe('exists');
    await audit.append({
      ...entry,
      id: 'approved-r1',
      action: 'report.approved',
      at: '2024-10-01T00:00:00.000Z',
    });
    expect((await audit.list(entry.subject)).map((e) => [e.id, e.at])).toEqual([
      ['approved-r1', '2024-10-01T00:00:00.000Z'],
      ['decision-x', '2024-10-02T00:00:00.000Z'],
    ]);
    expect(await audit.has(entry.subject, 'decision-x')).toBe(true);
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

  it('claims once; a stale claim becomes ambiguous, never re-sent by guess; a failed one is claimed again', async () => {
    const { outbox } = ports;
    const first = await outbox.claim(identity, mail);
    expect(first.outcome).toBe('claimed');
    expect((await outbox.claim(identity, mail)).outcome).toBe('in-progress');
    clock = new Date(clock.getTime() + 16 * 60_000);
    expect((await outbox.claim(identity, mail)).outcome).toBe('ambiguous');
    expect((await outbox.listAttention()).map((r) => r.key)).toContain(first.record.key);

    const other = { ...identity, step: 'reminder' };
    const claimed = await outbox.claim(other, mail);
    expect(await outbox.markFailed(claimed.record.key, 1, 'refused')).toBe(true);
    const retry = await outbox.claim(other, mail);
    expect([retry.outcome, retry.record.attempt]).toEqual(['claimed', 2]);
    expect(await outbox.markSent(retry.record.key, 1, 'stale-attempt')).toBe(false);
    expect(await outbox.markSent(retry.record.key, 2, 'msg-1')).toBe(true);
    expect((await outbox.claim(other, mail)).outcome).toBe('duplicate');
    expect((await outbox.list(2)).map((r) => r.identity.step)).toEqual(['reminder', 'invitation']);
    // Counted as the listing reads them, up to its limit.
    expect([await outbox.count(2), await outbox.count(1)]).toEqual([2, 1]);
  });
});

describe('outbox bodies', () => {
  const identity = {
    step: 'results',
    recipient: 'vp@example.vn',
    subjectId: 'xa-an-binh',
    periodId: '2024Q3',
  };
  const rows = Array.from({ length: 80 }, (_, i) => `<tr><td>Tiêu chí ${i}</td><td>${i} điểm</td></tr>`);
  const letter = {
    to: 'vp@example.vn',
    subject: 'Kết quả chấm điểm quý III/2024',
    text: rows.map((r) => r.replace(/<[^>]+>/g, ' ')).join('\n'),
    html: `<table>${rows.join('')}</table>`,
  };
  const stored = async (key: string) =>
    (
      await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: `OUTBOX#${key}`, sk: 'OUTBOX' } }),
      )
    ).Item;

  it('keeps a long letter deflated and gives back its exact text and HTML, also after a failed send is claimed again with another body', async () => {
    const { outbox } = ports;
    const first = await outbox.claim(identity, letter);
    expect(first.record).toMatchObject({ text: letter.text, html: letter.html });
    const item = await stored(first.record.key);
    expect([item?.text, item?.html, item?.body]).toEqual([undefined, undefined, undefined]);
    expect(item?.bodyz.byteLength).toBeLessThan(Buffer.byteLength(letter.text + letter.html) / 4);

    // The retry of a failed send stores the body it sends now, in the form that body takes.
    await outbox.markFailed(first.record.key, 1, 'throttled');
    const short = { ...letter, text: 'Xem kết quả tại trang quản trị.', html: '<p>Xem kết quả.</p>' };
    const retried = await outbox.claim(identity, short);
    expect([retried.outcome, retried.record.text, retried.record.html]).toEqual([
      'claimed',
      short.text,
      short.html,
    ]);
    const after = await stored(first.record.key);
    expect([after?.bodyz, typeof after?.body]).toEqual([undefined, 'string']);
    expect((await outbox.getByKey(first.record.key))?.html).toBe(short.html);
    expect(await outbox.markSent(first.record.key, 2, 'msg-2')).toBe(true);
  });

  it('reads a record stored before bodies were packed (text and HTML apart)', async () => {
    const key = 'invitation#2024Q3#xa-cu#r000#cu%40example.vn';
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          pk: `OUTBOX#${key}`,
          sk: 'OUTBOX',
          key,
          identity: {
            step: 'invitation',
            recipient: 'cu@example.vn',
            subjectId: 'xa-cu',
            periodId: '2024Q3',
          },
          to: 'cu@example.vn',
          subject: 'Mời nộp báo cáo',
          text: 'Kính gửi UBND xã',
          html: '<p>Kính gửi UBND xã</p>',
          status: 'sent',
          attempt: 1,
          createdAt: clock.toISOString(),
          claimedAt: clock.toISOString(),
        },
      }),
    );
    expect(await ports.outbox.getByKey(key)).toMatchObject({
      text: 'Kính gửi UBND xã',
      html: '<p>Kính gửi UBND xã</p>',
      status: 'sent',
    });
  });
});

describe('stale outbox claims', () => {
  const mail = { to: 'a@song-lam.example.org', subject: 's', text: 't', html: '<p>t</p>' };
  const identity = (n: number) => ({
    step: 'invitation',
    recipient: mail.to,
    subjectId: `xa-${n}`,
    periodId: '2022Q3',
  });

  it('lists claims never marked, older than the cut-off, oldest first, however far the clock jumped', async () => {
    const { outbox } = ports;
    const t0 = clock.getTime();
    const stale = await outbox.claim(identity(1), mail);
    const sent = await outbox.claim(identity(2), mail);
    await outbox.markSent(sent.record.key, 1, 'm-2');
    const failed = await outbox.claim(identity(3), mail);
    await outbox.markFailed(failed.record.key, 1, 'refused');
    clock = new Date(t0 + 4 * 60_000);
    await outbox.claim(identity(4), mail); // too fresh

    clock = new Date(t0 + 6 * 60_000);
    const cutOff = new Date(clock.getTime() - 5 * 60_000);
    expect((await outbox.listStaleClaims(cutOff)).map((r) => r.key)).toEqual([stale.record.key]);
    // A week later (a virtual clock's jump): still found.
    clock = new Date(t0 + 7 * 86_400_000);
    expect((await outbox.listStaleClaims(new Date(clock.getTime() - 5 * 60_000))).map((r) => r.key)).toEqual([
      stale.record.key,
      expect.stringContaining('xa-4'),
    ]);
  });
});

describe('sessions', () => {
  it('expire after idle time and absolutely; only a hash of the id is stored', async () => {
    const { sessions } = ports;
    const { sessionId } = await sessions.create(
      { adminId: 'can-bo-noi-vu', email: 'noivu@example.vn' },
      { absoluteMs: 8 * 3_600_000, idleTimeoutMs: 3_600_000 },
    );
    expect((await sessions.get(sessionId))?.adminId).toBe('can-bo-noi-vu');
    clock = new Date(clock.getTime() + 50 * 60_000);
    expect(await sessions.get(sessionId)).toBeDefined(); // refreshes the idle clock
    clock = new Date(clock.getTime() + 50 * 60_000);
    expect(await sessions.get(sessionId)).toBeDefined();
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect(await sessions.get(sessionId)).toBeUndefined();
    expect(await sessions.get('not a session')).toBeUndefined();
    const hashed = createHash('sha256').update(sessionId).digest('hex');
    const item = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: `SESSION#${hashed}`, sk: 'SESSION' } }),
    );
    expect(item.Item?.adminId).toBe('can-bo-noi-vu');
    expect(JSON.stringify(item.Item)).not.toContain(sessionId);
  });
});

describe('commendation', () => {
  it('keeps proposals versioned', async () => {
    const p1 = await ports.awards.putProposal('2024', 'phong-tu-phap', { form: 'giay-khen' }, 0);
    expect(p1.version).toBe(1);
    await expect(
      ports.awards.putProposal('2024', 'phong-tu-phap', { form: 'bang-khen-tinh' }, 0),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await ports.awards.listProposals('2024')).toHaveLength(1);
  });
});

describe('the table helper', () => {
  it('puts content-keyed items 25 a request, a key named twice once, and each can be read back', async () => {
    const { Table } = await import('#ports/dynamo/table');
    const helper = new Table({ client: table.client, tableName: table.tableName });
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: 'PERIOD#2030Q1', sk: `RESLINE#${i}`, pos: i }));
    await helper.putAll([items[7] as (typeof items)[number], ...items]); // twice in the first request
    const stored = await helper.queryPrefix('PERIOD#2030Q1', 'RESLINE#');
    expect(stored.map((i) => i.pos).sort((a, b) => Number(a) - Number(b))).toEqual(items.map((i) => i.pos));
  });

  it('sends again what DynamoDB leaves unprocessed, for puts and for reads, until nothing is left', async () => {
    // dynalite always processes a whole batch; DynamoDB may not (throttling): a client that leaves
    // the first item of each request unprocessed once forces that answer.
    const { Table } = await import('#ports/dynamo/table');
    const sent: number[] = [];
    let leave = true;
    const client = {
      send: async (command: { input: { RequestItems: Record<string, unknown> } }) => {
        const [name, request] = Object.entries(command.input.RequestItems)[0] ?? [];
        const list = Array.isArray(request) ? request : (request as { Keys: unknown[] }).Keys;
        sent.push(list.length);
        const left = leave ? list.slice(0, 1) : [];
        leave = !leave;
        return Array.isArray(request)
          ? { UnprocessedItems: { [String(name)]: left } }
          : {
              Responses: { [String(name)]: list.slice(left.length) },
              UnprocessedKeys: { [String(name)]: { Keys: left } },
            };
      },
    };
    const helper = new Table({ client: client as never, tableName: 't' });
    await helper.putAll(Array.from({ length: 30 }, (_, i) => ({ pk: 'P', sk: `S#${i}` })));
    expect(sent.sort((a, b) => a - b)).toEqual([1, 1, 5, 25]);
    sent.length = 0;
    leave = true;
    const keys = Array.from({ length: 3 }, (_, i) => ({ pk: 'P', sk: `S#${i}` }));
    expect((await helper.batchGet(keys)).map((k) => k.sk).sort()).toEqual(keys.map((k) => k.sk));
    expect(sent).toEqual([3, 1]);
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
