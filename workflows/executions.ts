/**
 * The name and input of every workflow's executions, built and parsed here only (no CDK import:
 * handlers, the CLI and the local product load it). A name is the idempotency key of what the
 * execution does: Step Functions refuses a second execution of the same name
 * (`ExecutionAlreadyExists`, which every starter treats as success), and a closed execution's
 * name stays taken for 90 days. Inputs carry ids only, never the config or the criteria
 * (docs/storage.md, "Execution inputs by reference").
 *
 * | workflow | name | input |
 * |---|---|---|
 * | launch | `launch-v<version>-<contentHash[0:12]>` | `{campaignVersion, contentHash}` |
 * | period | `period-<period>-<open|remind|deadline|close>` | `{periodId, event}` |
 * | review | `review-<unit>-<period>-<attempt>` | `{unitId, periodId}` |
 * | scoring | `scoring-<period>-close`, `scoring-<period>-late-<unit>-r<round>`, `scoring-<period>-admin-<n>` | `{periodId}` |
 * | commendation | `commendation-<cycle>-1` | `{cycleId}` |
 *
 * Names are ASCII, at most 80 characters of `[A-Za-z0-9_-]` (unit ids ≤ 40, period ids ≤ 8).
 */

export type WorkflowName = 'launch' | 'period' | 'review' | 'scoring' | 'commendation';
export const WORKFLOW_NAMES: readonly WorkflowName[] = [
  'launch',
  'period',
  'review',
  'scoring',
  'commendation',
];

/** The calendar events of a period, in order; each is one execution. */
export const PERIOD_EVENTS = ['open', 'remind', 'deadline', 'close'] as const;
export type PeriodEvent = (typeof PERIOD_EVENTS)[number];

/** What made a period's results be computed (again): the version's reason (functions/ports/results.ts). */
export type ScoringTrigger =
  /** The period's review closed: its first results. */
  | { trigger: 'close' }
  /** A unit's report approved after review close, in that round. */
  | { trigger: 'late'; unitId: string; round: number }
  /** The admin's n-th rerun (e.g. after recording adjustments). */
  | { trigger: 'admin'; n: number };

export interface LaunchInput {
  campaignVersion: number;
  contentHash: string;
}
export interface PeriodInput {
  periodId: string;
  event: PeriodEvent;
}
export interface ReviewInput {
  unitId: string;
  periodId: string;
}
export interface ScoringInput {
  periodId: string;
}
export interface CommendationInput {
  cycleId: string;
}

export interface Execution<W extends WorkflowName, I> {
  workflow: W;
  name: string;
  input: I;
}

/** Step Functions' limit on an execution's input (256 KiB, UTF-8 bytes). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** The input's size as Step Functions counts it: the UTF-8 bytes of its JSON text. */
export function inputBytes(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input ?? {}));
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ID = '[A-Za-z0-9][A-Za-z0-9._:-]*';
/** The calendar's period ids: a year, optionally its quarter or half (domain/calendar.ts). */
const PERIOD = '\\d{4}(?:Q[1-4]|H[12])?';

function named<W extends WorkflowName, I>(workflow: W, name: string, input: I): Execution<W, I> {
  if (!NAME.test(name))
    throw new Error(`Execution name ${JSON.stringify(name)} must be 1–80 characters of [A-Za-z0-9_-]`);
  return { workflow, name, input };
}

/** The launch of a stored campaign version: the same version launched twice is one execution. */
export function launchExecution(campaign: {
  version: number;
  contentHash: string;
}): Execution<'launch', LaunchInput> {
  return named('launch', `launch-v${campaign.version}-${campaign.contentHash.slice(0, 12)}`, {
    campaignVersion: campaign.version,
    contentHash: campaign.contentHash,
  });
}

export function periodExecution(periodId: string, event: PeriodEvent): Execution<'period', PeriodInput> {
  return named('period', `period-${periodId}-${event}`, { periodId, event });
}

/** One execution per unit-period; only an admin's restart raises the attempt (docs/review.md). */
export function reviewExecution(
  unitId: string,
  periodId: string,
  attempt = 1,
): Execution<'review', ReviewInput> {
  return named('review', `review-${unitId}-${periodId}-${attempt}`, { unitId, periodId });
}

/**
 * A period's scoring, named by what triggered it: each trigger is computed once, and each is a
 * no-op when the results did not change — so no late approval is left out of every version.
 */
export function scoringExecution(
  periodId: string,
  trigger: ScoringTrigger,
): Execution<'scoring', ScoringInput> {
  const why =
    trigger.trigger === 'close'
      ? 'close'
      : trigger.trigger === 'late'
        ? `late-${trigger.unitId}-r${trigger.round}`
        : `admin-${trigger.n}`;
  return named('scoring', `scoring-${periodId}-${why}`, { periodId });
}

/**
 * The proposal and vote of a commendation cycle (`2024`, `phase`, or a later vote round `2024-2`),
 * as the schedules (round 1) and an admin's new vote start it.
 */
export function commendationExecution(cycleId: string): Execution<'commendation', CommendationInput> {
  return named('commendation', `commendation-${cycleId}-1`, { cycleId });
}

export type ParsedExecution =
  | { workflow: 'launch'; campaignVersion: number; hash12: string }
  | { workflow: 'period'; periodId: string; event: PeriodEvent }
  | { workflow: 'review'; unitId: string; periodId: string; attempt: number }
  | { workflow: 'scoring'; periodId: string; trigger: ScoringTrigger }
  | { workflow: 'commendation'; cycleId: string };

const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => ParsedExecution | undefined][] = [
  [
    /^launch-v(\d+)-([0-9a-f]{12})$/,
    (m) => ({ workflow: 'launch', campaignVersion: Number(m[1]), hash12: String(m[2]) }),
  ],
  [
    new RegExp(`^period-(${PERIOD})-(open|remind|deadline|close)$`),
    (m) => {
      const event = PERIOD_EVENTS.find((e) => e === m[2]);
      return event ? { workflow: 'period', periodId: String(m[1]), event } : undefined;
    },
  ],
  [
    new RegExp(`^review-(${ID})-(${PERIOD})-(\\d+)$`),
    (m) => ({ workflow: 'review', unitId: String(m[1]), periodId: String(m[2]), attempt: Number(m[3]) }),
  ],
  [
    new RegExp(`^scoring-(${PERIOD})-close$`),
    (m) => ({ workflow: 'scoring', periodId: String(m[1]), trigger: { trigger: 'close' } }),
  ],
  [
    new RegExp(`^scoring-(${PERIOD})-late-(${ID})-r(\\d+)$`),
    (m) => ({
      workflow: 'scoring',
      periodId: String(m[1]),
      trigger: { trigger: 'late', unitId: String(m[2]), round: Number(m[3]) },
    }),
  ],
  [
    new RegExp(`^scoring-(${PERIOD})-admin-(\\d+)$`),
    (m) => ({ workflow: 'scoring', periodId: String(m[1]), trigger: { trigger: 'admin', n: Number(m[2]) } }),
  ],
  [
    /^commendation-((?:\d{4}|phase)(?:-[1-9]\d{0,2})?)-1$/,
    (m) => ({ workflow: 'commendation', cycleId: String(m[1]) }),
  ],
];

/** What an execution's name says, or undefined for a name none of the builders above makes. */
export function parseExecutionName(name: string | undefined): ParsedExecution | undefined {
  for (const [pattern, read] of PATTERNS) {
    const m = pattern.exec(name ?? '');
    if (m) return read(m);
  }
  return undefined;
}
