/**
 * `AuditLog` on the district table (docs/store.md, "Audit"): `AUDIT#<subject> / ENTRY#<id>`, put
 * with `attribute_not_exists` — the same id again is the same entry.
 */
import type { Actor } from '../actor.ts';
import type { AuditEntry, AuditLog } from '../audit.ts';
import { provide } from '../registry.ts';
import { fromDoc, type Item, toDoc } from './keys.ts';
import { type Table, table } from './table.ts';

const ENTRY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

function subjectPk(subject: string): string {
  if (!subject || subject.length > 300) throw new Error('Audit subject must be 1–300 characters');
  return `AUDIT#${subject}`;
}

function entryKey(subject: string, id: string) {
  if (!ENTRY_ID.test(id)) throw new Error(`Audit entry id must be an ASCII slug, got ${JSON.stringify(id)}`);
  return { pk: subjectPk(subject), sk: `ENTRY#${id}` };
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

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly table: Table) {}

  async append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<'appended' | 'exists'> {
    const appended = await this.table.putIf({
      Item: {
        ...entryKey(entry.subject, entry.id),
        id: entry.id,
        subject: entry.subject,
        periodId: entry.periodId,
        at: entry.at ?? this.table.now().iso,
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
    // Ids are not times: a subject's few entries are put in time order here.
    return items.map(entryOf).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }

  async has(subject: string, id: string): Promise<boolean> {
    return (await this.table.get(entryKey(subject, id))) !== undefined;
  }
}

export const audit = provide<AuditLog>('audit', () => new DynamoAuditLog(table()));
