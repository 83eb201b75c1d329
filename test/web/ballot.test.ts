/**
 * The council's ballot names a cited initiative by its title, never by its id in the unit's report
 * ("sk-1"), and gives the proposal's grounds one reason a line — on a proposal made by the domain
 * from the demo district's results.
 */
import { describe, expect, it } from 'vitest';
import { proposeCommendations } from '#domain/commendation';
import type { UnitPeriodInput } from '#domain/scoring';
import { computePeriodResults } from '#domain/scoring';
import { ballotCandidateView } from '#functions/commendation/ballot-lines';
import { candidateDetails } from '#web/ballot';
import { config, fullScores, must, officeSet, officeUnits, period, unit } from './fixtures.ts';

const inputs: Record<string, UnitPeriodInput> = Object.fromEntries(
  officeUnits.map((u, i) => [u.id, { status: 'approved', appraised: fullScores(), survey: 2000 + i * 50 }]),
);
const results = computePeriodResults({
  periodId: period.id,
  units: officeUnits,
  inputs,
  setsByGroup: { office: officeSet },
});
const proposal = proposeCommendations({
  results: results.units,
  units: config.units,
  nominations: [
    {
      id: 'cn-1',
      name: 'Trần Văn Nam',
      position: 'Chuyên viên',
      unitId: unit.id,
      form: 'giay-khen',
      achievements: 'Xây dựng quy trình một cửa điện tử.',
      initiativeId: 'sk-1',
      status: 'none',
      submittedAt: '2022-10-10T02:00:00Z',
    },
  ],
  settings: config.commendation,
  issuerLevel: config.commendation.issuerLevel,
  onDate: '2022-12-20',
  timeZone: config.district.timeZone,
});
const nominee = must(
  proposal.candidates.find((c) => c.id === 'individual:cn-1'),
  'the nominee',
);
const titles = new Map([[`${unit.id}/sk-1`, 'Một cửa điện tử <liên thông>']]);

describe('a ballot candidate', () => {
  it('names the cited initiative by its title', () => {
    expect(nominee.reasons.some((r) => r.message.includes('“sk-1”'))).toBe(true);
    const view = ballotCandidateView(nominee, titles);
    expect(view.reasons.join('\n')).toContain('Căn cứ sáng kiến “Một cửa điện tử <liên thông>”');
    expect(view.reasons.join('\n')).not.toContain('sk-1');
    expect(candidateDetails(view)).toContain('“Một cửa điện tử &lt;liên thông&gt;”');
  });

  it('gives each reason its own line', () => {
    const view = ballotCandidateView(nominee, titles);
    expect(nominee.reasons.length).toBeGreaterThan(1);
    const html = candidateDetails(view);
    expect([...html.matchAll(/<li>/g)]).toHaveLength(nominee.reasons.length);
    expect(html).toContain('<p>Cá nhân · Phòng Tư pháp · Giấy khen · Chuyên viên</p>');
  });

  it('keeps the id when no title is known, rather than guessing', () => {
    expect(ballotCandidateView(nominee, new Map()).reasons.join('\n')).toContain('“sk-1”');
  });
});
