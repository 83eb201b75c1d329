/**
 * The commendation aggregate: the items of a cycle's proposal (one per candidate, plus the cycle's
 * header and outcome; functions/commendation/award.ts says what each holds). Ballots are not here:
 * a ballot is the payload of a member's `vote` decision (functions/ports/reviews.ts). Keys:
 * docs/store.md.
 */

export interface StoredProposal<T = unknown> {
  cycleId: string;
  candidateId: string;
  version: number;
  proposal: T;
  updatedAt: string;
}

export interface AwardStore {
  /** Versioned like a report: `expectedVersion` 0 creates; identical content is unchanged. */
  putProposal<T>(
    cycleId: string,
    candidateId: string,
    proposal: T,
    expectedVersion: number,
  ): Promise<StoredProposal<T>>;
  listProposals<T = unknown>(cycleId: string): Promise<StoredProposal<T>[]>;
}
