/**
 * The handler table: every Lambda function of a district stack, its handler file, what it is
 * for, its limits and its grants — each grant with the reason the handler needs it. The
 * functions room (infra/functions.ts) makes the functions and their roles from it.
 */
import { Duration } from 'aws-cdk-lib';
import { transformSync } from 'esbuild';
import { ASSET_NAMES, type AssetName, assetSource } from '#web/assets';
import type { EvidenceAccess } from './evidence.ts';

/**
 * An asset as the bundle carries it and the browser downloads it: minified (the script 30 → 15 KB),
 * its comments left in the repository. Run from source (locally, in tests) the file is served as written.
 */
export function minifiedAsset(name: AssetName): string {
  const loader = name.endsWith('.css') ? 'css' : 'js';
  return transformSync(assetSource(name), { loader, minify: true, legalComments: 'none' }).code;
}

/** The state machines of a district. */
export const WORKFLOWS = ['launch', 'review', 'period', 'scoring', 'commendation'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

/** The variable naming one state machine's ARN, e.g. `SCORING_STATE_MACHINE_ARN`. */
export function stateMachineArnVariable(workflow: WorkflowName): string {
  return `${workflow.toUpperCase()}_STATE_MACHINE_ARN`;
}

/** What a handler may do besides reading and writing the table; each grant says why. */
export interface HandlerGrants {
  /** Why it sends mail (ses:SendEmail from the district's address through its configuration set). */
  mail?: string;
  /** Why it reads the signing key (it makes or checks signed links). */
  signingKey?: string;
  /** Why it answers task tokens, and of which of this stack's state machines. */
  taskResponse?: { why: string; of: readonly WorkflowName[] };
  /**
   * Why it starts executions, and of which state machines: `states:StartExecution` on those
   * only, their ARNs in its environment (`<NAME>_STATE_MACHINE_ARN`, or one JSON map
   * `STATE_MACHINE_ARNS` when `asMap`).
   */
  startExecution?: { why: string; of: readonly WorkflowName[]; asMap?: true };
  /** Why it makes schedules: scheduler actions on the stack's group only, PassRole on their role only. */
  schedules?: string;
  /**
   * Why it asks for a sweep run (its claims leave follow-ups): `lambda:InvokeFunction` on the
   * sweep only, its ARN in `SWEEP_FUNCTION_ARN` — no scheduler or PassRole right. Not for a step
   * of a state machine: the sweep names the review machine, which names its steps (a cycle).
   */
  triggersSweep?: string;
  /**
   * Why it plans the sweep's runs on demand: CreateSchedule on the group's `sweep-*` schedules
   * only, PassRole on the sweep schedules' role only (to Scheduler only).
   */
  plansSweeps?: string;
  /** Why it never touches the table: then it gets no table action at all. */
  noTable?: string;
  /**
   * Why a failed asynchronous invocation of it (Scheduler invokes its targets asynchronously)
   * must reach the operator: after `ASYNC_RETRIES` retries Lambda puts it in the stack's
   * failures queue, the one place every failure lands (infra/alarms.ts).
   */
  asyncFailures?: string;
  /** Why it touches evidence files, and how: each kind its own actions on `evidence/*` only (infra/evidence.ts). */
  evidence?: { why: string; access: EvidenceAccess };
}

/** Lambda's retries of a failed asynchronous invocation before it goes to the failures queue. */
export const ASYNC_RETRIES = 2;

export interface HandlerSpec extends HandlerGrants {
  /** Construct id of the function (its name in the console derives from it). */
  id: string;
  entry: string;
  description: string;
  timeout: Duration;
  /** Memory in MB (default 512). */
  memorySize?: number;
  /** State machines whose ARN it reads without starting or answering them. */
  knows?: readonly WorkflowName[];
  /** Constants inlined into its bundle (esbuild `define`), e.g. the static files it serves. */
  define?: () => Record<string, string>;
}

const STEP_TIMEOUT = Duration.seconds(30);

/**
 * Every handler file, with its grants. All but the starter read and write the table: each step
 * claims an outbox record, an approval or an audit entry with a conditional write (the store's
 * locks), and the pages store reports, decisions and sessions — so `read-write` is their least
 * privilege, limited to item actions (no Scan, no table management) on this district's table
 * and its indexes.
 */
export const HANDLERS = {
  // ---------------------------------------------------------------- review (docs/review.md)
  assignReviewer: {
    id: 'AssignReviewer',
    entry: 'functions/review/assign-reviewer.ts',
    description: 'Review: pick the reviewer of a unit-period (balanced, never from the unit).',
    timeout: STEP_TIMEOUT,
  },
  requestAppraisal: {
    id: 'RequestAppraisal',
    entry: 'functions/review/request-appraisal.ts',
    description: 'Review: create the appraisal approval and email the reviewer its signed link.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the review request',
    signingKey: 'signs the review link',
    taskResponse: {
      why: 'delivers an already recorded decision at once when the wait is re-armed',
      of: ['review'],
    },
  },
  remindWaiting: {
    id: 'RemindWaiting',
    entry: 'functions/review/remind-waiting.ts',
    description: 'Review: a wait timed out; tell the admin or remind the unit, report the late deadline.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the escalation to the admin and the reminder',
    signingKey: 'the reminder carries the same signed link',
  },
  requestExplanation: {
    id: 'RequestExplanation',
    entry: 'functions/review/request-explanation.ts',
    description: 'Review: return the report for explanation and email the unit its signed link.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the reviewer comments to the unit',
    signingKey: 'signs the report link',
    taskResponse: {
      why: 'delivers an already recorded explanation at once when the wait is re-armed',
      of: ['review'],
    },
  },
  recordApproval: {
    id: 'RecordApproval',
    entry: 'functions/review/record-approval.ts',
    description: 'Review: record the approval and tell the unit; after review close, start a new scoring.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the approval to the unit',
    signingKey: 'the approval email links to the report page',
    startExecution: {
      why: 'an approval after review close starts scoring-<period>-v(n+1)',
      of: ['scoring'],
    },
  },
  markUnappraised: {
    id: 'MarkUnappraised',
    entry: 'functions/review/mark-unappraised.ts',
    description:
      'Review: the late-appraisal deadline passed; close the approvals, tell the admins and the unit.',
    timeout: STEP_TIMEOUT,
    mail: 'tells the admins and the unit',
  },
  recordFailure: {
    id: 'RecordFailure',
    entry: 'functions/record-failure.ts',
    description: 'Every workflow: record a failed execution in the audit and tell the admins.',
    timeout: STEP_TIMEOUT,
    mail: 'alerts the admins',
  },

  // ---------------------------------------------------------------- launch (docs/cycle.md)
  storeCampaign: {
    id: 'StoreCampaign',
    entry: 'functions/launch/store-campaign.ts',
    description: 'Launch: validate the config again; store campaign, units, people, periods (skip existing).',
    timeout: Duration.minutes(2),
  },
  planSchedules: {
    id: 'PlanSchedules',
    entry: 'functions/launch/plan-schedules.ts',
    description: 'Launch: create or update the one-time schedule of every calendar event.',
    timeout: Duration.minutes(2),
    schedules: 'creates, compares and updates the one-time schedules of the stored calendar',
  },
  listRecipients: {
    id: 'ListRecipients',
    entry: 'functions/period/list-recipients.ts',
    description: 'Launch and period: who gets the launch notice, invitation, reminder or late notice.',
    timeout: Duration.minutes(1),
  },
  announceLaunch: {
    id: 'AnnounceLaunch',
    entry: 'functions/launch/announce-launch.ts',
    description: 'Launch: the launch notice (plan content, 05T/05K) to one focal point or reviewer.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the launch notice',
  },

  // ---------------------------------------------------------------- period
  openPeriod: {
    id: 'OpenPeriod',
    entry: 'functions/period/open-period.ts',
    description: 'Period: the submission window opens (scheduled → open).',
    timeout: STEP_TIMEOUT,
  },
  inviteUnit: {
    id: 'InviteUnit',
    entry: 'functions/period/invite-unit.ts',
    description: 'Period: the report link and the invitation to one unit (skipped if invited).',
    timeout: STEP_TIMEOUT,
    mail: 'emails the invitation',
    signingKey: 'signs the report link',
  },
  remindUnit: {
    id: 'RemindUnit',
    entry: 'functions/period/remind-unit.ts',
    description: 'Period: the reminder or the late notice to one unit without a submitted report.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the reminder and the late notice',
    signingKey: 'the reminder carries the report link',
  },
  closePeriod: {
    id: 'ClosePeriod',
    entry: 'functions/period/close-period.ts',
    description: 'Period: review closes (open → closed); alert the admins; start scoring-<period>-v1.',
    timeout: STEP_TIMEOUT,
    mail: 'alerts the admins of unappraised units',
    startExecution: { why: 'starts scoring-<period>-v1', of: ['scoring'] },
  },

  // ---------------------------------------------------------------- scoring
  computeResults: {
    id: 'ComputeResults',
    entry: 'functions/scoring/compute-results.ts',
    description: 'Scoring: scores, bands, ranks, trends of a period; store a new results version.',
    timeout: Duration.minutes(2),
    memorySize: 1024,
  },
  publishResult: {
    id: 'PublishResult',
    entry: 'functions/scoring/publish-result.ts',
    description: "Scoring: one unit's score, band, rank and trend, emailed to the unit.",
    timeout: STEP_TIMEOUT,
    mail: 'emails the result to the unit',
    signingKey: "signs the link to the unit's report in the results email",
  },
  notifyLeadership: {
    id: 'NotifyLeadership',
    entry: 'functions/scoring/notify-leadership.ts',
    description: 'Scoring: the summary of a results version to leadership and admins.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the summary',
  },

  // ---------------------------------------------------------------- commendation
  proposeCommendations: {
    id: 'ProposeCommendations',
    entry: 'functions/commendation/propose-commendations.ts',
    description: 'Commendation: candidates of the year or phase by the rules, with nominations; stored.',
    timeout: Duration.minutes(1),
  },
  requestVote: {
    id: 'RequestVote',
    entry: 'functions/commendation/request-vote.ts',
    description: 'Commendation: the vote approval of one council member and its emailed signed link.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the vote request',
    signingKey: 'signs the vote link',
    taskResponse: {
      why: 'delivers an already cast ballot at once when the vote is re-armed',
      of: ['commendation'],
    },
  },
  remindVote: {
    id: 'RemindVote',
    entry: 'functions/commendation/remind-vote.ts',
    description: 'Commendation: a member who has not voted reminded, with the same link; the next wait.',
    timeout: STEP_TIMEOUT,
    mail: 'emails the vote reminder',
    signingKey: 'signs the vote link again in the reminder',
  },
  tallyVotes: {
    id: 'TallyVotes',
    entry: 'functions/commendation/tally-votes.ts',
    description: 'Commendation: tally the stored ballots (quorum, threshold) into the final list.',
    timeout: STEP_TIMEOUT,
  },
  notifyOutcome: {
    id: 'NotifyOutcome',
    entry: 'functions/commendation/notify-outcome.ts',
    description: 'Commendation: the outcome to council, leadership and units; the initiatives digest.',
    // One invocation mails every unit, the council and leadership (≈ 0.1 s a mail): 1,000 units fit.
    timeout: Duration.minutes(5),
    mail: 'emails the outcome and the digest',
  },

  // ---------------------------------------------------------------- starter
  starter: {
    id: 'Starter',
    entry: 'functions/starter.ts',
    description: 'Schedule target: start the named execution (an existing one is success).',
    timeout: STEP_TIMEOUT,
    noTable: 'it only starts executions',
    startExecution: {
      why: 'the one-time schedules start period, scoring and commendation executions through it (and review, when re-armed)',
      of: ['period', 'scoring', 'commendation', 'review'],
      asMap: true,
    },
    asyncFailures: 'a calendar event it could not start would otherwise be lost silently',
  },

  // ---------------------------------------------------------------- pages and sweep
  reportPage: {
    id: 'ReportPage',
    entry: 'functions/http/report.ts',
    description: 'Pages: the unit report (save, submit, explain) behind its signed link.',
    timeout: Duration.seconds(20),
    // The form's script and style sheet, served by this function: inlined, so no file travels beside the bundle.
    define: () => ({
      THIDUA_ASSETS: JSON.stringify(Object.fromEntries(ASSET_NAMES.map((n) => [n, minifiedAsset(n)]))),
    }),
    signingKey: 'checks the report link',
    taskResponse: { why: 'an explanation decides the pending explain approval', of: ['review'] },
    startExecution: { why: 'a submit starts the unit-period review execution', of: ['review'] },
    triggersSweep: 'a submit or an explanation leaves follow-ups the sweep finishes if the request stops',
  },
  decisionPage: {
    id: 'DecisionPage',
    entry: 'functions/http/decision.ts',
    description: 'Pages: decision links (appraise, explain, vote): GET shows, POST decides.',
    timeout: Duration.seconds(20),
    signingKey: 'checks the decision link',
    taskResponse: {
      why: 'a decision (appraisal, explanation, ballot) is SendTaskSuccess on the waiting task',
      of: ['review', 'commendation'],
    },
    triggersSweep: 'a recorded decision is delivered by the sweep if the request stops before delivering it',
  },
  adminPages: {
    id: 'AdminPages',
    entry: 'functions/http/admin.ts',
    description: 'Pages: admin sign-in by emailed link, session, dashboard, progress, results, units.',
    timeout: Duration.seconds(20),
    mail: 'emails the sign-in link',
    signingKey: 'signs and checks sign-in links',
  },
  adminDownloads: {
    id: 'AdminDownloads',
    entry: 'functions/http/admin-downloads.ts',
    description: 'Pages: the admin downloads (XLSX, CSV, DOCX, print HTML) behind the admin session.',
    timeout: Duration.seconds(30),
    // exceljs and docx build the whole file in memory.
    memorySize: 1024,
  },
  adminActions: {
    id: 'AdminActions',
    entry: 'functions/http/admin-actions.ts',
    description:
      'Pages: the admin actions (reassign, remind, adjustments, recompute, restart a review, new vote) behind the admin session.',
    timeout: Duration.seconds(20),
    mail: 'emails the new reviewer its review link',
    signingKey: "signs the new reviewer's review link",
    startExecution: {
      why: 'recomputing starts scoring-<period>-admin-<n>; a restart review-<unit>-<period>-<attempt>; a new vote commendation-<cycle>-1',
      of: ['scoring', 'review', 'commendation'],
    },
  },
  evidencePresign: {
    id: 'EvidencePresign',
    entry: 'functions/http/evidence-presign.ts',
    description: 'Pages: a presigned POST for one evidence file, behind a report link of an editable report.',
    timeout: Duration.seconds(10),
    memorySize: 256,
    signingKey: 'checks the report link',
    evidence: { why: 'signs the upload (the signer needs the rights the POST uses)', access: 'upload' },
  },
  evidenceVerify: {
    id: 'EvidenceVerify',
    entry: 'functions/http/evidence-verify.ts',
    description: 'Pages: check an uploaded evidence file (size, type, signature); tag it or delete it.',
    timeout: Duration.seconds(20),
    memorySize: 256,
    signingKey: 'checks the report link',
    evidence: { why: 'reads the upload, tags it verified or deletes it', access: 'check' },
  },
  evidenceDownload: {
    id: 'EvidenceDownload',
    entry: 'functions/http/evidence-download.ts',
    description: 'Pages: a short-lived signed download of a cited evidence file (303).',
    timeout: Duration.seconds(10),
    memorySize: 256,
    signingKey: 'checks the report, review or explanation link',
    evidence: { why: 'signs the download of the cited version', access: 'download' },
  },
  adminResend: {
    id: 'AdminResend',
    entry: 'functions/http/admin-resend.ts',
    description: 'Pages: the admin re-sends a mail whose send was ambiguous, behind the admin session.',
    timeout: Duration.seconds(20),
    mail: 're-sends the stored message the admin chose (nothing is signed again)',
  },
  sweep: {
    id: 'Sweep',
    entry: 'functions/sweep.ts',
    description: 'On demand and hourly: finish follow-ups, re-send undelivered decisions and failed mail.',
    timeout: Duration.minutes(2),
    mail: "re-sends mail whose send failed (the stored message as it was), mails a reassignment's new reviewer",
    signingKey: "signs the new reviewer's review link of a reassignment whose request stopped",
    taskResponse: {
      why: 're-sends recorded decisions and ballots to their waiting tasks',
      of: ['review', 'commendation'],
    },
    startExecution: {
      why: "starts the review of a submitted report whose request stopped before starting it (the submit's follow-up)",
      of: ['review'],
    },
    asyncFailures: 'a failing sweep leaves recorded decisions short of their workflows',
    plansSweeps: 'plans its own next run when a page asks for one or when work it saw becomes due later',
  },
} as const satisfies Record<string, HandlerSpec>;

export type HandlerName = keyof typeof HANDLERS;

/** The environment variable names the functions receive (docs/review.md, docs/cycle.md). */
export const ENV = {
  tableName: 'TABLE_NAME',
  mailFrom: 'MAIL_FROM',
  /** The account's SES sending rate each invocation paces its sends by (functions/ports/send-pacer.ts). */
  sendRate: 'SES_SEND_RATE_PER_SECOND',
  baseUrl: 'BASE_URL',
  signingKeyParameter: 'SIGNING_KEY_PARAMETER',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  reviewStateMachineArn: 'REVIEW_STATE_MACHINE_ARN',
  scoringStateMachineArn: 'SCORING_STATE_MACHINE_ARN',
  /** The starter's JSON map workflow → ARN. */
  stateMachineArns: 'STATE_MACHINE_ARNS',
  districtSlug: 'DISTRICT_SLUG',
  /** plan-schedules: where its schedules go, what they run as, where their failures go, what they target. */
  scheduleGroup: 'SCHEDULE_GROUP',
  scheduleRoleArn: 'SCHEDULE_ROLE_ARN',
  scheduleDlqArn: 'SCHEDULE_DLQ_ARN',
  starterArn: 'STARTER_ARN',
  /** The evidence files' bucket, and the origin the report page's script uploads to (its CSP). */
  evidenceBucket: 'EVIDENCE_BUCKET',
  evidenceUploadOrigin: 'EVIDENCE_UPLOAD_ORIGIN',
  /** The pages that ask for a sweep run: what they invoke. */
  sweepFunctionArn: 'SWEEP_FUNCTION_ARN',
  /** The sweep: the role its one-time schedules run as. */
  sweepScheduleRoleArn: 'SWEEP_SCHEDULE_ROLE_ARN',
} as const;
