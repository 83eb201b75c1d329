/**
 * The commendation pages behind the admin sign-in (docs/admin.md): `GET /admin/commendation`, the
 * cycles (each year's and the phase's vote rounds), and `GET /admin/commendation/<cycle>`, one
 * cycle — candidates and reasons (filtered by status, group and name by its GET form), the council's tally and the final list once the vote closed,
 * the documents to file. Reads: admin-commendation-data.ts; downloads: admin-downloads.ts.
 */

import { now } from '#ports/clock';
import { withLastPlaceWords } from '#web/admin-candidates';
import { parseCandidateQuery, renderCommendationIndex, renderCycle } from '#web/admin-commendation';
import { type HttpResponse, htmlResponse } from '#web/http';
import {
  cycleData,
  cycleSummaries,
  proposalWatch,
  unitsMissingEveryPeriod,
} from './admin-commendation-data.ts';
import type { AdminContext } from './admin-session.ts';

export async function commendationIndexPage(ctx: AdminContext): Promise<HttpResponse> {
  const cycles = await cycleSummaries(ctx.campaign);
  return htmlResponse(200, renderCommendationIndex({ frame: ctx.frame, cycles }));
}

/** One cycle; its candidates table filtered by the page's GET form (`?status=&group=&q=`). */
export async function cyclePage(
  ctx: AdminContext,
  cycleId: string,
  params: URLSearchParams = new URLSearchParams(),
): Promise<HttpResponse> {
  const { query, ignored } = parseCandidateQuery(params);
  const data = await cycleData(ctx.campaign, cycleId);
  // A unit that missed every period reads "xếp cuối khối", not the shared last place as a number.
  const proposal = withLastPlaceWords(
    data.proposal,
    await unitsMissingEveryPeriod(data.proposal, data.sources),
  );
  return htmlResponse(
    200,
    renderCycle({
      frame: ctx.frame,
      cycle: data.summary,
      proposal,
      query,
      ignored,
      members: data.members,
      proposedAt: data.proposedAt,
      watch: await proposalWatch(ctx.campaign, data, now()),
      ...(data.tally ? { tally: data.tally } : {}),
      ...(data.final ? { final: data.final } : {}),
      ...(data.turnout ? { turnout: data.turnout } : {}),
    }),
  );
}
