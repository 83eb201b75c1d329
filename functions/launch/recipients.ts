/**
 * Who gets the launch notice: every unit's focal point and every reviewer, grouped by address, so
 * a person who is both (or the focal point of two units) gets one notice. Each addressee is named
 * by the first of them in the config (`unit:<id>` or `reviewer:<id>`): the Map of the launch
 * workflow carries these names only — no addresses in the execution history — and the notice step
 * finds the addressee again from the campaign.
 */
import type { Person, Unit } from '#domain/model';
import type { CampaignContext } from '#steps/campaign';

export interface LaunchRecipient {
  recipientId: string;
  email: string;
  name: string;
  units: Unit[];
  reviewer?: Person;
}

export function launchRecipients(campaign: CampaignContext): LaunchRecipient[] {
  const byEmail = new Map<string, LaunchRecipient>();
  const entry = (email: string, recipientId: string, name: string): LaunchRecipient => {
    const key = email.trim().toLowerCase();
    let found = byEmail.get(key);
    if (!found) {
      found = { recipientId, email, name, units: [] };
      byEmail.set(key, found);
    }
    return found;
  };
  for (const u of campaign.units) entry(u.focalPoint.email, `unit:${u.id}`, u.focalPoint.name).units.push(u);
  for (const r of campaign.people('reviewer')) {
    const e = entry(r.email, `reviewer:${r.id}`, r.name);
    e.reviewer ??= r;
  }
  return [...byEmail.values()];
}
