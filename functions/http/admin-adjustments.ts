/**
 * Survey results, bonuses and penalties through the form (docs/admin.md, "Admin actions"): the
 * form (pre-filled with what is stored, each unit's stored version in a hidden field) → the
 * preview (checked by the rules `thidua record` applies, a bonus or penalty above its cap named
 * as the command names it; nothing stored) → recorded (each changed
 * unit stored and audited, as the CLI does). A unit changed by another writer since the form was
 * opened is 409 "edited elsewhere": nothing is recorded, the admin's values stay in the form, and
 * the page names what is stored now and who stored it.
 *
 * `q` (the units page's search) narrows the form to the matching units: only their rows are
 * posted, and a unit whose row is not posted is not touched. `step=paste` reads rows pasted from a
 * spreadsheet into the same fields the form posts (web/admin-adjustments-paste.ts), to the same
 * preview.
 */

import { criteriaSetFor } from '#domain/calendar';
import { surveyArea } from '#domain/criteria-tree';
import { type Period, UNIT_GROUPS, type UnitGroup } from '#domain/model';
import { type AdjustmentsEntry, adjustmentCaps, overCaps } from '#functions/scoring/adjustments';
import { storeAdjustments } from '#functions/scoring/store-adjustments';
import { results } from '#ports/dynamo/results';
import { ConflictError } from '#ports/errors';
import type { Adjustments, StoredAdjustments } from '#ports/results';
import type { CampaignContext } from '#steps/campaign';
import {
  type AdjustmentUnit,
  checkAdjustmentsForm,
  type EditedElsewhere,
  formVersions,
  type GroupLimits,
  PASTE_FIELD,
  previewAdjustments,
  QUERY_FIELD,
  renderAdjustmentsPage,
  type StoredValues,
  sameValues,
} from '#web/admin-adjustments';
import { pasteAsForm } from '#web/admin-adjustments-paste';
import { adminHref } from '#web/admin-routes';
import { FormError, type HttpRequest, type HttpResponse, htmlResponse, redirect } from '#web/http';
import { adminActor, newNonce, nonceOf } from './admin-action-kit.ts';
import { type AdminContext, periodOf } from './admin-session.ts';

function valuesOf(a: Adjustments): StoredValues {
  return {
    survey: a.survey ?? null,
    bonus: a.bonus,
    penalty: a.penalty,
    ...(a.note ? { note: a.note } : {}),
  };
}

async function adjustmentUnits(ctx: AdminContext, periodId: string): Promise<AdjustmentUnit[]> {
  const stored = new Map((await results().listPeriodAdjustments(periodId)).map((a) => [a.unitId, a]));
  return ctx.campaign.units.map((u) => {
    const a = stored.get(u.id);
    return {
      id: u.id,
      name: u.name,
      group: u.group,
      focalPoint: u.focalPoint,
      ...(a ? { stored: valuesOf(a), version: a.version } : {}),
    };
  });
}

function byText(stored: StoredAdjustments, campaign: CampaignContext): string {
  const { kind, id } = stored.updatedBy;
  if (id.startsWith('cli')) return 'dòng lệnh';
  return (kind === 'admin' ? campaign.findPerson('admin', id)?.name : undefined) ?? id;
}

/** The entries whose stored version is no longer the one the form was opened on (read consistently). */
async function editedElsewhere(
  entries: readonly AdjustmentsEntry[],
  campaign: CampaignContext,
): Promise<EditedElsewhere[]> {
  const out: EditedElsewhere[] = [];
  for (const entry of entries) {
    const stored = await results().getAdjustments(entry.unitId, entry.periodId);
    if ((stored?.version ?? 0) === entry.expectedVersion) continue;
    if (stored && sameValues(valuesOf(stored), valuesOf(entry))) continue;
    out.push({
      unitId: entry.unitId,
      unitName: campaign.findUnit(entry.unitId)?.name ?? entry.unitId,
      ...(stored ? { current: valuesOf(stored), by: byText(stored, campaign), at: stored.updatedAt } : {}),
    });
  }
  return out;
}

