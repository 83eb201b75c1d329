import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type CliResult, repo, tempDir, thidua } from '../helpers/cli.ts';

const dir = tempDir('commend');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DISTRICT = 'districts/demo.yaml';
const results = join(dir, 'ket-qua-2024.json');
const outcomeFile = join(dir, 'outcome.json');
const noQuorumFile = join(dir, 'outcome-no-quorum.json');
const badNominations = join(dir, 'nominations-bad.yaml');
/** The example's nominations, and the district's best office itself under inspection. */
const inspected = join(dir, 'nominations-inspected.yaml');
const inspectedOut = join(dir, 'outcome-inspected.json');
const unknownCollective = join(dir, 'nominations-unknown-collective.yaml');

interface Reason {
  code: string;
  message: string;
}
interface Outcome {
  proposal: { candidates: { id: string; status: string; reasons: Reason[] }[]; ballot: string[] };
  tally: {
    N: number;
    present: number;
    quorumRequired: number;
    quorumMet: boolean;
    passRequired: number;
    candidates: { candidateId: string; yes: number; passed: boolean }[];
    ignoredBallots: { memberId: string; reason: Reason }[];
  };
  final: {
    entries: { id: string; status: string; reasons: Reason[] }[];
    awarded: string[];
    proposedUpward: string[];
  };
}
const readOutcome = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Outcome;

let withBallots: CliResult;
let noQuorum: CliResult;
let invalid: CliResult;
let underInspection: CliResult;
let unknownUnit: CliResult;

beforeAll(async () => {
  const scored = await thidua(
    'score',
    '--district',
    DISTRICT,
    '--appraisals',
    'examples/appraisals-2024.yaml',
    '--year',
    '2024',
    '--out',
    results,
  );
  if (scored.code !== 0) throw new Error(scored.stderr);
  writeFileSync(
    badNominations,
    [
      'nominations:',
      '  - id: ai-do',
      '    name: Ai Đó',
      '    unitId: phong-khong-ton-tai',
      '    form: giay-khen',
      '    achievements: …',
      '    status: none',
      '    submittedAt: 2025-01-06T09:15:00+07:00',
      '    initiative: viet-sai-ten-truong',
      '',
    ].join('\n'),
  );
  const example = readFileSync(repo('examples/nominations-2024.yaml'), 'utf8');
  writeFileSync(inspected, `${example}collectives:\n  van-phong-hdnd-ubnd: inspection\n`);
  writeFileSync(unknownCollective, `${example}collectives:\n  phong-khong-ton-tai: complaint\n`);
  const commend = (...more: string[]) =>
    thidua('commend', '--district', DISTRICT, '--results', results, ...more);
  [withBallots, noQuorum, invalid, underInspection, unknownUnit] = await Promise.all([
    commend(
      '--nominations',
      'examples/nominations-2024.yaml',
      '--ballots',
      'examples/ballots-2024.yaml',
      '--out',
      outcomeFile,
    ),
    commend(
      '--nominations',
      'examples/nominations-2024.yaml',
      '--ballots',
      'examples/ballots-no-quorum.yaml',
      '--out',
      noQuorumFile,
    ),
    commend('--nominations', badNominations),
    commend('--nominations', inspected, '--out', inspectedOut),
    commend('--nominations', unknownCollective),
  ]);
}, 60_000);

