/**
 * Admin sessions (docs/review.md decision 11): the cookie carries a random id; only its sha256 is
 * stored. Keys: docs/store.md.
 */

export interface AdminSession {
  adminId: string;
  email: string;
  createdAt: string;
  /** Absolute end. */
  expiresAt: string;
  /** The session ends after this long without a request. */
  idleTimeoutMs: number;
  lastSeenAt: string;
  /** Set on a unit focal point's session: it reaches that unit's own history only, never an admin page. */
  unitId?: string;
  /** Set on a leader's session (a member of the campaign's leadership): the results pages only, read-only. */
  leaderId?: string;
}

export interface Sessions {
  create(
    who: { adminId: string; email: string; unitId?: string; leaderId?: string },
    options: { absoluteMs: number; idleTimeoutMs: number },
  ): Promise<{ sessionId: string; session: AdminSession }>;
  /** undefined when unknown, expired or idle too long; otherwise refreshes its idle clock. */
  get(sessionId: string): Promise<AdminSession | undefined>;
  delete(sessionId: string): Promise<void>;
}
