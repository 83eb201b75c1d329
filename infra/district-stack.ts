/**
 * One district's deployment: its table, signing key, mail configuration set, functions, the five
 * state machines (`launch`, `review`, `period`, `scoring`, `commendation`), what drives them (the
 * schedule group the workflows fill at run time, the schedules' role and dead-letter queue, the
 * starter function they target and its on-failure queue), the HTTP API for the pages, the
 * sweep's schedule and the alarms.
 *
 * No resource gets a physical name except the schedule group (whose name the schedules' IAM
 * scope needs as a literal; CDK derives it from the stack path): CloudFormation derives every
 * other name from the stack and the construct id, so two districts (two stacks,
 * `Thidua-<slug>`) never collide in one account.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { CriteriaSet, DistrictConfig, ReportingCalendar } from '#domain/model';
import { type PageHandlerName, routesByPath } from '#functions/http/routes';
import { TABLE_SCHEMA } from '#ports/table-schema';
import { CommendationWorkflow } from '#workflows/commendation';
import { LaunchWorkflow } from '#workflows/launch';
import { PeriodWorkflow } from '#workflows/period';
import { ReviewWorkflow } from '#workflows/review';
import { ScoringWorkflow } from '#workflows/scoring';
import { ThiduaFunction } from './function.ts';
import { acknowledgeNagFindings, type NagAcknowledgement } from './nag-acknowledgements.ts';

export interface DistrictStackProps extends StackProps {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}

/** The stack of a district: one per slug. */
export function districtStackName(slug: string): string {
  return `Thidua-${slug}`;
}

/** The sweep re-sends recorded-but-undelivered decisions and failed mail this often. */
export const SWEEP_EVERY = Duration.minutes(5);

/**
 * Lambda's asynchronous retries of the starter (what Scheduler's invocation gets) before the
 * event goes to the starter's on-failure queue.
 */
export const STARTER_ASYNC_RETRIES = 2;

/** How long a dead letter (schedules' DLQ, starter's failures) is kept: SQS's maximum. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

/** Throttling of the API's default stage (the pages and link handlers). */
export const API_THROTTLE = { burstLimit: 50, rateLimit: 20 } as const;

/**
 * The access log line: the route key (`GET /d`), never the path or query string, which carry
 * link ids and signatures.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
} as const;

/** Actions of the store (docs/store.md): no Scan anywhere, no table management. */
const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * How long a reviewer has before the admin is told, and a unit before it is reminded: half the
 * review window (`calendar.reviewDays`), between 1 and 7 days. The wait then continues until the
 * late-appraisal deadline (docs/review.md). Whole days, far below the local interpreter's 24-day
 * timer limit.
 */
export function reviewWaits(calendar: ReportingCalendar): {
  reviewerResponseDays: number;
  explanationDays: number;
} {
  const days = Math.min(7, Math.max(1, Math.floor(calendar.reviewDays / 2)));
  return { reviewerResponseDays: days, explanationDays: days };
}

