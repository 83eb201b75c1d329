/**
 * A restart in the middle of a period loses nothing. The demo district on the local engine with
 * its data on disk: launched, 2022Q3 opened by its schedule, a unit submits from its invitation,
 * the reviewer gets the review request — then the process's runtime stops while the review
 * execution waits for the reviewer. A new runtime starts on the same data folder (its journal
 * knows every execution, not their task tokens), recovers the way `npm start` does (the
 * unfinished review runs again under its own name), and the reviewer's link mailed BEFORE the
 * restart still decides: the execution completes.
 */
import { describe, expect, it } from 'vitest';
import { criteriaSetFor, periodById } from '#domain/calendar';
import type { Period, Unit } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import type { OutboxRecord } from '#ports/outbox';
import { launchExecution } from '#workflows/executions';
import { campaignOnDisk, postForm, reportForm, reviewForm, selfScores } from './campaign-harness.ts';

const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const EXECUTION = `review-${UNIT}-${PERIOD}-1`;

const disk = campaignOnDisk('restart');

const outboxView = (records: OutboxRecord[]) =>
  records
    .map((r) => ({ key: r.key, to: r.to, subject: r.subject, text: r.text, status: r.status }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));

describe('a restart in the middle of a period', () => {
  let unit: Unit;
  let period: Period;
  let reportLink: string;
  let reviewLink: string;
  let reviewerEmail: string;
  let before: {
    clock: string;
    next: string | undefined;
    schedules: number;
    outbox: ReturnType<typeof outboxView>;
    report: unknown;
    approvalId: string;
    tokenGen: number;
  };

  it('before: launched, the period opened on schedule, a report submitted, the reviewer mailed', async () => {
    const { name, input } = launchExecution(
      await storeCampaign({ config: disk.h.config, criteriaSets: disk.h.criteriaSets }),
    );
    const { executionArn } = disk.h.rt.sfn.startExecution({
      stateMachineArn: disk.h.workflowArn('launch'),
      name,
      input: input as never,
    });
    await disk.h.rt.settle();
    expect(disk.h.rt.sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');
    await disk.h.advanceThrough(`period-${PERIOD}-open`);

    unit = disk.h.config.units.find((u) => u.id === UNIT) as Unit;
    period = periodById(disk.h.config, PERIOD) as Period;
    const invitation = await disk.h.mail({
      step: 'invitation',
      recipient: unit.focalPoint.email,
      subjectId: UNIT,
      periodId: PERIOD,
    });
    reportLink = disk.h.linkIn(invitation, '/r');
    const set = criteriaSetFor(disk.h.config, disk.h.criteriaSets, unit.group, period);
    const submitted = await postForm(
      reportLink,
      reportForm(set, selfScores(set, 0.88, UNIT), { version: 0, action: 'submit', unit, period }),
    );
    expect(submitted.status).toBe(303);
    await disk.h.rt.settle();

    const assignment = await reviews().getAssignment(PERIOD, UNIT);
    reviewerEmail = disk.h.config.reviewers.find((r) => r.id === assignment?.reviewerId)?.email as string;
    const request = await disk.h.mail({
      step: 'review-request',
      recipient: reviewerEmail,
      subjectId: UNIT,
      periodId: PERIOD,
      round: 1,
    });
    reviewLink = disk.h.linkIn(request, '/d');
    expect(disk.h.rt.sfn.pendingTasks().map((t) => `${t.executionName} ${t.stateName}`)).toEqual([
      `${EXECUTION} AwaitAppraisal`,
    ]);
    const stored = await reports().get(UNIT, PERIOD);
    expect(stored?.status).toBe('in-review');
    const approval = (await reviews().listUnitPeriodApprovals(UNIT, PERIOD)).find(
      (a) => a.kind === 'appraise',
    );
    expect(new URL(reviewLink).searchParams.get('id')).toBe(approval?.id);
    before = {
      clock: disk.h.rt.clock.now().toISOString(),
      next: disk.h.rt.clock.nextEventTime()?.toISOString(),
      schedules: disk.h.rt.scheduler.listSchedules().length,
      outbox: outboxView(await outbox().list(1_000)),
      report: stored,
      approvalId: approval?.id as string,
      tokenGen: approval?.tokenGen as number,
    };
    // 33 launch notices, 27 invitations, the review request and the unit's receipt.
    expect(before.outbox).toHaveLength(33 + 27 + 2);
  }, 90_000);

  it('after: a new runtime on the same data resumes the review; the link mailed before the restart decides', async () => {
    await disk.restart();

    // The journal kept the executions: the finished ones as they ended, the review unfinished.
    const kept = disk.h.rt.sfn.listExecutions().map((x) => `${x.name} ${x.status}`);
    expect(kept.sort()).toEqual([
      expect.stringMatching(/^launch-v1-[0-9a-f]{12} SUCCEEDED$/),
      `period-${PERIOD}-open SUCCEEDED`,
      `${EXECUTION} RUNNING`,
    ]);
    expect(disk.h.rt.clock.now().toISOString()).toBe(before.clock);
    // Only the schedules are on the clock until the review runs again: next is the reminder.
    expect(disk.h.rt.clock.nextEventTime()?.getTime()).toBe(Date.parse(period.remindAt));
    expect(disk.h.rt.scheduler.listSchedules().length).toBe(before.schedules);
    expect(await reports().get(UNIT, PERIOD)).toEqual(before.report);
    expect(outboxView(await outbox().list(1_000))).toEqual(before.outbox);
    expect(await disk.h.sesMails()).toEqual([]); // the SES emulator forgets; the outbox is the record

    // Recovered as `npm start` does: the unfinished review runs again under its own name.
    const { resumed } = await disk.h.rt.recover();
    expect(resumed).toEqual([EXECUTION]);
    expect(disk.h.rt.sfn.pendingTasks().map((t) => `${t.executionName} ${t.stateName}`)).toEqual([
      `${EXECUTION} AwaitAppraisal`,
    ]);
    // The wait's timeout is on the clock again, at the deadline it had before the restart.
    expect(disk.h.rt.clock.nextEventTime()?.toISOString()).toBe(before.next);
    // The new task token sits behind the same approval; nobody was mailed again.
    const approval = (await reviews().listUnitPeriodApprovals(UNIT, PERIOD)).find(
      (a) => a.kind === 'appraise',
    );
    expect(approval).toMatchObject({
      id: before.approvalId,
      status: 'pending',
      tokenGen: before.tokenGen + 1,
    });
    expect(outboxView(await outbox().list(1_000))).toEqual(before.outbox);
    expect(await disk.h.sesMails()).toEqual([]);

    // The reviewer follows the link from before the restart: the page, then the decision.
    const page = await fetch(reviewLink);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(unit.name);
    const approved = await postForm(reviewLink, reviewForm(html, 'approve'));
    expect(approved.status).toBe(200);
    await disk.h.rt.settle();
    expect(disk.h.rt.sfn.listExecutions().find((x) => x.name === EXECUTION)?.status).toBe('SUCCEEDED');
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('approved');
    const told = await disk.h.mail({
      step: 'approved',
      recipient: unit.focalPoint.email,
      subjectId: UNIT,
      periodId: PERIOD,
      round: 1,
    });
    expect(told.subject).toContain('đã được phê duyệt');
    expect((await disk.h.sesMails()).map((m) => m.destination.to[0])).toEqual([unit.focalPoint.email]);
    // The unit's own link from before the restart opens its (now approved) report.
    expect((await fetch(reportLink)).status).toBe(200);
    // Decided once: the link now shows its decision read-only.
    expect(await (await fetch(reviewLink)).text()).toContain('Đã có quyết định');

    // The period goes on from its stored schedules: the reminder skips the unit that reported.
    await disk.h.advanceThrough(`period-${PERIOD}-remind`);
    for (const u of disk.h.config.units) {
      const reminded = await outbox().get({
        step: 'reminder',
        recipient: u.focalPoint.email,
        subjectId: u.id,
        periodId: PERIOD,
        round: 0,
      });
      expect(reminded !== undefined, u.id).toBe(u.id !== UNIT);
    }
    const invitations = (await outbox().list(1_000)).filter((r) => r.identity.step === 'invitation');
    expect(invitations).toHaveLength(27); // nobody invited twice
  }, 90_000);
});
