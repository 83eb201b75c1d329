/**
 * EventBridge Scheduler, locally: an HTTP server speaking the REST-JSON protocol of
 * `@aws-sdk/client-scheduler` for the calls the handlers make (CreateSchedule, GetSchedule,
 * UpdateSchedule, DeleteSchedule) whose schedules fire on the virtual clock.
 *
 * - `at(yyyy-mm-ddThh:mm:ss)` is read in `ScheduleExpressionTimezone` (UTC by default);
 *   `rate(n minutes|hours|days)` recurs from its creation (missed occurrences coalesce, see
 *   clock.ts); `cron()` is refused with a ValidationException.
 * - Every schedule of the stack targets a function: it is invoked in-process and asynchronously
 *   (retried as Lambda's event queue does; a final failure goes to the Lambda's on-failure
 *   record, not to the schedule's DLQ). A target that cannot be reached is a dead letter, as the
 *   schedule's DLQ would receive it.
 * - `ActionAfterCompletion: DELETE` removes a one-time schedule once its target has run — not
 *   before, so that a process killed in between fires it again after a restart (the starter
 *   treats an execution already started as success).
 * - With a `persistPath`, schedules and groups are kept in a JSON file across restarts.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { offsetMs } from '#domain/calendar';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './cfn.ts';
import type { ClockTimer, VirtualClock } from './clock.ts';
import type { LocalLambdas } from './lambda.ts';
import { closeServer } from './sfn-endpoint.ts';

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  [other: string]: unknown;
}

export interface Schedule {
  Name: string;
  GroupName: string;
  Arn: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  State: 'ENABLED' | 'DISABLED';
  Target: ScheduleTarget;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion?: 'NONE' | 'DELETE';
  Description?: string;
  CreationDate: string;
  LastModificationDate: string;
}

/** A CreateSchedule/UpdateSchedule request body, as the client sends it. */
export type ScheduleInput = Partial<Schedule> & { StartDate?: unknown; EndDate?: unknown };

export interface ScheduleFiring {
  at: Date;
  scheduleArn: string;
  name: string;
  groupName: string;
  targetArn: string;
  outcome: 'invoked' | 'function-failed' | 'dead-letter';
}

/** What the schedule's dead-letter queue would receive. */
export interface ScheduleDeadLetter {
  at: Date;
  scheduleArn: string;
  deadLetterArn?: string;
  targetArn: string;
  input: string;
  error: string;
}

export class SchedulerApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
    this.name = code;
  }
}

export interface LocalSchedulerOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
  /** JSON file keeping schedules and groups across restarts. */
  persistPath?: string;
}

const NAME = /^[0-9a-zA-Z_.-]{1,64}$/;

export class LocalScheduler {
  readonly firings: ScheduleFiring[] = [];
  readonly deadLetters: ScheduleDeadLetter[] = [];
  private readonly schedules = new Map<string, Schedule>();
  private readonly groups = new Set<string>(['default']);
  private readonly timers = new Map<string, ClockTimer>();
  /** One-time schedules kept after firing (no DELETE): never armed again, even after a restart. */
  private readonly fired = new Set<string>();
  private server?: Server;
  private baseUrl?: string;
  private readonly options: LocalSchedulerOptions;

  constructor(options: LocalSchedulerOptions) {
    this.options = options;
    if (options.persistPath && existsSync(options.persistPath)) {
      const saved = JSON.parse(readFileSync(options.persistPath, 'utf8')) as {
        groups?: string[];
        schedules?: Schedule[];
        fired?: string[];
      };
      for (const g of saved.groups ?? []) this.groups.add(g);
      for (const f of saved.fired ?? []) this.fired.add(f);
      for (const s of saved.schedules ?? []) {
        this.schedules.set(key(s.GroupName, s.Name), s);
        this.arm(s);
      }
    }
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('The local scheduler is not listening: call start()');
    return this.baseUrl;
  }

  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  /** Adds a schedule group (the stack's own groups are added from the template). */
  createGroup(name: string): string {
    if (!NAME.test(name))
      throw new SchedulerApiError('ValidationException', 400, `Invalid group name ${name}`);
    if (this.groups.has(name)) {
      throw new SchedulerApiError('ConflictException', 409, `Schedule group ${name} already exists.`);
    }
    this.groups.add(name);
    this.persist();
    return groupArn(name);
  }

