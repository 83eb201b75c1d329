/**
 * The product on one machine (what `npm start` runs; local/start.ts is its command line).
 *
 * The district's `DistrictStack` is built in-process (the same construct `cdk deploy` deploys) and
 * run by the local runtime (local/runtime.ts) with its data in `.local/<slug>`: DynamoDB in
 * dynalite on disk, the schedules and the virtual clock in JSON files, the signing key in
 * `signing-key.json` — so a restart keeps them. The stack's pages and the local-only pages
 * (local/dev-pages.ts: home, inbox, launch, clock) are served on 127.0.0.1:<PORT>, which is also
 * the `BASE_URL` of every link the handlers mail.
 *
 * After a restart the engine has forgotten its executions: every stored report still waiting for
 * a person (submitted, in review, returned, explained) gets its review execution started again
 * under its own name, and an open council vote its commendation execution. The steps are
 * re-entrant and swap the new task token behind the same approval id, so the links already in
 * people's mailboxes keep working and nobody gets a second email.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zonedInstant } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import {
  commendationExecution,
  cycleLabel,
  endedWithoutQuorum,
  MAX_ROUND,
  parseCycle,
  readCycle,
  roundCycleId,
  storedRounds,
} from '#functions/commendation/award';
import { reviewExecutionName } from '#functions/http/report';
import { launchExecution } from '#functions/launch/launch-input';
import { recordAdjustments } from '#functions/scoring/adjustments';
import { districtConfigFile } from '#infra/app';
import { DistrictStack, districtStackName, type WorkflowName } from '#infra/district-stack';
import { localApp } from '#local/runtime/asl';
import { type LocalHttpServer, pageRoutes, startHttpServer } from '#local/runtime/http';
import { type LocalRuntime, startLocalRuntime, stopLocalRuntime } from '#local/runtime/runtime';
import { periodName } from '#mail/emails';
import { resetAwsClients } from '#ports/aws';
import { getDeps, resetDeps } from '#ports/deps';
import { readOrCreateKeyFile } from '#ports/links';
import type { ReportStatus, Store } from '#ports/store';
import { DEFAULT_DISTRICT, DEFAULT_HOST, DEFAULT_PORT, dataRoot } from './defaults.ts';
import {
  type AdvanceOutcome,
  devPageRoutes,
  type ExecutionSummary,
  INBOX_LIMIT,
  type LaunchOutcome,
  localDateTime,
  type NextEvent,
  type ProductControl,
  type ProductStatus,
  type RevoteOffer,
  type RevoteOutcome,
  recordOutcome,
} from './dev-pages.ts';

/** The clock of a fresh data folder starts on the campaign's plan date at this wall time. */
export const CLOCK_START_TIME = '08:00';

/** Report statuses in which a review execution is waiting for a person. */
export const WAITING_REPORT_STATUSES: readonly ReportStatus[] = [
  'submitted',
  'in-review',
  'returned',
  'explained',
];

export interface ProductOptions {
  /** District slug (`districts/<slug>.yaml`); default `demo`. */
  district?: string;
  /** 0 picks a free port (tests); default 3000. */
  port?: number;
  host?: string;
  /** Where this district's data lives; default `<THIDUA_DATA_DIR or .local>/<slug>`. */
  dataDir?: string;
  /** The signing key file; default env SIGNING_KEY_FILE, else `<dataDir>/signing-key.json`. */
  signingKeyFile?: string;
}

export interface Product {
  slug: string;
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  /** `http://127.0.0.1:<port>`: the pages, and `BASE_URL` of every mailed link. */
  url: string;
  port: number;
  dataDir: string;
  signingKeyFile: string;
  stack: DistrictStack;
  runtime: LocalRuntime;
  http: LocalHttpServer;
  /** Executions started again at this start (waits re-armed after a restart). */
  rearmed: string[];
  /** Milliseconds from the call to a serving product. */
  startupMs: number;
  /** Milliseconds from the process's start to a serving product (module loading included). */
  readyAfterMs: number;
  control: ProductControl;
  launch(): Promise<LaunchOutcome>;
  advance(to?: Date): Promise<AdvanceOutcome>;
  status(): Promise<ProductStatus>;
  /** Waits (up to 10 s) for running steps, closes the servers, stops the engine, flushes dynalite. */
  stop(): Promise<void>;
}

