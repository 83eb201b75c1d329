/**
 * The items a campaign version is stored as (docs/store.md, "Campaign"), and its content hash.
 * Pure: `thidua launch --dry-run` checks them without loading the SDK.
 */
import { type CampaignInput, type CampaignSettings, PEOPLE_OF_ROLE, type PersonRole } from '../campaigns.ts';
import { part, sha256, toDoc } from './keys.ts';

export const ROLES: readonly PersonRole[] = ['reviewer', 'council', 'admin', 'leadership'];

/** The header's document: the config without its units and people, and the criteria sets it names. */
export interface HeaderDoc {
  config: CampaignSettings;
  criteriaSets: { id: string; hash: string }[];
}

/** The documents of a campaign version; an item over the size limit is an ItemTooLargeError naming it. */
export function campaignDocuments(campaign: CampaignInput) {
  const { config } = campaign;
  for (const u of config.units) part('units[].id', u.id);
  for (const role of ROLES) for (const p of config[PEOPLE_OF_ROLE[role]]) part(`${role}.id`, p.id);
  const sets = campaign.criteriaSets.map((set) => {
    const doc = toDoc(set, `criteria set ${set.id}`);
    return { id: set.id, hash: sha256(doc).slice(0, 16), doc };
  });
  const { units, reviewers, council, admins, leadership, ...rest } = config;
  const headerDoc = toDoc(
    { config: rest, criteriaSets: sets.map(({ id, hash }) => ({ id, hash })) } satisfies HeaderDoc,
    'the campaign header (the config without its units and people)',
  );
  const parts = [
    ...units.map((u) => ({ sk: `UNIT#${u.id}`, doc: toDoc(u, `unit ${u.id}`) })),
    ...ROLES.flatMap((role) =>
      config[PEOPLE_OF_ROLE[role]].map((p) => ({
        sk: `PERSON#${role}#${p.id}`,
        doc: toDoc(p, `person ${p.id}`),
      })),
    ),
  ];
  // The content: the header and every part in order (the people's order is the config's).
  const contentHash = sha256([headerDoc, ...parts.map((p) => `${p.sk}\n${p.doc}`)].join('\n'));
  return { headerDoc, parts, sets, contentHash, unitCount: units.length };
}