  ensureGroup(name: string): void {
    if (!this.groups.has(name)) this.createGroup(name);
  }

  createSchedule(name: string, input: ScheduleInput): string {
    const groupName = input.GroupName ?? 'default';
    if (this.schedules.has(key(groupName, name))) {
      throw new SchedulerApiError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    return this.put(this.validate(name, groupName, input));
  }

  updateSchedule(name: string, input: ScheduleInput): string {
    const groupName = input.GroupName ?? 'default';
    const existing = this.getSchedule(name, groupName);
    return this.put(this.validate(name, groupName, input, existing.CreationDate));
  }

  /** Stores a created or updated schedule, arms its timer and writes the file. */
  private put(schedule: Schedule): string {
    this.fired.delete(key(schedule.GroupName, schedule.Name));
    this.schedules.set(key(schedule.GroupName, schedule.Name), schedule);
    this.arm(schedule);
    this.persist();
    return schedule.Arn;
  }

  getSchedule(name: string, groupName = 'default'): Schedule {
    const s = this.schedules.get(key(groupName, name));
    if (!s) throw new SchedulerApiError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`);
    return s;
  }

  deleteSchedule(name: string, groupName = 'default'): void {
    this.getSchedule(name, groupName);
    this.remove(groupName, name);
    this.persist();
  }

  listSchedules(filter: { groupName?: string; namePrefix?: string; state?: string } = {}): Schedule[] {
    return [...this.schedules.values()].filter(
      (s) =>
        (!filter.groupName || s.GroupName === filter.groupName) &&
        (!filter.namePrefix || s.Name.startsWith(filter.namePrefix)) &&
        (!filter.state || s.State === filter.state),
    );
  }

  /** When the earliest enabled one-time schedule fires, if any. */
  nextEventTime(): Date | undefined {
    let next: Date | undefined;
    for (const s of this.schedules.values()) {
      if (s.State !== 'ENABLED' || !s.ScheduleExpression.startsWith('at(')) continue;
      if (this.fired.has(key(s.GroupName, s.Name))) continue;
      const at = parseAt(s.ScheduleExpression, s.ScheduleExpressionTimezone);
      if (!next || at < next) next = at;
    }
    return next;
  }

  // ------------------------------------------------------------------ internals

  private validate(name: string, groupName: string, input: ScheduleInput, created?: string): Schedule {
    const invalid = (message: string) => new SchedulerApiError('ValidationException', 400, message);
    if (!NAME.test(name)) throw invalid(`Name must match [0-9a-zA-Z-_.]{1,64}: ${name}`);
    if (!this.groups.has(groupName)) {
      throw new SchedulerApiError(
        'ResourceNotFoundException',
        404,
        `Schedule group ${groupName} does not exist.`,
      );
    }
    if (typeof input.ScheduleExpression !== 'string') throw invalid('ScheduleExpression is required');
    if (!input.FlexibleTimeWindow?.Mode) throw invalid('FlexibleTimeWindow is required');
    if (input.StartDate !== undefined || input.EndDate !== undefined) {
      throw invalid('StartDate and EndDate are not supported by the local scheduler');
    }
    if (!input.Target?.Arn || !input.Target.RoleArn)
      throw invalid('Target.Arn and Target.RoleArn are required');
    const tz = input.ScheduleExpressionTimezone;
    if (tz !== undefined) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        throw invalid(`Invalid ScheduleExpressionTimezone ${tz}`);
      }
    }
    const expr = input.ScheduleExpression;
    if (expr.startsWith('at(')) parseAt(expr, tz, invalid);
    else if (expr.startsWith('rate(')) parseRate(expr, invalid);
    else if (expr.startsWith('cron('))
      throw invalid('cron() schedules are not supported by the local scheduler');
    else throw invalid(`Invalid ScheduleExpression ${expr}`);
    if (input.ActionAfterCompletion && !['NONE', 'DELETE'].includes(input.ActionAfterCompletion)) {
      throw invalid('ActionAfterCompletion must be NONE or DELETE');
    }
    const now = this.options.clock.now().toISOString();
    return {
      Name: name,
      GroupName: groupName,
      Arn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule/${groupName}/${name}`,
      ScheduleExpression: expr,
      State: input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      Target: input.Target,
      FlexibleTimeWindow: input.FlexibleTimeWindow,
      CreationDate: created ?? now,
      LastModificationDate: now,
      ...(tz !== undefined ? { ScheduleExpressionTimezone: tz } : {}),
      ...(input.ActionAfterCompletion ? { ActionAfterCompletion: input.ActionAfterCompletion } : {}),
      ...(input.Description !== undefined ? { Description: input.Description } : {}),
    };
  }

