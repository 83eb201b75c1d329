/**
 * `ReportStore` on the district table (docs/store.md, "Reports").
 *
 * Save and submit without transactions: read the current item (version n, status `draft` or
 * `returned`) → put revision n+1 with `attribute_not_exists` — that put is the lock (of two saves
 * at n, one fails → ConflictError) → move the current item from n to n+1. A crash between the two
 * leaves revision n+1 newer than the current item: every read (current and newest revision in one
 * query) and every conflicting save rolls the current item forward to it.
 */
import type { Report } from '#domain/model';
import { crashPoint } from '#steps/crash-point';
import type { Actor } from '../actor.ts';
import { ConflictError, NotFoundError, REPORT_VERSION_CONFLICT } from '../errors.ts';
import { provide } from '../registry.ts';
import {
  EDITABLE_REPORT_STATUSES,
  type FollowUpMark,
  type LastWrite,
  type NewRevision,
  type ProgressMark,
  type ReportRevision,
  type ReportStatus,
  type ReportStore,
  type ReportSummary,
  type StoredReport,
  type UnitProgress,
} from '../reports.ts';
import {
  fromDoc,
  type Item,
  names,
  newId,
  packed,
  packedFrom,
  pad,
  periodPk,
  toDoc,
  unitPeriodPrefix,
  unitPk,
  unpacked,
} from './keys.ts';
import { mirrorReportStatus, progressKey, progressOf, updateProgress } from './progress.ts';
import { type Table, table } from './table.ts';

const reportPrefix = (periodId: string) => `${unitPeriodPrefix(periodId)}REPORT#`;
const CURRENT = 'CURRENT';
const revisionSk = (periodId: string, v: number) => `${reportPrefix(periodId)}${pad(v, 6, 'version')}`;
const currentKey = (unitId: string, periodId: string) => ({
  pk: unitPk(unitId),
  sk: `${reportPrefix(periodId)}${CURRENT}`,
});
/** The sweep's queue of claims whose follow-ups no workflow step drives (docs/reliability.md). */
const FOLLOWUP = 'FOLLOWUP';
const MARK_ATTRIBUTE: Record<ProgressMark, 'invitedAt' | 'remindedAt' | 'lateAt'> = {
  invited: 'invitedAt',
  reminded: 'remindedAt',
  late: 'lateAt',
};

// Items read back from the table carry what this module wrote: the casts below name those fields.
function summaryOf(item: Item): ReportSummary {
  return {
    unitId: String(item.unitId),
    periodId: String(item.periodId),
    version: Number(item.version),
    status: item.status as ReportStatus,
    updatedAt: String(item.updatedAt),
    updatedBy: item.updatedBy as Actor,
    statusChangedAt: String(item.statusChangedAt),
    ...(item.submittedAt ? { submittedAt: String(item.submittedAt) } : {}),
  };
}

function lastWriteOf(item: Item): LastWrite | undefined {
  if (typeof item.writeId !== 'string') return undefined;
  return {
    writeId: item.writeId,
    kind: item.writeKind === 'submit' ? 'submit' : 'save',
    ...(typeof item.approvalId === 'string' ? { approvalId: item.approvalId } : {}),
  };
}

function reportOf(item: Item): StoredReport {
  const lastWrite = lastWriteOf(item);
  return {
    ...summaryOf(item),
    report: fromDoc<Report>(unpacked(item, 'doc')),
    ...(lastWrite ? { lastWrite } : {}),
  };
}

/**
 * The stored report when this very write made it: the retried request's own claim. The same
 * `writeId` is not enough: a form shown again (Back) carries its id with other content or another
 * button, and that is a new write, checked against the version (409), never answered as stored.
 */
function ownWrite(item: Item | undefined, revision: NewRevision, doc: string): StoredReport | undefined {
  const { writeId } = revision;
  if (!item || writeId === undefined || item.writeId !== writeId) return undefined;
  if (item.writeKind !== revision.kind || !sameContent(unpacked(item, 'doc'), doc)) return undefined;
  return reportOf(item);
}

/**
 * Whether two report documents say the same. A nominee added since the page loaded is stamped
 * with the time its request is parsed (`submittedAt`) unless a stored row already names it: two
 * copies of one request racing (a double click) both stamp their own time and differ there
 * alone, so nominations are compared without it.
 */
