import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposeCommendations } from '#domain/commendation';
import type { Candidate, NominationInput, Proposal } from '#domain/commendation-model';
import { type Ballot, passRequired, quorumRequired, type Tally, tallyCouncil } from '#domain/council';
import { finalList } from '#domain/final-list';
import { ANNUAL_TITLES, formsIssuerMayGrant, isCommendationForm } from '#domain/issuers';
import type {
  AdministrativeLevel,
  Band,
  CommendationSettings,
  DisciplineStatus,
  ResultFlag,
  UnitGroup,
} from '#domain/model';
import { settings as baseSettings, members, rankAll, unit } from './commendation-fixtures.ts';

/** ⌈a·N/b⌉ by its definition: the least k ≥ 1 with k·b ≥ a·N. */
function ceilByDefinition(a: number, N: number, b: number): number {
  let k = 1;
  while (k * b < a * N) k += 1;
  return k;
}

describe('quorum and pass thresholds', () => {
  it('for N = 1..30 match the ceilings of DOMAIN.md (2/3 and 70 %)', () => {
    for (let N = 1; N <= 30; N += 1) {
      expect(quorumRequired(N, { numerator: 2, denominator: 3 })).toBe(ceilByDefinition(2, N, 3));
      expect(passRequired(N, 70)).toBe(ceilByDefinition(70, N, 100));
    }
  });

  it('for any rule and any N match the ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 100 }),
        (N, x, y, passPercent) => {
          const [numerator, denominator] = x <= y ? [x, y] : [y, x];
          expect(quorumRequired(N, { numerator, denominator })).toBe(
            ceilByDefinition(numerator, N, denominator),
          );
          expect(passRequired(N, passPercent)).toBe(ceilByDefinition(passPercent, N, 100));
        },
      ),
    );
  });
});

// ---------------------------------------------------------------- tally

const INSTANTS = [
  '2025-01-10T08:00:00+07:00',
  '2025-01-10T01:00:00Z', // the same instant as the first, written differently
  '2025-01-11T09:00:00+07:00',
  '2025-01-12T09:00:00+07:00',
];
const CANDIDATE_IDS = ['collective:a', 'collective:b', 'individual:c', 'upward:d', 'individual:e'];

interface TallyCase {
  n: number;
  candidates: string[];
  quorum: { numerator: number; denominator: number };
  passPercent: number;
  ballots: Ballot[];
}

const tallyCase: fc.Arbitrary<TallyCase> = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    candidates: fc.uniqueArray(fc.constantFrom(...CANDIDATE_IDS), { minLength: 1 }),
    quorum: fc.constantFrom({ numerator: 2, denominator: 3 }, { numerator: 1, denominator: 2 }),
    passPercent: fc.constantFrom(70, 50, 66.67, 100),
    ballots: fc.array(
      fc.record({
        memberId: fc.oneof(
          fc.integer({ min: 1, max: n }).map((i) => `tv${i}`),
          fc.constant('nguoi-ngoai'),
        ),
        castAt: fc.constantFrom(...INSTANTS),
        votes: fc.dictionary(
          fc.constantFrom(...CANDIDATE_IDS, 'khong-co'),
          fc.constantFrom('yes', 'yes', 'no', 'abstain', 'bad'),
        ),
      }),
      { maxLength: 20 },
    ),
  }),
);

function runTally(c: TallyCase): Tally {
  return tallyCouncil({
    timeZone: 'Asia/Ho_Chi_Minh',
    members: members(c.n),
    ballots: c.ballots,
    candidates: c.candidates,
    settings: { council: { quorum: c.quorum, passPercent: c.passPercent } },
  });
}

/** What an outcome is, independent of the order things are listed in. */
function essence(t: Tally) {
  return {
    ...t,
    candidates: Object.fromEntries(t.candidates.map((c) => [c.candidateId, c])),
    ignoredBallots: t.ignoredBallots.map((b) => JSON.stringify(b)).sort(),
    ignoredVotes: t.ignoredVotes.map((v) => JSON.stringify(v)).sort(),
  };
}