  private arm(s: Schedule): void {
    const k = key(s.GroupName, s.Name);
    this.timers.get(k)?.cancel();
    this.timers.delete(k);
    if (s.State !== 'ENABLED' || this.fired.has(k)) return;
    const clock = this.options.clock;
    const label = `schedule ${s.GroupName}/${s.Name}`;
    if (s.ScheduleExpression.startsWith('at(')) {
      const at = parseAt(s.ScheduleExpression, s.ScheduleExpressionTimezone);
      // A one-time run of what a recurring schedule runs (the sweep's runs on demand) is
      // background work, as that schedule is, not an event of the calendar.
      const background = [...this.schedules.values()].some(
        (r) => r.ScheduleExpression.startsWith('rate(') && r.Target.Arn === s.Target.Arn,
      );
      this.timers.set(
        k,
        clock.setTimer(at, () => this.fire(s, true), { label, background }),
      );
    } else {
      const everyMs = parseRate(s.ScheduleExpression);
      const first = new Date(new Date(s.CreationDate).getTime() + everyMs);
      this.timers.set(
        k,
        clock.setTimer(first, () => this.fire(s, false), { label, everyMs }),
      );
    }
  }

  private remove(groupName: string, name: string): void {
    const k = key(groupName, name);
    this.timers.get(k)?.cancel();
    this.timers.delete(k);
    this.schedules.delete(k);
    this.fired.delete(k);
  }

  /**
   * Fires a schedule: delivers to its target, then — a one-time schedule — removes it (or marks it
   * fired) on disk. In that order, so that a process killed in between fires it again after the
   * restart rather than never (the starter treats an execution already started as success).
   */
  private async fire(s: Schedule, oneTime: boolean): Promise<void> {
    const k = key(s.GroupName, s.Name);
    if (this.schedules.get(k) !== s) return;
    if (oneTime) this.timers.delete(k);
    await this.deliver(s);
    // Unless it was replaced while its target ran (an UpdateSchedule re-arms it).
    if (oneTime && this.schedules.get(k) === s) {
      if (s.ActionAfterCompletion === 'DELETE') this.remove(s.GroupName, s.Name);
      else this.fired.add(k);
      this.persist();
    }
  }

  /** Invokes the schedule's target function asynchronously, or records a dead letter. */
  private async deliver(s: Schedule): Promise<void> {
    const now = this.options.clock.now();
    const input = (s.Target.Input ?? '{}')
      .replaceAll('<aws.scheduler.schedule-arn>', s.Arn)
      .replaceAll('<aws.scheduler.scheduled-time>', now.toISOString().replace(/\.\d{3}Z$/, 'Z'))
      .replaceAll('<aws.scheduler.execution-id>', randomUUID())
      .replaceAll('<aws.scheduler.attempt-number>', '1');
    const firing: ScheduleFiring = {
      at: now,
      scheduleArn: s.Arn,
      name: s.Name,
      groupName: s.GroupName,
      targetArn: s.Target.Arn,
      outcome: 'invoked',
    };
    this.firings.push(firing);
    const arn = s.Target.Arn;
    if (/^arn:aws[a-z-]*:lambda:/.test(arn) && this.options.lambdas.has(arn)) {
      let event: unknown = input;
      try {
        event = JSON.parse(input);
      } catch {
        // Scheduler passes a non-JSON Input through as it is.
      }
      const result = await this.options.lambdas.invokeAsync(arn, event);
      if (!result.ok) firing.outcome = 'function-failed';
      return;
    }
    firing.outcome = 'dead-letter';
    this.deadLetters.push({
      at: now,
      scheduleArn: s.Arn,
      targetArn: arn,
      input,
      error: /^arn:aws[a-z-]*:lambda:/.test(arn)
        ? `ResourceNotFoundException: Function not found: ${arn}`
        : `The local scheduler cannot deliver to ${arn}`,
      ...(s.Target.DeadLetterConfig?.Arn ? { deadLetterArn: s.Target.DeadLetterConfig.Arn } : {}),
    });
  }

