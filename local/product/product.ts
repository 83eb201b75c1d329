/**
 * The product on one machine (what `npm start` runs; local/start.ts is its command line).
 *
 * The district's `DistrictStack` is built in-process (the same construct `cdk deploy` deploys; its
 * digest is kept until the code or the config changes, ./stack-cache.ts) and run by the local
 * runtime (local/runtime/runtime.ts) with its data in `.local/<slug>`: DynamoDB in dynalite on
 * disk, the schedules and the virtual clock in JSON files, the signing key in `signing-key.json` —
 * so a restart keeps them. The stack's pages and the local-only pages (local/product/pages: home,
 * inbox, launch, clock) are served on 127.0.0.1:<PORT>, which is also the `BASE_URL` of every link
 * the handlers mail. The runtime journals every execution in the same folder: after a restart — or
 * a crash — every execution that had not ended runs again from its start under its name (the steps
 * are re-entrant, so nobody is mailed twice and the links already mailed keep working), and a clock
 * move a crash interrupted is finished.
 */
import { join, resolve } from 'node:path';
import { zonedInstant } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { recordAdjustments } from '#functions/scoring/record-adjustments';
import type { WorkflowName } from '#infra/district-stack';
import { districtConfigFile } from '#infra/project';
import { type Dynalite, startDiskDynalite } from '#local/runtime/emulators';
import { type LocalHttpServer, pageRoutes, startHttpServer } from '#local/runtime/http';
import {
  type LocalRuntime,
  type Recovery,
  startLocalRuntime,
  stopLocalRuntime,
} from '#local/runtime/runtime';
import { resetAwsClients } from '#ports/aws';
import { campaigns } from '#ports/dynamo/campaigns';
import { outbox } from '#ports/dynamo/outbox';
import { SchemaMismatchError } from '#ports/errors';
import { readOrCreateKeyFile } from '#ports/links';
import { resetPorts } from '#ports/registry';
import { launchExecution } from '#workflows/executions';
import type {
  AdvanceOutcome,
  ExecutionSummary,
  LaunchOutcome,
  NextEvent,
  ProductControl,
  ProductStatus,
  RevoteOutcome,
} from './control.ts';
import { claimDataDir, lockDataDir, savedClock } from './data-dir.ts';
import { DEFAULT_DISTRICT, DEFAULT_HOST, DEFAULT_PORT, dataRoot } from './defaults.ts';
import { describeEvent } from './events.ts';
import { INBOX_LIMIT, localDateTime } from './pages/common.ts';
import { recordOutcome } from './pages/record.ts';
import { devPageRoutes } from './pages/routes.ts';
import { callNewVote, revoteOffers } from './revote.ts';
import { districtDigest } from './stack-cache.ts';

/** The clock of a fresh data folder starts on the campaign's plan date at this wall time. */
export const CLOCK_START_TIME = '08:00';

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
  /** Each workflow's state machine, by the name the runtime knows it by. */
  workflows: Record<WorkflowName, string>;
  runtime: LocalRuntime;
  http: LocalHttpServer;
  /** Executions run again at this start: those a stop or a crash left unfinished. */
  resumed: string[];
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

/** What the product runs: the district, where its data lives, and the running pieces. */
interface Parts {
  slug: string;
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  dataDir: string;
  signingKeyFile: string;
  workflows: Record<WorkflowName, string>;
  runtime: LocalRuntime;
  http: LocalHttpServer;
  /** Gives the data folder back to the next process. */
  release: () => void;
}