const candidate = (o: Outcome, id: string) => {
  const c = o.proposal.candidates.find((x) => x.id === id);
  if (!c) throw new Error(`no candidate ${id}`);
  return c;
};
const codes = (reasons: Reason[]) => reasons.map((r) => r.code);
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('thidua commend', () => {
  it('refuses the nominations the rules exclude, each with its reason', ({ expect }) => {
    expect(withBallots.code, withBallots.stderr).toBe(0);
    const o = readOutcome(outcomeFile);
    expect(candidate(o, 'individual:pham-van-toan')).toMatchObject({ status: 'excluded' });
    expect(codes(candidate(o, 'individual:pham-van-toan').reasons)).toContain('discipline');
    expect(codes(candidate(o, 'individual:vu-thi-mai-anh').reasons)).toContain('investigation');
    // Two nominations cite the same initiative: the first submitted keeps it.
    expect(candidate(o, 'individual:le-van-phuc').status).toBe('proposed');
    expect(candidate(o, 'individual:nguyen-thi-hong-nhung').status).toBe('excluded');
    expect(codes(candidate(o, 'individual:nguyen-thi-hong-nhung').reasons)).toContain(
      'initiative-already-used',
    );
    // An annual title is never proposed from a thematic movement.
    expect(codes(candidate(o, 'individual:hoang-duc-thinh').reasons)).toContain('annual-title');
    for (const id of ['pham-van-toan', 'vu-thi-mai-anh', 'nguyen-thi-hong-nhung', 'hoang-duc-thinh']) {
      expect(o.proposal.ballot).not.toContain(`individual:${id}`);
    }
    // A unit with a pending appraisal is not proposed as a collective.
    expect(codes(candidate(o, 'collective:phong-y-te').reasons)).toContain('flag-chua-tham-dinh');
    // The same on the terminal (where long reasons wrap).
    const out = flat(withBallots.stdout);
    expect(out).toContain('[KHÔNG ĐỀ NGHỊ] Phạm Văn Toàn');
    expect(out).toContain('Đang trong thời gian thi hành kỷ luật');
    expect(out).toContain('Đang bị điều tra');
    expect(out).toContain('một sáng kiến chỉ làm căn cứ cho một hình thức khen thưởng');
    expect(out).toContain('là danh hiệu thi đua hằng năm');
  });

  it('tallies the council: quorum, the 70 % threshold of all members, first ballot only', ({ expect }) => {
    const o = readOutcome(outcomeFile);
    expect(o.tally).toMatchObject({ N: 8, present: 7, quorumRequired: 6, quorumMet: true, passRequired: 6 });
    const failing = o.tally.candidates.filter((c) => !c.passed);
    expect(failing.map((c) => c.candidateId)).toEqual(['individual:ngo-thi-thanh-xuan']);
    expect(failing[0]?.yes).toBe(5);
    expect(o.tally.ignoredBallots.map((b) => [b.memberId, b.reason.code])).toEqual([
      ['ha-thi-nga', 'not-first'],
    ]);
    const entry = o.final.entries.find((e) => e.id === 'individual:ngo-thi-thanh-xuan');
    expect(entry?.status).toBe('not-passed');
    expect(codes(entry?.reasons ?? [])).toContain('council-rejected');
    expect(o.final.awarded).toContain('individual:le-van-phuc');
    expect(o.final.awarded).not.toContain('individual:ngo-thi-thanh-xuan');
    expect(o.final.proposedUpward.length + o.final.awarded.length).toBe(o.proposal.ballot.length - 1);
    const out = withBallots.stdout;
    expect(out).toMatch(/Số thành viên N = 8; tham gia \(có ít nhất một phiếu hợp lệ\): 7/);
    expect(out).toContain('Đủ số cần ít nhất 6: ĐỦ SỐ');
    expect(out).toMatch(/Ngô Thị Thanh Xuân \(individual\) +5 +1 +1 +1 +6 +Không thông qua/);
    expect(out).toContain('Không được Hội đồng thông qua (1)');
    // Passed, never already awarded: the chairman decides (the pages and letters say the same).
    expect(out).toContain('Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng (');
    expect(out).not.toContain('Được khen thưởng');
  });

  it('passes nothing without quorum, and says so', ({ expect }) => {
    expect(noQuorum.code, noQuorum.stderr).toBe(0);
    const o = readOutcome(noQuorumFile);
    expect(o.tally).toMatchObject({ present: 5, quorumRequired: 6, quorumMet: false });
    expect(o.tally.candidates.every((c) => !c.passed)).toBe(true);
    expect(o.final.awarded).toEqual([]);
    expect(o.final.proposedUpward).toEqual([]);
    expect(
      o.final.entries
        .filter((e) => o.proposal.ballot.includes(e.id))
        .every((e) => codes(e.reasons).includes('no-quorum')),
    ).toBe(true);
    // The late ballot is not counted.
    expect(o.tally.ignoredBallots.map((b) => b.reason.code)).toEqual(['after-close']);
    expect(noQuorum.stdout).toContain('KHÔNG ĐỦ SỐ');
    expect(noQuorum.stdout).toContain('không ứng viên nào được thông qua');
  });

  it("leaves out a unit the file's collectives name as under inspection, saying why; an unknown unit is an error", ({
    expect,
  }) => {
    expect(underInspection.code, underInspection.stderr).toBe(0);
    const o = JSON.parse(readFileSync(inspectedOut, 'utf8')) as Outcome;
    const office = candidate(o, 'collective:van-phong-hdnd-ubnd');
    expect(office.status).toBe('excluded');
    expect(codes(office.reasons)).toContain('inspection');
    expect(o.proposal.candidates.some((c) => c.id === 'upward:van-phong-hdnd-ubnd')).toBe(false);
    expect(unknownUnit.code).toBe(1);
    expect(unknownUnit.stderr).toContain(
      `collectives.phong-khong-ton-tai: không có đơn vị "phong-khong-ton-tai"`,
    );
  });

  it('rejects a nominations file naming an unknown unit or a misspelt field', ({ expect }) => {
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(
      `${badNominations}:4: nominations[0].unitId: không có đơn vị "phong-khong-ton-tai"`,
    );
    expect(invalid.stderr).toContain(
      `${badNominations}:9: nominations[0].initiative: trường không được hỗ trợ`,
    );
  });
});

