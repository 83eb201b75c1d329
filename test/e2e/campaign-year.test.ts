/**
 * Issue 4's acceptance test: a whole campaign year of the demo district (27 units, 6 reviewers,
 * 8 council members) on the local engine — the state machines extracted from the synthesized
 * DistrictStack, the real handlers, dynalite, aws-ses-v2-local, the local Scheduler on the virtual
 * clock, and real HTTP to the pages. Nothing is called behind the product's back: the clock moves
 * event by event (`advanceToNextEvent`), schedules start the workflows, people read their mail
 * (the outbox) and follow its links; the test only reads the store and the mailbox to check.
 *
 *   launch at the plan date (02/08/2022) → 2022Q3 and 2022Q4 lapse (nobody reports) →
 *   2023Q1–Q4: invitations on schedule, reports over HTTP, reviews through the mailed links
 *   (a return-and-explain round; a reviewer who never answers one unit: escalation, Chưa thẩm
 *   định at close, a late approval → results v2; another who never answers at all), reminders
 *   and late notices, a unit that never reports, survey/bonus/penalty, a tie → scoring at each
 *   close → commendation-2023 on its schedule: too few members vote (no quorum) → the admin's
 *   second vote, where one candidate gets 5 of the 6 yes votes it needs → the final list.
 *
 * One runtime for the whole year: each `it` is a step of the story and needs the ones before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaSetFor, periodById } from '#domain/calendar';
import type { CriteriaSet, Period, Unit, UnitGroup } from '#domain/model';
import { BAND_LABELS } from '#domain/model';
import type { PeriodResultsJson } from '#domain/results-json';
import { type CycleHeader, readCycle } from '#functions/commendation/award';
import { storeCampaign } from '#functions/launch/campaign';
import { recordAdjustments } from '#functions/scoring/record-adjustments';
import { HISTORY_EVENT_LIMIT } from '#local/runtime/sfn-engine';
import { periodName } from '#mail/letter';
import { campaigns } from '#ports/dynamo/campaigns';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { reviews } from '#ports/dynamo/reviews';
import type { OutboxRecord } from '#ports/outbox';
import { launchExecution } from '#workflows/executions';
import {
  appraisalForm,
  type CampaignHarness,
  inBatches,
  pageForm,
  points,
  postForm,
  reportForm,
  reviewForm,
  type Scores,
  selfScores,
  startCampaign,
  unescapeHtml,
} from './campaign-harness.ts';
import {
  type AdjustmentsInput,
  type ExpectedLine,
  expectedLines,
  fracText,
  rounded,
  type UnitOutcome,
  yearLines,
} from './expected.ts';

// ---------------------------------------------------------------- the year's cast

/** How well each unit does (its self-scores sit near this share of each leaf's maximum). */
const QUALITY: Record<string, number> = {
  'van-phong-hdnd-ubnd': 0.985,
  'phong-noi-vu': 0.94,
  'phong-tai-chinh-ke-hoach': 0.915,
  'phong-tu-phap': 0.9,
  'phong-giao-duc-dao-tao': 0.875,
  'phong-kinh-te-ha-tang': 0.855,
  'phong-y-te': 0.84,
  'phong-tai-nguyen-moi-truong': 0.81,
  'phong-lao-dong-tbxh': 0.77,
  'phong-van-hoa-thong-tin': 0.72,
  'thanh-tra-huyen': 0.62,
  'phong-nong-nghiep-ptnt': 0.45,
  'thi-tran-song-lam': 0.975,
  'thi-tran-ben-dinh': 0.925,
  'xa-thanh-son': 0.895,
  'xa-hung-loc': 0.895,
  'xa-nam-phuc': 0.87,
  'xa-phuc-loi': 0.85,
  'xa-dong-hoa': 0.81,
  'xa-tan-lap': 0.78,
  'xa-yen-hoa': 0.75,
  'xa-binh-minh': 0.7,
  'xa-hong-phong': 0.66,
  'xa-quynh-lam': 0.58,
  'xa-dai-dong': 0.52,
  'xa-vinh-thanh': 0.47,
};
/** Never reports in 2023: Không nộp báo cáo, 0, last in its group. */
const NEVER = 'xa-trung-son';
/** Two communes whose reports are identical every period: a tie. */
const TIE = ['xa-thanh-son', 'xa-hung-loc'] as const;
const seedOf = (unitId: string, periodId: string) =>
  (TIE as readonly string[]).includes(unitId) ? `tie:${periodId}` : `${unitId}:${periodId}`;

interface PeriodPlan {
  id: string;
  /** Submit between the reminder and the deadline (so they are reminded, not marked late). */
  afterReminder: string[];
  /** The reviewer returns it with a comment; the unit explains; approved in round 2. */
  returned?: string;
  /** Its reviewer does not answer: the admins are told when the wait times out. */
  silent?: string;
  /** The silent reviewer approves after review close (results v2); else never. */
  lateApproval?: boolean;
  /** These open their pages (GET) before posting, as a person clicking through does. */
  browse: string[];
  /** The admin's survey results, bonus and penalty (points), recorded before close. */
  adjustments?: Record<string, { survey?: number; bonus?: number; penalty?: number; note?: string }>;
  /** A unit reports an initiative and nominates the person behind it. */
  initiativeBy?: string;
}

const PLANS: PeriodPlan[] = [
  {
    id: '2023Q1',
    afterReminder: ['xa-nam-phuc', 'phong-lao-dong-tbxh'],
    returned: 'phong-tu-phap',
    silent: 'xa-nam-phuc',
    lateApproval: true,
    browse: ['phong-tu-phap', 'xa-thanh-son', 'thi-tran-ben-dinh'],
  },
  {
    id: '2023Q2',
    afterReminder: ['phong-y-te'],
    silent: 'phong-y-te',
    browse: ['phong-noi-vu', 'xa-dai-dong'],
    initiativeBy: 'phong-noi-vu',
  },
  {
    id: '2023Q3',
    afterReminder: ['xa-dai-dong'],
    browse: ['van-phong-hdnd-ubnd'],
    adjustments: {
      'van-phong-hdnd-ubnd': { survey: 28.5, note: 'Phiếu khảo sát số 12/BC-UBND' },
      'thi-tran-song-lam': { survey: 29.25, bonus: 0.5 },
      'xa-quynh-lam': { bonus: 6, note: 'Mô hình một cửa điện tử (thưởng vượt mức tối đa 5 điểm)' },
      'thanh-tra-huyen': { penalty: 1.25 },
      'phong-kinh-te-ha-tang': { survey: 24, penalty: 0.5 },
    },
  },
  { id: '2023Q4', afterReminder: [], browse: ['phong-giao-duc-dao-tao'] },
];

const INITIATIVE = {
  id: 'mot-cua-so',
  title: 'Số hóa hồ sơ một cửa liên thông cấp huyện',
  description: 'Quét và lưu hồ sơ một cửa trên phần mềm, tra cứu trạng thái bằng mã QR.',
  effect: 'Rút ngắn 30 % thời gian trả kết quả thủ tục hành chính.',
};
const NOMINEE = {
  id: 'nguyen-thi-lan-anh',
  name: 'Nguyễn Thị Lan Anh',
  position: 'Chuyên viên Phòng Nội vụ',
  achievements: 'Chủ trì xây dựng và vận hành mô hình số hóa hồ sơ một cửa liên thông.',
};

// ---------------------------------------------------------------- the run

let h: CampaignHarness;
let tmp: string;
const t0 = Date.now();
const figures: string[] = [];
const note = (what: string) => figures.push(`${((Date.now() - t0) / 1000).toFixed(1)} s — ${what}`);

/** Per period: each unit's outcome as the people made it (what the results must show). */
const ledger = new Map<string, Map<string, UnitOutcome>>();
/** Per period, what each unit entered as self-scores. */
const entered = new Map<string, Map<string, Scores>>();
/** Stored results v1 of 2023Q1 as first published (must never change). */
let q1v1: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'thidua-year-'));
  h = await startCampaign();
  note('runtime started');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  console.log(`campaign year:\n  ${figures.join('\n  ')}`);
});

/** A stored results version as the documented results JSON, read whole through its header. */
async function resultsJson(periodId: string, version: number): Promise<PeriodResultsJson | undefined> {
  const header = await results().getHeader<Omit<PeriodResultsJson, 'units'>>(periodId, version);
  if (!header) return undefined;
  const lines = await results().getLines<PeriodResultsJson['units'][number]>(header);
  return { ...header.body, units: lines.map((l) => l.line) };
}
const unitOf = (id: string) => h.config.units.find((u) => u.id === id) as Unit;
const periodOf = (id: string) => periodById(h.config, id) as Period;
const setOf = (group: UnitGroup, period: Period): CriteriaSet =>
  criteriaSetFor(h.config, h.criteriaSets, group, period);
