/**
 * The commendation pages behind the admin sign-in (docs/admin.md): `GET /admin/commendation`, the
 * cycles (each year's and the phase's vote rounds), and `GET /admin/commendation/<cycle>`, one
 * cycle — candidates and reasons, the council's tally and the final list once the vote closed,
 * the documents to file. Reads: admin-commendation-data.ts; downloads: admin-downloads.ts.
 */
import { renderCommendationIndex, renderCycle } from '#web/admin-commendation';
import { type HttpResponse, htmlResponse } from '#web/http';
import { cycleData, cycleSummaries } from './admin-commendation-data.ts';
import type { AdminContext } from './admin-session.ts';

export async function commendationIndexPage(ctx: AdminContext): Promise<HttpResponse> {
  const cycles = await cycleSummaries(ctx.campaign);
  return htmlResponse(200, renderCommendationIndex({ frame: ctx.frame, cycles }));
}

export async function cyclePage(ctx: AdminContext, cycleId: string): Promise<HttpResponse> {
  const data = await cycleData(ctx.campaign, cycleId);
  return htmlResponse(
    200,
    renderCycle({
      frame: ctx.frame,
      cycle: data.summary,
      proposal: data.proposal,
      members: data.members,
      ...(data.tally ? { tally: data.tally } : {}),
      ...(data.final ? { final: data.final } : {}),
      ...(data.turnout ? { turnout: data.turnout } : {}),
    }),
  );
}