/** The state machines of a district. */
export const WORKFLOWS = ['launch', 'review', 'period', 'scoring', 'commendation'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

/** The variable naming one state machine's ARN, e.g. `SCORING_STATE_MACHINE_ARN`. */
export function stateMachineArnVariable(workflow: WorkflowName): string {
  return `${workflow.toUpperCase()}_STATE_MACHINE_ARN`;
}

/** What a handler may do besides reading and writing the table; each grant says why. */
interface HandlerGrants {
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
  /** Why it never touches the table: then it gets no table action at all. */
  noTable?: string;
}

interface HandlerSpec extends HandlerGrants {
  /** Construct id of the function (its name in the console derives from it). */
  id: string;
  entry: string;
  description: string;
  timeout: Duration;
  /** Memory in MB (default 512). */
  memorySize?: number;
  /** State machines whose ARN it reads without starting or answering them. */
  knows?: readonly WorkflowName[];
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
    description: 'Review: the late-appraisal deadline passed; close the approvals, alert the admin.',
    timeout: STEP_TIMEOUT,
    mail: 'alerts the admin',
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
  },

  // ---------------------------------------------------------------- pages and sweep
  reportPage: {
    id: 'ReportPage',
    entry: 'functions/http/report.ts',
    description: 'Pages: the unit report (save, submit, explain) behind its signed link.',
    timeout: Duration.seconds(20),
    mail: 'confirms a submission to the unit',
    signingKey: 'checks the report link',
    taskResponse: { why: 'an explanation decides the pending explain approval', of: ['review'] },
    startExecution: { why: 'a submit starts the unit-period review execution', of: ['review'] },
  },
  decisionPage: {
    id: 'DecisionPage',
    entry: 'functions/http/decision.ts',
    description: 'Pages: decision links (appraise, explain, vote): GET shows, POST decides.',
    timeout: Duration.seconds(20),
    mail: 'confirms a decision',
    signingKey: 'checks the decision link',
    taskResponse: {
      why: 'a decision (appraisal, explanation, ballot) is SendTaskSuccess on the waiting task',
      of: ['review', 'commendation'],
    },
    knows: ['review'],
  },
  adminPages: {
    id: 'AdminPages',
    entry: 'functions/http/admin.ts',
    description: 'Pages: admin sign-in by emailed link, session, period status.',
    timeout: Duration.seconds(20),
    mail: 'emails the sign-in link',
    signingKey: 'signs and checks sign-in links',
    knows: ['review'],
  },
  sweep: {
    id: 'Sweep',
    entry: 'functions/sweep.ts',
    description: 'Every 5 minutes: re-send recorded but undelivered decisions and failed mail.',
    timeout: Duration.minutes(2),
    mail: 're-sends mail whose send failed',
    signingKey: 're-rendered mail carries signed links',
    taskResponse: {
      why: 're-sends recorded decisions and ballots to their waiting tasks',
      of: ['review', 'commendation'],
    },
    knows: ['review'],
  },
} as const satisfies Record<string, HandlerSpec>;

export type HandlerName = keyof typeof HANDLERS;

/** The environment variable names the functions receive (docs/review.md, docs/cycle.md). */
export const ENV = {
  tableName: 'TABLE_NAME',
  mailFrom: 'MAIL_FROM',
  baseUrl: 'BASE_URL',
  signingKeySecretArn: 'SIGNING_KEY_SECRET_ARN',
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
} as const;

/** The workflows' constructs, by name. */
export interface DistrictWorkflows {
  launch: LaunchWorkflow;
  review: ReviewWorkflow;
  period: PeriodWorkflow;
  scoring: ScoringWorkflow;
  commendation: CommendationWorkflow;
}

export class DistrictStack extends Stack {
  readonly config: DistrictConfig;
  readonly criteriaSets: CriteriaSet[];
  readonly table: dynamodb.Table;
  readonly signingKey: secretsmanager.Secret;
  readonly mailConfigurationSet: ses.ConfigurationSet;
  readonly functions: Record<HandlerName, ThiduaFunction>;
  readonly workflows: DistrictWorkflows;
  /** `workflows.review` (kept for the review slice's callers). */
  readonly review: ReviewWorkflow;
  /** The state machines, by workflow. */
  readonly stateMachines: Record<WorkflowName, sfn.StateMachine>;
  /** Where the workflows' one-time schedules go (plan-schedules creates them at run time). */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** What those schedules run as: invoke the starter, write to their dead-letter queue. */
  readonly scheduleRole: iam.Role;
  /** Where Scheduler puts an event it could not deliver to the starter. */
  readonly scheduleDeadLetters: sqs.Queue;
  /** Where Lambda puts a starter invocation that failed after its asynchronous retries. */
  readonly starterFailures: sqs.Queue;
  readonly api: apigwv2.HttpApi;
  readonly apiStage: apigwv2.HttpStage;
  readonly routes: apigwv2.HttpRoute[];
  /** What the pages and links are served from. */
  readonly baseUrl: string;
  readonly sweepSchedule: scheduler.Schedule;
  readonly sweepScheduleRole: iam.Role;
  /** Failed or timed-out executions, one alarm per state machine. */
  readonly executionAlarms: Record<WorkflowName, cloudwatch.Alarm>;
  /** `executionAlarms.review`. */
  readonly reviewFailedAlarm: cloudwatch.Alarm;
  readonly sweepFailingAlarm: cloudwatch.Alarm;
  readonly scheduleDeadLettersAlarm: cloudwatch.Alarm;
  readonly starterFailuresAlarm: cloudwatch.Alarm;
  /** The cdk-nag findings this stack keeps, each with its reason (infra/nag-acknowledgements.ts). */
  readonly nagAcknowledgements: NagAcknowledgement[];

