/**
 * `npm start`: the demo district's product on one machine, exercised as a person would — through
 * the pages, the inbox and the links in the emails — and restarted on the same data folder.
 * The first part runs the product in this process (`startProduct`, port 0, a temp data folder);
 * the last runs `npm start` itself from the repo root, reads the addresses it prints, asks them,
 * runs a terminal command against it and stops it with Ctrl+C (SIGINT to its process group).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criteriaSetFor, periodById } from '#domain/calendar';
import type { Period } from '#domain/model';
import { type ComputePeriodResultsInput, computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { readCycle } from '#functions/commendation/award';
import { storePeriodResults } from '#functions/scoring/results';
import { PROJECT_ROOT } from '#infra/project';
import type { AdvanceOutcome, LaunchOutcome, ProductStatus, RevoteOutcome } from '#local/product/control';
import { type Product, parseArgs, runClientCommand, startProduct } from '#local/start';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { table } from '#ports/dynamo/table';
import { loadCampaign } from '#steps/campaign';
import { reviewForm, selfScores } from '../e2e/campaign-harness.ts';
import { GLOSS, readable } from '../helpers/glosses.ts';
import { completeForm, type Harness } from '../http/harness.ts';

const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const FOCAL = 'namtv.tuphap@song-lam.example.org';
const LAUNCH_SUBJECT = 'Phát động phong trào thi đua cải cách hành chính – Kế hoạch số 111/KH-UBND';

// One product runs at a time in this process (the handlers' SDK clients keep their endpoints).
let dataDir: string;
let product: Product;

const get = (path: string) => fetch(`${product.url}${path}`);
const post = (
  path: string,
  form: Record<string, string> | URLSearchParams = {},
  headers: Record<string, string> = {},
) =>
  fetch(path.startsWith('http') ? path : `${product.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
const json = { accept: 'application/json' };
const status = async () => (await (await get('/local/status')).json()) as ProductStatus;
const unescapeHtml = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"');

/** The links a person finds in their mail on the inbox page (text bodies, links clickable). */
async function linksInInbox(recipient: string, path: '/r' | '/d'): Promise<string[]> {
  const page = await (await get(`/inbox?to=${encodeURIComponent(recipient)}`)).text();
  return [...page.matchAll(/<a href="(http:\/\/127\.0\.0\.1:\d+(\/[rd])\?[^"]+)"/g)]
    .filter((m) => m[2] === path)
    .map((m) => unescapeHtml(m[1] as string));
}

