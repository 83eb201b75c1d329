/**
 * `ReviewStore` on the district table (docs/store.md, "Reviews").
 *
 * - Assignment: the unit-period's item put with `attribute_not_exists` is its lock. The reviewer's
 *   load is counted from load-slot items (`LOAD#<reviewer>#<n>`, the reviewer's n-th unit of the
 *   period): taking slot n+1 with `attribute_not_exists` succeeds for one of two assignments that
 *   saw the same loads, so the balance holds without a counter. The assign step reads no slot
 *   listing: the period's `LOADS` item holds, per reviewer, a slot number known taken (set after
 *   each slot, never above the truth), and the unit's `SLOT` item marks that a run started taking
 *   a slot for it: only a re-run after a failure finds it, and lists the slots to find its own.
 * - Approval per decision point: put the point item (fresh random id) with `attribute_not_exists`;
 *   if it exists, reuse its id. Then put the approval; if it exists, `swapTaskToken` re-arms it
 *   (same id, same link) or hands back the decision to deliver at once. A crash between leaves a
 *   point whose approval the next call creates.
 * - The claim is one `UpdateItem` (`pending → decided`, the decision and who, gsi2 = UNDELIVERED);
 *   delivery marks are conditional on `tokenGen`, so a late answer to a stale token never
 *   overwrites the outcome of the current one.
 * - A reassignment's claim closes the pending approval with gsi2 = REASSIGNING (its follow-ups
 *   not known done); the last follow-up removes it. A closed approval is never decided, so it
 *   never carries UNDELIVERED or TASK_GONE as well.
 */
import type { Actor } from '../actor.ts';
import { NotFoundError } from '../errors.ts';
import { provide } from '../registry.ts';
import type {
  Approval,
  ApprovalDecision,
  ApprovalPoint,
  AssignmentStart,
  DecideOutcome,
  NewApproval,
  ReassignmentClaim,
  ReviewerAssignment,
  ReviewStore,
  SwapOutcome,
} from '../reviews.ts';
import {
  APPROVAL_ID,
  awardPk,
  fromDoc,
  type Item,
  type Key,
  names,
  newId,
  pad,
  part,
  periodPk,
  sha256,
  toDoc,
  unitPeriodPrefix,
  unitPk,
} from './keys.ts';
import { mirrorReviewer } from './progress.ts';
import { type Table, table } from './table.ts';

/** Kinds whose decision is delivered to a waiting task (the others are terminal when decided). */
const TASK_KINDS = new Set(['appraise', 'explain', 'vote']);
export const UNDELIVERED = 'UNDELIVERED';
export const TASK_GONE = 'TASK_GONE';
/** gsi2 of an approval closed by a reassignment whose follow-ups may not be done. */
export const REASSIGNING = 'REASSIGNING';

const approvalKey = (id: string): Key => {
  if (!APPROVAL_ID.test(id)) throw new Error(`approvalId must be a base64url id, got ${JSON.stringify(id)}`);
  return { pk: `APPROVAL#${id}`, sk: 'APPROVAL' };
};
const assignmentKey = (periodId: string, unitId: string): Key => ({
  pk: unitPk(unitId),
  sk: `${unitPeriodPrefix(periodId)}ASSIGNMENT`,
});
const slotKey = (periodId: string, reviewerId: string, n: number): Key => ({
  pk: periodPk(periodId),
  sk: `LOAD#${part('reviewerId', reviewerId)}#${pad(n, 4, 'load')}`,
});

const loadsKey = (periodId: string): Key => ({ pk: periodPk(periodId), sk: 'LOADS' });
const slotTryKey = (periodId: string, unitId: string): Key => ({
  pk: unitPk(unitId),
  sk: `${unitPeriodPrefix(periodId)}SLOT`,
});
/** A reviewer's attribute on the `LOADS` item (ids are slugs, so the name is a valid attribute name). */
const loadAttribute = (reviewerId: string): string => `L_${part('reviewerId', reviewerId)}`;

function pointKey(p: ApprovalPoint): Key {
  const period = part('periodId', p.periodId);
  return {
    pk: p.unitId === undefined ? periodPk(period) : unitPk(p.unitId),
    sk: `P#${period}#POINT#${p.kind}#${pad(p.round ?? 0, 3, 'round')}#${p.party === undefined ? '-' : part('party', p.party)}`,
  };
}

