/**
 * `AuditLog` on the district table (docs/store.md, "Audit"): `AUDIT#<subject> / ENTRY#<id>`, put
 * with `attribute_not_exists` — the same id again is the same entry. The same item carries its
 * listing keys, written with it: gsi1 `PERIOD#<p>#AUDIT` (or `AUDIT#CAMPAIGN` for an entry of no
 * period) and, for an entry about a unit, gsi2 `UNIT#<u>#AUDIT`, both sorted by
 * `<at>#<seq>#<subject>#<id>`, so every listing is a Query newest first, paged by a cursor.
 *
 * `seq` orders entries of one instant as they were written: the product's clock may stand still
 * (the local runtime's virtual clock between two moves, or one millisecond on AWS) while a
 * workflow writes several entries, and a listing by `<at>#<subject>` put "approved" before
 * "decided". It is the machine's wall clock in milliseconds and a counter of this container, fixed
 * width; entries stored before it have none, and the index then compares their subject with the
 * new digits: within that one instant they list as newer than the entries that have it (and
 * `list` orders them the same way).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Actor } from '../actor.ts';
import {
  type AuditEntry,
  type AuditLog,
  type AuditPage,
  type AuditScope,
  auditUnitOf,
  InvalidCursorError,
} from '../audit.ts';
import { provide } from '../registry.ts';
import { fromDoc, type Item, part, toDoc } from './keys.ts';
import { type Table, table } from './table.ts';

const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
/** The most entries one page reads. */
const MAX_PAGE = 200;

function subjectPk(subject: string): string {
  if (!subject || subject.length > 300) throw new Error('Audit subject must be 1–300 characters');
  return `AUDIT#${subject}`;
}

function entryKey(subject: string, id: string) {
  if (!ENTRY_ID.test(id)) throw new Error(`Audit entry id must be an ASCII slug, got ${JSON.stringify(id)}`);
  return { pk: subjectPk(subject), sk: `ENTRY#${id}` };
}

const periodIndexPk = (periodId: string | undefined) =>
  periodId === undefined ? 'AUDIT#CAMPAIGN' : `PERIOD#${part('periodId', periodId)}#AUDIT`;
const unitIndexPk = (unitId: string) => `UNIT#${part('unitId', unitId)}#AUDIT`;

let written = 0;
/** Fixed width, so that strings sort as the writes happened: 9 base-36 digits of ms, 4 of a counter. */
function writeSeq(): string {
  written = (written + 1) % 36 ** 4;
  return `${Date.now().toString(36).padStart(9, '0')}${written.toString(36).padStart(4, '0')}`;
}

/** The listing keys of an entry, set on the entry's own item. */
function indexKeys(entry: {
  subject: string;
  id: string;
  periodId?: string | undefined;
  at: string;
  seq: string;
}): Item {
  const sk = `${entry.at}#${entry.seq}#${entry.subject}#${entry.id}`;
  const unitId = auditUnitOf(entry.subject);
  return {
    gsi1pk: periodIndexPk(entry.periodId),
    gsi1sk: sk,
    ...(unitId ? { gsi2pk: unitIndexPk(unitId), gsi2sk: sk } : {}),
  };
}

function entryOf(item: Item): AuditEntry {
  return {
    id: String(item.id),
    at: String(item.at),
    subject: String(item.subject),
    // The actor this module stored.
    actor: item.actor as Actor,
    action: String(item.action),
    ...(item.periodId ? { periodId: String(item.periodId) } : {}),
    ...(item.detailDoc ? { detail: fromDoc<Record<string, unknown>>(item.detailDoc) } : {}),
  };
}

interface Listing {
  index: 'gsi1' | 'gsi2';
  pk: string;
  /** Entries of one period only, on the unit's index. */
  periodId?: string;
}

function listingOf(scope: AuditScope): Listing {
  if ('unitId' in scope) {
    return {
      index: 'gsi2',
      pk: unitIndexPk(scope.unitId),
      ...(scope.periodId === undefined ? {} : { periodId: part('periodId', scope.periodId) }),
    };
  }
  return { index: 'gsi1', pk: periodIndexPk('periodId' in scope ? scope.periodId : undefined) };
}

// The cursor is the last entry's key on the index read, in base64url JSON; it is checked for
// shape and for belonging to the listing before DynamoDB sees it.
function encodeCursor(listing: Listing, item: Item): string {
  const key = [item.pk, item.sk, item[`${listing.index}sk`]];
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(listing: Listing, cursor: string): Record<string, string> {
  let key: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw new InvalidCursorError();
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(key) ||
    key.length !== 3 ||
    !key.every((k) => typeof k === 'string' && k.length > 0 && k.length <= 600) ||
    !String(key[0]).startsWith('AUDIT#') ||
    !String(key[1]).startsWith('ENTRY#')
  ) {
    throw new InvalidCursorError();
  }
  const [pk, sk, indexSk] = key as [string, string, string];
  return { pk, sk, [`${listing.index}pk`]: listing.pk, [`${listing.index}sk`]: indexSk };
}

export class DynamoAuditLog implements AuditLog {
  private readonly table: Table;
  constructor(table: Table) {
    this.table = table;
  }

  async append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<'appended' | 'exists'> {
    const at = entry.at ?? this.table.now().iso;
    const seq = writeSeq();
    const appended = await this.table.putIf({
      Item: {
        ...entryKey(entry.subject, entry.id),
        ...indexKeys({ ...entry, at, seq }),
        id: entry.id,
        subject: entry.subject,
        periodId: entry.periodId,
        at,
        seq,
        actor: entry.actor,
        action: entry.action,
        ...(entry.detail === undefined ? {} : { detailDoc: toDoc(entry.detail, 'audit detail') }),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return appended ? 'appended' : 'exists';
  }

  async list(subject: string): Promise<AuditEntry[]> {
    const items = await this.table.queryPrefix(subjectPk(subject), 'ENTRY#');
    // Ids are not times: a subject's few entries are put in the order they were written here.
    // An entry without seq (stored before it) sorts as its subject does on the index: after the digits.
    const order = (item: Item) => `${String(item.at)}#${String(item.seq ?? `~${String(item.subject)}`)}`;
    return items.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)).map(entryOf);
  }

  async has(subject: string, id: string): Promise<boolean> {
    return (await this.table.get(entryKey(subject, id))) !== undefined;
  }

  async listPage(scope: AuditScope, options: { limit: number; cursor?: string }): Promise<AuditPage> {
    const listing = listingOf(scope);
    const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(options.limit)));
    let start: Record<string, unknown> | undefined =
      options.cursor === undefined ? undefined : decodeCursor(listing, options.cursor);
    const items: Item[] = [];
    // One more than the page, so a page that ends the listing offers no empty "older" page; a
    // unit-period's listing filters the unit's entries, so a read may give fewer than asked.
    do {
      const out = await this.table.db.send(
        new QueryCommand({
          TableName: this.table.name,
          IndexName: listing.index,
          KeyConditionExpression: `${listing.index}pk = :pk`,
          ...(listing.periodId === undefined
            ? { ExpressionAttributeValues: { ':pk': listing.pk } }
            : {
                FilterExpression: 'periodId = :p',
                ExpressionAttributeValues: { ':pk': listing.pk, ':p': listing.periodId },
              }),
          ScanIndexForward: false,
          Limit: limit + 1 - items.length,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length <= limit);
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map(entryOf),
      ...(items.length > limit && last ? { cursor: encodeCursor(listing, last) } : {}),
    };
  }
}

export const audit = provide<AuditLog>('audit', () => new DynamoAuditLog(table()));
