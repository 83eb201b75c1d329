/**
 * RecordFailure `{executionName, error, cause, periodId?, unitId?}` → `{}`, then the workflow
 * fails (its Fail state). Shared by the five state machines (workflows/common.ts FailurePath).
 *
 * A step failed for good (its retries spent), or a callback answered with no known decision:
 * the failure goes into the audit once per execution (action `workflow.failed`, with the
 * workflow named by the execution name's prefix) and every admin is told once per execution
 * (outbox identity `workflow-failed`, admin, period, the whole execution name as its subject:
 * `period-2024Q3-open` and `period-2024Q3-close` are two failures, a rerun of one is not). The
 * cause is scrubbed of token-like strings and cut short; decisions already recorded stay
 * recorded. This step must not fail itself: a missing campaign or unit only shortens the mail.
 */
import { createHash } from 'node:crypto';
import { workflowFailedEmail } from '#mail/failure';
import { audit } from '#ports/dynamo/audit';
import { scrubString } from '#ports/log';
import { findCampaign } from '#steps/campaign';
import { type FailureInput, failureInput } from '#steps/inputs';
import { mailEach } from '#steps/mail';
import { type StepContext, stepHandler } from '#steps/middleware';
import { systemActor } from '#steps/records';
import { parseExecutionName } from '#workflows/executions';

const STEP = 'record-failure';
const MAIL_STEP = 'workflow-failed';
const MAX_CAUSE = 600;
/** What a key part may hold (functions/ports/dynamo/table.ts `part`). */
const KEY_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** A Lambda error's cause is JSON `{errorType, errorMessage, trace}`: keep the message. */
export function readableCause(cause: string | null | undefined): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // not JSON: keep as is
  }
  text = scrubString(text).replace(/\s+/g, ' ').trim();
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE)}…` : text;
}

/**
 * The failure's identity in the outbox and the audit: the execution name (ASCII, ≤ 80 characters,
 * DESIGN.md), or — when it is missing or not key-safe — a digest of what the step received, so
 * a retried call still maps to the same identity.
 */
export function failureSubject(input: FailureInput): string {
  const name = input.executionName;
  if (name && KEY_PART.test(name)) return name;
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        name ?? null,
        input.unitId ?? null,
        input.periodId ?? null,
        input.error ?? null,
        input.cause ?? null,
      ]),
    )
    .digest('hex');
  return `unnamed-${digest.slice(0, 16)}`;
}

export async function recordFailure(input: FailureInput, ctx: StepContext): Promise<Record<string, never>> {
  const { unitId, periodId, executionName } = input;
  const error = scrubString(input.error || 'Unknown').slice(0, 256);
  const cause = readableCause(input.cause);
  const workflow = parseExecutionName(executionName)?.workflow ?? 'unknown';
  const execution = failureSubject(input);
  await audit().append({
    id: `failed-${execution}`,
    subject: unitId && periodId ? `report/${unitId}/${periodId}` : `workflow/${execution}`,
    ...(periodId ? { periodId } : {}),
    actor: systemActor(STEP),
    action: 'workflow.failed',
    detail: { workflow, executionName: executionName ?? null, error, cause: cause ?? null },
  });

  const campaign = await findCampaign();
  if (!campaign) {
    ctx.log.error('workflow failed, and no campaign is stored to tell its admins', {
      workflow,
      errorName: error,
    });
    return {};
  }
  const unit = unitId ? campaign.findUnit(unitId) : undefined;
  const period = periodId ? campaign.periods.find((p) => p.id === periodId) : undefined;
  const at = ctx.clock();
  await mailEach(
    ctx.log,
    campaign.people('admin'),
    MAIL_STEP,
    { unitId: execution, ...(periodId ? { periodId } : {}) },
    (admin) =>
      workflowFailedEmail(campaign.sender, {
        admin,
        workflow,
        ...(executionName ? { executionName } : {}),
        ...(unit ? { unit } : {}),
        ...(period ? { period } : {}),
        error,
        ...(cause ? { cause } : {}),
        at,
      }),
  );
  ctx.log.warn('workflow failed: recorded and admins told', { workflow, errorName: error });
  return {};
}

export const handler = stepHandler({ name: STEP, input: failureInput }, recordFailure);