/** Where a decision's payloads live: beside the unit-period's records, or under the commendation cycle. */
function payloadKey(approval: Pick<Approval, 'id' | 'kind' | 'periodId' | 'unitId'>, hash: string): Key {
  const period = part('periodId', approval.periodId);
  if (approval.unitId !== undefined) {
    return { pk: unitPk(approval.unitId), sk: `${unitPeriodPrefix(period)}DECISION#${approval.id}#${hash}` };
  }
  return { pk: awardPk(period), sk: `DECISION#${approval.id}#${hash}` };
}

const optional = <K extends string>(item: Item, k: K) => (item[k] === undefined ? {} : { [k]: item[k] });

// The approval item holds what this module wrote; the one cast names those fields.
function approvalOf(item: Item): Approval {
  return {
    id: String(item.id),
    kind: item.kind,
    status: item.status,
    tokenGen: Number(item.tokenGen ?? 0),
    createdAt: String(item.createdAt),
    expiresAt: String(item.expiresAt),
    keyId: String(item.keyId),
    deliveryAttempts: Number(item.deliveryAttempts ?? 0),
    reminders: Number(item.reminders ?? 0),
    ...optional(item, 'periodId'),
    ...optional(item, 'unitId'),
    ...optional(item, 'round'),
    ...optional(item, 'party'),
    ...optional(item, 'subjectId'),
    ...optional(item, 'taskToken'),
    ...optional(item, 'decision'),
    ...optional(item, 'decidedBy'),
    ...optional(item, 'decidedAt'),
    ...optional(item, 'deliveredAt'),
    ...optional(item, 'lastError'),
    ...optional(item, 'closedAt'),
    ...optional(item, 'closedReason'),
    ...optional(item, 'reassignment'),
    ...optional(item, 'lastRemindedAt'),
    ...optional(item, 'remindEverySeconds'),
    ...optional(item, 'deliveryMayHaveLanded'),
  } as Approval;
}

function assignmentOf(item: Item): ReviewerAssignment {
  return {
    unitId: String(item.unitId),
    periodId: String(item.periodId),
    reviewerId: String(item.reviewerId),
    assignedAt: String(item.assignedAt),
    // The actor this module stored with the assignment.
    assignedBy: item.assignedBy as Actor,
    ...(typeof item.firstReviewerId === 'string' ? { firstReviewerId: item.firstReviewerId } : {}),
  };
}

export class DynamoReviewStore implements ReviewStore {
  private readonly table: Table;
  constructor(table: Table) {
    this.table = table;
  }

  // ------------------------------------------------------------ assignments

  async getAssignment(periodId: string, unitId: string): Promise<ReviewerAssignment | undefined> {
    const item = await this.table.get(assignmentKey(periodId, unitId));
    return item ? assignmentOf(item) : undefined;
  }

  async reviewerLoads(
    periodId: string,
    unitId: string,
  ): Promise<{ loads: Record<string, number>; holder?: string; holders: string[] }> {
    const loads: Record<string, number> = {};
    let holder: string | undefined;
    const holders: string[] = [];
    for (const slot of await this.table.queryPrefix(periodPk(periodId), 'LOAD#')) {
      const reviewerId = String(slot.reviewerId);
      loads[reviewerId] = (loads[reviewerId] ?? 0) + 1;
      if (slot.unitId === unitId) {
        holder = reviewerId;
        holders.push(reviewerId);
      }
    }
    return { loads, ...(holder ? { holder } : {}), holders };
  }

  async assignmentStart(periodId: string, unitId: string): Promise<AssignmentStart> {
    const keys = [assignmentKey(periodId, unitId), loadsKey(periodId), slotTryKey(periodId, unitId)];
    const items = await this.table.batchGet(keys);
    const find = (k: Key) => items.find((i) => i.pk === k.pk && i.sk === k.sk);
    const [assigned, summary, marked] = keys.map(find);
    const loads: Record<string, number> = {};
    for (const [name, value] of Object.entries(summary ?? {})) {
      if (name.startsWith('L_') && typeof value === 'number') loads[name.slice(2)] = value;
    }
    return {
      ...(assigned ? { assignment: assignmentOf(assigned) } : {}),
      loads,
      tried: marked !== undefined,
    };
  }