function sameContent(stored: string, doc: string): boolean {
  if (stored === doc) return true;
  const withoutStamps = (text: string) => {
    const report = JSON.parse(text) as { nominations?: { submittedAt?: unknown }[] };
    const nominations = report.nominations?.map(({ submittedAt: _, ...rest }) => rest);
    return JSON.stringify(nominations ? { ...report, nominations } : report);
  };
  return withoutStamps(stored) === withoutStamps(doc);
}

function revisionOf(item: Item): ReportRevision {
  return {
    unitId: String(item.unitId),
    periodId: String(item.periodId),
    version: Number(item.version),
    status: item.status as ReportStatus,
    kind: item.kind === 'submit' ? 'submit' : 'save',
    report: fromDoc<Report>(unpacked(item, 'doc')),
    savedAt: String(item.savedAt),
    savedBy: item.savedBy as Actor,
  };
}

/** The current item a revision makes (keeps the first submission time). */
function currentFromRevision(rev: Item, previous: Item | undefined): Item {
  const status = String(rev.status);
  const submittedAt = previous?.submittedAt ?? (rev.kind === 'submit' ? rev.savedAt : undefined);
  return {
    pk: rev.pk,
    sk: `${reportPrefix(String(rev.periodId))}${CURRENT}`,
    gsi1pk: `${periodPk(String(rev.periodId))}#REPORTS`,
    gsi1sk: String(rev.unitId),
    unitId: rev.unitId,
    periodId: rev.periodId,
    version: rev.version,
    status,
    ...packedFrom(rev, 'doc'),
    updatedAt: rev.savedAt,
    updatedBy: rev.savedBy,
    statusChangedAt: previous && previous.status === status ? previous.statusChangedAt : rev.savedAt,
    writeId: rev.writeId,
    writeKind: rev.kind,
    ...(rev.approvalId ? { approvalId: rev.approvalId } : {}),
    ...followUpMark(rev),
    ...(submittedAt ? { submittedAt } : {}),
  };
}

/**
 * The sweep's mark (gsi2 `FOLLOWUP`) of a revision that leaves follow-ups — a submit's (starting
 * the review) and an explanation's (deciding its approval) are the sweep's to finish if nobody
 * else does. The revision itself carries it, since it is the claim: a writer that stops before the
 * current item is written leaves nothing else to find it by (a read rolls the revision forward,
 * but nothing may read the report again). The current item made from it carries it too.
 */
function followUpMark(rev: Item): Item {
  const status = String(rev.status);
  return (status === 'explained' && rev.approvalId) || (status === 'submitted' && rev.kind === 'submit')
    ? { gsi2pk: FOLLOWUP, gsi2sk: `${String(rev.savedAt)}#${String(rev.unitId)}#${String(rev.periodId)}` }
    : {};
}

export class DynamoReportStore implements ReportStore {
  /** The item behind each report `get` answered, for a write that follows it (`readBefore`). */
  private readonly itemsRead = new WeakMap<StoredReport, Item>();
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  /** The current item as the caller read it, else as read now. */
  private async currentFor(unitId: string, periodId: string, readBefore: StoredReport | null | undefined) {
    if (readBefore === null) return undefined;
    return (readBefore && this.itemsRead.get(readBefore)) ?? (await this.readCurrent(unitId, periodId));
  }

  /**
   * Reads the current item and the newest revision in one Query; when a writer crashed between
   * its revision (the lock) and the current item, rolls the current item forward to it.
   */
  private async readCurrent(unitId: string, periodId: string, depth = 0): Promise<Item | undefined> {
    const [first, second] = await this.table.queryPrefix(unitPk(unitId), reportPrefix(periodId), {
      newestFirst: true, // `CURRENT` sorts after the zero-padded revision numbers
      limit: 2,
    });
    const current = first && String(first.sk).endsWith(`#${CURRENT}`) ? first : undefined;
    const newestRevision = current ? second : first;
    if (!newestRevision || Number(newestRevision.version) <= Number(current?.version ?? 0)) return current;
    const rolled = currentFromRevision(newestRevision, current);
    const ok = await this.table.putIf({
      Item: rolled,
      ConditionExpression: current ? '#version = :v' : 'attribute_not_exists(pk)',
      ...(current
        ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': current.version } }
        : {}),
    });
    if (ok) {
      await mirrorReportStatus(this.table, rolled);
      return rolled;
    }
    if (depth > 5) throw new Error(`Report ${unitId}/${periodId} kept changing while being read`);
    return this.readCurrent(unitId, periodId, depth + 1);
  }

