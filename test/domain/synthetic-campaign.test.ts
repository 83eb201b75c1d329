import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { criteriaSetFor } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import { loadDistrict } from '#domain/config-files';
import { tallyCouncil } from '#domain/council';
import { computePeriodResults } from '#domain/scoring';
import { generateCampaign, writeCampaign } from '../../examples/generate-campaign.ts';

const dir = mkdtempSync(join(tmpdir(), 'thidua-synthetic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synthetic campaigns (examples/generate-campaign.ts)', () => {
  it('of 2,000 units are a config and criteria sets that load and validate as thidua check reads them', () => {
    const campaign = generateCampaign({ units: 2000, seed: 11 });
    const files = writeCampaign(campaign, join(dir, 'n2000'));
    const district = files.district;
    if (!district) throw new Error('no district file written');
    const loaded = loadDistrict(district);
    expect(loaded.config.units).toHaveLength(2000);
    expect(new Set(loaded.config.units.map((u) => u.id)).size).toBe(2000);
    const offices = loaded.config.units.filter((u) => u.group === 'office').length;
    expect(offices).toBe(300);
    expect(loaded.config.district.level).toBe('tinh');
    expect(loaded.criteriaSets.map((s) => s.id).sort()).toEqual(['synthetic-co-quan', 'synthetic-xa-phuong']);
    // Every id is a slug a database key, an execution name and a URL can carry.
    for (const u of loaded.config.units) expect(u.id).toMatch(/^[a-z0-9][a-z0-9-]{0,39}$/);
  });

  it('are the same for the same seed, byte for byte, and differ for another seed', () => {
    const options = { units: 120, periods: 2, nominations: 25, ballots: true } as const;
    const a = writeCampaign(generateCampaign({ ...options, seed: 5 }), join(dir, 'a'));
    const b = writeCampaign(generateCampaign({ ...options, seed: 5 }), join(dir, 'b'));
    const c = writeCampaign(generateCampaign({ ...options, seed: 6 }), join(dir, 'c'));
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const [name, file] of Object.entries(a)) {
      expect(readFileSync(file, 'utf8'), name).toBe(readFileSync(b[name] ?? '', 'utf8'));
    }
    expect(readFileSync(a.appraisals ?? '', 'utf8')).not.toBe(readFileSync(c.appraisals ?? '', 'utf8'));
  });

  it('carry periods a scoring can rank, and ballots the council can tally', () => {
    const campaign = generateCampaign({ units: 150, seed: 2, periods: 2, nominations: 30, ballots: true });
    const { config, criteriaSets } = campaign;
    const last = campaign.periods[1];
    if (!last) throw new Error('two periods were asked for');
    const results = computePeriodResults({
      periodId: last.period.id,
      units: config.units,
      inputs: last.inputs,
      setsByGroup: {
        office: criteriaSetFor(config, criteriaSets, 'office', last.period),
        commune: criteriaSetFor(config, criteriaSets, 'commune', last.period),
      },
      caps: config.groups,
    });
    const statuses = new Set(results.units.map((u) => u.status));
    expect(statuses).toEqual(new Set(['approved', 'not-submitted', 'submitted-not-appraised']));
    expect(last.reports.length).toBeGreaterThan(140);

    const ballots = campaign.ballots;
    if (!ballots) throw new Error('ballots were asked for');
    const proposal = proposeCommendations({
      results: results.units,
      units: config.units,
      nominations: campaign.nominations,
      settings: config.commendation,
      issuerLevel: config.commendation.issuerLevel,
      onDate: last.period.reviewClosesAt.slice(0, 10),
      timeZone: config.district.timeZone,
    });
    for (const b of ballots.ballots)
      for (const id of Object.keys(b.votes)) expect(proposal.ballot).toContain(id);
    const tally = tallyCouncil({
      members: config.council,
      ballots: ballots.ballots,
      candidates: proposal.ballot,
      settings: config.commendation,
      closesAt: ballots.closesAt,
      timeZone: config.district.timeZone,
    });
    expect(tally.quorumMet).toBe(true);
    expect(tally.ignoredBallots.map((b) => b.reason.code)).toEqual(['after-close']);
    expect(tally.ignoredVotes).toEqual([]);
  });
});