describe('council tally', () => {
  it('counts add up, and nothing passes without quorum or below the threshold', () => {
    fc.assert(
      fc.property(tallyCase, (c) => {
        const t = runTally(c);
        expect(t.N).toBe(c.n);
        expect(t.present).toBeLessThanOrEqual(t.N);
        expect(t.quorumMet).toBe(t.present >= t.quorumRequired);
        for (const x of t.candidates) {
          expect(x.yes + x.no + x.abstain + x.absent).toBe(t.N);
          expect(x.passed).toBe(t.quorumMet && x.yes >= t.passRequired);
          if (!t.quorumMet) expect(x.passed).toBe(false);
        }
        if (!t.quorumMet) expect(t.outcome).toMatch(/Không đủ số thành viên/);
      }),
      { numRuns: 300 },
    );
  });

  it('a permutation of the ballots or of the candidates changes no outcome', () => {
    fc.assert(
      fc.property(
        tallyCase.chain((c) =>
          fc.record({
            c: fc.constant(c),
            ballots: fc.shuffledSubarray(c.ballots, { minLength: c.ballots.length }),
            candidates: fc.shuffledSubarray(c.candidates, { minLength: c.candidates.length }),
          }),
        ),
        ({ c, ballots, candidates }) => {
          expect(essence(runTally({ ...c, ballots, candidates }))).toEqual(essence(runTally(c)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- proposal

const FORMS = [
  'giay-khen',
  'giay-khen',
  'giay-khen',
  'lao-dong-tien-tien',
  'chien-si-thi-dua-co-so',
  'tap-the-lao-dong-tien-tien',
  'bang-khen-tinh',
  'bang-khen-thu-tuong',
];
const STATUSES: DisciplineStatus[] = [
  'none',
  'none',
  'none',
  'discipline',
  'investigation',
  'inspection',
  'complaint',
];

interface District {
  rows: { unitId: string; group: UnitGroup; hundredths: number; flag?: ResultFlag }[];
  nominations: NominationInput[];
  settings: CommendationSettings;
  issuerLevel: AdministrativeLevel;
  onDate: string;
  approved: string[];
}

const districtCase: fc.Arbitrary<District> = fc
  .record({
    offices: fc.integer({ min: 1, max: 6 }),
    communes: fc.integer({ min: 1, max: 6 }),
  })
  .chain(({ offices, communes }) => {
    const ids = [
      ...Array.from({ length: offices }, (_, i) => ({ unitId: `phong-${i}`, group: 'office' as const })),
      ...Array.from({ length: communes }, (_, i) => ({ unitId: `xa-${i}`, group: 'commune' as const })),
    ];
    const score = fc.oneof(fc.integer({ min: 0, max: 10000 }), fc.constantFrom(9125, 9000, 8000, 7000));
    const flag = fc.constantFrom<ResultFlag | undefined>(
      undefined,
      undefined,
      undefined,
      'khong-nop-bao-cao',
      'chua-tham-dinh',
    );
    return fc.record({
      rows: fc.tuple(...ids.map((u) => fc.record({ hundredths: score, flag }).map((s) => ({ ...u, ...s })))),
      nominations: fc.uniqueArray(fc.integer({ min: 0, max: 100000 }), { maxLength: 10 }).chain((minutes) =>
        fc.tuple(
          ...minutes.map((minute, i) =>
            fc
              .record({
                unit: fc.constantFrom(...ids),
                form: fc.constantFrom(...FORMS),
                status: fc.constantFrom(...STATUSES),
                initiative: fc.constantFrom(undefined, 'sk-1', 'sk-2', 'phong-0/sk-chung'),
              })
              .map(
                (n): NominationInput => ({
                  id: `n${i}`,
                  name: `Người ${i}`,
                  unitId: n.unit.unitId,
                  form: n.form,
                  achievements: '…',
                  status: n.status,
                  ...(n.initiative ? { initiativeId: n.initiative } : {}),
                  submittedAt: new Date(Date.UTC(2024, 11, 1) + minute * 60000).toISOString(),
                }),
              ),
          ),
        ),
      ),
      settings: fc
        .record({
          collectives: fc.oneof(
            fc.integer({ min: 0, max: 4 }).map((perGroup) => ({ mode: 'top' as const, perGroup })),
            fc
              .constantFrom(80, 85.5, 90, 91.25)
              .map((minPercent) => ({ mode: 'threshold' as const, minPercent })),
          ),
          minBand: fc.constantFrom<Band>('xuat-sac', 'tot', 'kha', 'yeu'),
          quota: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
          upward: fc.option(
            fc.record({
              minPercent: fc.constantFrom(90, 91.25, 95),
              perGroup: fc.integer({ min: 0, max: 2 }),
            }),
            { nil: undefined },
          ),
        })
        .map(({ quota, upward, ...s }) =>
          baseSettings({
            ...s,
            ...(quota !== undefined ? { quotaPerGroup: quota } : {}),
            ...(upward ? { upward } : {}),
          }),
        ),
      issuerLevel: fc.constantFrom<AdministrativeLevel>('huyen', 'huyen', 'xa'),
      onDate: fc.constantFrom('2023-06-01', '2024-12-20', '2024-12-20', '2025-08-01'),
      approved: fc.subarray(['phong-0/sk-1', 'xa-0/sk-2', 'phong-0/sk-chung']),
    });
  });

function propose(
  d: District,
  order?: { rows?: District['rows']; nominations?: NominationInput[] },
): Proposal {
  const rows = order?.rows ?? d.rows;
  return proposeCommendations({
    timeZone: 'Asia/Ho_Chi_Minh',
    results: rankAll(rows),
    units: rows.map((r) => unit(r.unitId, r.group)),
    nominations: order?.nominations ?? d.nominations,
    settings: d.settings,
    issuerLevel: d.issuerLevel,
    onDate: d.onDate,
    initiativesApproved: new Set(d.approved),
  });
}

const onBallot = (c: Candidate) => c.status !== 'excluded';

describe('proposal', () => {
  it('nobody under discipline, investigation, inspection or complaint is ever proposed', () => {
    fc.assert(
      fc.property(districtCase, (d) => {
        const p = propose(d);
        const statusOf = new Map(d.nominations.map((n) => [`individual:${n.id}`, n.status]));
        for (const c of p.candidates.filter((x) => x.kind === 'individual' && onBallot(x))) {
          expect(statusOf.get(c.id)).toBe('none');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('no initiative supports two candidates on the ballot, nor two awards', () => {
    fc.assert(
      fc.property(
        districtCase,
        fc.integer({ min: 1, max: 9 }),
        fc.infiniteStream(fc.boolean()),
        (d, n, coin) => {
          const p = propose(d);
          const keys = p.candidates.filter(onBallot).flatMap((c) => (c.initiative ? [c.initiative.key] : []));
          expect(new Set(keys).size).toBe(keys.length);
          const votes = members(n).map((m) => ({
            memberId: m.id,
            castAt: '2025-01-10T08:00:00+07:00',
            votes: Object.fromEntries(p.ballot.map((id) => [id, coin.next().value ? 'yes' : 'no'])),
          }));
          const f = finalList(
            p,
            tallyCouncil({
              timeZone: 'Asia/Ho_Chi_Minh',
              members: members(n),
              ballots: votes,
              candidates: p.ballot,
              settings: d.settings,
            }),
          );
          const awardedKeys = f.entries
            .filter((e) => e.status === 'awarded')
            .flatMap((e) => (e.initiative ? [e.initiative.key] : []));
          expect(new Set(awardedKeys).size).toBe(awardedKeys.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never proposes an annual title, a form the issuer may not grant, or a flagged unit', () => {
    fc.assert(
      fc.property(districtCase, (d) => {
        const p = propose(d);
        const grantable = formsIssuerMayGrant(d.issuerLevel, d.onDate);
        const flagged = new Map(d.rows.map((r) => [r.unitId, r.flag]));
        for (const c of p.candidates.filter(onBallot)) {
          if (c.kind === 'upward') {
            expect(c.form).toBe('bang-khen-tinh');
          } else {
            expect(isCommendationForm(c.form) && !ANNUAL_TITLES.has(c.form)).toBe(true);
            expect(grantable).toContain(c.form);
          }
          if (c.kind !== 'individual') expect(flagged.get(c.unitId)).toBeUndefined();
          else expect(flagged.get(c.unitId)).not.toBe('khong-nop-bao-cao');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('considers every unit and every nomination once, each with a reason', () => {
    fc.assert(
      fc.property(districtCase, (d) => {
        const p = propose(d);
        const ids = p.candidates.map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const r of d.rows) expect(ids).toContain(`collective:${r.unitId}`);
        for (const n of d.nominations) expect(ids).toContain(`individual:${n.id}`);
        for (const c of p.candidates) expect(c.reasons.length).toBeGreaterThan(0);
        expect(p.ballot).toEqual(p.candidates.filter(onBallot).map((c) => c.id));
      }),
      { numRuns: 200 },
    );
  });

  it('a tie is never broken silently: whoever is cut ranks strictly below whoever is kept', () => {
    fc.assert(
      fc.property(districtCase, (d) => {
        const p = propose(d);
        const cut = new Set(['not-in-top', 'quota-exceeded', 'upward-limit']);
        const rank = (c: Candidate) => c.rank ?? Number.POSITIVE_INFINITY;
        for (const kept of p.candidates.filter(onBallot)) {
          for (const dropped of p.candidates) {
            if (dropped.kind !== kept.kind || dropped.group !== kept.group) continue;
            if (!dropped.reasons.some((r) => cut.has(r.code))) continue;
            expect(rank(kept)).toBeLessThan(rank(dropped));
          }
        }
        for (const tie of p.tiesForCouncil) {
          const ranks = new Set(tie.tied.map((id) => p.candidates.find((c) => c.id === id)!.rank));
          expect(ranks.size).toBe(1);
          expect(tie.tied.length).toBeGreaterThan(tie.slots);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('awards never exceed the limits, whatever the council votes', () => {
    fc.assert(
      fc.property(
        districtCase,
        fc.integer({ min: 1, max: 9 }),
        fc.infiniteStream(fc.boolean()),
        (d, n, coin) => {
          const p = propose(d);
          const ballots = members(n).map((m) => ({
            memberId: m.id,
            castAt: '2025-01-10T08:00:00+07:00',
            votes: Object.fromEntries(p.ballot.map((id) => [id, coin.next().value ? 'yes' : 'abstain'])),
          }));
          const f = finalList(
            p,
            tallyCouncil({
              timeZone: 'Asia/Ho_Chi_Minh',
              members: members(n),
              ballots,
              candidates: p.ballot,
              settings: d.settings,
            }),
          );
          const s = d.settings;
          for (const group of ['office', 'commune'] as const) {
            const count = (status: string, kind: string) =>
              f.entries.filter((e) => e.group === group && e.kind === kind && e.status === status).length;
            const top = s.collectives.mode === 'top' ? s.collectives.perGroup : Number.POSITIVE_INFINITY;
            expect(count('awarded', 'collective')).toBeLessThanOrEqual(
              Math.min(top, s.quotaPerGroup ?? Infinity),
            );
            expect(count('awarded', 'individual')).toBeLessThanOrEqual(s.quotaPerGroup ?? Infinity);
            expect(count('proposed-upward', 'upward')).toBeLessThanOrEqual(s.upward?.perGroup ?? 0);
          }
          for (const e of f.entries.filter((x) => x.status === 'awarded' || x.status === 'proposed-upward')) {
            expect(e.votes?.passed).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the order of units, results and (distinctly timed) nominations changes nothing', () => {
    fc.assert(
      fc.property(
        districtCase.chain((d) =>
          fc.record({
            d: fc.constant(d),
            rows: fc.shuffledSubarray(d.rows, { minLength: d.rows.length }),
            nominations: fc.shuffledSubarray(d.nominations, { minLength: d.nominations.length }),
          }),
        ),
        ({ d, rows, nominations }) => {
          expect(propose(d, { rows, nominations })).toEqual(propose(d));
        },
      ),
      { numRuns: 200 },
    );
  });
});
