/**
 * The scoring workflow's steps against what units and reviewers left in the store: the demo's
 * year 2024 (examples/appraisals-2024.yaml) stored as submitted reports, approvals, appraisals
 * and the admin's recorded survey/bonus/penalty. The stored results must be exactly what
 * `thidua score` computes from the same file; publishing is idempotent; a late approval makes a
 * new version, started as its own execution named by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCriteria } from '#domain/criteria-tree';
import type { Period } from '#domain/model';
import { periodResultsToJson } from '#domain/results-json';
import type { PeriodResults } from '#domain/scoring';
import { handler as computeResults } from '#functions/scoring/compute-results';
import { handler as notifyLeadership } from '#functions/scoring/notify-leadership';
import { handler as publishResult } from '#functions/scoring/publish-result';
import { startRescoring } from '#functions/scoring/rescoring';
import { type ResultsBody, readPeriodResults } from '#functions/scoring/results';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { scoringExecution } from '#workflows/executions';
import { readAppraisals } from '../../cli/appraisals.ts';
import { computeScope } from '../../cli/score.ts';
import { seedApproval } from '../helpers/ports.ts';
import { at, type CycleBed, seedAppraisedYear, startCycleBed } from './cycle-harness.ts';

const FILE = 'examples/appraisals-2024.yaml';
let bed: CycleBed;
let periods: Period[];

beforeAll(async () => {
  bed = await startCycleBed(new Date('2024-01-01T00:00:00Z'));
  periods = await seedAppraisedYear(bed, FILE);
}, 120_000);
afterAll(async () => {
  await bed?.stop();
});

/** ComputeResults as the scoring execution of that trigger runs it (its name says why). */
const compute = (periodId: string, executionName = scoringExecution(periodId, { trigger: 'close' }).name) =>
  bed.invoke(computeResults, { periodId, executionName });
/** Every stored version of a period, each read whole through its header. */
const versionsOf = async (periodId: string): Promise<PeriodResults[]> =>
  Promise.all((await results().listHeaders<ResultsBody>(periodId)).map((h) => readPeriodResults(h)));
const lineOf = async (periodId: string, unitId: string, version?: number) => {
  const versions = await versionsOf(periodId);
  const found = version ? versions.find((v) => v.version === version)! : versions.at(-1)!;
  return periodResultsToJson(found).units.find((u) => u.unitId === unitId)!;
};