const admins = () => h.config.admins;
const outcomesOf = (periodId: string) => {
  const m = ledger.get(periodId) ?? new Map<string, UnitOutcome>();
  ledger.set(periodId, m);
  return m;
};

/** The scores a posted review form carries (what the reviewer appraised). */
function scoresOf(form: URLSearchParams): Scores {
  const out: Scores = {};
  for (const [k, v] of form) {
    const leaf = /^score\[(.+)\]$/.exec(k)?.[1];
    if (!leaf) continue;
    const [whole = '0', frac = ''] = v.replace('.', ',').split(',');
    out[leaf] = Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2));
  }
  return out;
}

async function mailTo(
  step: string,
  email: string,
  about: { unitId?: string; periodId?: string; round?: number },
) {
  return h.mail({
    step,
    recipient: email,
    ...(about.unitId ? { subjectId: about.unitId } : {}),
    ...(about.periodId ? { periodId: about.periodId } : {}),
    round: about.round ?? 0,
  });
}
async function hasMail(
  step: string,
  email: string,
  about: { unitId?: string; periodId?: string; round?: number },
) {
  return (
    (await outbox().get({
      step,
      recipient: email,
      ...(about.unitId ? { subjectId: about.unitId } : {}),
      ...(about.periodId ? { periodId: about.periodId } : {}),
      round: about.round ?? 0,
    })) !== undefined
  );
}

/** A unit opens its invitation and submits its report over HTTP. */
async function submit(plan: PeriodPlan, unitId: string): Promise<void> {
  const unit = unitOf(unitId);
  const period = periodOf(plan.id);
  const set = setOf(unit.group, period);
  const scores = selfScores(set, QUALITY[unitId] as number, seedOf(unitId, plan.id));
  const mine = entered.get(plan.id) ?? new Map<string, Scores>();
  mine.set(unitId, scores);
  entered.set(plan.id, mine);
  const invitation = await mailTo('invitation', unit.focalPoint.email, { unitId, periodId: plan.id });
  const url = h.linkIn(invitation, '/r');
  if (plan.browse.includes(unitId)) {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(unit.name);
    expect(html).toContain(`name="score[${Object.keys(scores)[0]}]"`);
  }
  const withInitiative = plan.initiativeBy === unitId;
  const form = reportForm(set, scores, {
    version: 0,
    action: 'submit',
    unit,
    period,
    ...(withInitiative ? { initiative: INITIATIVE } : {}),
  });
  if (withInitiative) {
    form.set('nomination[0][id]', NOMINEE.id);
    form.set('nomination[0][name]', NOMINEE.name);
    form.set('nomination[0][position]', NOMINEE.position);
    form.set('nomination[0][form]', 'giay-khen');
    form.set('nomination[0][achievements]', NOMINEE.achievements);
    form.set('nomination[0][initiative]', INITIATIVE.id);
    form.set('nomination[0][status]', 'none');
  }
  const res = await postForm(url, form);
  expect(res.status, `${unitId} submits ${plan.id}`).toBe(303);
}

/** The reviewer assigned to a unit and the review link mailed to them for a round. */
async function reviewLink(unitId: string, periodId: string, round: number) {
  const assignment = await reviews().getAssignment(periodId, unitId);
  const reviewer = h.config.reviewers.find((r) => r.id === assignment?.reviewerId);
  if (!reviewer) throw new Error(`no reviewer assigned to ${unitId} in ${periodId}`);
  const mail = await mailTo('review-request', reviewer.email, { unitId, periodId, round });
  return { reviewer, mail, url: h.linkIn(mail, '/d') };
}

/** The reviewer approves from the link in their mail (reading the page first when browsing). */
async function approve(plan: PeriodPlan, unitId: string, round = 1): Promise<void> {
  const { url } = await reviewLink(unitId, plan.id, round);
  let form: URLSearchParams;
  if (plan.browse.includes(unitId)) {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(unitOf(unitId).name);
    form = reviewForm(html, 'approve');
  } else {
    const stored = await reports().get(unitId, plan.id);
    form = appraisalForm(entered.get(plan.id)?.get(unitId) as Scores, stored?.version as number, 'approve');
  }
  const res = await postForm(url, form);
  expect(res.status, `${unitId} approved for ${plan.id}`).toBe(200);
  outcomesOf(plan.id).set(unitId, {
    ...outcomesOf(plan.id).get(unitId),
    status: 'approved',
    scores: scoresOf(form),
  });
}

/** Checks a stored results version, line by line, against what people entered (expected.ts). */
async function checkResults(
  periodId: string,
  version: number,
): Promise<{ json: PeriodResultsJson; lines: ExpectedLine[] }> {
  const period = periodOf(periodId);
  const stored = await resultsJson(periodId, version);
  expect(stored, `results ${periodId} v${version}`).toBeDefined();
  const json = stored as PeriodResultsJson;
  const outcomes = outcomesOf(periodId);
  const lines = expectedLines(h.config.units, outcomes, (g) => setOf(g, period));
  const actual = json.units.map((u) => ({
    unitId: u.unitId,
    status: u.status,
    percentExact: u.percentExact,
    percent: u.percent,
    band: u.band,
    rank: u.rank,
    flags: u.flags,
  }));
  const expected = lines.map((l) => ({
    unitId: l.unitId,
    status: l.status,
    percentExact: l.percent ? fracText(l.percent) : null,
    percent: l.percent ? rounded(l.percent) : null,
    band: l.band,
    rank: l.rank,
    flags: l.flags,
  }));
  const byId = (a: { unitId: string }, b: { unitId: string }) => (a.unitId < b.unitId ? -1 : 1);
  expect(actual.sort(byId)).toEqual(expected.sort(byId));
  return { json, lines };
}

/** The unit's results mail of a version says its score, percentage, band and rank. */
async function checkResultsMail(
  periodId: string,
  version: number,
  line: ExpectedLine,
  json: PeriodResultsJson,
) {
  const unit = unitOf(line.unitId);
  const mail = await mailTo('results', unit.focalPoint.email, { unitId: unit.id, periodId, round: version });
  const period = periodOf(periodId);
  expect(mail.subject).toBe(
    `[Thi đua CCHC] Kết quả thi đua cải cách hành chính ${periodName(period)} – ${unit.name}${
      version > 1 ? ` (công bố lại, phiên bản ${version})` : ''
    }`,
  );
  if (line.status === 'submitted-not-appraised') {
    expect(mail.text).toContain('được ghi nhận “Chưa thẩm định” và chưa được xếp hạng');
    return;
  }
  const ranked = json.units.filter((u) => u.group === unit.group && u.rank !== null).length;
  const pct = rounded(line.percent as NonNullable<ExpectedLine['percent']>)
    .toFixed(2)
    .replace('.', ',');
  expect(mail.text).toContain(`- Tỷ lệ: ${pct} %`);
  expect(mail.text).toContain(`- Xếp loại: ${BAND_LABELS[line.band as keyof typeof BAND_LABELS]}`);
  // A unit without a report is last by rule (its shared rank number is not a place): no "x/n".
  expect(mail.text).toMatch(
    new RegExp(
      `- Xếp hạng trong khối [^:]+: ${line.status === 'not-submitted' ? 'Không nộp báo cáo – xếp cuối khối' : `${line.rank}/${ranked}`}\\n`,
    ),
  );
  const total = json.units.find((u) => u.unitId === unit.id)?.total as number;
  expect(mail.text).toContain(`- Tổng điểm: ${String(total).replace('.', ',')} / 100 điểm`);
  if (line.status === 'not-submitted')
    expect(mail.text).toContain('- Ghi chú: Không nộp báo cáo: 0 điểm cho kỳ báo cáo');
  // Against 2022Q4, which nobody reported in (every unit shared its last place): no place to compare.
  if (periodId === '2023Q1')
    expect(mail.text).toMatch(
      /- So với quý IV năm 2022: [^\n]+ điểm phần trăm; không so sánh được thứ hạng\n/,
    );
}

const executionNamed = (name: string) => h.rt.sfn.listExecutions().find((x) => x.name === name);

// ---------------------------------------------------------------- the story