/** Re-exported for the callers that found it here (functions/launch/launch-input.ts is its home). */
export { launchExecution };

// ---------------------------------------------------------------- small files in the data folder

interface DistrictMark {
  slug: string;
}

/** One data folder belongs to one district: two districts' tables have the same local name. */
function claimDataDir(dataDir: string, slug: string): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'district.json');
  if (existsSync(file)) {
    const mark = JSON.parse(readFileSync(file, 'utf8')) as DistrictMark;
    if (mark.slug !== slug) {
      throw new Error(
        `Thư mục dữ liệu ${dataDir} thuộc huyện "${mark.slug}", không phải "${slug}". ` +
          `(The data folder belongs to district "${mark.slug}"; use another THIDUA_DATA_DIR.)`,
      );
    }
    return;
  }
  writeFileSync(file, `${JSON.stringify({ slug } satisfies DistrictMark)}\n`);
}

/**
 * One running product per data folder: dynalite's LevelDB allows one process, and a second one
 * would only crash on its first request. Returns the release; a file left by a process that is
 * gone (killed) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'in-use.json');
  const take = () => writeFileSync(file, `${JSON.stringify({ pid: process.pid })}\n`, { flag: 'wx' });
  try {
    take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    let pid: number | undefined;
    try {
      pid = (JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid;
    } catch {
      pid = undefined;
    }
    if (typeof pid === 'number' && isRunning(pid)) {
      throw new Error(
        `Thư mục dữ liệu ${dataDir} đang được một \`npm start\` khác dùng (pid ${pid}); hãy dừng nó trước (Ctrl+C). ` +
          `(The data folder is in use by another npm start, pid ${pid}: stop it first.)`,
      );
    }
    rmSync(file, { force: true });
    take();
  }
  const release = () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid === process.pid)
        rmSync(file, { force: true });
    } catch {
      // already gone
    }
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function savedClock(dataDir: string): Date | undefined {
  const file = join(dataDir, 'clock.json');
  if (!existsSync(file)) return undefined;
  const d = new Date((JSON.parse(readFileSync(file, 'utf8')) as { now?: string }).now ?? '');
  return Number.isNaN(d.getTime()) ? undefined : d;
}

type LaunchRecords = Record<string, { status: string; at: string }>;

/**
 * The launches started from this data folder and how they ended: the engine forgets its
 * executions on restart, this file remembers that a launch succeeded (as AWS keeps a name 90 days).
 */