describe('computing results from the stored reports', { timeout: 120_000 }, () => {
  it('stores v1 of each period, exactly what `thidua score` computes from the same data', async () => {
    const expected = readAppraisals(FILE, { config: bed.config, criteriaSets: bed.criteriaSets });
    for (const p of periods) {
      at(bed, new Date(Date.parse(p.reviewClosesAt) + 60_000));
      const out = await compute(p.id);
      expect(out).toMatchObject({ version: 1, isNew: true, created: true });
      expect(out.unitIds.sort()).toEqual(bed.config.units.map((u) => u.id).sort());
      const stored = (await versionsOf(p.id))[0]!;
      const scored = computeScope({ config: bed.config, criteriaSets: bed.criteriaSets }, expected, {
        kind: 'period',
        periodId: p.id,
      });
      expect(periodResultsToJson(stored)).toEqual(periodResultsToJson(scored.results as typeof stored));
    }
  });

  it('flags the unit that did not report and the one not appraised, and ranks per group', async () => {
    expect(await lineOf('2024Q2', 'xa-dai-dong')).toMatchObject({
      status: 'not-submitted',
      total: 0,
      band: 'yeu',
      flagLabels: ['Không nộp báo cáo'],
      rank: 15, // last of the 15 communes
    });
    expect(await lineOf('2024Q3', 'phong-y-te')).toMatchObject({
      status: 'submitted-not-appraised',
      total: null,
      rank: null,
      flagLabels: ['Chưa thẩm định'],
    });
    const q4 = periodResultsToJson((await versionsOf('2024Q4'))[0]!);
    const hungLoc = q4.units.find((u) => u.unitId === 'xa-hung-loc')!;
    const namPhuc = q4.units.find((u) => u.unitId === 'xa-nam-phuc')!;
    expect(hungLoc.rank).toBe(namPhuc.rank); // the same total: a shared rank
    expect(hungLoc.percentExact).toBe(namPhuc.percentExact);
    const vanPhong = q4.units.find((u) => u.unitId === 'van-phong-hdnd-ubnd')!;
    expect(vanPhong.breakdown?.bonus).toBe(5); // 6 recorded, capped at 5
    const offices = q4.units.filter((u) => u.group === 'office').map((u) => u.rank);
    expect(offices[0]).toBe(1);
    expect(q4.units.filter((u) => u.group === 'commune')[0]!.rank).toBe(1);
  });

  it('computes again without a new version, and publishes a version once', async () => {
    // A restarted execution, before the version was announced: publish it again (the outbox de-duplicates).
    const again = await compute('2024Q3');
    expect(again).toMatchObject({ version: 1, isNew: true, created: false });
    expect(again.unitIds).toHaveLength(bed.config.units.length);
    expect(await results().listHeaders('2024Q3')).toHaveLength(1);

    await bed.clearEmails();
    for (const unitId of again.unitIds)
      await bed.invoke(publishResult, { periodId: '2024Q3', version: 1, unitId });
    for (const unitId of again.unitIds)
      await bed.invoke(publishResult, { periodId: '2024Q3', version: 1, unitId });
    await bed.invoke(notifyLeadership, { periodId: '2024Q3', version: 1 });
    await bed.invoke(notifyLeadership, { periodId: '2024Q3', version: 1 });
    const mails = await bed.emails();
    const leaders = [...bed.config.leadership, ...bed.config.admins].map((p) => p.email);
    expect(mails).toHaveLength(bed.config.units.length + new Set(leaders).size);

    // After the announcement, computing again has nothing to publish.
    expect(await compute('2024Q3')).toEqual({
      version: 1,
      isNew: false,
      created: false,
      unitIds: [],
      again: false,
    });

    const line = await lineOf('2024Q3', 'phong-tu-phap');
    const unitMail = mails.find((m) => m.destination.to[0] === 'namtv.tuphap@song-lam.example.org')!;
    expect(unitMail.subject).toBe(
      '[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý III năm 2024 – Phòng Tư pháp',
    );
    const text = unitMail.body.text!;
    const percent = line.percent!.toFixed(2).replace('.', ',');
    const ranked = (await versionsOf('2024Q3'))[0]!.units.filter(
      (u) => u.group === 'office' && u.rank !== null,
    ).length;
    expect(text).toContain(`Tỷ lệ: ${percent} %`);
    expect(text).toContain(`Xếp loại: ${line.bandLabel}`);
    expect(text).toContain(`Xếp hạng trong khối cơ quan: ${line.rank}/${ranked}`);
    expect(text).toContain('So với quý II năm 2024:');
    const moved = line.change!.rankChange!;
    expect(text).toContain(
      moved === 0 ? 'giữ nguyên thứ hạng' : moved > 0 ? `tăng ${moved} bậc` : `giảm ${-moved} bậc`,
    );
    expect(text).toMatch(/Tổng điểm: \d+(,\d+)? \/ 100 điểm/);

    const yTe = mails.find((m) => m.destination.to[0] === 'dungpv.yte@song-lam.example.org')!;
    expect(yTe.body.text).toContain('“Chưa thẩm định”');
    const summary = mails.find((m) => m.destination.to[0] === bed.config.leadership[0]!.email)!;
    expect(summary.subject).toBe('[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý III năm 2024');
    expect(summary.body.html).toContain('Khối cơ quan');
    expect(summary.body.html).toContain('Khối xã, thị trấn');
    expect(summary.body.text).toContain('Chưa thẩm định: 1');
    // A leader who is not an admin gets the same link as an admin: a leader's session opens the
    // results pages (test/admin/leader.test.ts).
    const admins = new Set(bed.config.admins.map((a) => a.email));
    expect(admins.has(bed.config.leadership[0]!.email)).toBe(false);
    const adminCopy = mails.find((m) => m.destination.to[0] === bed.config.admins[0]!.email)!;
    for (const copy of [summary, adminCopy]) {
      expect(copy.body.html).toContain('/admin/periods/2024Q3/results?version=1');
      expect(copy.body.text).toContain('đăng nhập bằng địa chỉ email này');
    }
  });

  it('turns a late approval into v2, computed by the execution named by it, listing the changed units', async () => {
    const q3 = periods.find((p) => p.id === '2024Q3')!;
    // Phòng Y tế is appraised after review close, within the grace period, with full marks.
    at(bed, new Date(Date.parse(q3.reviewClosesAt) + 5 * 86_400_000));
    const report = (await reports().get('phong-y-te', '2024Q3'))!;
    const set = bed.criteriaSets.find((s) => s.id === report.report.criteriaSetId)!;
    await seedApproval({
      unitId: 'phong-y-te',
      periodId: '2024Q3',
      criteriaSetId: set.id,
      reviewerId: 'pham-thi-lan',
      entries: Object.fromEntries(
        indexCriteria(set).leaves.map(({ leaf }) => [leaf.id, { score: leaf.max, comment: '' }]),
      ),
    });
    const late = { trigger: 'late', unitId: 'phong-y-te', round: 1 } as const;
    expect(await startRescoring('2024Q3', late)).toEqual({
      status: 'started',
      executionName: 'scoring-2024Q3-late-phong-y-te-r1',
    });
    expect(bed.executions('scoring')).toContain('scoring-2024Q3-late-phong-y-te-r1');
    // The new execution's ComputeResults:
    const out = await compute('2024Q3', 'scoring-2024Q3-late-phong-y-te-r1');
    expect(out).toMatchObject({ version: 2, isNew: true, created: true });
    expect(out.unitIds).toContain('phong-y-te');
    expect(out.unitIds).not.toContain('xa-thanh-son'); // communes are ranked apart: unchanged
    expect(await lineOf('2024Q3', 'phong-y-te', 2)).toMatchObject({
      status: 'approved',
      rank: 1,
      band: 'xuat-sac',
    });
    expect(await lineOf('2024Q3', 'phong-y-te', 1)).toMatchObject({ status: 'submitted-not-appraised' }); // v1 kept
    const before = await lineOf('2024Q3', 'phong-noi-vu', 1);
    const after = await lineOf('2024Q3', 'phong-noi-vu', 2);
    expect(after.rank).toBe((before.rank ?? 0) + 1); // moved down one place
    expect(out.unitIds).toContain('phong-noi-vu');

    // Announced to the units whose line changed, marked as a new version.
    await bed.clearEmails();
    for (const unitId of out.unitIds)
      await bed.invoke(publishResult, { periodId: '2024Q3', version: 2, unitId });
    await bed.invoke(notifyLeadership, { periodId: '2024Q3', version: 2 });
    const mails = await bed.emails();
    expect(mails.filter((m) => m.subject.includes('phiên bản 2'))).toHaveLength(mails.length);
    const summary = mails.find((m) => m.destination.to[0] === bed.config.leadership[0]!.email)!;
    expect(summary.body.text).toContain('Phòng Y tế');
    expect(summary.body.text).toContain('thay thế phiên bản 1');

    // The version records why it was made; v1 stays whole.
    const header = await results().getHeader('2024Q3', 2);
    expect(header).toMatchObject({ reason: late, lineCount: bed.config.units.length });
    expect(header?.changed).toEqual(out.unitIds);
    expect((await results().getHeader('2024Q3', 1))?.changed).toBe('all');

    // The same trigger again (a retried step) is the same execution; a later trigger that changes
    // nothing makes no version.
    expect(await startRescoring('2024Q3', late)).toMatchObject({ status: 'already-exists' });
    const admin = scoringExecution('2024Q3', { trigger: 'admin', n: 1 }).name;
    expect(await compute('2024Q3', admin)).toMatchObject({ version: 2, created: false, again: false });
  });

  it('publishes a version its run left unannounced before storing the next, so every unit gets its letter', async () => {
    // 2024Q2's v1 was stored by the first test and never announced: its run stopped before
    // publishing. Meanwhile the admin records a penalty for Phòng Tư pháp.
    const periodId = '2024Q2';
    const unitId = 'phong-tu-phap';
    const was = await results().getAdjustments(unitId, periodId);
    await results().putAdjustments(
      unitId,
      periodId,
      { survey: was?.survey ?? null, bonus: was?.bonus ?? 0, penalty: (was?.penalty ?? 0) + 100 },
      { kind: 'admin', id: 'tran-quoc-huy' },
    );
    const execution = scoringExecution(periodId, { trigger: 'admin', n: 1 }).name;

    // The unannounced v1 goes out first, to every unit; no v2 is stored over it yet.
    const first = await compute(periodId, execution);
    expect(first).toMatchObject({ version: 1, isNew: true, created: false, again: true });
    expect(first.unitIds).toHaveLength(bed.config.units.length);
    expect(await results().listHeaders(periodId)).toHaveLength(1);
    await bed.clearEmails();
    for (const id of first.unitIds) await bed.invoke(publishResult, { periodId, version: 1, unitId: id });
    await bed.invoke(notifyLeadership, { periodId, version: 1 });

    // Computed again once v1 is announced: v2, with the penalty, to the units it changed.
    const second = await compute(periodId, execution);
    expect(second).toMatchObject({ version: 2, isNew: true, created: true, again: false });
    expect(second.unitIds).toContain(unitId);
    expect(second.unitIds.length).toBeLessThan(bed.config.units.length);
    for (const id of second.unitIds) await bed.invoke(publishResult, { periodId, version: 2, unitId: id });
    await bed.invoke(notifyLeadership, { periodId, version: 2 });
    expect(await compute(periodId, execution)).toMatchObject({ version: 2, isNew: false, again: false });

    const mails = await bed.emails();
    const toUnits = mails.filter((m) =>
      bed.config.units.some((u) => u.focalPoint.email === m.destination.to[0]),
    );
    expect(toUnits.filter((m) => !m.subject.includes('phiên bản'))).toHaveLength(bed.config.units.length);
    const tuPhap = toUnits.filter((m) => m.destination.to[0] === 'namtv.tuphap@song-lam.example.org');
    expect(tuPhap.map((m) => m.subject)).toEqual([
      '[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý II năm 2024 – Phòng Tư pháp',
      '[Thi đua CCHC] Kết quả thi đua cải cách hành chính quý II năm 2024 – Phòng Tư pháp (công bố lại, phiên bản 2)',
    ]);
    expect(tuPhap[1]!.body.text).toContain('So với phiên bản 1:');
    const leader = bed.config.leadership[0]!.email;
    expect(mails.filter((m) => m.destination.to[0] === leader)).toHaveLength(2);
  });

  it('never stores a version over a newer one computed from fresher data while it read', async () => {
    // Two recomputations of 2024Q2 overlap: A reads the adjustments, then the admin records another
    // penalty and B computes, stores and announces v3 with it, all before A reads the latest version.
    const periodId = '2024Q2';
    const unitId = 'phong-tu-phap';
    const store = results();
    const listAdjustments = store.listPeriodAdjustments.bind(store);
    let interleaved = false;
    // A fault no emulator can produce: another execution running between two of A's reads.
    store.listPeriodAdjustments = async (id: string) => {
      const stale = await listAdjustments(id);
      if (!interleaved) {
        interleaved = true;
        const was = (await store.getAdjustments(unitId, periodId))!;
        await store.putAdjustments(
          unitId,
          periodId,
          { survey: was.survey, bonus: was.bonus, penalty: was.penalty + 100 },
          { kind: 'admin', id: 'tran-quoc-huy' },
        );
        const b = await compute(periodId, scoringExecution(periodId, { trigger: 'admin', n: 3 }).name);
        expect(b).toMatchObject({ version: 3, created: true });
        await bed.invoke(notifyLeadership, { periodId, version: 3 });
      }
      return stale;
    };
    try {
      const a = await compute(periodId, scoringExecution(periodId, { trigger: 'admin', n: 2 }).name);
      expect(interleaved).toBe(true);
      // A's data are those of v2: nothing new to store, v3 stands as the latest.
      expect(a).toMatchObject({ version: 2, isNew: false });
    } finally {
      store.listPeriodAdjustments = listAdjustments;
    }
    const headers = await results().listHeaders(periodId);
    expect(headers.map((h) => h.version)).toEqual([1, 2, 3]);
    expect(await lineOf(periodId, unitId)).toEqual(await lineOf(periodId, unitId, 3));
  });
});