describe('a campaign year of the demo district on the local engine', () => {
  it('launch at the plan date: every focal point and reviewer gets one notice with the plan and 05T/05K', async () => {
    expect(h.rt.clock.now().toISOString()).toBe('2022-08-02T01:00:00.000Z'); // 08:00 in Hà Nội
    // Stored first, as `npm start -- launch` and `thidua launch` do: the execution carries ids only.
    const { name, input } = launchExecution(
      await storeCampaign({ config: h.config, criteriaSets: h.criteriaSets }),
    );
    const { executionArn } = h.rt.sfn.startExecution({
      stateMachineArn: h.workflowArn('launch'),
      name,
      input: input as never,
    });
    await h.rt.settle();
    expect(h.rt.sfn.describeExecution(executionArn).status).toBe('SUCCEEDED');

    const people = [
      ...h.config.units.map((u) => ({ email: u.focalPoint.email, role: `cán bộ đầu mối của ${u.name}` })),
      ...h.config.reviewers.map((r) => ({ email: r.email, role: 'thành viên Tổ thẩm định' })),
    ];
    expect(new Set(people.map((p) => p.email)).size).toBe(33);
    for (const p of people) {
      const notice = await mailTo('launch', p.email, {});
      expect(notice.subject).toBe(
        '[Thi đua CCHC] Phát động phong trào thi đua cải cách hành chính – Kế hoạch số 111/KH-UBND',
      );
      expect(notice.text).toContain('Kế hoạch số 111/KH-UBND ngày 02/08/2022');
      expect(notice.text).toContain('- Tiếp xúc lịch sự, vui vẻ, thân thiện, cởi mở'); // 05T
      expect(notice.text).toContain('- Không nhận quà, tiền bôi trơn'); // 05K
      expect(notice.text).toContain(p.role);
    }
    const sent = (await h.sesMails()).filter((m) => m.subject.includes('Phát động phong trào'));
    expect(sent).toHaveLength(33);
    expect(new Set(sent.map((m) => m.destination.to[0])).size).toBe(33); // exactly one each
    // The calendar is on the scheduler: 14 periods × 4 events, 4 years and the phase.
    expect(h.rt.scheduler.listSchedules({ groupName: h.rt.env.SCHEDULE_GROUP }).length).toBe(61);
    note(`launched (${sent.length} launch notices)`);
  }, 60_000);

  it('2022Q3 and 2022Q4 open, remind, mark late and close on their schedules; nobody reports; no commendation', async () => {
    const steps = await h.advanceThrough('commendation-2022', 40);
    const fired = steps.flatMap((s) =>
      s.labels.map((l) => `${s.at.toISOString()} ${l.replace(/^schedule [^/]+\//, '')}`),
    );
    expect(fired).toEqual([
      '2022-10-01T01:00:00.000Z period-2022Q3-open',
      '2022-10-08T01:00:00.000Z period-2022Q3-remind',
      '2022-10-11T10:00:00.000Z period-2022Q3-deadline',
      '2022-10-21T10:00:00.000Z period-2022Q3-close',
      '2023-01-01T01:00:00.000Z period-2022Q4-open',
      '2023-01-08T01:00:00.000Z period-2022Q4-remind',
      '2023-01-11T10:00:00.000Z period-2022Q4-deadline',
      '2023-01-21T10:00:00.000Z period-2022Q4-close',
      '2023-01-28T10:00:00.000Z commendation-2022',
    ]);
    for (const periodId of ['2022Q3', '2022Q4']) {
      for (const unit of h.config.units) {
        for (const step of ['invitation', 'reminder', 'late-notice'])
          expect(
            await hasMail(step, unit.focalPoint.email, { unitId: unit.id, periodId }),
            `${step} ${unit.id}`,
          ).toBe(true);
      }
      const { json } = await checkResults(periodId, 1);
      expect(
        json.units.every((u) => u.rank === 1 && u.percent === 0 && u.flags[0] === 'khong-nop-bao-cao'),
      ).toBe(true);
      expect(await resultsJson(periodId, 2)).toBeUndefined();
      expect((await campaigns().getPeriodStatus(periodId)).status).toBe('closed');
    }
    // The year's commendation ran on its schedule and found nobody to vote on.
    expect(executionNamed('commendation-2022-1')?.status).toBe('SUCCEEDED');
    const outcome = (await readCycle('2022')).outcome;
    expect(outcome?.council.outcome).toContain('Không có trường hợp nào đủ điều kiện');
    expect(await hasMail('vote-request', h.config.council[0]!.email, { periodId: '2022' })).toBe(false);
    const told = await mailTo('commendation-outcome', 'sonpv.mttq@song-lam.example.org', {
      periodId: '2022',
    });
    expect(told.text).toContain('Không có trường hợp nào đủ điều kiện');
    // Nobody was asked to vote: the letter reports no quorum, met or not.
    expect(told.text).toContain('Số trường hợp đưa ra biểu quyết: 0');
    expect(told.text).not.toContain('Thành viên tham gia');
    note('2022 lapsed (2 periods, commendation-2022 without candidates)');
  }, 120_000);

  for (const plan of PLANS) {
    it(`${plan.id}: invitations on schedule, reports and reviews through the mailed links, reminders, late notice, scoring at close`, async () => {
      const period = periodOf(plan.id);
      const outcomes = outcomesOf(plan.id);

      // ---- the window opens on its schedule: every unit invited once
      await h.advanceThrough(`period-${plan.id}-open`);
      expect(h.rt.clock.now().getTime()).toBe(Date.parse(period.opensAt));
      expect((await campaigns().getPeriodStatus(plan.id)).status).toBe('open');
      for (const unit of h.config.units) {
        const invitation = await mailTo('invitation', unit.focalPoint.email, {
          unitId: unit.id,
          periodId: plan.id,
        });
        expect(invitation.subject).toBe(
          `[Thi đua CCHC] Mời nộp báo cáo thi đua ${periodName(period)} – ${unit.name}`,
        );
      }

      // ---- most units report at once (6 people at a time)
      const early = h.config.units
        .map((u) => u.id)
        .filter((id) => id !== NEVER && !plan.afterReminder.includes(id));
      await inBatches(early, 6, (id) => submit(plan, id));
      await h.rt.settle();
      for (const id of early) {
        outcomes.set(id, { status: 'submitted-not-appraised' });
        expect((await reports().get(id, plan.id))?.status, id).toBe('in-review');
        const { reviewer, mail } = await reviewLink(id, plan.id, 1);
        expect(reviewer.unit).not.toBe(id); // never one's own unit
        expect(mail.subject).toBe(
          `[Thi đua CCHC] Đề nghị thẩm định báo cáo ${periodName(period)} – ${unitOf(id).name}`,
        );
      }

      // ---- reviewers approve from their mail; one report goes back for explanation
      const plain = early.filter((id) => id !== plan.returned && id !== plan.silent);
      await inBatches(plain, 6, (id) => approve(plan, id));
      if (plan.returned) await returnAndExplain(plan, plan.returned);
      await h.rt.settle();
      for (const id of [...plain, ...(plan.returned ? [plan.returned] : [])]) {
        expect((await reports().get(id, plan.id))?.status, id).toBe('approved');
        expect(executionNamed(`review-${id}-${plan.id}-1`)?.status).toBe('SUCCEEDED');
        const approved = await mailTo('approved', unitOf(id).focalPoint.email, {
          unitId: id,
          periodId: plan.id,
          round: id === plan.returned ? 2 : 1,
        });
        expect(approved.subject).toContain('đã được phê duyệt');
      }

      // ---- the reminder goes only to the units without a submitted report
      await h.advanceThrough(`period-${plan.id}-remind`);
      const unsubmitted = [NEVER, ...plan.afterReminder];
      for (const unit of h.config.units) {
        expect(
          await hasMail('reminder', unit.focalPoint.email, { unitId: unit.id, periodId: plan.id }),
          `reminder to ${unit.id}`,
        ).toBe(unsubmitted.includes(unit.id));
      }
      const reminder = await mailTo('reminder', unitOf(NEVER).focalPoint.email, {
        unitId: NEVER,
        periodId: plan.id,
      });
      expect(reminder.subject).toBe(
        `[Thi đua CCHC] Nhắc nộp báo cáo thi đua ${periodName(period)} – còn 3 ngày – Xã Trung Sơn`,
      );
      // …and its link is the invitation's.
      const invitation = await mailTo('invitation', unitOf(NEVER).focalPoint.email, {
        unitId: NEVER,
        periodId: plan.id,
      });
      expect(h.linkIn(reminder, '/r')).toBe(h.linkIn(invitation, '/r'));

      // ---- the reminded ones report; their reviewers approve (but the silent one)
      await inBatches(plan.afterReminder, 6, (id) => submit(plan, id));
      await h.rt.settle();
      for (const id of plan.afterReminder) outcomes.set(id, { status: 'submitted-not-appraised' });
      await inBatches(
        plan.afterReminder.filter((id) => id !== plan.silent),
        6,
        (id) => approve(plan, id),
      );
      await h.rt.settle();

      // ---- the admin records the survey, bonus and penalty before review close
      if (plan.adjustments) await recordPlanAdjustments(plan);

      // ---- the deadline: only the unit without a report is marked late and told
      const untilDeadline = await h.advanceThrough(`period-${plan.id}-deadline`);
      expect(h.rt.clock.now().getTime()).toBe(Date.parse(period.deadlineAt));
      for (const unit of h.config.units) {
        expect(
          await hasMail('late-notice', unit.focalPoint.email, { unitId: unit.id, periodId: plan.id }),
        ).toBe(unit.id === NEVER);
      }
      const late = (await reports().listProgress(plan.id)).filter((p) => p.lateAt !== undefined);
      expect(late.map((p) => p.unitId)).toEqual([NEVER]);

      // ---- review close: scoring-<p>-close computes, stores and publishes the results
      const untilClose = await h.advanceThrough(`period-${plan.id}-close`);
      if (plan.silent) checkEscalations(plan, [...untilDeadline, ...untilClose]);
      expect(h.rt.clock.now().getTime()).toBe(Date.parse(period.reviewClosesAt));
      expect((await campaigns().getPeriodStatus(plan.id)).status).toBe('closed');
      expect(executionNamed(`scoring-${plan.id}-close`)?.status).toBe('SUCCEEDED');
      const { json, lines } = await checkResults(plan.id, 1);
      for (const line of lines) await checkResultsMail(plan.id, 1, line, json);
      // Every band occurs (the units range from Yếu to Xuất sắc).
      expect(new Set(json.units.filter((u) => u.status === 'approved').map((u) => u.band))).toEqual(
        new Set(['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu']),
      );
      // Offices and communes are ranked apart; the unit without a report is last in its group, 0.
      const never = json.units.find((u) => u.unitId === NEVER);
      const communes = json.units.filter((u) => u.group === 'commune' && u.status === 'approved');
      expect(never).toMatchObject({ status: 'not-submitted', percent: 0, rank: communes.length + 1 });
      expect(json.units.filter((u) => u.group === 'office' && u.rank === 1)).toHaveLength(1);
      expect(json.units.filter((u) => u.group === 'commune' && u.rank === 1)).toHaveLength(1);
      // The tie: the same percentage, the same rank, and the next rank skipped.
      const [a, b] = TIE.map((id) => json.units.find((u) => u.unitId === id));
      expect(a?.percentExact).toBe(b?.percentExact);
      expect(a?.rank).toBe(b?.rank);
      const below = communes.filter((u) => (u.rank as number) > (a?.rank as number)).map((u) => u.rank);
      expect(Math.min(...(below as number[]))).toBe((a?.rank as number) + 2);
      // Leadership and admins get the summary; the admins are told of unappraised reports.
      for (const person of [...h.config.leadership, ...admins()])
        expect(await hasMail('results-summary', person.email, { periodId: plan.id, round: 1 })).toBe(true);
      for (const admin of admins())
        expect(await hasMail('review-closed', admin.email, { periodId: plan.id })).toBe(
          plan.silent !== undefined,
        );
      if (plan.silent) {
        expect(json.units.find((u) => u.unitId === plan.silent)).toMatchObject({
          status: 'submitted-not-appraised',
          rank: null,
          flags: ['chua-tham-dinh'],
        });
        const alert = await mailTo('review-closed', admins()[0]!.email, { periodId: plan.id });
        expect(alert.text).toContain(unitOf(plan.silent).name);
      }
      if (plan.adjustments) {
        const breakdown = (id: string) => json.units.find((u) => u.unitId === id)?.breakdown;
        expect(breakdown('van-phong-hdnd-ubnd')).toMatchObject({ survey: 28.5, rescaled: false, bonus: 0 });
        expect(breakdown('xa-quynh-lam')).toMatchObject({ survey: null, rescaled: true, bonus: 5 }); // 6 capped at 5
        expect(breakdown('thanh-tra-huyen')).toMatchObject({ rescaled: true, penalty: 1.25 });
        expect(breakdown('phong-kinh-te-ha-tang')).toMatchObject({ survey: 24, penalty: 0.5 });
        const quynhLam = await mailTo('results', unitOf('xa-quynh-lam').focalPoint.email, {
          unitId: 'xa-quynh-lam',
          periodId: plan.id,
          round: 1,
        });
        expect(quynhLam.text).toContain('- Điểm thưởng: +5 điểm');
      }
      note(`${plan.id} closed and scored`);

      if (plan.silent && plan.lateApproval) await approveLate(plan, json);
      else if (plan.silent) await neverAppraised(plan);
    }, 120_000);
  }

  it('commendation-2023 on its schedule: the ballot from the year; only 5 of 8 members vote — no quorum, nothing passes', async () => {
    await h.advanceThrough('commendation-2023');
    // A week after the year's last review close (2023Q4: 21/01/2024 17:00), same wall time.
    expect(h.rt.clock.now().toISOString()).toBe('2024-01-28T10:00:00.000Z');
    expect(executionNamed('commendation-2023-1')?.status).toBe('RUNNING');
    const cycle = await readCycle('2023');
    const header = cycle.header as CycleHeader;
    expect(header.sources).toEqual([
      { periodId: '2023Q1', version: 2 },
      { periodId: '2023Q2', version: 1 },
      { periodId: '2023Q3', version: 1 },
      { periodId: '2023Q4', version: 1 },
    ]);
    // The ballot follows from the year's results as people made them (DOMAIN.md's rules).
    expect([...header.ballot].sort()).toEqual(expectedBallot().sort());
    expect(header.ballot).toHaveLength(9);
    // Every unit's year line (mean of its four periods) as the proposal ranked it.
    const year = yearOf();
    for (const line of year) {
      const c = cycle.candidates.get(`collective:${line.unitId}`)?.proposal.candidate;
      expect({ rank: c?.rank, percent: c?.percent, band: c?.band }, line.unitId).toEqual({
        rank: line.rank,
        percent: line.percent ? rounded(line.percent).toFixed(2).replace('.', ',') : null,
        band: line.band,
      });
    }
    const reasons = (id: string) => cycle.candidates.get(id)?.proposal.candidate.reasons.map((r) => r.code);
    expect(reasons(`collective:${NEVER}`)).toContain('flag-khong-nop-bao-cao');
    expect(reasons('collective:phong-y-te')).toContain('flag-chua-tham-dinh');
    note(`commendation-2023 ballot: ${header.ballot.join(', ')}`);
    expect(h.rt.sfn.pendingTasks().filter((t) => t.executionName === 'commendation-2023-1')).toHaveLength(8);

    const members = h.config.council;
    // The request names the nominee's initiative by its title, as the ballot does, not by its id.
    const request = await mailTo('vote-request', members[0]!.email, { periodId: '2023' });
    expect(request.text).toContain(`“${INITIATIVE.title}”`);
    expect(request.text).not.toContain(`“${INITIATIVE.id}”`);

    // Five members vote (yes to all) through the links in their mail; three never do.
    for (const member of members.slice(0, 5)) await vote('2023', member.email, () => 'yes');
    await h.rt.settle();
    expect(executionNamed('commendation-2023-1')?.status).toBe('RUNNING');
    // A day before the close (reminderLeadDays 1) the three who have not voted are reminded,
    // each with the link they already hold; the five who voted are not.
    const reminds = await h.advance();
    expect(reminds.at.toISOString()).toBe(header.remindAt);
    expect(reminds.labels.filter((l) => l.includes('RequestVote'))).toHaveLength(3);
    for (const member of members.slice(5)) {
      const reminder = await mailTo('vote-reminder', member.email, { periodId: '2023' });
      expect(reminder.subject).toBe(
        '[Thi đua CCHC] Nhắc: Đề nghị biểu quyết khen thưởng phong trào thi đua CCHC năm 2023',
      );
      const asked = await mailTo('vote-request', member.email, { periodId: '2023' });
      expect(h.linkIn(reminder, '/d')).toBe(h.linkIn(asked, '/d'));
    }
    for (const member of members.slice(0, 5)) {
      expect(await hasMail('vote-reminder', member.email, { periodId: '2023' })).toBe(false);
    }
    expect(executionNamed('commendation-2023-1')?.status).toBe('RUNNING');
    // The vote closes after voteDays (7): the three are absent, the tally finds no quorum.
    const closes = await h.advance();
    expect(closes.at.toISOString()).toBe(header.voteClosesAt);
    expect(closes.labels.filter((l) => l.includes('RequestVote'))).toHaveLength(3);
    expect(executionNamed('commendation-2023-1')?.status).toBe('SUCCEEDED');
    const { outcome, candidates } = await readCycle('2023');
    expect(outcome?.council).toMatchObject({
      N: 8,
      present: 5,
      quorumRequired: 6,
      quorumMet: false,
      passRequired: 6,
    });
    expect(outcome?.awarded).toEqual([]);
    expect(outcome?.proposedUpward).toEqual([]);
    expect(outcome?.passed).toBe(0);
    expect(outcome?.council.outcome).toContain('Không đủ số thành viên tham gia (5/8, cần ít nhất 6)');
    for (const id of header.ballot) {
      expect(candidates.get(id)?.proposal.final?.reasons.map((r) => r.code)).toContain('no-quorum');
    }
    for (const person of councilAndLeaders()) {
      const told = await mailTo('commendation-outcome', person.email, { periodId: '2023' });
      expect(told.subject).toBe('[Thi đua CCHC] Kết quả xét khen thưởng phong trào thi đua CCHC năm 2023');
      expect(told.text).toContain('Không đủ số thành viên tham gia (5/8, cần ít nhất 6)');
    }
    // A member who did not vote finds the link closed.
    const late = await mailTo('vote-request', members[7]!.email, { periodId: '2023' });
    expect((await fetch(h.linkIn(late, '/d'))).status).toBe(410);
    // Every unit gets the digest of the year's approved initiatives.
    for (const unit of h.config.units) {
      const digest = await mailTo('initiatives-digest', unit.focalPoint.email, {
        unitId: unit.id,
        periodId: '2023',
      });
      expect(digest.text).toContain(INITIATIVE.title);
    }
    note('commendation-2023-1: 5/8 voted, no quorum');
  }, 60_000);

  it('the admin calls a second vote (commendation-2023-2-1): quorum met, one candidate gets 5 of the 6 yes votes it needs', async () => {
    const started = await h.rt.lambdas.invoke(h.rt.functionArn('functions/starter.ts'), {
      workflow: 'commendation',
      name: 'commendation-2023-2-1',
      input: { cycleId: '2023-2' },
    });
    expect(started).toEqual({ status: 'started' });
    await h.rt.settle();
    const header = (await readCycle('2023-2')).header as CycleHeader;
    expect([...header.ballot].sort()).toEqual(expectedBallot().sort());
    const failing = 'collective:phong-tu-phap';
    const individual = `individual:phong-noi-vu.2023Q2.${NOMINEE.id}`;
    expect(header.ballot).toContain(failing);
    expect(header.ballot).toContain(individual);
    const members = h.config.council;
    for (const [i, member] of members.entries()) {
      await vote('2023-2', member.email, (id) => {
        if (id === failing) return i < 5 ? 'yes' : i < 7 ? 'no' : 'abstain'; // 5 yes: one short
        if (id === individual) return i < 6 ? 'yes' : 'no'; // exactly the 6 needed
        return i === 7 ? 'abstain' : 'yes';
      });
    }
    await h.rt.settle();
    // Everyone voted: the tally does not wait for the vote's close.
    expect(executionNamed('commendation-2023-2-1')?.status).toBe('SUCCEEDED');

    const { outcome, candidates } = await readCycle('2023-2');
    expect(outcome?.council).toMatchObject({
      N: 8,
      present: 8,
      quorumRequired: 6,
      quorumMet: true,
      passRequired: 6,
    });
    const upward = header.ballot.filter((id) => id.startsWith('upward:'));
    expect([...(outcome?.proposedUpward ?? [])].sort()).toEqual(upward.sort());
    const awarded = header.ballot.filter((id) => !id.startsWith('upward:') && id !== failing);
    expect([...(outcome?.awarded ?? [])].sort()).toEqual(awarded.sort());
    expect(outcome?.passed).toBe(header.ballot.length - 1);
    const rejected = candidates.get(failing)?.proposal.final;
    expect(rejected?.status).toBe('not-passed');
    expect(rejected?.votes).toMatchObject({ yes: 5, no: 2, abstain: 1, absent: 0, passed: false });
    expect(rejected?.reasons.find((r) => r.code === 'council-rejected')?.message).toContain(
      'Không thông qua: 5/8 phiếu tán thành, cần ít nhất 6 (70 % của 8 thành viên)',
    );
    expect(candidates.get(individual)?.proposal.final).toMatchObject({
      status: 'awarded',
      votes: { yes: 6, no: 2, passed: true },
    });
    for (const id of upward) expect(candidates.get(id)?.proposal.final?.status).toBe('proposed-upward');
    expect(outcome?.dossier.map((d) => d.code)).toEqual(
      expect.arrayContaining(['to-trinh', 'bao-cao-thanh-tich', 'bien-ban-hop-xet', 'xac-nhan-sang-kien']),
    );
    // The first vote's stored outcome is untouched by the second.
    expect((await readCycle('2023')).outcome?.council.quorumMet).toBe(false);

    // The outcome to the council and leadership, and to each unit with a candidate.
    for (const person of councilAndLeaders()) {
      const told = await mailTo('commendation-outcome', person.email, { periodId: '2023-2' });
      expect(told.subject).toBe(
        '[Thi đua CCHC] Kết quả xét khen thưởng phong trào thi đua CCHC năm 2023 (biểu quyết lần 2)',
      );
      // Each ballot line: the votes (yes/no/abstain/absent) and the result.
      const items = (told.text ?? '').split(/\n\d+\.\n {3}/);
      const item = (name: string, kind: string) =>
        items.find((x) => x.startsWith(`${name}\n   Loại: ${kind}`));
      expect(item('Phòng Tư pháp', 'Tập thể')).toContain(
        'Phiếu (tán thành/không/không biểu quyết/vắng): 5/2/1/0\n   Kết quả: Không được Hội đồng thông qua',
      );
      expect(item(NOMINEE.name, 'Cá nhân')).toContain(
        'Phiếu (tán thành/không/không biểu quyết/vắng): 6/2/0/0\n   Kết quả: Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng',
      );
      expect(item('Phòng Nội vụ', 'Tập thể')).toContain(
        '7/0/1/0\n   Kết quả: Được Hội đồng thông qua, trình Chủ tịch quyết định khen thưởng',
      );
      expect(item('Văn phòng HĐND và UBND huyện', 'Tập thể – đề nghị cấp trên')).toContain(
        'Kết quả: Được Hội đồng thông qua, đề nghị cấp trên khen thưởng',
      );
    }
    const tuPhap = await mailTo('commendation-outcome', unitOf('phong-tu-phap').focalPoint.email, {
      unitId: 'phong-tu-phap',
      periodId: '2023-2',
    });
    expect(tuPhap.text).toContain('Không được Hội đồng thông qua');
    const unitsOnBallot = new Set(
      header.ballot.map((id) => (id.startsWith('individual:') ? 'phong-noi-vu' : id.split(':')[1])),
    );
    for (const unit of h.config.units) {
      const got = await hasMail('commendation-outcome', unit.focalPoint.email, {
        unitId: unit.id,
        periodId: '2023-2',
      });
      expect(got, `outcome to ${unit.id}`).toBe(unitsOnBallot.has(unit.id));
    }
    note(`commendation-2023-2-1: 8/8 voted, ${outcome?.passed} of ${header.ballot.length} passed`);
  }, 60_000);

  it('what each person received: counts by kind per recipient, one email per identity, SES = outbox', async () => {
    const sent = await outbox().list(10_000);
    const notSent = sent
      .filter((r) => r.status !== 'sent')
      .map(
        (r) =>
          `${r.key}: ${r.status} (attempt ${r.attempt}, claimed ${r.claimedAt}${r.lastError ? `, ${r.lastError}` : ''})`,
      );
    expect(notSent).toEqual([]);
    const ses = await h.sesMails();
    expect(ses).toHaveLength(sent.length);
    // One email per identity: the outbox keys are unique, and SES never got the same mail twice.
    expect(new Set(sent.map((r) => r.key)).size).toBe(sent.length);
    const sesKeys = ses.map((m) => `${m.destination.to.join(',')}|${m.subject}`);
    expect(new Set(sesKeys).size).toBe(ses.length);
    const outboxKeys = sent.map((r) => `${r.to}|${r.subject}`);
    expect([...sesKeys].sort()).toEqual([...outboxKeys].sort());

    const box = mailboxes(sent);
    // What every person of the district should have received, from their roles and the story.
    const expected = await expectedMailboxes();
    const everyone = [...expected.keys()].sort();
    expect(Object.fromEntries(everyone.map((email) => [email, box(email)]))).toEqual(
      Object.fromEntries(everyone.map((email) => [email, expected.get(email)])),
    );
    expect(new Set(sent.map((r) => r.to))).toEqual(new Set(everyone)); // nobody else was mailed

    // Spelled out for a few of them:
    // a unit that reports every period and is on the ballot,
    expect(box('huongpt.tckh@song-lam.example.org')).toEqual({
      launch: 1,
      invitation: 6,
      reminder: 2,
      'late-notice': 2,
      results: 6,
      receipt: 4,
      approved: 4,
      'commendation-outcome': 2,
      'initiatives-digest': 1,
    });
    // the unit that never reports (reminded and late every period; 2023Q1's v2 moved its rank),
    expect(box(unitOf(NEVER).focalPoint.email)).toEqual({
      launch: 1,
      invitation: 6,
      reminder: 6,
      'late-notice': 6,
      results: 7,
      'initiatives-digest': 1,
    });
    // an admin who also reviews: escalations (3 for Xã Nam Phúc, 5 for Phòng Y tế), the end of the
    // unappraised review, the review-close alerts, every results summary (2023Q1's v2 included),
    // and, as the silent reviewer of one of those two, two reminders while its review ran,
    expect(box('huytq.noivu@song-lam.example.org')).toEqual({
      launch: 1,
      'review-request': await assignedRounds('tran-quoc-huy'),
      'review-reminder-1': 1,
      'review-reminder-2': 1,
      'escalation-1': 1,
      'escalation-2': 1,
      'escalation-3': 2,
      'escalation-4': 1,
      'escalation-5': 1,
      unappraised: 1,
      'review-closed': 2,
      'results-summary': 7,
    });
    // a council member: two vote requests, the reminder of the one he let run (2023), and the three
    // outcomes (2022, 2023, 2023's second vote),
    expect(box('sonpv.mttq@song-lam.example.org')).toEqual({
      'vote-request': 2,
      'vote-reminder': 1,
      'commendation-outcome': 3,
    });
    // the chairman, leader and council member: still one outcome per cycle.
    expect(box('longdv.ubnd@song-lam.example.org')).toEqual({
      'results-summary': 7,
      'vote-request': 2,
      'commendation-outcome': 3,
    });

    const byStep = new Map<string, number>();
    for (const r of sent) byStep.set(r.identity.step, (byStep.get(r.identity.step) ?? 0) + 1);
    note(
      `emails: ${sent.length} (${[...byStep]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')})`,
    );
  }, 60_000);

  it('every execution ended well, none near 25,000 history events', () => {
    const executions = h.rt.sfn.listExecutions();
    const unfinished = executions.filter((x) => x.status !== 'SUCCEEDED').map((x) => `${x.name} ${x.status}`);
    expect(unfinished).toEqual([]);
    expect(h.rt.scheduler.deadLetters).toEqual([]);
    expect(h.rt.lambdas.asyncFailures).toEqual([]);
    const counted = executions
      .map((x) => ({ name: x.name, events: h.rt.sfn.historyEventCount(x.executionArn) }))
      .sort((a, b) => b.events - a.events);
    const largest = counted.slice(0, 6);
    for (const x of largest) expect(x.events, x.name).toBeLessThan(HISTORY_EVENT_LIMIT);
    expect(largest[0]?.name).toMatch(/^launch-v1-[0-9a-f]{12}$/); // a Map over 61 schedules and one over 33 people
    // A period's open costs 20 + 7 events per unit, its scoring 22 + 7 (docs/cycle.md): 27 units
    // here; 500 per group (1,000 units) would be 7,022, well inside the limit.
    const units = h.config.units.length;
    const fixed = { 'period-2023Q1-open': 20, 'scoring-2023Q1-close': 22 };
    for (const [name, events] of Object.entries(fixed)) {
      const arn = executionNamed(name)?.executionArn as string;
      expect(h.rt.sfn.historyEventCount(arn), name).toBe(events + 7 * units);
    }
    expect(22 + 7 * 1_000).toBeLessThan(HISTORY_EVENT_LIMIT);
    const kinds = new Map<string, number>();
    for (const x of executions) {
      const kind = x.name.split('-')[0] as string;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    note(`executions: ${executions.length} (${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')})`);
    note(`largest (weighted AWS history events): ${largest.map((x) => `${x.name} ${x.events}`).join(', ')}`);
    note(`clock at ${h.rt.clock.now().toISOString()}; ${h.timeline.length} one-time events fired`);
  });
});

// ---------------------------------------------------------------- the special rounds

/** Round 1 returned with a comment, the unit explains from its returned-mail link, round 2 approved. */
async function returnAndExplain(plan: PeriodPlan, unitId: string): Promise<void> {
  const unit = unitOf(unitId);
  const period = periodOf(plan.id);
  const scores = entered.get(plan.id)?.get(unitId) as Scores;
  const [leaf] = Object.keys(scores) as [string];
  const comment = 'Chưa nêu số, ngày ban hành kế hoạch CCHC năm của đơn vị; đề nghị bổ sung minh chứng.';

  const round1 = await reviewLink(unitId, plan.id, 1);
  const page1 = await (await fetch(round1.url)).text();
  expect(page1).toContain('Vòng thẩm định: <strong>1</strong>');
  const returned = await postForm(
    round1.url,
    reviewForm(page1, 'return', {
      [`score[${leaf}]`]: points(Math.max(0, (scores[leaf] as number) - 50)),
      [`comment[${leaf}]`]: comment,
    }),
  );
  expect(returned.status).toBe(200);
  await h.rt.settle();
  expect((await reports().get(unitId, plan.id))?.status).toBe('returned');

  // The unit reads the returned mail, opens its link and sees the comment beside the criterion.
  const mail = await mailTo('returned', unit.focalPoint.email, { unitId, periodId: plan.id, round: 1 });
  expect(mail.subject).toBe(
    `[Thi đua CCHC] Báo cáo ${periodName(period)} của ${unit.name} được trả lại để giải trình`,
  );
  expect(mail.text).toContain(comment);
  const link = h.linkIn(mail, '/r');
  const unitPage = await (await fetch(link)).text();
  expect(unescapeHtml(unitPage)).toContain(comment);
  const version = (await reports().get(unitId, plan.id))?.version as number;
  const explanation = 'Kế hoạch số 05/KH-TP ngày 10/01/2023 của Phòng Tư pháp (bổ sung ở tiêu chí đầu tiên).';
  const form = reportForm(setOf(unit.group, period), scores, {
    version,
    action: 'explain',
    unit,
    period,
    response: explanation,
  });
  form.set(`evidence[${leaf}][1][number]`, '05/KH-TP');
  form.set(`evidence[${leaf}][1][date]`, '10/01/2023');
  expect((await postForm(link, form)).status).toBe(303);
  await h.rt.settle();

  // Round 2: a new request with its own link; the round-1 link is spent.
  const round2 = await reviewLink(unitId, plan.id, 2);
  expect(round2.url).not.toBe(round1.url);
  const page2 = await (await fetch(round2.url)).text();
  expect(page2).toContain('Vòng thẩm định: <strong>2</strong>');
  expect(unescapeHtml(page2)).toContain(explanation);
  // The round-1 link is spent: it shows its decision read-only.
  expect(await (await fetch(round1.url)).text()).toContain('Đã có quyết định: Trả lại để giải trình');
  const approval = reviewForm(page2, 'approve', {
    [`score[${leaf}]`]: points(scores[leaf] as number),
    [`comment[${leaf}]`]: 'Đã bổ sung minh chứng.',
  });
  const approved = await postForm(round2.url, approval);
  expect(approved.status).toBe(200);
  outcomesOf(plan.id).set(unitId, { status: 'approved', scores: scoresOf(approval) });
}

/** The silent reviewer's unit: the admins were told each time the wait ran out, the link kept waiting. */
function checkEscalations(plan: PeriodPlan, steps: { at: Date; labels: string[] }[]): void {
  const unitId = plan.silent as string;
  const timeouts = steps.filter((s) =>
    s.labels.some((l) => l.startsWith(`review-${unitId}-${plan.id}-1 AwaitAppraisal`)),
  );
  // Submitted after the reminder; the reviewer has 5 days each time (half the review window).
  const submittedAt = Date.parse(periodOf(plan.id).remindAt);
  expect(timeouts.map((s) => s.at.getTime())).toEqual([
    submittedAt + 5 * 86_400_000,
    submittedAt + 10 * 86_400_000,
  ]);
  const pending = h.rt.sfn.pendingTasks().filter((t) => t.executionName === `review-${unitId}-${plan.id}-1`);
  expect(pending.map((t) => t.stateName)).toEqual(['AwaitAppraisal']);
}

/** How many escalations (numbered 1–8) each admin had about the unit's silent review. */
async function escalationsTo(unitId: string, periodId: string): Promise<number[]> {
  const counts: number[] = [];
  for (const admin of admins()) {
    let n = 0;
    for (let k = 1; k <= 8; k++) {
      if (await hasMail(`escalation-${k}`, admin.email, { unitId, periodId, round: 1 })) n++;
    }
    counts.push(n);
  }
  return counts;
}

/** The silent reviewer's address: an admin who is that reviewer is reminded as the reviewer instead. */
async function silentReviewerEmail(periodId: string, unitId: string): Promise<string | undefined> {
  const assigned = await reviews().getAssignment(periodId, unitId);
  return h.config.reviewers.find((r) => r.id === assigned?.reviewerId)?.email;
}

/**
 * Escalations each admin should have had after `total` timeouts: all of them, but an admin who is
 * the silent reviewer none of the two sent while the review ran (they had the reviewer's reminders).
 */
async function expectedEscalations(periodId: string, unitId: string, total: number): Promise<number[]> {
  const reviewer = await silentReviewerEmail(periodId, unitId);
  return admins().map((a) => (a.email === reviewer ? total - Math.min(2, total) : total));
}

/** After close, the silent reviewer finally approves from the first mail: results v2; v1 untouched. */
async function approveLate(plan: PeriodPlan, v1: PeriodResultsJson): Promise<void> {
  const unitId = plan.silent as string;
  q1v1 = JSON.stringify(v1);
  expect(await escalationsTo(unitId, plan.id)).toEqual(await expectedEscalations(plan.id, unitId, 2));
  // The demo's silent reviewer of 2023Q1 is an admin: reminded as the reviewer, not escalated about.
  expect(await escalationsTo(unitId, plan.id)).toEqual([0, 2]);
  const reviewer = await silentReviewerEmail(plan.id, unitId);
  const other = admins().find((a) => a.email !== reviewer);
  const escalation = await mailTo('escalation-1', other!.email, {
    unitId,
    periodId: plan.id,
    round: 1,
  });
  // Sent within the period's review time: the admins are kept informed, not told it is overdue.
  expect(escalation.subject).toBe(
    `[Thi đua CCHC] Chưa có kết quả thẩm định: ${unitOf(unitId).name} – ${periodName(periodOf(plan.id))}`,
  );
  // Two days after close, the wait runs out a third time (the admins are told again)…
  const third = await h.advance();
  expect(third.labels).toEqual([`review-${unitId}-${plan.id}-1 AwaitAppraisal timeout`]);
  expect(await escalationsTo(unitId, plan.id)).toEqual(await expectedEscalations(plan.id, unitId, 3));
  const overdue = await mailTo('escalation-3', admins()[0]!.email, { unitId, periodId: plan.id, round: 1 });
  expect(overdue.subject).toBe(
    `[Thi đua CCHC] Quá hạn thẩm định: ${unitOf(unitId).name} – ${periodName(periodOf(plan.id))} (lần 3)`,
  );
  // …and the reviewer approves from the link mailed before all that.
  await approve(plan, unitId);
  await h.rt.settle();
  expect(executionNamed(`review-${unitId}-${plan.id}-1`)?.status).toBe('SUCCEEDED');
  expect(executionNamed(`scoring-${plan.id}-late-${unitId}-r1`)?.status).toBe('SUCCEEDED');
  const { json: v2, lines } = await checkResults(plan.id, 2);
  // Nobody's v1 is rewritten: v1 is exactly as first published.
  expect(JSON.stringify(await resultsJson(plan.id, 1))).toBe(q1v1);
  // v2 goes to the units whose line changed, and only to them.
  const before = new Map(v1.units.map((u) => [u.unitId, JSON.stringify(u)]));
  const changed = v2.units.filter((u) => before.get(u.unitId) !== JSON.stringify(u)).map((u) => u.unitId);
  expect(changed).toContain(unitId);
  expect(changed.every((id) => unitOf(id).group === 'commune')).toBe(true);
  for (const unit of h.config.units) {
    const got = await hasMail('results', unit.focalPoint.email, {
      unitId: unit.id,
      periodId: plan.id,
      round: 2,
    });
    expect(got, `results v2 to ${unit.id}`).toBe(changed.includes(unit.id));
  }
  for (const line of lines.filter((l) => changed.includes(l.unitId)))
    await checkResultsMail(plan.id, 2, line, v2);
  // Each v2 letter says why it comes: the late unit's result changed; the unit that never reports
  // is told again only because the order moved — its own result reads the same.
  const v2Letter = (id: string) =>
    mailTo('results', unitOf(id).focalPoint.email, { unitId: id, periodId: plan.id, round: 2 });
  expect((await v2Letter(unitId)).text).toMatch(/So với phiên bản 1: Chưa thẩm định → [\d,]+ điểm, [\d,]+ %/);
  expect(changed).toContain(NEVER);
  const never = (await v2Letter(NEVER)).text;
  expect(never).toContain('Kết quả của đơn vị không thay đổi so với phiên bản 1.');
  expect(never).not.toContain('So với phiên bản 1:');
  const summary = await mailTo('results-summary', h.config.leadership[0]!.email, {
    periodId: plan.id,
    round: 2,
  });
  expect(summary.text).toContain(unitOf(unitId).name);
  note(
    `${plan.id} late approval → scoring-${plan.id}-late-${unitId}-r1, v2 (${changed.length} units' lines changed)`,
  );
}

/** The reviewer never answers: reminders until the late-appraisal deadline, then Chưa thẩm định for good. */
async function neverAppraised(plan: PeriodPlan): Promise<void> {
  const unitId = plan.silent as string;
  const name = `review-${unitId}-${plan.id}-1`;
  const { url } = await reviewLink(unitId, plan.id, 1);
  for (let i = 0; i < 10 && executionNamed(name)?.status === 'RUNNING'; i++) await h.advance();
  expect(executionNamed(name)?.status).toBe('SUCCEEDED');
  const deadline = Date.parse(periodOf(plan.id).lateAppraisalUntil);
  expect(h.rt.clock.now().getTime()).toBeGreaterThanOrEqual(deadline);
  // The review ended a minute after the deadline, its last wait cut there (a decision sent in the
  // last second lands first) — not up to 5 days later.
  expect(executionNamed(name)?.stopDate?.toISOString()).toBe(new Date(deadline + 60_000).toISOString());
  // Every 5 days until the late-appraisal deadline the admins were told; then the review ended.
  expect(await escalationsTo(unitId, plan.id)).toEqual(await expectedEscalations(plan.id, unitId, 5));
  for (const admin of admins()) {
    const ended = await mailTo('unappraised', admin.email, { unitId, periodId: plan.id });
    expect(ended.subject).toBe(
      `[Thi đua CCHC] Chưa thẩm định: ${unitOf(unitId).name} – ${periodName(periodOf(plan.id))}`,
    );
  }
  // The unit is told too, and pointed to its own history.
  const told = await mailTo('unappraised', unitOf(unitId).focalPoint.email, { unitId, periodId: plan.id });
  expect(told.subject).toBe(
    `[Thi đua CCHC] Báo cáo ${periodName(periodOf(plan.id))} của ${unitOf(unitId).name} chưa được thẩm định trong thời hạn`,
  );
  expect(told.text).toContain('/u');
  expect((await fetch(url)).status).toBe(410); // the reviewer's link is closed now
  expect(await resultsJson(plan.id, 2)).toBeUndefined();
  note(`${plan.id} ${unitId} never appraised (review ended at the late-appraisal deadline)`);
}

async function recordPlanAdjustments(plan: PeriodPlan): Promise<void> {
  const lines = [`periods:`, `  "${plan.id}":`];
  for (const [unitId, a] of Object.entries(plan.adjustments ?? {})) {
    lines.push(`    ${unitId}:`);
    if (a.survey !== undefined) lines.push(`      survey: ${a.survey}`);
    if (a.bonus !== undefined) lines.push(`      bonus: ${a.bonus}`);
    if (a.penalty !== undefined) lines.push(`      penalty: ${a.penalty}`);
    if (a.note) lines.push(`      note: ${a.note}`);
  }
  const file = join(tmp, `adjustments-${plan.id}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const recorded = await recordAdjustments({ config: h.config, criteriaSets: h.criteriaSets }, file, {
    kind: 'admin',
    id: 'tran-quoc-huy',
  });
  expect(recorded.recorded).toHaveLength(Object.keys(plan.adjustments ?? {}).length);
  expect(recorded.periodsWithResults).toEqual([]);
  for (const [unitId, a] of Object.entries(plan.adjustments ?? {})) {
    const o = outcomesOf(plan.id).get(unitId) as UnitOutcome;
    const adj: AdjustmentsInput = {
      survey: a.survey === undefined ? null : Math.round(a.survey * 100),
      bonus: Math.round((a.bonus ?? 0) * 100),
      penalty: Math.round((a.penalty ?? 0) * 100),
    };
    o.adjustments = adj;
  }
}

// ---------------------------------------------------------------- commendation and mail helpers

const councilAndLeaders = () => {
  const byEmail = new Map([...h.config.council, ...h.config.leadership].map((p) => [p.email, p]));
  return [...byEmail.values()];
};

/** A council member opens the vote link from their mail and sends a choice for every candidate. */
async function vote(
  cycleId: string,
  email: string,
  choose: (candidateId: string) => 'yes' | 'no' | 'abstain',
) {
  const mail = await mailTo('vote-request', email, { periodId: cycleId });
  const url = h.linkIn(mail, '/d');
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const ids = [...html.matchAll(/name="vote\[([^"]+)\]" value="yes"/g)].map((m) =>
    unescapeHtml(m[1] as string),
  );
  expect(ids.length).toBeGreaterThan(0);
  // The nominee's initiative by its title, never by its id within the report.
  if (ids.some((id) => id.startsWith('individual:'))) {
    expect(html).toContain(`“${INITIATIVE.title}”`);
    expect(html).not.toContain(`“${INITIATIVE.id}”`);
  }
  const form = pageForm(html);
  for (const id of ids) form.set(`vote[${id}]`, choose(id));
  // The first press shows the ballot as it would be cast; the confirmation's press casts it.
  const shown = await postForm(url, form);
  expect(shown.status, `${email}'s ballot shown in ${cycleId}`).toBe(200);
  const confirmation = await shown.text();
  expect(confirmation).toContain('Phiếu chưa được ghi nhận');
  const res = await postForm(url, pageForm(confirmation, { confirm: 'yes' }));
  expect(res.status, `${email} votes in ${cycleId}`).toBe(200);
  expect(await res.text()).toContain('Đã ghi nhận phiếu biểu quyết');
}

/**
 * The year's ballot as DOMAIN.md's rules give it from the year's results (the mean of the four
 * periods, latest versions): per group, the best unit at ≥ 95 % without a flag is proposed upward;
 * the next three ranked at Tốt or better for the Giấy khen; and the nominated individual.
 */
function yearOf(): ExpectedLine[] {
  return yearLines(
    PLANS.map((p) => expectedLines(h.config.units, outcomesOf(p.id), (g) => setOf(g, periodOf(p.id)))),
  );
}

function expectedBallot(): string[] {
  const year = yearOf();
  const ballot: string[] = [];
  for (const group of ['office', 'commune'] as const) {
    const ranked = year
      .filter((l) => l.group === group && l.rank !== null && l.flags.length === 0)
      .sort((a, b) => (a.rank as number) - (b.rank as number));
    const upward = ranked.filter((l) => (l.percent?.num ?? 0n) >= 95n * (l.percent?.den ?? 1n)).slice(0, 1);
    ballot.push(...upward.map((l) => `upward:${l.unitId}`));
    const rest = ranked.filter((l) => !upward.includes(l) && (l.band === 'xuat-sac' || l.band === 'tot'));
    ballot.push(...rest.slice(0, 3).map((l) => `collective:${l.unitId}`));
  }
  ballot.push(`individual:phong-noi-vu.2023Q2.${NOMINEE.id}`);
  return ballot;
}

/** Per recipient: how many emails of each kind (outbox step; escalations keep their number). */
function mailboxes(outbox: readonly OutboxRecord[]): (email: string) => Record<string, number> {
  const boxes = new Map<string, Record<string, number>>();
  for (const r of outbox) {
    const box = boxes.get(r.to) ?? {};
    box[r.identity.step] = (box[r.identity.step] ?? 0) + 1;
    boxes.set(r.to, box);
  }
  return (email) => boxes.get(email) ?? {};
}

async function changedInV2(periodId: string): Promise<string[]> {
  const v1 = await resultsJson(periodId, 1);
  const v2 = await resultsJson(periodId, 2);
  const before = new Map((v1?.units ?? []).map((u) => [u.unitId, JSON.stringify(u)]));
  return (v2?.units ?? []).filter((u) => before.get(u.unitId) !== JSON.stringify(u)).map((u) => u.unitId);
}

/** Per address, the emails (by outbox step) each person should have received over the whole run. */
async function expectedMailboxes(): Promise<Map<string, Record<string, number>>> {
  const boxes = new Map<string, Record<string, number>>();
  const add = (email: string, step: string, n = 1) => {
    if (n === 0) return;
    const box = boxes.get(email) ?? {};
    box[step] = (box[step] ?? 0) + n;
    boxes.set(email, box);
  };
  /** A mail whose identity is the address alone (one per person whatever their roles). */
  const once = (email: string, step: string, n = 1) => {
    const box = boxes.get(email) ?? {};
    box[step] = n;
    boxes.set(email, box);
  };
  const q1Changed = await changedInV2('2023Q1');
  const ballot = (await readCycle('2023-2')).header?.ballot ?? [];
  const onBallot = new Set(
    ballot.map((id) => (id.startsWith('individual:') ? 'phong-noi-vu' : id.split(':')[1])),
  );
  for (const unit of h.config.units) {
    const email = unit.focalPoint.email;
    const id = unit.id;
    once(email, 'launch');
    add(email, 'invitation', 6);
    add(email, 'reminder', 2 + PLANS.filter((p) => id === NEVER || p.afterReminder.includes(id)).length);
    add(email, 'late-notice', 2 + (id === NEVER ? PLANS.length : 0));
    add(email, 'results', 6 + (q1Changed.includes(id) ? 1 : 0));
    add(
      email,
      'approved',
      id === NEVER ? 0 : PLANS.filter((p) => !(p.silent === id && !p.lateApproval)).length,
    );
    add(email, 'returned', PLANS.filter((p) => p.returned === id).length);
    // A receipt for each report handed to a reviewer: the submission, and the explanation after a return.
    add(email, 'receipt', id === NEVER ? 0 : PLANS.length + PLANS.filter((p) => p.returned === id).length);
    // A report never appraised: the unit is told too.
    add(email, 'unappraised', PLANS.filter((p) => p.silent === id && !p.lateApproval).length);
    add(email, 'commendation-outcome', onBallot.has(id) ? 2 : 0);
    add(email, 'initiatives-digest');
  }
  for (const reviewer of h.config.reviewers) {
    once(reviewer.email, 'launch');
    add(reviewer.email, 'review-request', await assignedRounds(reviewer.id));
  }
  // A silent reviewer is reminded while the period's review runs: every 5 days from the
  // assignment at the deadline, so twice before the review closes 10 days later.
  for (const plan of PLANS.filter((p) => p.silent)) {
    const assigned = await reviews().getAssignment(plan.id, plan.silent as string);
    const reviewer = h.config.reviewers.find((r) => r.id === assigned?.reviewerId);
    for (const n of [1, 2]) add(reviewer?.email as string, `review-reminder-${n}`);
  }
  // Xã Nam Phúc's reviewer was silent 3 times (2023Q1), Phòng Y tế's 5 times (2023Q2); an admin who
  // is that reviewer gets none of the two letters sent while the review ran.
  for (const plan of PLANS.filter((p) => p.silent)) {
    const reviewer = await silentReviewerEmail(plan.id, plan.silent as string);
    const total = plan.id === '2023Q1' ? 3 : 5;
    for (const admin of h.config.admins) {
      for (let n = 1; n <= total; n++)
        if (n > 2 || admin.email !== reviewer) add(admin.email, `escalation-${n}`);
    }
  }
  for (const admin of h.config.admins) {
    add(admin.email, 'unappraised');
    add(admin.email, 'review-closed', 2);
  }
  for (const person of [...h.config.admins, ...h.config.leadership]) once(person.email, 'results-summary', 7);
  for (const person of [...h.config.council, ...h.config.leadership]) {
    once(person.email, 'commendation-outcome', 3);
  }
  for (const member of h.config.council) once(member.email, 'vote-request', 2);
  // 2023's first vote: the three who never voted were reminded the day before its close.
  for (const member of h.config.council.slice(5)) once(member.email, 'vote-reminder');
  return boxes;
}

/** Review requests a reviewer should have had in 2023: one per assigned report, two for the returned one. */
async function assignedRounds(reviewerId: string): Promise<number> {
  let n = 0;
  for (const plan of PLANS) {
    for (const unit of h.config.units) {
      const a = await reviews().getAssignment(plan.id, unit.id);
      if (a?.reviewerId === reviewerId) n += unit.id === plan.returned ? 2 : 1;
    }
  }
  return n;
}