function launchRecords(dataDir: string): LaunchRecords {
  const file = join(dataDir, 'launches.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LaunchRecords) : {};
}

function recordLaunch(dataDir: string, name: string, status: string, at: Date): void {
  const records = launchRecords(dataDir);
  records[name] = { status, at: at.toISOString() };
  writeFileSync(join(dataDir, 'launches.json'), `${JSON.stringify(records, null, 2)}\n`);
}

// ---------------------------------------------------------------- what a clock event means

/** The next event on the clock in words (schedule names: functions/launch/plan-schedules.ts). */
export function describeEvent(label: string, config: DistrictConfig): string {
  const schedule = /^schedule [^/]+\/(.+)$/.exec(label)?.[1];
  const period = (id: string) => {
    const p = /^(\d{4})/.exec(id);
    const frequency = config.calendar.frequency;
    return p ? periodName({ id, year: Number(p[1]), frequency }) : id;
  };
  if (schedule) {
    const m = /^period-(.+)-(open|remind|deadline|close)$/.exec(schedule);
    if (m) {
      const [, id = '', event] = m;
      switch (event) {
        case 'open':
          return `Mở kỳ báo cáo ${period(id)}: gửi thư mời nộp báo cáo (the submission window opens)`;
        case 'remind':
          return `Nhắc các đơn vị chưa nộp báo cáo ${period(id)} (reminder)`;
        case 'deadline':
          return `Hạn nộp báo cáo ${period(id)}: ghi nhận đơn vị nộp muộn (deadline)`;
        default:
          return `Kết thúc thẩm định ${period(id)}, tính điểm và công bố kết quả (review closes; scoring)`;
      }
    }
    const c = /^commendation-(.+)$/.exec(schedule);
    if (c) {
      return c[1] === 'phase'
        ? 'Bình xét khen thưởng cả giai đoạn (commendation of the phase)'
        : `Bình xét khen thưởng năm ${c[1]} (commendation of the year)`;
    }
    if (/sweep/i.test(schedule)) {
      return 'Quét định kỳ: gửi lại quyết định và email chưa gửi được (the recurring sweep)';
    }
    return `Lịch ${schedule} (schedule)`;
  }
  const wait = /^(\S+) (\S+) (timeout|heartbeat)$/.exec(label);
  if (wait) return `Hết thời gian chờ: ${wait[1]}, bước ${wait[2]} (a wait times out)`;
  const exec = /^execution timeout (\S+)$/.exec(label);
  if (exec) return `Quy trình ${exec[1]} hết thời gian (an execution times out)`;
  return label;
}

// ---------------------------------------------------------------- the product

export async function startProduct(options: ProductOptions = {}): Promise<Product> {
  const startedAt = performance.now();
  const slug = options.district ?? DEFAULT_DISTRICT;
  const file = districtConfigFile(slug);
  const dataDir = resolve(options.dataDir ?? join(dataRoot(), slug));
  claimDataDir(dataDir, slug);
  const release = lockDataDir(dataDir);
  try {
    return await startLocked(options, { slug, file, dataDir, startedAt }, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function startLocked(
  options: ProductOptions,
  where: { slug: string; file: string; dataDir: string; startedAt: number },
  release: () => void,
): Promise<Product> {
  const { slug, file, dataDir, startedAt } = where;

  // The config is checked against the virtual clock ("is the phase over?"), not the real date: a
  // fresh folder's clock starts on the plan date, which the phase check always accepts.
  const saved = savedClock(dataDir);
  const { config, criteriaSets } = loadDistrict(file, { now: saved ?? new Date(0) });
  if (config.district.slug !== slug) {
    throw new Error(
      `${file} declares district.slug "${config.district.slug}"; it must equal its file name "${slug}".`,
    );
  }
  const timeZone = config.district.timeZone;
  const clockStart = new Date(zonedInstant(config.campaign.planDate, CLOCK_START_TIME, timeZone));

  const signingKeyFile = resolve(
    options.signingKeyFile ?? (process.env.SIGNING_KEY_FILE?.trim() || join(dataDir, 'signing-key.json')),
  );
  readOrCreateKeyFile(signingKeyFile);

  // The server first: its port is the base URL of every link the handlers sign.
  const http = await startHttpServer({
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? DEFAULT_HOST,
    routes: [],
  });
  let runtime: LocalRuntime | undefined;
  try {
    const stack = new DistrictStack(localApp(), districtStackName(slug), { config, criteriaSets });
    const stackRoutes = await pageRoutes();
    runtime = await startLocalRuntime({
      stack,
      dataDir,
      clockStart,
      refOverrides: { 'AWS::ApiGatewayV2::Api.ApiEndpoint': http.url },
      extraEnv: { BASE_URL: http.url, SIGNING_KEY_FILE: signingKeyFile },
    });
    const rt = runtime;
    // Keep the starting time from the first start on: a restart resumes it even before any move.
    if (!saved) rt.clock.set(rt.clock.now());
    // Clients and deps made before the runtime set the endpoints must be made again.
    resetAwsClients();
    resetDeps();
    const store = (): Store => getDeps().store;
    const workflowArn = (w: WorkflowName) => rt.stateMachineArn(stack.workflows[w].node.id);
    const workflowOf = (stateMachineArn: string) =>
      (Object.keys(stack.workflows) as WorkflowName[]).find((w) => workflowArn(w) === stateMachineArn) ??
      stateMachineArn;

    // Launch and clock moves one at a time (two clicks, or a click and a terminal command).
    let queue: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = queue.then(fn);
      queue = run.catch(() => undefined);
      return run;
    };
    const sentSoFar = async (): Promise<number> => {
      // The SES emulator's count of messages this process sent: a cheap "how many new emails".
      const res = await fetch(`${rt.endpoints.sesv2}/store`);
      return ((await res.json()) as { emails: unknown[] }).emails.length;
    };
    const nextEvent = (): NextEvent | null => {
      const at = rt.clock.nextEventTime();
      if (!at) return null;
      const label = rt.clock.pending().find((t) => t.at.getTime() === at.getTime())?.label ?? '';
      return {
        at: at.toISOString(),
        local: localDateTime(at, timeZone),
        label,
        description: describeEvent(label, config),
      };
    };
    const isRecurring = (label: string) => {
      const name = /^schedule [^/]+\/(.+)$/.exec(label)?.[1];
      return rt.scheduler
        .listSchedules()
        .some((s) => s.Name === name && s.ScheduleExpression.startsWith('rate('));
    };
    const launchSchedules = () => {
      const group = rt.env.SCHEDULE_GROUP;
      return group
        ? rt.scheduler
            .listSchedules({ groupName: group })
            .filter((s) => s.ScheduleExpression.startsWith('at(')).length
        : 0;
    };

    const launch = () =>
      exclusive(async (): Promise<LaunchOutcome> => {
        const { name, input } = launchExecution(config, criteriaSets);
        const before = await sentSoFar();
        const recorded = launchRecords(dataDir)[name];
        if (recorded?.status === 'SUCCEEDED') {
          return {
            outcome: 'already-launched',
            name,
            status: recorded.status,
            newEmails: 0,
            schedules: launchSchedules(),
          };
        }
        let executionArn: string;
        let outcome: LaunchOutcome['outcome'] = 'started';
        try {
          executionArn = rt.sfn.startExecution({
            stateMachineArn: workflowArn('launch'),
            name,
            input: input as never,
          }).executionArn;
          recordLaunch(dataDir, name, 'RUNNING', rt.clock.now());
        } catch (error) {
          if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
          outcome = 'already-launched';
          executionArn = rt.sfn
            .listExecutions({ stateMachineArn: workflowArn('launch') })
            .find((x) => x.name === name)?.executionArn as string;
        }
        await rt.settle();
        const d = rt.sfn.describeExecution(executionArn);
        if (outcome === 'started') recordLaunch(dataDir, name, d.status, rt.clock.now());
        return {
          outcome,
          name,
          status: d.status,
          ...(d.error ? { error: d.error } : {}),
          newEmails: (await sentSoFar()) - before,
          schedules: launchSchedules(),
        };
      });

    const advance = (to?: Date) =>
      exclusive(async (): Promise<AdvanceOutcome> => {
        const from = rt.clock.now();
        const before = await sentSoFar();
        let target = to;
        if (!target) {
          await rt.settle();
          const next = rt.clock.nextEventTime();
          if (!next) {
            return {
              outcome: 'no-event',
              from: from.toISOString(),
              to: from.toISOString(),
              local: localDateTime(from, timeZone),
              fired: [],
              newEmails: 0,
              nextEvent: null,
            };
          }
          target = new Date(Math.max(next.getTime(), from.getTime()));
        }
        const fired = await rt.advanceClock(target);
        const now = rt.clock.now();
        return {
          outcome: 'moved',
          from: from.toISOString(),
          to: now.toISOString(),
          local: localDateTime(now, timeZone),
          fired: fired.map((f) => ({
            at: f.at.toISOString(),
            local: localDateTime(f.at, timeZone),
            label: f.label,
            description: describeEvent(f.label, config),
            recurring: isRecurring(f.label),
          })),
          newEmails: (await sentSoFar()) - before,
          nextEvent: nextEvent(),
        };
      });

    const rearmed: string[] = [];
    const status = async (): Promise<ProductStatus> => {
      const now = rt.clock.now();
      const executions = rt.sfn.listExecutions();
      const byStatus: Record<string, number> = {};
      for (const x of executions) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
      const records = Object.entries(launchRecords(dataDir)).sort((a, b) => (a[1].at < b[1].at ? 1 : -1));
      const [campaign, outbox] = await Promise.all([store().getCampaign(), store().listOutbox(INBOX_LIMIT)]);
      const latest = records[0];
      const recent: ExecutionSummary[] = executions.slice(0, 50).map((x) => ({
        name: x.name,
        workflow: workflowOf(x.stateMachineArn),
        status: x.status,
        startDate: x.startDate.toISOString(),
        ...(x.stopDate ? { stopDate: x.stopDate.toISOString() } : {}),
        ...(x.error ? { error: x.error } : {}),
      }));
      return {
        district: { slug, name: config.district.name, authority: config.district.authority },
        clock: { now: now.toISOString(), local: localDateTime(now, timeZone), timeZone },
        nextEvent: nextEvent(),
        launched: campaign !== undefined,
        launch: latest ? { name: latest[0], status: latest[1].status } : null,
        emails: outbox.length,
        executions: { total: executions.length, byStatus, recent },
        waitingFor: rt.sfn.pendingTasks().map((t) => ({
          execution: t.executionName,
          workflow: t.stateMachineName,
          state: t.stateName,
          since: t.since.toISOString(),
          sinceLocal: localDateTime(t.since, timeZone),
          ...(t.timeoutAt ? { timeoutAt: t.timeoutAt.toISOString() } : {}),
        })),
        rearmed: [...rearmed],
      };
    };

    const unitNames = new Map(config.units.map((u) => [u.id, u.name]));
    const control: ProductControl = {
      district: { slug, name: config.district.name, authority: config.district.authority, timeZone },
      admins: config.admins.map((a) => ({ name: a.name, email: a.email })),
      people: [
        ...config.units.map((u) => ({
          name: u.focalPoint.name,
          email: u.focalPoint.email,
          role: `đầu mối ${u.name}`,
        })),
        ...config.reviewers.map((p) => ({ name: p.name, email: p.email, role: 'thẩm định (reviewer)' })),
        ...config.council.map((p) => ({ name: p.name, email: p.email, role: 'hội đồng (council)' })),
        ...config.admins.map((p) => ({ name: p.name, email: p.email, role: 'quản trị (admin)' })),
        ...config.leadership.map((p) => ({ name: p.name, email: p.email, role: 'lãnh đạo (leadership)' })),
      ],
      baseUrl: () => http.url,
      store,
      status,
      launch,
      advance,
      // Checked against the district this product runs (its config file and criteria sets).
      record: async (source, actor) =>
        recordOutcome(
          store(),
          unitNames,
          source.file,
          await recordAdjustments(store(), { config, criteriaSets }, source, actor),
        ),
      revoteOffers: () => revoteOffers(store(), config),
      revote: (scopeId) =>
        exclusive(async (): Promise<RevoteOutcome> => {
          const before = await sentSoFar();
          const r = await callNewVote(rt, store(), config, scopeId);
          return { ...r, newEmails: (await sentSoFar()) - before };
        }),
    };
    for (const route of [...stackRoutes, ...devPageRoutes(control)]) http.addRoute(route);

    rearmed.push(...(await rearmWaits(rt, store(), workflowArn)));

    let stopped = false;
    const product: Product = {
      slug,
      config,
      criteriaSets,
      url: http.url,
      port: http.port,
      dataDir,
      signingKeyFile,
      stack,
      runtime: rt,
      http,
      rearmed,
      startupMs: Math.round(performance.now() - startedAt),
      // performance.now() counts from the process's start.
      readyAfterMs: Math.round(performance.now()),
      control,
      launch,
      advance,
      status,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await http.close();
        // Let the steps in flight finish their writes (a click's decision, a Map of invitations).
        await Promise.race([
          queue.then(() => rt.settle()),
          new Promise((r) => setTimeout(r, 10_000).unref()),
        ]);
        await stopLocalRuntime(rt);
        resetDeps();
        resetAwsClients();
        release();
      },
    };
    return product;
  } catch (error) {
    await http.close().catch(() => undefined);
    if (runtime) await stopLocalRuntime(runtime).catch(() => undefined);
    throw error;
  }
}

/**
 * Starts again, under their own names, the executions that were waiting for a person when the
 * process stopped: the engine forgot them, the store did not. Returns the names started.
 */
export async function rearmWaits(
  rt: LocalRuntime,
  store: Store,
  workflowArn: (w: WorkflowName) => string,
): Promise<string[]> {
  const started: string[] = [];
  const start = (workflow: WorkflowName, name: string, input: Record<string, string>) => {
    try {
      rt.sfn.startExecution({ stateMachineArn: workflowArn(workflow), name, input });
      started.push(name);
    } catch (error) {
      // Only an engine that already ran it in this process refuses the name (not after a restart).
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
    }
  };
  if (!(await store.getCampaign())) return started;
  const now = rt.clock.now().getTime();
  const periods = await store.listPeriods();
  for (const { period } of periods) {
    for (const report of await store.listPeriodReports(period.id)) {
      if (!WAITING_REPORT_STATUSES.includes(report.status)) continue;
      // Past the late-appraisal deadline a review has ended (Chưa thẩm định) unless a link is still open.
      if (now >= Date.parse(period.lateAppraisalUntil)) {
        const approvals = await store.listUnitPeriodApprovals(report.unitId, period.id);
        if (!approvals.some((a) => a.status === 'pending' && a.kind !== 'report')) continue;
      }
      const attempt = (report as { attempt?: unknown }).attempt;
      start(
        'review',
        reviewExecutionName(report.unitId, period.id, typeof attempt === 'number' ? attempt : 1),
        { unitId: report.unitId, periodId: period.id },
      );
    }
  }
  // A council vote still open: its commendation execution (the Map asks only members who have not
  // voted). Each year and the phase, round 1 under the scope's id, and a new vote after one without
  // quorum (round n: `<scope>-<n>`) for as long as its proposal is stored.
  const scopes = [...new Set(periods.map((p) => String(p.period.year))), 'phase'];
  for (const scopeId of scopes) {
    for (let round = 1; round <= MAX_ROUND; round++) {
      const cycleId = roundCycleId(scopeId, round);
      if (round > 1 && !(await readCycle(store, cycleId)).header) break;
      const votes = await store.listPeriodApprovals(cycleId);
      if (votes.some((a) => a.kind === 'vote' && a.status === 'pending')) {
        const { name, input } = commendationExecution(cycleId);
        start('commendation', name, input);
      }
    }
  }
  if (started.length > 0) await rt.settle();
  return started;
}

// ---------------------------------------------------------------- a new council vote

/** The years of the stored calendar, then `phase`: the scopes a commendation cycle can have. */
async function commendationScopes(store: Store): Promise<string[]> {
  const periods = await store.listPeriods();
  return [...new Set(periods.map((p) => String(p.period.year))), 'phase'];
}

/** Every year (and the phase) whose last council vote was tallied without quorum. */
export async function revoteOffers(
  store: Store,
  config: Pick<DistrictConfig, 'campaign'>,
): Promise<RevoteOffer[]> {
  const offers: RevoteOffer[] = [];
  for (const scopeId of await commendationScopes(store)) {
    const last = (await storedRounds(store, scopeId)).at(-1);
    if (!last || !endedWithoutQuorum(last.cycle) || last.round >= MAX_ROUND) continue;
    offers.push({
      scopeId,
      label: cycleLabel(parseCycle(scopeId), config),
      lastCycleId: last.cycleId,
      nextCycleId: roundCycleId(scopeId, last.round + 1),
      nextRound: last.round + 1,
      outcome: last.cycle.outcome?.council.outcome ?? '',
    });
  }
  return offers;
}

/**
 * The admin's new council vote after one without quorum: the next round of the year or phase
 * (cycle `<scope>-<n>`), started as the schedules start round 1 — the starter function with
 * `commendation-<scope>-<n>-1` and `{cycleId: "<scope>-<n>"}` — then run until it waits for the
 * members (the proposal made again from the same results, every member mailed a new link).
 * Refused while the last vote is open, after a vote with quorum, and before any vote.
 */
export async function callNewVote(
  rt: LocalRuntime,
  store: Store,
  config: Pick<DistrictConfig, 'campaign'>,
  scope: string,
): Promise<Omit<RevoteOutcome, 'newEmails'>> {
  const scopeId = scope.trim();
  const refused = (reason: string) => ({ outcome: 'refused' as const, scopeId, reason });
  if (!(await commendationScopes(store)).includes(scopeId)) {
    return refused(
      `"${scopeId}" không phải một năm của phong trào hay "phase" (giai đoạn). ` +
        '(Not a year of the campaign nor "phase".)',
    );
  }
  const label = cycleLabel(parseCycle(scopeId), config);
  const last = (await storedRounds(store, scopeId)).at(-1);
  if (!last) {
    return refused(
      `Chưa có đề nghị khen thưởng ${label}: Hội đồng chưa biểu quyết lần nào. (No council vote yet.)`,
    );
  }
  if (!last.cycle.outcome) {
    return refused(
      `Biểu quyết ${cycleLabel(parseCycle(last.cycleId), config)} chưa kết thúc. (The vote is still open.)`,
    );
  }
  if (!endedWithoutQuorum(last.cycle)) {
    return refused(
      (last.cycle.header?.ballot.length ?? 0) === 0
        ? `Không có trường hợp nào để biểu quyết ${label}. (Nothing to vote on.)`
        : `Biểu quyết ${cycleLabel(parseCycle(last.cycleId), config)} đã đủ số thành viên tham gia: kết quả đã có, không biểu quyết lại. (The last vote had quorum.)`,
    );
  }
  if (last.round >= MAX_ROUND) return refused(`Đã biểu quyết ${MAX_ROUND} lần. (Too many rounds.)`);
  const cycleId = roundCycleId(scopeId, last.round + 1);
  const { name, input } = commendationExecution(cycleId);
  const answer = (await rt.lambdas.invoke(rt.functionArn('functions/starter.ts'), {
    workflow: 'commendation',
    name,
    input,
  })) as { status: 'started' | 'already-exists' };
  await rt.settle();
  const execution = rt.sfn.listExecutions().find((x) => x.name === name);
  return {
    outcome: answer.status === 'started' ? 'started' : 'already-started',
    scopeId,
    cycleId,
    name,
    ...(execution ? { status: execution.status } : {}),
    ...(execution?.error ? { error: execution.error } : {}),
  };
}

// ---------------------------------------------------------------- what a person reads on start

/** The addresses a person needs and what to do first (printed by `npm start`). */
export function banner(product: Product, status: ProductStatus): string {
  const { url, config } = product;
  const rel = relative(process.cwd(), product.dataDir);
  const where = rel && !rel.startsWith('..') ? rel : product.dataDir;
  const lines = [
    '',
    `thidua — ${config.district.name} (${product.slug}) đang chạy trên máy này (running locally)`,
    '',
    `  Trang chủ (home):                   ${url}/`,
    `  Hộp thư, mọi email (inbox):         ${url}/inbox`,
    `  Đăng nhập quản trị (admin sign-in): ${url}/admin`,
    `    quản trị viên (admins): ${config.admins.map((a) => a.email).join(', ')}`,
    `  Trạng thái JSON (status):           ${url}/local/status`,
    '',
    `  Đồng hồ (clock, ${status.clock.timeZone}): ${status.clock.local}`,
    status.nextEvent
      ? `  Sự kiện tiếp theo (next event): ${status.nextEvent.local} — ${status.nextEvent.description}`
      : '  Chưa có sự kiện nào được lên lịch (no scheduled event).',
    `  Dữ liệu (data): ${where}`,
    `  Sẵn sàng sau (ready after) ${(product.readyAfterMs / 1000).toFixed(1)} s, bộ nhớ (memory) ${Math.round(process.memoryUsage().rss / 1_048_576)} MB`,
  ];
  if (product.rearmed.length > 0) {
    lines.push(
      `  Đã khởi động lại ${product.rearmed.length} quy trình đang chờ (re-armed waiting executions): ${product.rearmed.join(', ')}`,
    );
  }
  lines.push('');
  if (!status.launched) {
    lines.push(
      'Bước đầu tiên (first): mở trang chủ và bấm "Phát động phong trào", hoặc chạy `npm start -- launch`.',
      '  (Open the home page and press "launch", or run `npm start -- launch` in another terminal.)',
      'Sau đó: đọc email trong hộp thư, bấm "Chuyển đến sự kiện tiếp theo" (`npm start -- advance`) để mở kỳ báo cáo,',
      'và làm theo các liên kết trong email như đơn vị, người thẩm định, hội đồng.',
      '  (Then read the inbox, move the clock to the next event to open a period, and follow the links in the emails.)',
    );
  } else {
    lines.push(
      'Tiếp tục (next): làm theo các liên kết trong hộp thư; `npm start -- advance` chuyển đồng hồ đến sự kiện tiếp theo.',
      '  (Follow the links in the inbox; `npm start -- advance` moves the clock to the next event.)',
    );
  }
  lines.push(
    'Dừng (stop): Ctrl+C — dữ liệu, lịch và đồng hồ được giữ lại (data, schedules and clock are kept).',
    '',
  );
  return lines.join('\n');
}