  async markTakingSlot(periodId: string, unitId: string): Promise<void> {
    await this.table.putIf({ Item: { ...slotTryKey(periodId, unitId), at: this.table.now().iso } });
  }

  async takeLoadSlot(
    periodId: string,
    reviewerId: string,
    unitId: string,
    expectedLoad: number,
  ): Promise<boolean> {
    const slot = expectedLoad + 1;
    const taken = await this.table.putIf({
      Item: { ...slotKey(periodId, reviewerId, slot), reviewerId, unitId: part('unitId', unitId) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (taken) await this.noteLoad(periodId, reviewerId, slot);
    return taken;
  }

  /** Raises the reviewer's known load on the `LOADS` item to `slot` (never lowers it). */
  private async noteLoad(periodId: string, reviewerId: string, slot: number): Promise<void> {
    await this.table.updateIf({
      Key: loadsKey(periodId),
      UpdateExpression: 'SET #load = :slot',
      ConditionExpression: 'attribute_not_exists(#load) OR #load < :slot',
      ExpressionAttributeNames: { '#load': loadAttribute(reviewerId) },
      ExpressionAttributeValues: { ':slot': slot },
      ReturnValues: 'NONE',
    });
  }

  async assign(
    periodId: string,
    unitId: string,
    reviewerId: string,
    actor: Actor,
  ): Promise<{ assignment: ReviewerAssignment; created: boolean }> {
    const key = assignmentKey(periodId, unitId);
    const item: Item = {
      ...key,
      unitId,
      periodId,
      reviewerId: part('reviewerId', reviewerId),
      assignedAt: this.table.now().iso,
      assignedBy: actor,
    };
    if (await this.table.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' })) {
      const assignment = assignmentOf(item);
      await mirrorReviewer(this.table, unitId, periodId, assignment);
      return { assignment, created: true };
    }
    const stored = await this.table.get(key);
    if (!stored) throw new NotFoundError('assignment', `${unitId}/${periodId}`);
    const assignment = assignmentOf(stored);
    // A re-run: the first run may have stopped before mirroring the reviewer.
    await mirrorReviewer(this.table, unitId, periodId, assignment);
    return { assignment, created: false };
  }

  // ------------------------------------------------------------ approvals

  async createApproval(input: NewApproval): Promise<{ approval: Approval; created: boolean }> {
    const expiresAtMs = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAtMs))
      throw new Error(`expiresAt is not an instant: ${JSON.stringify(input.expiresAt)}`);
    part('keyId', input.keyId);
    let id = newId();
    if (input.kind !== 'signin') {
      const point = pointKey(input);
      const claimed = await this.table.putIf({
        Item: { ...point, approvalId: id, createdAt: this.table.now().iso },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      if (!claimed) {
        const existing = await this.table.get(point);
        if (!existing) throw new Error('Decision point vanished while being read');
        id = String(existing.approvalId);
      }
    }
    const item: Item = {
      ...approvalKey(id),
      id,
      kind: input.kind,
      periodId: input.periodId,
      unitId: input.unitId,
      round: input.round,
      party: input.party,
      subjectId: input.subjectId,
      taskToken: input.taskToken,
      remindEverySeconds: input.remindEverySeconds,
      tokenGen: 0,
      status: 'pending',
      createdAt: this.table.now().iso,
      expiresAt: new Date(expiresAtMs).toISOString(),
      expiresAtMs,
      keyId: input.keyId,
      deliveryAttempts: 0,
      reminders: 0,
      ...(input.periodId !== undefined
        ? {
            gsi1pk: `${periodPk(input.periodId)}#APPROVALS`,
            gsi1sk: `${input.unitId ?? '-'}#${input.kind}#${pad(input.round ?? 0, 3, 'round')}#${input.party ?? '-'}`,
          }
        : {}),
      ...(input.kind === 'signin' ? { purgeAt: Math.ceil(expiresAtMs / 1000) + 86_400 } : {}),
    };
    if (await this.table.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' })) {
      return { approval: approvalOf(item), created: true };
    }
    const existing = await this.table.get(approvalKey(id));
    if (!existing) throw new Error('Approval vanished while being read');
    return { approval: approvalOf(existing), created: false };
  }

  async approvalAt(point: ApprovalPoint): Promise<Approval | undefined> {
    const item = await this.table.get(pointKey(point));
    return item ? this.getApproval(String(item.approvalId)) : undefined;
  }

  async getApproval(approvalId: string): Promise<Approval | undefined> {
    if (!APPROVAL_ID.test(approvalId)) return undefined;
    const item = await this.table.get(approvalKey(approvalId));
    return item ? approvalOf(item) : undefined;
  }

  async putDecisionPayload(
    approval: Pick<Approval, 'id' | 'kind' | 'periodId' | 'unitId'>,
    payload: unknown,
  ): Promise<string> {
    const doc = toDoc(payload, `the ${approval.kind} decision`);
    const hash = sha256(doc);
    // Same content, same key: a retried put is the same item (the conflict below cannot happen).
    await this.table.putOnce(
      payloadKey(approval, hash),
      doc,
      { approvalId: approval.id, kind: approval.kind, putAt: this.table.now().iso },
      `Decision payload ${approval.id} differs from its hash`,
    );
    return hash;
  }

  async getDecisionPayload<T>(approval: Approval): Promise<T | undefined> {
    const hash = approval.decision?.payloadHash;
    if (!hash) return undefined;
    const item = await this.table.get(payloadKey(approval, hash));
    if (!item) throw new NotFoundError('decision payload', `${approval.id}#${hash}`);
    return fromDoc<T>(item.doc);
  }

  async getApprovals(approvalIds: readonly string[]): Promise<Approval[]> {
    return (await this.table.batchGet(approvalIds.map(approvalKey))).map(approvalOf);
  }

  async getDecisionPayloads<T>(approvals: readonly Approval[]): Promise<Map<string, T>> {
    const decided = approvals.flatMap((a) =>
      a.decision?.payloadHash ? [{ approval: a, key: payloadKey(a, a.decision.payloadHash) }] : [],
    );
    const items = await this.table.batchGet(decided.map((d) => d.key));
    const byKey = new Map(items.map((i) => [`${String(i.pk)}/${String(i.sk)}`, i]));
    const payloads = new Map<string, T>();
    for (const { approval, key } of decided) {
      const item = byKey.get(`${key.pk}/${key.sk}`);
      if (!item)
        throw new NotFoundError('decision payload', `${approval.id}#${approval.decision?.payloadHash}`);
      payloads.set(approval.id, fromDoc<T>(item.doc));
    }
    return payloads;
  }

  async decide(approvalId: string, decision: ApprovalDecision, actor: Actor): Promise<DecideOutcome> {
    if (!APPROVAL_ID.test(approvalId)) return { outcome: 'not-found' };
    const { iso, ms } = this.table.now();
    const key = approvalKey(approvalId);
    const recorded: ApprovalDecision = {
      action: decision.action,
      ...(decision.payloadHash ? { payloadHash: decision.payloadHash } : {}),
      ...(decision.writeId ? { writeId: decision.writeId } : {}),
    };
    const set = 'SET #status = :decided, #decision = :decision, decidedBy = :actor, decidedAt = :now';
    const values = {
      ':decided': 'decided',
      ':pending': 'pending',
      ':decision': recorded,
      ':actor': actor,
      ':now': iso,
      ':nowMs': ms,
      ':k1': 'appraise',
      ':k2': 'explain',
      ':k3': 'vote',
    };
    const updated =
      (await this.table.updateIf({
        Key: key,
        UpdateExpression: `${set}, gsi2pk = :q, gsi2sk = :qs`,
        ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs AND #kind IN (:k1, :k2, :k3)',
        ExpressionAttributeNames: names('status', 'kind', 'decision'),
        ExpressionAttributeValues: { ...values, ':q': UNDELIVERED, ':qs': `${iso}#${approvalId}` },
      })) ??
      // Grants and sign-in links have no task to deliver to: decided is their end.
      (await this.table.updateIf({
        Key: key,
        UpdateExpression: set,
        ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs AND NOT (#kind IN (:k1, :k2, :k3))',
        ExpressionAttributeNames: names('status', 'kind', 'decision'),
        ExpressionAttributeValues: values,
      }));
    if (updated) return { outcome: 'decided', approval: approvalOf(updated) };
    const item = await this.table.get(key);
    if (!item) return { outcome: 'not-found' };
    const approval = approvalOf(item);
    if (approval.status === 'closed') return { outcome: 'closed', approval };
    if (approval.status === 'pending') return { outcome: 'expired', approval };
    return { outcome: 'already-decided', approval };
  }

  async swapTaskToken(approvalId: string, taskToken: string): Promise<SwapOutcome> {
    const key = approvalKey(approvalId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.table.get(key);
      if (!item) throw new NotFoundError('approval', approvalId);
      const seen = String(item.status);
      if (seen === 'closed') return { state: 'closed', approval: approvalOf(item) };
      const pending = seen === 'pending';
      const hasTask = TASK_KINDS.has(String(item.kind));
      const updated = await this.table.updateIf({
        Key: key,
        // A decided approval goes back to the sweep's queue until delivered to the new task.
        UpdateExpression: pending
          ? 'SET taskToken = :t, rearmedAt = :now ADD tokenGen :one'
          : `SET taskToken = :t, rearmedAt = :now, #status = :decided${hasTask ? ', gsi2pk = :q, gsi2sk = :qs' : ''} ADD tokenGen :one`,
        ConditionExpression: '#status = :seen',
        ExpressionAttributeNames: names('status'),
        ExpressionAttributeValues: {
          ':t': taskToken,
          ':now': this.table.now().iso,
          ':one': 1,
          ':seen': seen,
          ...(pending
            ? {}
            : {
                ':decided': 'decided',
                ...(hasTask ? { ':q': UNDELIVERED, ':qs': `${String(item.decidedAt)}#${approvalId}` } : {}),
              }),
        },
      });
      if (updated) return { state: pending ? 'armed' : 'decided', approval: approvalOf(updated) };
    }
    throw new Error(`Approval ${approvalId} kept changing while its task token was swapped`);
  }

  private async mark(
    approvalId: string,
    tokenGen: number,
    from: string[],
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return this.table.moveStatus(approvalKey(approvalId), {
      from,
      guard: { attribute: 'tokenGen', value: tokenGen },
      update,
      values,
    });
  }

  markDelivered(approvalId: string, tokenGen: number): Promise<boolean> {
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery', 'task-gone'],
      'SET #status = :s, deliveredAt = :now REMOVE gsi2pk, gsi2sk, lastError',
      { ':s': 'delivered', ':now': this.table.now().iso },
    );
  }

  markDeliveryFailed(
    approvalId: string,
    tokenGen: number,
    error: string,
    mayHaveLanded = false,
  ): Promise<boolean> {
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery'],
      `SET #status = :s, lastError = :e${mayHaveLanded ? ', deliveryMayHaveLanded = :g' : ''} ADD deliveryAttempts :one`,
      {
        ':s': 'failed-delivery',
        ':e': error.slice(0, 1000),
        ':one': 1,
        ...(mayHaveLanded ? { ':g': tokenGen } : {}),
      },
    );
  }

  markTaskGone(approvalId: string, tokenGen: number, error: string): Promise<boolean> {
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery'],
      'SET #status = :s, lastError = :e, gsi2pk = :q, gsi2sk = :qs ADD deliveryAttempts :one',
      {
        ':s': 'task-gone',
        ':e': error.slice(0, 1000),
        ':q': TASK_GONE,
        ':qs': `${this.table.now().iso}#${approvalId}`,
        ':one': 1,
      },
    );
  }

  async closeForReassignment(
    approvalId: string,
    change: ReassignmentClaim,
  ): Promise<{ outcome: 'claimed' | 'retry' | 'refused'; approval: Approval }> {
    const updated = await this.closePending(approvalId, 'reassigned', { reassignment: change });
    if (updated) return { outcome: 'claimed', approval: approvalOf(updated) };
    const now = await this.getApproval(approvalId);
    if (!now) throw new NotFoundError('approval', approvalId);
    const mine = now.status === 'closed' && now.reassignment?.writeId === change.writeId;
    return { outcome: mine ? 'retry' : 'refused', approval: now };
  }

  async reassign(
    periodId: string,
    unitId: string,
    fromId: string,
    toId: string,
    actor: Actor,
  ): Promise<boolean> {
    const at = this.table.now().iso;
    const updated = await this.table.updateIf({
      Key: assignmentKey(periodId, unitId),
      UpdateExpression:
        'SET reviewerId = :to, assignedAt = :at, assignedBy = :by, firstReviewerId = if_not_exists(firstReviewerId, :from)',
      ConditionExpression: 'reviewerId IN (:from, :to)',
      ExpressionAttributeValues: {
        ':to': part('reviewerId', toId),
        ':from': fromId,
        ':at': at,
        ':by': actor,
      },
    });
    if (!updated) return false;
    await mirrorReviewer(this.table, unitId, periodId, assignmentOf(updated));
    return true;
  }

  async closeApproval(approvalId: string, reason: string): Promise<boolean> {
    return (await this.closePending(approvalId, reason)) !== undefined;
  }

  /** `pending → closed` with the reason (and what else the closing records); the item, or undefined if not pending. */
  private closePending(approvalId: string, reason: string, also: { reassignment?: ReassignmentClaim } = {}) {
    // A reassignment's follow-ups are marked for the sweep until they are known done.
    const extra = also.reassignment ? ', reassignment = :c, gsi2pk = :q, gsi2sk = :qs' : '';
    const iso = this.table.now().iso;
    return this.table.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: `SET #status = :closed, closedAt = :now, closedReason = :r${extra}`,
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':closed': 'closed',
        ':pending': 'pending',
        ':now': iso,
        ':r': reason,
        ...(also.reassignment
          ? { ':c': also.reassignment, ':q': REASSIGNING, ':qs': `${iso}#${approvalId}` }
          : {}),
      },
    });
  }

  async listReassigning(options: { closedBefore?: Date; limit?: number } = {}): Promise<Approval[]> {
    const items = await this.table.queryIndex('gsi2', REASSIGNING, {
      ...(options.closedBefore ? { before: options.closedBefore.toISOString() } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    return items.map(approvalOf);
  }

  async endReassignment(approvalId: string, writeId: string): Promise<void> {
    // Conditional on the claim's write id: a mark is ended only by its own follow-ups.
    await this.table.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'reassignment.writeId = :w AND gsi2pk = :q',
      ExpressionAttributeValues: { ':w': writeId, ':q': REASSIGNING },
    });
  }

  async noteReminder(
    approvalId: string,
    minIntervalMs: number,
  ): Promise<{ remind: boolean; reminders: number }> {
    const { iso, ms } = this.table.now();
    const updated = await this.table.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: 'SET lastRemindedAt = :now, lastRemindedAtMs = :nowMs ADD reminders :one',
      ConditionExpression:
        '#status = :pending AND (attribute_not_exists(lastRemindedAtMs) OR lastRemindedAtMs <= :cutoff)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':now': iso,
        ':nowMs': ms,
        ':one': 1,
        ':pending': 'pending',
        ':cutoff': ms - minIntervalMs,
      },
    });
    if (updated) return { remind: true, reminders: Number(updated.reminders) };
    const item = await this.table.get(approvalKey(approvalId));
    if (!item) throw new NotFoundError('approval', approvalId);
    return { remind: false, reminders: Number(item.reminders ?? 0) };
  }

  async listUndelivered(options: { decidedBefore?: Date; limit?: number } = {}): Promise<Approval[]> {
    const items = await this.table.queryIndex('gsi2', UNDELIVERED, {
      ...(options.decidedBefore ? { before: options.decidedBefore.toISOString() } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    return items.map(approvalOf);
  }

  async listTaskGone(): Promise<Approval[]> {
    return (await this.table.queryIndex('gsi2', TASK_GONE)).map(approvalOf);
  }

  async listPeriodApprovals(periodId: string): Promise<Approval[]> {
    return (await this.table.queryIndex('gsi1', `${periodPk(periodId)}#APPROVALS`)).map(approvalOf);
  }

  async listUnitPeriodApprovals(unitId: string, periodId: string): Promise<Approval[]> {
    const points = await this.table.queryPrefix(unitPk(unitId), `${unitPeriodPrefix(periodId)}POINT#`);
    const items = await this.table.batchGet(points.map((p) => approvalKey(String(p.approvalId))));
    const byId = new Map(items.map((i) => [String(i.id), approvalOf(i)]));
    return points.flatMap((p) => byId.get(String(p.approvalId)) ?? []);
  }
}

export const reviews = provide<ReviewStore>('reviews', () => new DynamoReviewStore(table()));
