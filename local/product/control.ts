/**
 * What the running product, its pages and the terminal commands (local/start.ts) exchange: the
 * status, the outcome of each action, and `ProductControl`, what the pages need from the product.
 * Types only, so that the terminal commands load nothing else.
 */
import type { ConfigProblem } from '#domain/config';
import type { Points } from '#domain/model';
import type { AdjustmentsSource } from '#functions/scoring/adjustments-file';
import type { Actor } from '#ports/actor';

/** What the clock will do next. */
export interface NextEvent {
  at: string;
  /** dd/mm/yyyy HH:mm on the district's clock. */
  local: string;
  /** The timer's technical label (schedule name, execution and state). */
  label: string;
  /** What it means, in Vietnamese (English in brackets). */
  description: string;
}

export interface ExecutionSummary {
  name: string;
  workflow: string;
  status: string;
  startDate: string;
  stopDate?: string;
  error?: string;
}

export interface WaitingTask {
  execution: string;
  workflow: string;
  state: string;
  since: string;
  /** dd/mm/yyyy HH:mm of `since`. */
  sinceLocal: string;
  timeoutAt?: string;
}

/** `GET /local/status` (no task tokens, no link signatures, no report contents). */
export interface ProductStatus {
  district: { slug: string; name: string; authority: string };
  clock: { now: string; local: string; timeZone: string };
  nextEvent: NextEvent | null;
  launched: boolean;
  launch: { name: string; status: string } | null;
  /** How many emails the outbox holds (at most the inbox page's limit). */
  emails: number;
  /** Every execution started in this data folder (the journal keeps them across restarts). */
  executions: { total: number; byStatus: Record<string, number>; recent: ExecutionSummary[] };
  waitingFor: WaitingTask[];
  /** Executions run again at this start: those a stop or a crash left unfinished. */
  resumed: string[];
}

export interface LaunchOutcome {
  outcome: 'started' | 'already-launched';
  name: string;
  status: string;
  error?: string;
  newEmails: number;
  schedules: number;
}

export interface AdvanceOutcome {
  outcome: 'moved' | 'no-event';
  from: string;
  to: string;
  /** dd/mm/yyyy HH:mm of `to`. */
  local: string;
  /** What fired on the way, in time order. */
  fired: { at: string; local: string; label: string; description: string; recurring: boolean }[];
  newEmails: number;
  nextEvent: NextEvent | null;
}

/** `POST /local/record`: what was recorded, read back from the store. */
export interface RecordOutcome {
  /** The name the file's problems and lines are reported under. */
  file: string;
  recorded: {
    periodId: string;
    unitId: string;
    unitName: string;
    /** Hundredths of a point; null: no survey (the appraised sum is rescaled). */
    survey: Points | null;
    bonus: Points;
    penalty: Points;
    note?: string;
    changed: boolean;
    version: number;
  }[];
  /** Periods among them whose results are already published, with their latest results version. */
  published: { periodId: string; version: number; rerunAs: string }[];
}

/** `POST /local/record` with problems: nothing was stored. */
export interface RecordProblems {
  problems: ConfigProblem[];
}

/** A year or the phase whose last council vote was tallied without quorum: a new vote may be called. */
export interface RevoteOffer {
  /** `2023` or `phase`: the `cycle` `POST /local/revote` takes. */
  scopeId: string;
  /** "năm 2023", "giai đoạn 2022 – 2025". */
  label: string;
  /** The round without quorum (`2023`, `2023-2`…) and the one a new vote starts (`2023-2`…). */
  lastCycleId: string;
  nextCycleId: string;
  /** The new vote's round (2 after the first vote). */
  nextRound: number;
  /** The council's outcome sentence of that round ("Không đủ số thành viên tham gia (5/8, …)"). */
  outcome: string;
}

/** `POST /local/revote`: the next round started through the starter, or why not. */
export interface RevoteOutcome {
  outcome: 'started' | 'already-started' | 'refused';
  scopeId: string;
  /** Why not, in Vietnamese (English in brackets). */
  reason?: string;
  /** The new round's cycle id (`2023-2`) and its execution (`commendation-2023-2-1`). */
  cycleId?: string;
  name?: string;
  status?: string;
  error?: string;
  newEmails: number;
}

/** What the pages need from the running product (local/start.ts). */
export interface ProductControl {
  district: { slug: string; name: string; authority: string; timeZone: string };
  admins: { name: string; email: string }[];
  /** Everyone the district writes to (focal points, reviewers, council, admins, leadership), for the inbox filter. */
  people: { name: string; email: string; role: string }[];
  baseUrl(): string;
  status(): Promise<ProductStatus>;
  launch(): Promise<LaunchOutcome>;
  advance(to?: Date): Promise<AdvanceOutcome>;
  /** Checks and stores an adjustments file (`recordAdjustments`); throws ConfigError with every problem. */
  record(source: AdjustmentsSource, actor: Actor): Promise<RecordOutcome>;
  /** The years (and the phase) whose last council vote had no quorum: the home page's new-vote buttons. */
  revoteOffers(): Promise<RevoteOffer[]>;
  /** Calls a new council vote for a year or `phase` whose last vote had no quorum (`POST /local/revote`). */
  revote(scopeId: string): Promise<RevoteOutcome>;
  /**
   * SES message id → the order the SES emulator received it in (mail of this process only: the
   * emulator keeps mail in memory). Mails of one clock instant tie on time; this orders them.
   */
  sendOrder(): Promise<Map<string, number>>;
}
