/**
 * `Sessions` on the district table (docs/store.md, "Sessions"): `SESSION#<sha256(id)>`, with the
 * table's TTL attribute `purgeAt`; every read also checks expiry itself.
 *
 * Sessions run on real time, never the local runtime's virtual clock: moving the demo's clock must
 * not sign anyone out (nor keep a session alive that real time ended).
 */
import { randomBytes } from 'node:crypto';
import { provide } from '../registry.ts';
import type { AdminSession, Sessions } from '../sessions.ts';
import { sha256 } from './keys.ts';
import { type Table, table } from './table.ts';

const SESSION_ID = /^[A-Za-z0-9_-]{20,100}$/;
const sessionKey = (sessionId: string) => ({ pk: `SESSION#${sha256(sessionId)}`, sk: 'SESSION' });
/** The idle clock is refreshed at most this often (one write, not one per page view). */
const REFRESH_MS = 60_000;

export class DynamoSessions implements Sessions {
  private readonly table: Table;
  private readonly clock: () => Date;
  constructor(table: Table, clock: () => Date = () => new Date()) {
    this.table = table;
    this.clock = clock;
  }

  private now(): { iso: string; ms: number } {
    const d = this.clock();
    return { iso: d.toISOString(), ms: d.getTime() };
  }

  async create(
    who: { adminId: string; email: string; unitId?: string; leaderId?: string },
    options: { absoluteMs: number; idleTimeoutMs: number },
  ): Promise<{ sessionId: string; session: AdminSession }> {
    const sessionId = randomBytes(32).toString('base64url');
    const { iso, ms } = this.now();
    const expiresAtMs = ms + options.absoluteMs;
    const session: AdminSession = {
      adminId: who.adminId,
      email: who.email,
      ...(who.unitId ? { unitId: who.unitId } : {}),
      ...(who.leaderId ? { leaderId: who.leaderId } : {}),
      createdAt: iso,
      expiresAt: new Date(expiresAtMs).toISOString(),
      idleTimeoutMs: options.idleTimeoutMs,
      lastSeenAt: iso,
    };
    const ok = await this.table.putIf({
      Item: {
        ...sessionKey(sessionId),
        ...session,
        expiresAtMs,
        lastSeenAtMs: ms,
        purgeAt: Math.ceil(expiresAtMs / 1000),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (!ok) throw new Error('Session id collision');
    return { sessionId, session };
  }

  async get(sessionId: string): Promise<AdminSession | undefined> {
    if (!SESSION_ID.test(sessionId)) return undefined;
    const key = sessionKey(sessionId);
    const item = await this.table.get(key);
    if (!item) return undefined;
    const { iso, ms } = this.now();
    const idle = Number(item.idleTimeoutMs);
    if (ms >= Number(item.expiresAtMs) || ms >= Number(item.lastSeenAtMs) + idle) return undefined;
    let lastSeenAt = String(item.lastSeenAt);
    if (ms - Number(item.lastSeenAtMs) > REFRESH_MS) {
      await this.table.updateIf({
        Key: key,
        UpdateExpression: 'SET lastSeenAt = :now, lastSeenAtMs = :nowMs',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': iso, ':nowMs': ms },
      });
      lastSeenAt = iso;
    }
    return {
      adminId: String(item.adminId),
      email: String(item.email),
      createdAt: String(item.createdAt),
      expiresAt: String(item.expiresAt),
      idleTimeoutMs: idle,
      lastSeenAt,
      ...(item.unitId ? { unitId: String(item.unitId) } : {}),
      ...(item.leaderId ? { leaderId: String(item.leaderId) } : {}),
    };
  }

  async delete(sessionId: string): Promise<void> {
    if (!SESSION_ID.test(sessionId)) return;
    await this.table.deleteIf({ Key: sessionKey(sessionId) });
  }
}

export const sessions = provide<Sessions>('sessions', () => new DynamoSessions(table()));