/** What each group's set in force for the period allows (the checks on posting use the same set). */
function groupLimits(campaign: CampaignContext, period: Period): Partial<Record<UnitGroup, GroupLimits>> {
  const { config } = campaign;
  const out: Partial<Record<UnitGroup, GroupLimits>> = {};
  for (const group of UNIT_GROUPS) {
    if (!config.units.some((u) => u.group === group)) continue;
    const set = criteriaSetFor(config, campaign.criteriaSets, group, period);
    out[group] = { survey: surveyArea(set)?.max ?? null, ...adjustmentCaps(campaign, group, period) };
  }
  return out;
}

export async function adjustments(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const period = periodOf(ctx.campaign, p.periodId ?? '');
  const units = await adjustmentUnits(ctx, period.id);
  const query = ((request.isRead ? request.query : request.form).get(QUERY_FIELD) ?? '').trim().slice(0, 100);
  const base = { frame: ctx.frame, period, units, query, limits: groupLimits(ctx.campaign, period) };
  if (request.isRead) {
    const recorded = request.query.get('recorded');
    const m = /^(\d{1,4})-(\d{1,4})$/.exec(recorded ?? '');
    const latest = (await results().listHeaders(period.id)).at(-1)?.version;
    return htmlResponse(
      200,
      renderAdjustmentsPage({
        ...base,
        nonce: newNonce(),
        ...(m
          ? {
              recorded: {
                changed: Number(m[1]),
                unchanged: Number(m[2]),
                ...(latest ? { latestResults: latest } : {}),
              },
            }
          : {}),
      }),
    );
  }
  const nonce = nonceOf(request);
  const step = request.form.get('step');
  const pasted = request.form.get(PASTE_FIELD) ?? undefined;
  let form = request.form;
  if (step === 'paste') {
    const read = pasteAsForm(pasted ?? '', period, ctx.campaign, units);
    if (!read.form) {
      throw new FormError(
        read.problems,
        renderAdjustmentsPage({ ...base, nonce, pasted, problems: read.problems }),
      );
    }
    // The paste goes on as the form would post it (the preview carries it to Ghi nhận), with the
    // text itself so that Sửa lại brings it back to its box.
    form = new URLSearchParams([...read.form, [QUERY_FIELD, query], [PASTE_FIELD, pasted ?? '']]);
  } else if (step === 'edit' && pasted) {
    return htmlResponse(200, renderAdjustmentsPage({ ...base, nonce, pasted }));
  }
  const { entries, problems } = checkAdjustmentsForm(form, period, ctx.campaign);
  if (problems.length > 0) {
    throw new FormError(problems, renderAdjustmentsPage({ ...base, nonce, posted: form, problems }));
  }
  if (step !== 'confirm') {
    // A bonus or penalty above its cap is said by unit, value and cap before anything is recorded,
    // by the check `thidua record` prints (recorded as written, counted as the cap).
    const preview =
      step === 'edit'
        ? {}
        : { preview: previewAdjustments(entries, units), overCaps: overCaps(entries, ctx.campaign) };
    return htmlResponse(200, renderAdjustmentsPage({ ...base, nonce, posted: form, ...preview }));
  }
  const versions = formVersions(
    form,
    entries.map((x) => x.unitId),
  );
  const checked = entries.map((x) => ({ ...x, expectedVersion: versions.get(x.unitId) ?? 0 }));
  const edited = async (conflicts: EditedElsewhere[]) =>
    htmlResponse(
      409,
      renderAdjustmentsPage({
        ...base,
        units: await adjustmentUnits(ctx, period.id),
        nonce,
        posted: form,
        // A paste comes back to its box too (Sửa lại after a conflict starts from it).
        ...(pasted ? { pasted } : {}),
        conflicts,
      }),
    );
  const conflicts = await editedElsewhere(checked, ctx.campaign);
  if (conflicts.length > 0) return edited(conflicts);
  try {
    // The form's write id goes with each version: the same POST again, after a crash between a
    // version and its audit entry, finds its own versions and writes their entries (once, by id).
    const stored = await storeAdjustments(checked, adminActor(ctx, request), undefined, { writeId: nonce });
    const changed = stored.recorded.filter((r) => r.changed).length;
    return redirect(
      adminHref.adjustments(period.id, {
        q: query,
        recorded: `${changed}-${stored.recorded.length - changed}`,
      }),
    );
  } catch (error) {
    // Another writer between the check and the write: the same answer, for what it changed.
    if (error instanceof ConflictError) return edited(await editedElsewhere(checked, ctx.campaign));
    throw error;
  }
}
