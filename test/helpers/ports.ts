/**
 * The storage ports as a test reads and seeds them: every DynamoDB port over one table (a test's
 * own dynalite, or the registry's table of the running bed), and the records a test puts in place
 * the way the product would have written them (an appraisal is the payload of an `appraise`
 * decision; a report is approved with the decision named final).
 */
import type { Appraisal } from '#domain/model';
import type { Actor } from '#ports/actor';
import { DynamoAuditLog } from '#ports/dynamo/audit';
import { DynamoAwardStore } from '#ports/dynamo/awards';
import { DynamoCampaignStore } from '#ports/dynamo/campaigns';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import { DynamoReportStore, reports } from '#ports/dynamo/reports';
import { DynamoResultsStore } from '#ports/dynamo/results';
import { DynamoReviewStore, reviews } from '#ports/dynamo/reviews';
import { DynamoSessions } from '#ports/dynamo/sessions';
import { Table } from '#ports/dynamo/table';
import type { Approval } from '#ports/reviews';
import { currentKeyId } from '#ports/signing';
import { claimDecision } from '#steps/decisions';
import type { TestTable } from './dynalite.ts';

/** Every DynamoDB port over one table. */
export function dynamoPorts(t: TestTable, clock?: () => Date) {
  const table = new Table({ client: t.client, tableName: t.tableName, ...(clock ? { clock } : {}) });
  return {
    table,
    campaigns: new DynamoCampaignStore(table),
    reports: new DynamoReportStore(table),
    reviews: new DynamoReviewStore(table),
    outbox: new DynamoOutbox(table),
    results: new DynamoResultsStore(table),
    awards: new DynamoAwardStore(table),
    audit: new DynamoAuditLog(table),
    // Sessions run on real time in the product; here on the test's clock, to test expiry.
    sessions: new DynamoSessions(table, clock),
  };
}

/**
 * A reviewer's decision on a round, as the decision page records it: the round's `appraise`
 * approval (created if needed), the appraisal as its payload, the claim. Through the registry's ports.
 */
export async function decideAppraisal(
  appraisal: Appraisal,
  round: number,
  decision: 'approve' | 'return',
  options: { reportVersion?: number; generalComment?: string; expiresAt?: string; actor?: Actor } = {},
): Promise<Approval> {
  const { approval } = await reviews().createApproval({
    kind: 'appraise',
    periodId: appraisal.periodId,
    unitId: appraisal.unitId,
    round,
    party: 'reviewer',
    subjectId: appraisal.reviewerId,
    expiresAt: options.expiresAt ?? '2999-01-01T00:00:00.000Z',
    keyId: await currentKeyId(),
  });
  const outcome = await claimDecision(
    approval,
    {
      action: decision,
      payload: {
        appraisal,
        reportVersion: options.reportVersion ?? 1,
        ...(options.generalComment ? { generalComment: options.generalComment } : {}),
      },
    },
    options.actor ?? { kind: 'reviewer', id: appraisal.reviewerId },
  );
  if (outcome.outcome !== 'decided') throw new Error(`appraisal not decided: ${outcome.outcome}`);
  return outcome.approval;
}

/** An approved report as RecordApproval leaves it: the approving round's decision named final. */
export async function seedApproval(appraisal: Appraisal, round = 1, reportVersion = 1): Promise<Approval> {
  const approval = await decideAppraisal(appraisal, round, 'approve', { reportVersion });
  // No task waits for a seeded decision: it leaves the sweep's queue as a delivered one does.
  await reviews().markDelivered(approval.id, approval.tokenGen);
  await reports().setStatus(
    appraisal.unitId,
    appraisal.periodId,
    ['submitted', 'in-review', 'explained'],
    'approved',
    {
      kind: 'system',
      id: 'seed',
    },
  );
  await reports().setFinalApproval(appraisal.unitId, appraisal.periodId, approval.id);
  return approval;
}