describe('npm start in-process, then restarted on the same data', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'thidua-start-'));
    product = await startProduct({ district: 'demo', port: 0, dataDir });
  }, 90_000);
  afterAll(async () => {
    await product?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let reportLink: string;
  let reviewLink: string;
  let reviewerEmail: string;
  let before: { status: ProductStatus; schedules: number; emails: number };

  it('serves the home page and the inbox in Vietnamese, with the clock on the plan date', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await home.text();
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('huyện Sông Lam');
    expect(html).toContain('02/08/2022 08:00'); // the plan's date, 08:00 in Hồ Chí Minh City
    expect(html).toContain('Phát động phong trào</button>');
    expect(html).toContain('Chuyển đến sự kiện tiếp theo</button>');
    expect(html).toContain('href="/inbox"');
    expect(html).toContain('href="/admin"');
    expect(html).toContain('huytq.noivu@song-lam.example.org');
    expect(readable(html)).not.toMatch(GLOSS);

    const inbox = await get('/inbox');
    expect(inbox.status).toBe(200);
    const page = await inbox.text();
    expect(page).toContain('Hộp thư');
    expect(page).toContain('Chưa có email nào');
    expect(readable(page)).not.toMatch(GLOSS);
    expect((await get('/admin')).status).toBe(200);
    expect(existsSync(join(dataDir, 'signing-key.json'))).toBe(true);
  });

  it('refuses a launch posted from another site, and launches once from the button', async () => {
    const forged = await post('/local/launch', {}, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    expect((await status()).launched).toBe(false);

    const launched = await post('/local/launch');
    expect(launched.status).toBe(303);
    expect(launched.headers.get('location')).toMatch(/^\/\?done=launched/);
    // The page it leads to says what happened, links to the mail sent, and reads in Vietnamese.
    const home = await (await get(launched.headers.get('location') ?? '/')).text();
    expect(home).toContain('Đã phát động phong trào');
    expect(home).toContain('<a href="/inbox">Xem hộp thư</a>');
    expect(home).toContain('Đồng hồ (múi giờ Asia/Ho_Chi_Minh)');
    expect(home).toMatch(/launch-v1-[0-9a-f]{12}: <span title="SUCCEEDED">Hoàn thành<\/span>/);

    // Every focal point and every reviewer, one notice per address.
    const config = product.config;
    const people = new Set([
      ...config.units.map((u) => u.focalPoint.email),
      ...config.reviewers.map((r) => r.email),
    ]);
    const inbox = await (await get('/inbox')).text();
    const notices = inbox.split(`${LAUNCH_SUBJECT}</a>`).length - 1;
    expect(notices).toBe(people.size);
    expect(inbox).toContain(`Đến: ${FOCAL}`);

    // Idempotent: the same config again is the same launch, and nobody gets a second notice.
    const again = (await (await post('/local/launch', {}, json)).json()) as LaunchOutcome;
    expect(again.outcome).toBe('already-launched');
    expect(again.newEmails).toBe(0);
    const s = await status();
    expect(s.launched).toBe(true);
    expect(s.nextEvent?.local).toBe('01/10/2022 08:00');
    expect(s.nextEvent?.description).toContain('Mở kỳ báo cáo quý III năm 2022');
  }, 60_000);

  it('moves the clock to the next event: the 2022Q3 window opens and every unit is invited', async () => {
    const moved = (await (await post('/local/advance', {}, json)).json()) as AdvanceOutcome;
    expect(moved.outcome).toBe('moved');
    expect(moved.local).toBe('01/10/2022 08:00');
    expect(moved.fired.some((f) => f.label.endsWith(`/period-${PERIOD}-open`))).toBe(true);
    expect(moved.fired.map((f) => f.description)).toContain(
      'Mở kỳ báo cáo quý III năm 2022: gửi thư mời nộp báo cáo',
    );
    expect(moved.newEmails).toBe(product.config.units.length);
    const [link] = await linksInInbox(FOCAL, '/r');
    expect(link).toBeDefined();
    reportLink = link as string;
    expect((await get('/')).status).toBe(200);
  }, 60_000);

  it('a unit submits from its mailed link; the review waits for the reviewer, whose mail has a link', async () => {
    const submitted = await post(
      reportLink,
      completeForm(
        { config: product.config, criteriaSets: product.criteriaSets } as Harness,
        UNIT,
        0,
        'submit',
      ),
    );
    expect(submitted.status).toBe(303);
    await product.runtime.settle();
    const assignment = await reviews().getAssignment(PERIOD, UNIT);
    reviewerEmail = product.config.reviewers.find((r) => r.id === assignment?.reviewerId)?.email as string;
    expect(reviewerEmail).toBeDefined();
    const [link] = await linksInInbox(reviewerEmail, '/d');
    expect(link).toBeDefined();
    reviewLink = link as string;
    const s = await status();
    expect(s.waitingFor.map((w) => w.execution)).toContain(`review-${UNIT}-${PERIOD}-1`);
    // No task token in what the status shows.
    const token = product.runtime.sfn.pendingTasks()[0]?.taskToken as string;
    expect(JSON.stringify(s)).not.toContain(token);
    before = {
      status: s,
      schedules: product.runtime.scheduler.listSchedules().length,
      emails: (await outbox().list(1000)).length,
    };
  }, 60_000);

  it('after a restart the clock, data and schedules are there, the review runs on and the old links work', async () => {
    const port = product.port;
    await product.stop();
    product = await startProduct({ district: 'demo', port, dataDir });

    const s = await status();
    expect(s.clock).toEqual(before.status.clock);
    expect(s.nextEvent).toEqual(before.status.nextEvent);
    expect(s.launched).toBe(true);
    expect(product.runtime.scheduler.listSchedules().length).toBe(before.schedules);
    expect(product.resumed).toEqual([`review-${UNIT}-${PERIOD}-1`]);
    expect(s.waitingFor.map((w) => w.execution)).toEqual([`review-${UNIT}-${PERIOD}-1`]);
    // Resuming mailed nobody: the new task token sits behind the approval already mailed.
    expect((await outbox().list(1000)).length).toBe(before.emails);
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('in-review');

    // The links mailed before the restart still open their pages…
    const unitPage = await fetch(reportLink);
    expect(unitPage.status).toBe(200);
    const reviewPage = await fetch(reviewLink);
    expect(reviewPage.status).toBe(200);
    const page = await reviewPage.text();
    expect(page).toContain('Vòng thẩm định');

    // …and the reviewer's decision reaches the resumed execution.
    const approved = await post(reviewLink, reviewForm(page, 'approve'));
    expect(approved.status).toBe(200);
    await product.runtime.settle();
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('approved');
    const execution = product.runtime.sfn
      .listExecutions()
      .find((x) => x.name === `review-${UNIT}-${PERIOD}-1`);
    expect(execution?.status).toBe('SUCCEEDED');

    // The inbox (read from the outbox) still lists every email sent before the restart.
    const inbox = await (await get('/inbox')).text();
    expect(inbox.split(`${LAUNCH_SUBJECT}</a>`).length - 1).toBeGreaterThan(0);
    const message = /href="(\/inbox\/[A-Za-z0-9_-]+)"/.exec(inbox)?.[1] as string;
    const shown = await get(message);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<iframe class="mailhtml"');
    expect((await get('/inbox/not-an-id')).status).toBe(404);
  }, 90_000);

  it('refuses to move the clock back, with a page that says so', async () => {
    const back = await post('/local/advance', { to: '2022-08-01' });
    expect(back.status).toBe(400);
    expect(await back.text()).toContain('Không thể lùi đồng hồ');
    const bad = await post('/local/advance', { to: '31/02/2023' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('không phải một ngày hợp lệ: viết dd/mm/yyyy');
  });
});

describe('data written by an earlier storage layout', () => {
  it('is refused on start with a message that says how to start over, and left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thidua-start-old-'));
    const p = await startProduct({ district: 'demo', port: 0, dataDir: dir });
    try {
      // The earlier layout's campaign item: the whole config in one document, no layout number.
      await table().putIf({
        Item: { pk: 'CAMPAIGN', sk: 'CAMPAIGN', doc: '{}', version: 1, contentHash: 'x' },
      });
    } finally {
      await p.stop();
    }
    try {
      const error = await startProduct({ district: 'demo', port: 0, dataDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(`rm -rf ${dir}`);
      expect((error as Error).message).toContain('earlier storage layout');
      // Refused, not half-started: the folder can be started again once the data is gone.
      expect(existsSync(join(dir, 'in-use.json'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe("a council vote without quorum, the admin's new vote, and a restart during it", () => {
  /** 2022's two quarters as scored had every unit reported (what the year's proposal reads). */
  async function storeScored2022(p: Product): Promise<void> {
    const { header } = await loadCampaign();
    for (const periodId of ['2022Q3', '2022Q4']) {
      const period = periodById(p.config, periodId) as Period;
      const inputs: Record<string, UnitPeriodInput> = {};
      const setsByGroup: ComputePeriodResultsInput['setsByGroup'] = {};
      for (const [i, unit] of p.config.units.entries()) {
        const set = criteriaSetFor(p.config, p.criteriaSets, unit.group, period);
        setsByGroup[unit.group] = set;
        inputs[unit.id] = {
          status: 'approved',
          appraised: selfScores(set, 0.99 - (i % 15) * 0.02, `${unit.id}:${periodId}`),
          survey: null,
        };
      }
      const results = computePeriodResults({ periodId, units: p.config.units, inputs, setsByGroup });
      expect(
        await storePeriodResults(results, { changed: 'all', reason: { trigger: 'close' }, campaign: header }),
      ).toBe('created');
    }
  }

  /** A member opens the vote link of their mail for a cycle and answers every candidate. */
  async function vote(cycleId: string, email: string, choice: 'yes' | 'no'): Promise<void> {
    const mail = await outbox().get({
      step: 'vote-request',
      recipient: email,
      periodId: cycleId,
      round: 0,
    });
    const url = /http:\/\/127\.0\.0\.1:\d+\/d\?[^\s"<>]+/.exec(mail?.text ?? '')?.[0] as string;
    expect(url, `${email}'s vote link for ${cycleId}`).toBeDefined();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const ids = [...(await page.text()).matchAll(/name="vote\[([^"]+)\]" value="yes"/g)].map((m) =>
      unescapeHtml(m[1] as string),
    );
    expect(ids.length).toBeGreaterThan(0);
    const form = new URLSearchParams(ids.map((id): [string, string] => [`vote[${id}]`, choice]));
    form.set('confirm', 'yes'); // the confirmation page's press (test/functions/cycle-commendation.test.ts shows both)
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.status, `${email} votes in ${cycleId}`).toBe(200);
  }

  const revote = (p: Product, cycle: string, headers: Record<string, string> = {}) =>
    fetch(`${p.url}/local/revote`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ cycle }).toString(),
    });
  const voteRequests = async (cycleId: string) =>
    (await outbox().list(5000)).filter(
      (r) => r.identity.step === 'vote-request' && r.identity.periodId === cycleId,
    ).length;

  it('POST /local/revote starts commendation-2022-2-1; after a restart it runs on and the links mailed before decide', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thidua-start-revote-'));
    let p = await startProduct({ district: 'demo', port: 0, dataDir: dir });
    try {
      expect((await p.launch()).status).toBe('SUCCEEDED');
      await storeScored2022(p);
      // Nothing to vote again on before a vote.
      const early = await revote(p, '2022', json);
      expect(early.status).toBe(409);
      expect(((await early.json()) as RevoteOutcome).reason).toContain(
        'Chưa có đề nghị khen thưởng năm 2022',
      );

      // Round 1, as its schedule starts it; two of the eight members vote, then the vote closes.
      expect(
        await p.runtime.lambdas.invoke(p.runtime.functionArn('functions/starter.ts'), {
          workflow: 'commendation',
          name: 'commendation-2022-1',
          input: { cycleId: '2022' },
        }),
      ).toEqual({ status: 'started' });
      await p.runtime.settle();
      const members = p.config.council;
      expect(await voteRequests('2022')).toBe(members.length);
      for (const m of members.slice(0, 2)) await vote('2022', m.email, 'yes');
      const open = await revote(p, '2022', json);
      expect(open.status).toBe(409);
      expect(((await open.json()) as RevoteOutcome).reason).toContain('chưa kết thúc');
      const closesAt = (await readCycle('2022')).header?.voteClosesAt as string;
      await p.advance(new Date(closesAt));
      expect((await readCycle('2022')).outcome?.council).toMatchObject({
        present: 2,
        quorumMet: false,
      });

      // The home page offers the new vote; the admin presses it.
      const home = await (await fetch(`${p.url}/`)).text();
      expect(home).toContain('<form method="post" action="/local/revote"');
      expect(home).toContain('<input type="hidden" name="cycle" value="2022">');
      expect(home).toContain('Tổ chức bỏ phiếu lại – lần 2');
      const pressed = await revote(p, '2022');
      expect(pressed.status).toBe(303);
      const notice = await (await fetch(`${p.url}${pressed.headers.get('location')}`)).text();
      expect(notice).toContain('Đã tổ chức bỏ phiếu lại (commendation-2022-2-1)');
      expect(p.runtime.sfn.listExecutions().find((x) => x.name === 'commendation-2022-2-1')?.status).toBe(
        'RUNNING',
      );
      const round2 = (await readCycle('2022-2')).header;
      expect(round2?.ballot).toEqual((await readCycle('2022')).header?.ballot);
      expect(await voteRequests('2022-2')).toBe(members.length);
      expect(await (await fetch(`${p.url}/`)).text()).not.toContain('action="/local/revote"');

      // One member votes; the product stops with the second vote open.
      await vote('2022-2', members[0]?.email ?? '', 'yes');
      const emails = (await outbox().list(5000)).length;
      const port = p.port; // the mailed links' address
      await p.stop();
      p = await startProduct({ district: 'demo', port, dataDir: dir });
      expect(p.resumed).toEqual(['commendation-2022-2-1']);
      expect((await outbox().list(5000)).length).toBe(emails); // nobody mailed again

      // The others vote from the links mailed before the restart: everyone voted, the tally runs.
      for (const m of members.slice(1)) await vote('2022-2', m.email, 'yes');
      await p.runtime.settle();
      expect(p.runtime.sfn.listExecutions().find((x) => x.name === 'commendation-2022-2-1')?.status).toBe(
        'SUCCEEDED',
      );
      const outcome = (await readCycle('2022-2')).outcome;
      expect(outcome?.council).toMatchObject({ N: members.length, present: members.length, quorumMet: true });
      expect(outcome?.passed).toBe(round2?.ballot.length);

      // A vote with quorum is final: no third round, from the page or the terminal.
      const after = await revote(p, '2022', json);
      expect(after.status).toBe(409);
      const lines: string[] = [];
      const code = await runClientCommand(
        parseArgs(['revote', '--cycle', '2022']),
        p.port,
        (l) => lines.push(l),
        (l) => lines.push(l),
      );
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain('đã đủ số thành viên tham gia');
      expect((await readCycle('2022-3')).header).toBeUndefined();
      expect(p.runtime.sfn.listExecutions().map((x) => x.name)).not.toContain('commendation-2022-3-1');
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

// ---------------------------------------------------------------- npm start itself

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** When every process holding the child's output has ended (npm and node share it). */
function closed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('close', () => resolve()));
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('npm start as a person runs it', () => {
  it('prints the addresses, serves them, answers `npm start -- status`, and stops on Ctrl+C keeping the data', async () => {
    const root = mkdtempSync(join(tmpdir(), 'thidua-npm-start-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), THIDUA_DATA_DIR: root };
    delete env.LOG_LEVEL;
    // Its own process group, as a terminal gives it: Ctrl+C reaches npm and node together.
    const child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, detached: true });
    const done = closed(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      const started = Date.now();
      while (!out.includes(`${base}/inbox`)) {
        if (Date.now() - started > 60_000 || child.exitCode !== null)
          throw new Error(`npm start did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toContain(`Trang chủ:          ${base}/`);
      expect(out).toContain(`Đăng nhập quản trị: ${base}/admin`);
      expect(out).toContain('npm start -- launch');
      for (const path of ['/', '/inbox', '/admin']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status, path).toBe(200);
      }
      const status = await run(process.execPath, ['local/start.ts', 'status'], env);
      expect(status.code).toBe(0);
      expect(status.out).toContain('Đồng hồ: 02/08/2022 08:00 Asia/Ho_Chi_Minh');
      expect(status.out).toContain('Phát động: chưa');
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGINT');
    }
    await done;
    // The product stopped itself cleanly (npm, hit by the same Ctrl+C, may end by the signal).
    expect(out).toContain('Đã dừng');
    await expect(fetch(`${base}/`)).rejects.toThrow();
    expect(JSON.parse(readFileSync(join(root, 'demo', 'clock.json'), 'utf8')).now).toBe(
      '2022-08-02T01:00:00.000Z',
    );
    expect(existsSync(join(root, 'demo', 'db'))).toBe(true);
    // Without a server, a command says what to do instead of failing obscurely.
    const alone = await run(process.execPath, ['local/start.ts', 'launch'], env);
    expect(alone.code).toBe(1);
    expect(alone.out).toContain('hãy chạy `npm start` trước');
    rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