export async function startProduct(options: ProductOptions = {}): Promise<Product> {
  const startedAt = performance.now();
  const slug = options.district ?? DEFAULT_DISTRICT;
  const dataDir = resolve(options.dataDir ?? join(dataRoot(), slug));
  claimDataDir(dataDir, slug);
  const release = lockDataDir(dataDir);
  try {
    const parts = await startParts(options, slug, dataDir, release);
    try {
      await refuseEarlierLayout(dataDir);
      const product = new LocalProduct(parts);
      for (const route of [...(await pageRoutes()), ...devPageRoutes(product.control)]) {
        parts.http.addRoute(route);
      }
      await product.recover();
      product.startupMs = Math.round(performance.now() - startedAt);
      // performance.now() counts from the process's start.
      product.readyAfterMs = Math.round(performance.now());
      return product;
    } catch (error) {
      await parts.http.close().catch(() => undefined);
      await stopLocalRuntime(parts.runtime).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    release();
    throw error;
  }
}

/** Reads the district, makes its signing key, starts the HTTP server and then the runtime. */
async function startParts(
  options: ProductOptions,
  slug: string,
  dataDir: string,
  release: () => void,
): Promise<Parts> {
  // dynalite's thread loads and opens the store while this one reads the config and the digest
  // (a third of a second of a start); the runtime takes it over, or it is stopped below.
  const dynalite = startDiskDynalite(join(dataDir, 'db'));
  dynalite.catch(() => undefined); // the runtime awaits it and reports its failure
  try {
    return await startPartsBeside(dynalite, options, slug, dataDir, release);
  } catch (error) {
    await dynalite.then((d) => d.stop()).catch(() => undefined);
    throw error;
  }
}

async function startPartsBeside(
  dynalite: Promise<Dynalite>,
  options: ProductOptions,
  slug: string,
  dataDir: string,
  release: () => void,
): Promise<Parts> {
  const file = districtConfigFile(slug);
  // The config is checked against the virtual clock ("is the phase over?"), not the real date: a
  // fresh folder's clock starts on the plan date, which the phase check always accepts.
  const saved = savedClock(dataDir);
  const { config, criteriaSets } = loadDistrict(file, { now: saved ?? new Date(0) });
  if (config.district.slug !== slug) {
    throw new Error(
      `${file} declares district.slug "${config.district.slug}"; it must equal its file name "${slug}".`,
    );
  }
  const clockStart = new Date(
    zonedInstant(config.campaign.planDate, CLOCK_START_TIME, config.district.timeZone),
  );
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
  try {
    const { digest, workflows } = await districtDigest(slug, { config, criteriaSets });
    const runtime = await startLocalRuntime({
      stack: digest,
      dataDir,
      clockStart,
      dynalite,
      refOverrides: { 'AWS::ApiGatewayV2::Api.ApiEndpoint': http.url },
      extraEnv: { BASE_URL: http.url, SIGNING_KEY_FILE: signingKeyFile },
    });
    // Keep the starting time from the first start on: a restart resumes it even before any move.
    if (!saved) runtime.clock.set(runtime.clock.now());
    // Clients and ports made before the runtime set the endpoints must be made again.
    resetAwsClients();
    resetPorts();
    return {
      slug,
      config,
      criteriaSets,
      dataDir,
      signingKeyFile,
      workflows,
      runtime,
      http,
      release,
    };
  } catch (error) {
    await http.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Refuses a data folder written by an earlier storage layout: nothing there is read or changed,
 * and the message says how to start over (docs/storage.md, "Data written by an earlier layout").
 */
async function refuseEarlierLayout(dataDir: string): Promise<void> {
  try {
    await campaigns().getHeader({ consistent: true });
  } catch (error) {
    if (!(error instanceof SchemaMismatchError)) throw error;
    throw new Error(
      `Dữ liệu trong ${dataDir} được ghi theo cấu trúc lưu trữ cũ (phiên bản ${error.found}, cần ${error.expected}). ` +
        `Để bắt đầu lại, hãy dừng chương trình và xoá thư mục đó (rm -rf ${dataDir}), rồi chạy lại npm start. ` +
        `(The data in ${dataDir} was written by an earlier storage layout; delete the folder to start over.)`,
    );
  }
}

class LocalProduct implements Product {
  readonly slug: string;
  readonly config: DistrictConfig;
  readonly criteriaSets: CriteriaSet[];
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly signingKeyFile: string;
  readonly workflows: Record<WorkflowName, string>;
  readonly runtime: LocalRuntime;
  readonly http: LocalHttpServer;
  readonly resumed: string[] = [];
  readonly control: ProductControl;
  startupMs = 0;
  readyAfterMs = 0;
  private readonly release: () => void;
  private readonly timeZone: string;
  /** Launch, clock moves and new votes one at a time (two clicks, or a click and a terminal command). */
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(parts: Parts) {
    this.slug = parts.slug;
    this.config = parts.config;
    this.criteriaSets = parts.criteriaSets;
    this.dataDir = parts.dataDir;
    this.signingKeyFile = parts.signingKeyFile;
    this.workflows = parts.workflows;
    this.runtime = parts.runtime;
    this.http = parts.http;
    this.url = parts.http.url;
    this.port = parts.http.port;
    this.release = parts.release;
    this.timeZone = parts.config.district.timeZone;
    this.control = this.makeControl();
  }

  /**
   * Runs again what the last process left unfinished, and finishes a clock move it was killed in
   * (before any launch or move of this process: they wait their turn).
   */
  recover(): Promise<Recovery> {
    return this.exclusive(async () => {
      const recovery = await this.runtime.recover();
      this.resumed.push(...recovery.resumed);
      return recovery;
    });
  }

  /**
   * Stores the campaign as its next version (the same content again is the version stored before),
   * then starts `launch-v<version>-<hash12>` with that version's ids; its name stays taken (the
   * journal keeps it), so the same campaign again is `already-launched` and nobody is mailed twice.
   * A launch that failed is redriven: it runs again under its name, its steps skipping what was done.
   */
  launch(): Promise<LaunchOutcome> {
    return this.exclusive(async () => {
      const rt = this.runtime;
      // Stored first: the execution's input names the version, never the config itself.
      const { name, input } = launchExecution(
        await storeCampaign({ config: this.config, criteriaSets: this.criteriaSets }),
      );
      const before = await this.sentSoFar();
      const stateMachineArn = this.workflowArn('launch');
      const earlier = rt.sfn.listExecutions({ stateMachineArn }).find((x) => x.name === name);
      let outcome: LaunchOutcome['outcome'] = 'started';
      let executionArn: string;
      if (!earlier) {
        executionArn = rt.sfn.startExecution({
          stateMachineArn,
          name,
          input: JSON.stringify(input),
        }).executionArn;
      } else if (earlier.status === 'SUCCEEDED' || earlier.status === 'RUNNING') {
        outcome = 'already-launched';
        executionArn = earlier.executionArn;
      } else {
        executionArn = earlier.executionArn;
        rt.sfn.redriveExecution(executionArn);
      }
      await rt.settle();
      const d = rt.sfn.describeExecution(executionArn);
      return {
        outcome,
        name,
        status: d.status,
        ...(d.error ? { error: d.error } : {}),
        newEmails: (await this.sentSoFar()) - before,
        schedules: this.launchSchedules(),
      };
    });
  }

  advance(to?: Date): Promise<AdvanceOutcome> {
    return this.exclusive(async () => {
      const rt = this.runtime;
      const from = rt.clock.now();
      const before = await this.sentSoFar();
      let target = to;
      if (!target) {
        await rt.settle();
        const next = rt.clock.nextEventTime();
        if (!next) {
          const at = from.toISOString();
          const local = localDateTime(from, this.timeZone);
          return { outcome: 'no-event', from: at, to: at, local, fired: [], newEmails: 0, nextEvent: null };
        }
        target = new Date(Math.max(next.getTime(), from.getTime()));
      }
      const fired = await rt.advanceClock(target);
      const now = rt.clock.now();
      return {
        outcome: 'moved',
        from: from.toISOString(),
        to: now.toISOString(),
        local: localDateTime(now, this.timeZone),
        fired: fired.map((f) => ({
          at: f.at.toISOString(),
          local: localDateTime(f.at, this.timeZone),
          label: f.label,
          description: describeEvent(f.label, this.config),
          recurring: f.background === true || this.isRecurring(f.label),
        })),
        newEmails: (await this.sentSoFar()) - before,
        nextEvent: this.nextEvent(),
      };
    });
  }

  async status(): Promise<ProductStatus> {
    const rt = this.runtime;
    const now = rt.clock.now();
    const executions = rt.sfn.listExecutions();
    const byStatus: Record<string, number> = {};
    for (const x of executions) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
    // The number of mails the inbox shows, counted by the store: a status (each start's banner, each
    // `npm start -- status`) read every record of a long outbox to count them.
    const [campaign, emails] = await Promise.all([campaigns().getHeader(), outbox().count(INBOX_LIMIT)]);
    const latest = rt.sfn.listExecutions({ stateMachineArn: this.workflowArn('launch') })[0];
    const recent: ExecutionSummary[] = executions.slice(0, 50).map((x) => ({
      name: x.name,
      workflow: this.workflowOf(x.stateMachineArn),
      status: x.status,
      startDate: x.startDate.toISOString(),
      ...(x.stopDate ? { stopDate: x.stopDate.toISOString() } : {}),
      ...(x.error ? { error: x.error } : {}),
    }));
    const { district } = this.config;
    return {
      district: { slug: this.slug, name: district.name, authority: district.authority },
      clock: { now: now.toISOString(), local: localDateTime(now, this.timeZone), timeZone: this.timeZone },
      nextEvent: this.nextEvent(),
      launched: campaign !== undefined,
      launch: latest ? { name: latest.name, status: latest.status } : null,
      emails,
      executions: { total: executions.length, byStatus, recent },
      waitingFor: rt.sfn.pendingTasks().map((t) => ({
        execution: t.executionName,
        workflow: t.stateMachineName,
        state: t.stateName,
        since: t.since.toISOString(),
        sinceLocal: localDateTime(t.since, this.timeZone),
        ...(t.timeoutAt ? { timeoutAt: t.timeoutAt.toISOString() } : {}),
      })),
      resumed: [...this.resumed],
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.http.close();
    // Let the steps in flight finish their writes (a click's decision, a Map of invitations).
    await Promise.race([
      this.queue.then(() => this.runtime.settle()),
      new Promise((r) => setTimeout(r, 10_000).unref()),
    ]);
    await stopLocalRuntime(this.runtime);
    resetPorts();
    resetAwsClients();
    this.release();
  }

  // ---------------------------------------------------------------- internals

  private makeControl(): ProductControl {
    const { config, criteriaSets } = this;
    const unitNames = new Map(config.units.map((u) => [u.id, u.name]));
    const person = (role: string) => (p: { name: string; email: string }) => ({
      name: p.name,
      email: p.email,
      role,
    });
    return {
      district: {
        slug: this.slug,
        name: config.district.name,
        authority: config.district.authority,
        timeZone: this.timeZone,
      },
      admins: config.admins.map((a) => ({ name: a.name, email: a.email })),
      people: [
        ...config.units.map((u) => person(`đầu mối ${u.name}`)(u.focalPoint)),
        ...config.reviewers.map(person('thẩm định')),
        ...config.council.map(person('hội đồng')),
        ...config.admins.map(person('quản trị')),
        ...config.leadership.map(person('lãnh đạo')),
      ],
      baseUrl: () => this.http.url,
      status: () => this.status(),
      launch: () => this.launch(),
      advance: (to) => this.advance(to),
      // Checked against the district this product runs (its config file and criteria sets).
      record: async (source, actor) =>
        recordOutcome(
          unitNames,
          source.file,
          await recordAdjustments({ config, criteriaSets }, source, actor),
        ),
      revoteOffers: () => revoteOffers(config),
      revote: (scopeId) =>
        this.exclusive(async (): Promise<RevoteOutcome> => {
          const before = await this.sentSoFar();
          const r = await callNewVote(this.runtime, config, scopeId);
          return { ...r, newEmails: (await this.sentSoFar()) - before };
        }),
      sendOrder: () => this.sendOrder(),
    };
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private workflowArn(workflow: WorkflowName): string {
    return this.runtime.stateMachineArn(this.workflows[workflow]);
  }

  private workflowOf(stateMachineArn: string): string {
    const workflows = Object.keys(this.workflows) as WorkflowName[];
    return workflows.find((w) => this.workflowArn(w) === stateMachineArn) ?? stateMachineArn;
  }

  private async sendOrder(): Promise<Map<string, number>> {
    const res = await fetch(`${this.runtime.endpoints.sesv2}/store`);
    const { emails } = (await res.json()) as { emails: { messageId?: string }[] };
    return new Map(emails.flatMap((m, i) => (m.messageId ? [[m.messageId, i] as const] : [])));
  }

  /** The SES emulator's count of messages this process sent: a cheap "how many new emails". */
  private async sentSoFar(): Promise<number> {
    const res = await fetch(`${this.runtime.endpoints.sesv2}/store`);
    const { emails } = (await res.json()) as { emails: unknown[] };
    return emails.length;
  }

  private nextEvent(): NextEvent | null {
    const clock = this.runtime.clock;
    const at = clock.nextEventTime();
    if (!at) return null;
    const label = clock.pending().find((t) => t.at.getTime() === at.getTime())?.label ?? '';
    return {
      at: at.toISOString(),
      local: localDateTime(at, this.timeZone),
      label,
      description: describeEvent(label, this.config),
    };
  }

  private isRecurring(label: string): boolean {
    const name = /^schedule [^/]+\/(.+)$/.exec(label)?.[1];
    return this.runtime.scheduler
      .listSchedules()
      .some((s) => s.Name === name && s.ScheduleExpression.startsWith('rate('));
  }

  /** How many calendar events the launch scheduled. */
  private launchSchedules(): number {
    const group = this.runtime.env.SCHEDULE_GROUP;
    if (!group) return 0;
    return this.runtime.scheduler
      .listSchedules({ groupName: group })
      .filter((s) => s.ScheduleExpression.startsWith('at(')).length;
  }
}