  async writeRevision(unitId: string, periodId: string, revision: NewRevision): Promise<StoredReport> {
    const { report, expectedVersion, actor, kind } = revision;
    if (report.unitId !== unitId || report.periodId !== periodId) {
      throw new Error(
        `report.unitId/periodId (${report.unitId}/${report.periodId}) differ from ${unitId}/${periodId}`,
      );
    }
    const doc = toDoc(report, `report ${unitId}/${periodId}`);
    const current = await this.currentFor(unitId, periodId, revision.readBefore);
    const own = ownWrite(current, revision, doc);
    if (own) return own;
    const version = current ? Number(current.version) : 0;
    const status = current ? summaryOf(current).status : 'draft';
    if (version !== expectedVersion) {
      throw new ConflictError('version', REPORT_VERSION_CONFLICT, { version, status });
    }
    if (!EDITABLE_REPORT_STATUSES.includes(status)) {
      throw new ConflictError(
        'status',
        `Báo cáo đang ở trạng thái "${status}", không thể sửa. (The report is ${status} and cannot be changed.)`,
        { version, status },
      );
    }
    const next: ReportStatus = kind === 'save' ? status : status === 'returned' ? 'explained' : 'submitted';
    const item: Item = {
      pk: unitPk(unitId),
      sk: revisionSk(periodId, version + 1),
      unitId,
      periodId,
      version: version + 1,
      status: next,
      kind,
      ...packed('doc', doc),
      savedAt: this.table.now().iso,
      savedBy: actor,
      writeId: revision.writeId ?? newId(),
      ...(revision.approvalId ? { approvalId: revision.approvalId } : {}),
    };
    Object.assign(item, followUpMark(item));
    // The lock: of two writers that read the same version, only one creates revision n+1.
    if (!(await this.table.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))) {
      const now = await this.readCurrent(unitId, periodId); // rolls a crashed writer's revision forward
      const own = ownWrite(now, revision, doc);
      if (own) return own; // the same request twice at once: one stored it, both answer it
      throw new ConflictError('version', REPORT_VERSION_CONFLICT, {
        version: Number(now?.version ?? 0),
        status: String(now?.status ?? 'draft'),
      });
    }
    crashPoint('report.after-revision');
    const applied = currentFromRevision(item, current);
    const ok = await this.table.putIf({
      Item: applied,
      ConditionExpression: current ? '#version = :v' : 'attribute_not_exists(pk)',
      ...(current
        ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': version } }
        : {}),
    });
    if (!ok) {
      // A reader rolled this revision forward first (or a later save already followed it): still ours.
      const now = await this.readCurrent(unitId, periodId);
      if (!now || Number(now.version) < version + 1)
        throw new Error('Report revision was written but not applied');
    }
    await mirrorReportStatus(this.table, applied);
    return reportOf(applied);
  }

  async get(unitId: string, periodId: string): Promise<StoredReport | undefined> {
    const item = await this.readCurrent(unitId, periodId);
    if (!item) return undefined;
    const report = reportOf(item);
    this.itemsRead.set(report, item);
    return report;
  }

  async listRevisions(unitId: string, periodId: string): Promise<ReportRevision[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': unitPk(unitId),
        ':lo': revisionSk(periodId, 0),
        ':hi': revisionSk(periodId, 999_999),
      },
      ConsistentRead: true,
    });
    return items.map(revisionOf);
  }

  async getRevision(unitId: string, periodId: string, version: number): Promise<ReportRevision | undefined> {
    // A revision is written once and never changed (but for its FOLLOWUP index mark, removed once
    // its follow-ups are done): an eventually consistent read sees it whole or not at all.
    const item = await this.table.get(
      { pk: unitPk(unitId), sk: revisionSk(periodId, version) },
      { consistent: false },
    );
    return item ? revisionOf(item) : undefined;
  }

  async listPeriod(periodId: string): Promise<ReportSummary[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `${periodPk(periodId)}#REPORTS` },
      ProjectionExpression:
        'unitId, periodId, #version, #status, updatedAt, updatedBy, statusChangedAt, submittedAt',
      ExpressionAttributeNames: names('version', 'status'),
    });
    return items.map(summaryOf);
  }

  async setStatus(
    unitId: string,
    periodId: string,
    from: readonly ReportStatus[],
    to: ReportStatus,
    actor: Actor,
  ): Promise<{ changed: boolean; report: StoredReport }> {
    const editable = from.filter((s) => EDITABLE_REPORT_STATUSES.includes(s));
    if (editable.length > 0 || from.length === 0) {
      // Leaving draft/returned is a content revision (writeRevision), so saves and status never race.
      throw new Error(
        `setStatus cannot move a report out of ${editable.join(', ') || 'nothing'}: submit a revision`,
      );
    }
    const fromValues = Object.fromEntries(from.map((s, i) => [`:f${i}`, s]));
    let item: Item | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await this.table.updateIf({
        Key: currentKey(unitId, periodId),
        UpdateExpression: 'SET #status = :to, #statusChangedAt = :now, #statusBy = :actor',
        ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})`,
        ExpressionAttributeNames: names('status', 'statusChangedAt', 'statusBy'),
        ExpressionAttributeValues: {
          ...fromValues,
          ':to': to,
          ':now': this.table.now().iso,
          ':actor': actor,
        },
      });
      if (updated) {
        await mirrorReportStatus(this.table, updated);
        return { changed: true, report: reportOf(updated) };
      }
      // Reading also rolls forward a revision a crashed writer left behind; then the change may apply.
      item = await this.readCurrent(unitId, periodId);
      if (!item) throw new NotFoundError('report', `${unitId}/${periodId}`);
      if (item.status === to) {
        // A re-run: the first run may have stopped before mirroring the status.
        await mirrorReportStatus(this.table, item);
        return { changed: false, report: reportOf(item) };
      }
      if (!from.includes(summaryOf(item).status)) break;
    }
    if (!item) throw new NotFoundError('report', `${unitId}/${periodId}`);
    throw new ConflictError(
      'status',
      `Báo cáo đang ở trạng thái "${String(item.status)}". (The report is ${String(item.status)}, not ${from.join('/')}.)`,
      { version: Number(item.version), status: String(item.status) },
    );
  }

  private async updateProgress(
    unitId: string,
    periodId: string,
    update: string,
    values: Record<string, unknown>,
    attributeNames: Record<string, string> = {},
  ): Promise<Item> {
    const updated = await updateProgress(this.table, unitId, periodId, {
      update,
      values,
      names: attributeNames,
    });
    if (!updated) throw new Error(`Progress of ${unitId}/${periodId} was not updated`);
    return updated;
  }

  async markProgress(unitId: string, periodId: string, mark: ProgressMark): Promise<UnitProgress> {
    const attribute = MARK_ATTRIBUTE[mark];
    const updated = await this.updateProgress(
      unitId,
      periodId,
      `SET #mark = if_not_exists(#mark, :now)`,
      { ':now': this.table.now().iso },
      { '#mark': attribute },
    );
    return progressOf(updated);
  }

  async setFinalApproval(unitId: string, periodId: string, approvalId: string): Promise<void> {
    await this.updateProgress(unitId, periodId, 'SET finalApprovalId = :a', { ':a': approvalId });
  }

  async clearFollowUp(unitId: string, periodId: string, writeId: string, version: number): Promise<void> {
    const mark = {
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'gsi2pk = :q AND writeId = :w',
      ExpressionAttributeValues: { ':q': FOLLOWUP, ':w': writeId },
    };
    // The claim's own mark first: while the current item's is left, the sweep still finds both.
    await this.table.updateIf({ Key: { pk: unitPk(unitId), sk: revisionSk(periodId, version) }, ...mark });
    await this.table.updateIf({ Key: currentKey(unitId, periodId), ...mark });
  }

  async listFollowUps(limit: number): Promise<FollowUpMark[]> {
    const items = await this.table.queryIndex('gsi2', FOLLOWUP, { limit });
    return items.map((item) => ({
      unitId: String(item.unitId),
      periodId: String(item.periodId),
      writeId: String(item.writeId),
      version: Number(item.version),
    }));
  }

  async getProgress(unitId: string, periodId: string): Promise<UnitProgress | undefined> {
    const item = await this.table.get(progressKey(unitId, periodId));
    return item ? progressOf(item) : undefined;
  }

  async getProgressOf(unitIds: readonly string[], periodId: string): Promise<Map<string, UnitProgress>> {
    const items = await this.table.batchGet(unitIds.map((u) => progressKey(u, periodId)));
    return new Map(items.map((item) => [String(item.unitId), progressOf(item)]));
  }

  async listProgress(periodId: string): Promise<UnitProgress[]> {
    return (await this.table.queryIndex('gsi1', `${periodPk(periodId)}#PROGRESS`)).map(progressOf);
  }
}

export const reports = provide<ReportStore>('reports', () => new DynamoReportStore(table()));
