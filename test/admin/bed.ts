/**
 * The admin's side on the real emulators: the demo's 2024 stored as units and reviewers left it
 * (test/functions/cycle-harness.ts), each period scored by the ComputeResults step as its
 * scoring execution runs it, the stack's pages served by the local HTTP adapter, and an admin
 * session. Tests talk to the pages with `fetch`, as a browser would.
 */
import type { Period } from '#domain/model';
import { handler as computeResults } from '#functions/scoring/compute-results';
import { type LocalHttpServer, pageRoutes, startHttpServer } from '#local/runtime/http';
import { sessions } from '#ports/dynamo/sessions';
import { scoringExecution } from '#workflows/executions';
import { at, type CycleBed, seedAppraisedYear, startCycleBed } from '../functions/cycle-harness.ts';
import { BASE_URL } from '../functions/harness.ts';

export const ADMIN_ID = 'tran-quoc-huy';

export interface AdminBed {
  bed: CycleBed;
  http: LocalHttpServer;
  periods: Period[];
  /** The `cookie` header of a fresh admin session. */
  cookie: string;
  get(path: string): Promise<Response>;
  /** A form POST from one of our pages (the Origin of BASE_URL), with the session. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function sessionCookie(who: {
  adminId: string;
  email: string;
  unitId?: string;
}): Promise<string> {
  const { sessionId } = await sessions().create(who, { absoluteMs: 8 * 3_600_000, idleTimeoutMs: 3_600_000 });
  return `__Host-thidua_session=${sessionId}`;
}

export async function startAdminBed(): Promise<AdminBed> {
  const bed = await startCycleBed(new Date('2024-01-01T00:00:00Z'));
  const periods = await seedAppraisedYear(bed);
  for (const p of periods) {
    at(bed, new Date(Date.parse(p.reviewClosesAt) + 60_000));
    await bed.invoke(computeResults, {
      periodId: p.id,
      executionName: scoringExecution(p.id, { trigger: 'close' }).name,
    });
  }
  const http = await startHttpServer({ routes: await pageRoutes() });
  const admin = bed.config.admins.find((a) => a.id === ADMIN_ID) ?? bed.config.admins[0];
  if (!admin) throw new Error('the demo has no admin');
  const cookie = await sessionCookie({ adminId: admin.id, email: admin.email });
  return {
    bed,
    http,
    periods,
    cookie,
    get: (path) => fetch(`${http.url}${path}`, { headers: { cookie }, redirect: 'manual' }),
    post: (path, fields) =>
      fetch(`${http.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      }),
    stop: async () => {
      await http.close();
      await bed.stop();
    },
  };
}