  private persist(): void {
    const path = this.options.persistPath;
    if (!path) return;
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify(
        { groups: [...this.groups], schedules: [...this.schedules.values()], fired: [...this.fired] },
        null,
        2,
      ),
    );
    renameSync(tmp, path);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, errorType?: string) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(text);
      };
      try {
        const url = new URL(req.url ?? '/', 'http://local');
        const text = Buffer.concat(chunks).toString('utf8');
        // The client's JSON, checked field by field in validate().
        const body = (text ? JSON.parse(text) : {}) as ScheduleInput;
        send(200, this.route(req.method ?? 'GET', url, body));
      } catch (error) {
        if (error instanceof SchedulerApiError) send(error.status, { Message: error.message }, error.code);
        else if (error instanceof SyntaxError)
          send(400, { Message: 'The request body is not JSON' }, 'ValidationException');
        else
          send(
            500,
            { Message: error instanceof Error ? error.message : String(error) },
            'InternalServerException',
          );
      }
    });
  }

  /** The REST-JSON calls the handlers make: `POST|PUT|GET|DELETE /schedules/{Name}?groupName=`. */
  private route(method: string, url: URL, body: ScheduleInput): unknown {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const [collection, name] = parts;
    if (collection === 'schedules' && name !== undefined && parts.length === 2) {
      const groupName = url.searchParams.get('groupName') ?? 'default';
      switch (method) {
        case 'POST':
          return { ScheduleArn: this.createSchedule(name, body) };
        case 'PUT':
          return { ScheduleArn: this.updateSchedule(name, body) };
        case 'GET':
          return scheduleOut(this.getSchedule(name, groupName));
        case 'DELETE':
          this.deleteSchedule(name, groupName);
          return {};
      }
    }
    throw new SchedulerApiError('ValidationException', 400, `Unsupported request ${method} ${url.pathname}`);
  }
}

function key(groupName: string, name: string): string {
  return `${groupName}/${name}`;
}

function groupArn(name: string): string {
  return `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT}:schedule-group/${name}`;
}

function epoch(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : new Date(iso).getTime() / 1000;
}

function scheduleOut(s: Schedule): Record<string, unknown> {
  return {
    ...s,
    CreationDate: epoch(s.CreationDate),
    LastModificationDate: epoch(s.LastModificationDate),
  };
}

/** The instant of `at(yyyy-mm-ddThh:mm:ss)` read as wall time in `timeZone` (UTC by default). */
export function parseAt(
  expression: string,
  timeZone = 'UTC',
  invalid: (message: string) => Error = (m) => new Error(m),
): Date {
  const m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (!m) throw invalid(`Invalid at() expression ${expression}: expected at(yyyy-mm-ddThh:mm:ss)`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw invalid(`Invalid date in ${expression}`);
  }
  // The offset at the guessed instant, then once more at the corrected one (DST edges).
  let instant = wall - offsetMs(wall, timeZone);
  instant = wall - offsetMs(instant, timeZone);
  return new Date(instant);
}

/** `rate(n unit)` in milliseconds. */
export function parseRate(
  expression: string,
  invalid: (message: string) => Error = (m) => new Error(m),
): number {
  const m = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(expression);
  if (!m || Number(m[1]) < 1) throw invalid(`Invalid rate() expression ${expression}`);
  const unit = (m[2] ?? '').replace(/s$/, '');
  const ms = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return Number(m[1]) * ms;
}