  constructor(scope: Construct, id: string, props: DistrictStackProps) {
    super(scope, id, {
      description: `thidua: the emulation campaign of district ${props.config.district.slug}`,
      ...props,
      tags: { ...props.tags, district: props.config.district.slug },
    });
    const { config } = props;
    const slug = config.district.slug;
    this.config = config;
    this.criteriaSets = props.criteriaSets;
    Tags.of(this).add('district', slug);

    // ---------------------------------------------------------------- table
    const attribute = (k: { name: string }) => ({ name: k.name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(TABLE_SCHEMA.partitionKey),
      sortKey: attribute(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
    });
    for (const gsi of TABLE_SCHEMA.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attribute(gsi.partitionKey),
        sortKey: attribute(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // ---------------------------------------------------------------- signing key
    // `{"keyId":"k1","secret":"<64 letters and digits>"}`, generated by CloudFormation so the key
    // never passes through a template, a terminal or the repo. Links carry the key id.
    this.signingKey = new secretsmanager.Secret(this, 'SigningKey', {
      description: `thidua ${slug}: HMAC key of the emailed links (key id + secret)`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ keyId: 'k1' }),
        generateStringKey: 'secret',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });

    // ---------------------------------------------------------------- mail
    // No tracking options and engagement metrics off: open/click tracking would rewrite the signed
    // links in every email.
    this.mailConfigurationSet = new ses.ConfigurationSet(this, 'MailConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      vdmOptions: { engagementMetrics: false },
    });
    const mailFrom = config.district.mailFrom;
    const mailDomain = mailFrom.slice(mailFrom.lastIndexOf('@') + 1);
    const sendMail = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        // Whichever the admin verified: the domain (documented) or the address itself.
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailDomain }),
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: mailFrom }),
        this.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.mailConfigurationSet.configurationSetName,
        }),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': mailFrom } },
    });

    // ---------------------------------------------------------------- API (its endpoint first)
    // The API resource depends on nothing here, and BASE_URL is derived from its id alone
    // (`https://<apiId>.execute-api.<region>.<suffix>`): the functions depend on the API, the
    // routes and integrations on the functions, and there is no cycle.
    this.api = new apigwv2.HttpApi(this, 'Api', {
      // A label in the console (API names need not be unique; the API id is).
      apiName: this.stackName,
      description: `thidua ${slug}: pages and signed links`,
      createDefaultStage: false,
    });
    this.baseUrl = config.district.baseUrl ?? this.api.apiEndpoint;

    const common = {
      [ENV.tableName]: this.table.tableName,
      [ENV.mailFrom]: mailFrom,
      [ENV.baseUrl]: this.baseUrl,
      [ENV.signingKeySecretArn]: this.signingKey.secretArn,
      [ENV.sesConfigurationSet]: this.mailConfigurationSet.configurationSetName,
      [ENV.districtSlug]: slug,
    };
    const tableResources = [
      this.table.tableArn,
      ...TABLE_SCHEMA.globalSecondaryIndexes.map((g) => `${this.table.tableArn}/index/${g.indexName}`),
    ];

    // ---------------------------------------------------------------- what drives the schedules
    // Made first: the starter targets the state machines, plan-schedules names all three. The
    // group's name is derived from the stack path (unique per district) and is a literal, so the
    // IAM scope `schedule/<group>/*` is one exact string. Deleting the stack deletes the group
    // with its schedules: they would only fire into a deleted starter.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deadLetterQueue = (queueId: string) =>
      new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: DEAD_LETTER_RETENTION,
      });
    this.scheduleDeadLetters = deadLetterQueue('ScheduleDeadLetters');
    this.starterFailures = deadLetterQueue('StarterFailures');
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `thidua ${slug}: lets the calendar's one-time schedules invoke the starter`,
    });

    // ---------------------------------------------------------------- functions
    const stateMachineLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machines: Partial<Record<WorkflowName, sfn.StateMachine>> = {};
    const machine = (workflow: WorkflowName, forWhom: string): sfn.StateMachine => {
      const m = machines[workflow];
      if (!m) throw new Error(`${forWhom} needs the ${workflow} state machine, which is not built yet`);
      return m;
    };
    const functions: Partial<Record<HandlerName, ThiduaFunction>> = {};
    const makeFunction = (name: HandlerName, extraEnv: Record<string, string> = {}): ThiduaFunction => {
      const spec: HandlerSpec = HANDLERS[name];
      const environment: Record<string, string> = { ...common };
      for (const w of spec.knows ?? [])
        environment[stateMachineArnVariable(w)] = machine(w, spec.id).stateMachineArn;
      const starts = spec.startExecution;
      if (starts?.asMap) {
        environment[ENV.stateMachineArns] = this.toJsonString(
          Object.fromEntries(starts.of.map((w) => [w, machine(w, spec.id).stateMachineArn])),
        );
      } else {
        for (const w of starts?.of ?? [])
          environment[stateMachineArnVariable(w)] = machine(w, spec.id).stateMachineArn;
      }
      const role = new iam.Role(this, `${spec.id}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `thidua ${slug}: ${spec.id}`,
      });
      const fn = new ThiduaFunction(this, spec.id, {
        entry: spec.entry,
        description: spec.description,
        role,
        timeout: spec.timeout,
        memorySize: spec.memorySize ?? 512,
        environment: { ...environment, ...extraEnv },
      });
      // Its own log group only (instead of AWSLambdaBasicExecutionRole's logs:* on every group).
      fn.logGroupOfFunction.grantWrite(role);
      if (!spec.noTable) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ actions: [...TABLE_ITEM_ACTIONS], resources: tableResources }),
        );
      }
      if (spec.mail) role.addToPrincipalPolicy(sendMail);
      if (spec.signingKey) {
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [this.signingKey.secretArn],
          }),
        );
      }
      for (const w of starts?.of ?? []) machine(w, spec.id).grantStartExecution(fn);
      functions[name] = fn;
      return fn;
    };
    const recordFailure = makeFunction('recordFailure');

    // ---------------------------------------------------------------- scoring (started by others)
    const scoring = new ScoringWorkflow(this, 'Scoring', {
      functions: {
        computeResults: makeFunction('computeResults'),
        publishResult: makeFunction('publishResult'),
        notifyLeadership: makeFunction('notifyLeadership'),
        recordFailure,
      },
      logGroup: stateMachineLogs,
    });
    machines.scoring = scoring.stateMachine;

    // ---------------------------------------------------------------- review
    const remindWaiting = makeFunction('remindWaiting');
    this.review = new ReviewWorkflow(this, 'Review', {
      functions: {
        assignReviewer: makeFunction('assignReviewer'),
        requestAppraisal: makeFunction('requestAppraisal'),
        escalateReview: remindWaiting,
        requestExplanation: makeFunction('requestExplanation'),
        remindExplanation: remindWaiting,
        recordApproval: makeFunction('recordApproval'),
        markUnappraised: makeFunction('markUnappraised'),
        recordFailure,
      },
      ...reviewWaits(config.calendar),
      logGroup: stateMachineLogs,
    });
    machines.review = this.review.stateMachine;

    // ---------------------------------------------------------------- period
    const listRecipients = makeFunction('listRecipients');
    const period = new PeriodWorkflow(this, 'Period', {
      functions: {
        openPeriod: makeFunction('openPeriod'),
        listRecipients,
        inviteUnit: makeFunction('inviteUnit'),
        remindUnit: makeFunction('remindUnit'),
        closePeriod: makeFunction('closePeriod'),
        recordFailure,
      },
      logGroup: stateMachineLogs,
    });
    machines.period = period.stateMachine;

    // ---------------------------------------------------------------- commendation
    const commendation = new CommendationWorkflow(this, 'Commendation', {
      functions: {
        proposeCommendations: makeFunction('proposeCommendations'),
        requestVote: makeFunction('requestVote'),
        tallyVotes: makeFunction('tallyVotes'),
        notifyOutcome: makeFunction('notifyOutcome'),
        recordFailure,
      },
      voteDays: config.commendation.council.voteDays,
      councilSize: config.council.length,
      logGroup: stateMachineLogs,
    });
    machines.commendation = commendation.stateMachine;

    // ---------------------------------------------------------------- starter (the schedules' target)
    // Scheduler invokes it asynchronously: its own errors never reach the schedules' DLQ, so after
    // Lambda's retries the event goes to its on-failure queue.
    const starter = makeFunction('starter');
    starter.configureAsyncInvoke({
      retryAttempts: STARTER_ASYNC_RETRIES,
      onFailure: new SqsDestination(this.starterFailures),
    });
    this.scheduleRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [starter.functionArn] }),
    );
    // Scheduler writes an undeliverable event to the DLQ with the schedule's execution role.
    this.scheduleRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.scheduleDeadLetters.queueArn],
      }),
    );

    // ---------------------------------------------------------------- launch
    const planSchedules = makeFunction('planSchedules', {
      [ENV.scheduleGroup]: this.scheduleGroup.scheduleGroupName,
      [ENV.scheduleRoleArn]: this.scheduleRole.roleArn,
      [ENV.scheduleDlqArn]: this.scheduleDeadLetters.queueArn,
      [ENV.starterArn]: starter.functionArn,
    });
    planSchedules.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:GetSchedule',
          'scheduler:DeleteSchedule',
        ],
        resources: [this.schedulesOfGroupArn()],
      }),
    );
    planSchedules.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.scheduleRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    const launch = new LaunchWorkflow(this, 'Launch', {
      functions: {
        storeCampaign: makeFunction('storeCampaign'),
        planSchedules,
        listRecipients,
        announceLaunch: makeFunction('announceLaunch'),
        recordFailure,
      },
      logGroup: stateMachineLogs,
    });
    machines.launch = launch.stateMachine;
    this.workflows = { launch, review: this.review, period, scoring, commendation };
    this.stateMachines = {
      launch: launch.stateMachine,
      review: this.review.stateMachine,
      period: period.stateMachine,
      scoring: scoring.stateMachine,
      commendation: commendation.stateMachine,
    };

    // ---------------------------------------------------------------- pages and sweep
    const pages = {
      reportPage: makeFunction('reportPage'),
      decisionPage: makeFunction('decisionPage'),
      adminPages: makeFunction('adminPages'),
    };
    const sweep = makeFunction('sweep');
    this.functions = functions as Record<HandlerName, ThiduaFunction>;
    for (const name of Object.keys(HANDLERS) as HandlerName[]) {
      if (!this.functions[name]) throw new Error(`DistrictStack: no function was made for ${name}`);
    }

    // A function a state machine invokes cannot carry that machine's ARN in its default policy
    // (the machine already depends on it: a cycle), so every task-token grant lives in a policy
    // of its own, which the function does not depend on.
    for (const [name, fn] of Object.entries(this.functions) as [HandlerName, ThiduaFunction][]) {
      const answers = (HANDLERS[name] as HandlerSpec).taskResponse;
      if (!answers) continue;
      new iam.Policy(this, `${HANDLERS[name].id}TaskResponses`, {
        roles: [fn.role as iam.IRole],
        statements: [
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: answers.of.map((w) => this.stateMachines[w].stateMachineArn),
          }),
        ],
      });
    }
    // ---------------------------------------------------------------- HTTP API stage and routes
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.apiStage = new apigwv2.HttpStage(this, 'ApiDefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // The routes are the table the local HTTP adapter serves too (functions/http/routes.ts); HEAD
    // is routed where mailed links land (mail scanners fetch them), the handlers answer it like GET.
    this.routes = [];
    for (const handler of ['reportPage', 'decisionPage', 'adminPages'] as const satisfies PageHandlerName[]) {
      const integration = new HttpLambdaIntegration(`${HANDLERS[handler].id}Integration`, pages[handler]);
      for (const { path, methods } of routesByPath(handler)) {
        this.routes.push(
          ...this.api.addRoutes({ path, methods: methods.map((m) => apigwv2.HttpMethod[m]), integration }),
        );
      }
    }

    // ---------------------------------------------------------------- sweep schedule
    // A missed run is covered by the next one, so no retries and no dead-letter queue. The role is
    // the stack's own (not the shared one the target would make), assumable by this account's
    // Scheduler only.
    this.sweepScheduleRole = new iam.Role(this, 'SweepScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `thidua ${slug}: lets the sweep schedule invoke the sweep`,
    });
    this.sweepSchedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: `thidua ${slug}: re-send undelivered decisions and failed mail`,
      schedule: scheduler.ScheduleExpression.rate(SWEEP_EVERY),
      target: new schedulerTargets.LambdaInvoke(sweep, {
        role: this.sweepScheduleRole,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });

    // ---------------------------------------------------------------- alarms
    const period5 = Duration.minutes(5);
    const alarmOnAny = (alarmId: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `thidua ${slug}: ${description}`,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const executionAlarm = (workflow: WorkflowName) => {
      const m = this.stateMachines[workflow];
      return alarmOnAny(
        `${this.workflows[workflow].node.id}ExecutionsFailed`,
        `a ${workflow} execution failed or timed out (see RecordFailure's email and the execution history).`,
        new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: m.metricFailed({ statistic: 'Sum', period: period5 }),
            timedOut: m.metricTimedOut({ statistic: 'Sum', period: period5 }),
          },
          period: period5,
          label: `failed or timed-out ${workflow} executions`,
        }),
      );
    };
    this.executionAlarms = {
      launch: executionAlarm('launch'),
      review: executionAlarm('review'),
      period: executionAlarm('period'),
      scoring: executionAlarm('scoring'),
      commendation: executionAlarm('commendation'),
    };
    this.reviewFailedAlarm = this.executionAlarms.review;
    this.sweepFailingAlarm = new cloudwatch.Alarm(this, 'SweepFailing', {
      alarmDescription: `thidua ${slug}: the sweep failed three runs in a row; recorded decisions may not reach their workflows.`,
      metric: sweep.metricErrors({ statistic: 'Sum', period: SWEEP_EVERY }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.scheduleDeadLettersAlarm = alarmOnAny(
      'ScheduleDeadLettersAlarm',
      'a calendar schedule could not invoke the starter (its event is in the schedules’ dead-letter queue): a period event or a commendation did not start.',
      this.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: period5,
      }),
    );
    this.starterFailuresAlarm = alarmOnAny(
      'StarterFailuresAlarm',
      'the starter failed to start a scheduled execution after its retries (the event is in its on-failure queue).',
      this.starterFailures.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: period5,
      }),
    );

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'BaseUrl', {
      value: this.baseUrl,
      description: 'Pages and links are served from here.',
    });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    for (const workflow of WORKFLOWS) {
      new CfnOutput(this, `${this.workflows[workflow].node.id}StateMachineArn`, {
        value: this.stateMachines[workflow].stateMachineArn,
        ...(workflow === 'launch' ? { description: '`thidua launch` starts the campaign here.' } : {}),
      });
    }
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'SigningKeySecretArn', { value: this.signingKey.secretArn });
    new CfnOutput(this, 'MailConfigurationSetName', {
      value: this.mailConfigurationSet.configurationSetName,
    });
    new CfnOutput(this, 'MailIdentity', {
      value: mailDomain,
      description: 'Verify this SES identity before sending.',
    });

    this.nagAcknowledgements = acknowledgeNagFindings(this);
  }

  /** `arn:…:scheduler:<region>:<account>:schedule/<group>/*`: every schedule of the stack's group, and no other. */
  schedulesOfGroupArn(): string {
    return this.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/*`,
    });
  }
}
