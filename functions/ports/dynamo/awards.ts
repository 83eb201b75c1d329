/** `AwardStore` on the district table (docs/store.md, "Commendation"). */
import type { AwardStore, StoredProposal } from '../awards.ts';
import { ConflictError } from '../errors.ts';
import { provide } from '../registry.ts';
import { awardPk, fromDoc, type Item, names, part, sha256, toDoc } from './keys.ts';
import { type Table, table } from './table.ts';

function proposalOf<T>(item: Item): StoredProposal<T> {
  return {
    cycleId: String(item.cycleId),
    candidateId: String(item.candidateId),
    version: Number(item.version),
    proposal: fromDoc<T>(item.doc),
    updatedAt: String(item.updatedAt),
  };
}

export class DynamoAwardStore implements AwardStore {
  private readonly table: Table;
  constructor(table: Table) {
    this.table = table;
  }

  async putProposal<T>(
    cycleId: string,
    candidateId: string,
    proposal: T,
    expectedVersion: number,
  ): Promise<StoredProposal<T>> {
    const key = { pk: awardPk(cycleId), sk: `PROPOSAL#${part('candidateId', candidateId)}` };
    const doc = toDoc(proposal, `proposal ${candidateId}`);
    const hash = sha256(doc);
    const existing = await this.table.get(key);
    if (existing?.hash === hash) return proposalOf<T>(existing);
    const current = existing ? Number(existing.version) : 0;
    const conflict = (v: number) =>
      new ConflictError('version', `Proposal ${candidateId} was changed since version ${expectedVersion}`, {
        version: v,
      });
    if (current !== expectedVersion) throw conflict(current);
    const item: Item = {
      ...key,
      cycleId,
      candidateId,
      version: expectedVersion + 1,
      doc,
      hash,
      updatedAt: this.table.now().iso,
    };
    const ok = await this.table.putIf({
      Item: item,
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :v',
      ...(expectedVersion === 0
        ? {}
        : {
            ExpressionAttributeNames: names('version'),
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
    });
    if (ok) return proposalOf<T>(item);
    const now = await this.table.get(key);
    if (now?.hash === hash) return proposalOf<T>(now);
    throw conflict(Number(now?.version ?? 0));
  }

  async listProposals<T = unknown>(cycleId: string): Promise<StoredProposal<T>[]> {
    return (await this.table.queryPrefix(awardPk(cycleId), 'PROPOSAL#')).map((i) => proposalOf<T>(i));
  }
}

export const awards = provide<AwardStore>('awards', () => new DynamoAwardStore(table()));