describe('thidua commend refuses input it cannot trust', { timeout: 60_000 }, () => {
  const editedResults = join(dir, 'ket-qua-2024-sua-tay.json');
  const badBallots = join(dir, 'ballots-bad.yaml');
  const refusedOut = join(dir, 'outcome-refused.json');
  let edited: CliResult;
  let ballots: CliResult;
  const lineOf = (file: string, text: string) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1;

  beforeAll(async () => {
    // A hand edit: the office ranked 3rd is given rank 1 and a better band, which would push another unit out.
    const r = JSON.parse(readFileSync(results, 'utf8')) as {
      units: { unitId: string; group: string; rank: number | null; band: string | null }[];
    };
    const third = r.units.find((u) => u.group === 'office' && u.rank === 3);
    if (!third) throw new Error('no office ranked 3rd in the example results');
    third.rank = 1;
    third.band = 'xuat-sac';
    writeFileSync(editedResults, JSON.stringify(r, null, 2));
    writeFileSync(
      badBallots,
      [
        'closesAt: 2025-01-28T17:00:00+07:00',
        'ballots:',
        '  - memberId: dang-van-long',
        '    castAt: 22/01/2025 08:40',
        '    votes:',
        '      collective:phong-noi-vu: yes',
        '  - memberId: bui-thi-hanh',
        '    castAt: 2025-01-22T09:05:00+07:00',
        '    votes:',
        '      collective:phong-noi-vu: có',
        '  - memberId: nguoi-ngoai-hoi-dong',
        '    castAt: 2025-01-22T09:10:00+07:00',
        '    votes:',
        '      collective:phong-noi-vu: yes',
        '      collective:phong-khong-ton-tai: yes',
        '',
      ].join('\n'),
    );
    const commend = (...more: string[]) =>
      thidua('commend', '--district', DISTRICT, '--nominations', 'examples/nominations-2024.yaml', ...more);
    [edited, ballots] = await Promise.all([
      commend('--results', editedResults, '--out', refusedOut),
      commend('--results', results, '--ballots', badBallots, '--out', refusedOut),
    ]);
  });

  it('a results file whose rank or band does not follow from its exact percentages: exit 1, naming the unit and field', ({
    expect,
  }) => {
    expect(edited.code).toBe(1);
    const r = JSON.parse(readFileSync(editedResults, 'utf8')) as {
      units: { unitId: string; name: string; rank: number | null }[];
    };
    const i = r.units.findIndex((u) => u.rank === 1 && u.unitId !== r.units[0]?.unitId);
    const unit = r.units[i];
    expect(edited.stderr).toContain(
      `${editedResults}: units[${i}].rank: hạng 1 của ${unit?.name} (${unit?.unitId})`,
    );
    expect(edited.stderr).toContain('phải là 3');
    expect(edited.stderr).toContain(`units[${i}].band: xếp loại "xuat-sac" của ${unit?.name}`);
    expect(() => readFileSync(refusedOut)).toThrow();
  });

  it('a ballot with an unreadable time, an unknown vote, a non-member or an unknown candidate: exit 1, naming each line', ({
    expect,
  }) => {
    expect(ballots.code).toBe(1);
    const at = (text: string) => `${badBallots}:${lineOf(badBallots, text)}:`;
    expect(ballots.stderr).toContain(
      `${at('22/01/2025 08:40')} ballots[0].castAt: giá trị không hợp lệ "22/01/2025 08:40"`,
    );
    expect(ballots.stderr).toContain(
      `${at(': có')} ballots[1].votes["collective:phong-noi-vu"]: phải là một trong "yes", "no", "abstain"`,
    );
    expect(ballots.stderr).toContain(
      `${at('nguoi-ngoai-hoi-dong')} ballots[2].memberId: "nguoi-ngoai-hoi-dong" không phải thành viên Hội đồng`,
    );
    expect(ballots.stderr).toContain(
      `${at('phong-khong-ton-tai')} ballots[2].votes["collective:phong-khong-ton-tai"]: không có ứng viên`,
    );
    expect(ballots.stderr).toContain('4 lỗi');
    expect(() => readFileSync(refusedOut)).toThrow();
  });
});
