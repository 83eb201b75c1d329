/**
 * One district's deployment, composed of rooms (infra/room.ts): its data (table, the signing key's
 * parameter name),
 * mail (SES configuration set), scheduling (the schedule group the workflows fill at run time,
 * the schedules' role and dead-letter queue, the starter's on-failure queue, the sweep's
 * schedule), the functions of the handler table (infra/handlers.ts), the five workflows
 * (`launch`, `review`, `period`, `scoring`, `commendation`) and their log group, the pages API
 * and the alarms.
 *
 * No resource gets a physical name except the schedule group (whose name the schedules' IAM
 * scope needs as a literal; CDK derives it from the stack path) and the state machines' log
 * group (which must be under /aws/vendedlogs/; named from the stack): CloudFormation derives
 * every other name from the stack and the logical id, so two districts (two stacks,
 * `Thidua-<slug>`) never collide in one account.
 */
import { type CfnElement, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import { DEFAULT_SEND_RATE_PER_SECOND } from '#ports/send-pacer';
import { Alarms } from './alarms.ts';
import { DistrictData } from './data.ts';
import { EvidenceStore } from './evidence.ts';
import type { ThiduaFunction } from './function.ts';
import { HandlerFunctions } from './functions.ts';
import { ENV, type HandlerName, WORKFLOWS, type WorkflowName } from './handlers.ts';
import { DistrictMail } from './mail.ts';
import { acknowledgeNagFindings, type NagAcknowledgement } from './nag-acknowledgements.ts';
import { PagesApi } from './pages-api.ts';
import { Room } from './room.ts';
import { Scheduling } from './scheduling.ts';
import { DistrictWorkflows, type WorkflowConstructs } from './workflows.ts';

export { HANDLERS, type HandlerName, WORKFLOWS, type WorkflowName } from './handlers.ts';

export interface DistrictStackProps extends StackProps {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}

/** The stack of a district: one per slug. */
export class DistrictStack extends Stack {
  readonly config: DistrictConfig;
  readonly criteriaSets: CriteriaSet[];
  readonly data: DistrictData;
  readonly mail: DistrictMail;
  readonly scheduling: Scheduling;
  readonly pages: PagesApi;
  readonly handlerFunctions: HandlerFunctions;
  readonly workflowsRoom: DistrictWorkflows;
  readonly alarms: Alarms;
  readonly evidence: EvidenceStore;
  /** `data.table`. */
  readonly table: dynamodb.Table;
  /** The function of every handler of the table. */
  readonly functions: Record<HandlerName, ThiduaFunction>;
  /** The workflows' constructs, by name. */
  readonly workflows: WorkflowConstructs;
  /** The state machines, by workflow. */
  readonly stateMachines: Record<WorkflowName, sfn.StateMachine>;
  /** What the pages and links are served from. */
  readonly baseUrl: string;
  readonly sweepSchedule: scheduler.Schedule;
  readonly sweepScheduleRole: iam.Role;
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

    this.data = new DistrictData(this, 'Data', { slug });
    this.table = this.data.table;
    this.mail = new DistrictMail(this, 'Mail', { mailFrom: config.district.mailFrom });
    this.alarms = new Alarms(this, 'Alarms', { slug });
    // Its id is part of the schedule group's name (see Scheduling).
    this.scheduling = new Scheduling(this, 'Schedules', { slug, deadLetters: this.alarms.failures });
    this.pages = new PagesApi(this, 'Pages', { slug, apiName: this.stackName });
    this.baseUrl = config.district.baseUrl ?? this.pages.api.apiEndpoint;
    this.evidence = new EvidenceStore(this, 'Evidence', {
      // The API endpoint is an origin already; a configured base URL may carry a path.
      allowedOrigin: config.district.baseUrl ? new URL(config.district.baseUrl).origin : this.baseUrl,
    });

    this.handlerFunctions = new HandlerFunctions(this, 'Functions', {
      slug,
      environment: {
        [ENV.tableName]: this.table.tableName,
        [ENV.mailFrom]: config.district.mailFrom,
        [ENV.sendRate]: String(config.district.sendRatePerSecond ?? DEFAULT_SEND_RATE_PER_SECOND),
        [ENV.baseUrl]: this.baseUrl,
        [ENV.signingKeyParameter]: this.data.signingKeyParameterName,
        [ENV.sesConfigurationSet]: this.mail.configurationSet.configurationSetName,
        [ENV.districtSlug]: slug,
        [ENV.evidenceBucket]: this.evidence.bucket.bucketName,
        [ENV.evidenceUploadOrigin]: this.evidence.uploadOrigin(),
      },
      data: this.data,
      mail: this.mail,
      scheduling: this.scheduling,
      failures: this.alarms.failures,
      evidence: this.evidence,
    });
    const fn = (name: HandlerName) => this.handlerFunctions.get(name);
    this.workflowsRoom = new DistrictWorkflows(this, 'Workflows', {
      config,
      functions: this.handlerFunctions,
    });
    this.workflows = this.workflowsRoom.byName;
    this.stateMachines = this.workflowsRoom.stateMachines();

    this.scheduling.targetStarter(fn('starter'));
    this.pages.serve({
      reportPage: fn('reportPage'),
      decisionPage: fn('decisionPage'),
      adminPages: fn('adminPages'),
      adminDownloads: fn('adminDownloads'),
      adminActions: fn('adminActions'),
      evidencePresign: fn('evidencePresign'),
      evidenceVerify: fn('evidenceVerify'),
      evidenceDownload: fn('evidenceDownload'),
      adminResend: fn('adminResend'),
    });
    ({ schedule: this.sweepSchedule, role: this.sweepScheduleRole } = this.scheduling.runSweep(fn('sweep')));
    this.functions = this.handlerFunctions.all();
    this.handlerFunctions.grantTaskResponses();

    this.alarms.watchExecutions(Object.values(this.stateMachines));

    this.addOutputs();
    this.nagAcknowledgements = this.acknowledgeNagFindings();
  }

  /**
   * Rooms group the stack's constructs for the reader, but CloudFormation keeps seeing the
   * layout the stack was first deployed with: a room's id is left out of the logical ids of
   * the resources in it, so moving a resource into a room never replaces it (a new table would be
   * empty, a new state machine would end every waiting review). test/infra/logical-ids.test.ts
   * pins the ids that matter.
   */
  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes.filter((s) => !(s instanceof Room));
    // Boundary: CDK's own allocation, given the path without rooms; it reads only these two fields.
    return super.allocateLogicalId({ node: { scopes }, stack: this } as unknown as CfnElement);
  }

  private acknowledgeNagFindings(): NagAcknowledgement[] {
    return acknowledgeNagFindings(this, {
      functionRoles: this.handlerFunctions.roles().map(({ role }) => role),
      machineRole: this.workflowsRoom.role,
      sweep: this.functions.sweep,
      sweepScheduleRole: this.sweepScheduleRole,
      planSchedulesRole: this.handlerFunctions.roleOf('planSchedules'),
      schedulesArn: this.scheduling.schedulesArn(),
      sweepRole: this.handlerFunctions.roleOf('sweep'),
      sweepSchedulesArn: this.scheduling.sweepSchedulesArn(),
      deadLetterQueues: [this.alarms.failures],
      routes: this.pages.routes,
      evidence: {
        roles: (['evidencePresign', 'evidenceVerify', 'evidenceDownload'] as const).map((h) =>
          this.handlerFunctions.roleOf(h),
        ),
        objectsArn: this.evidence.bucket.arnForObjects('evidence/*'),
        accessLogs: this.evidence.accessLogs,
      },
    });
  }

  private addOutputs(): void {
    new CfnOutput(this, 'BaseUrl', {
      value: this.baseUrl,
      description: 'Pages and links are served from here.',
    });
    new CfnOutput(this, 'ApiEndpoint', { value: this.pages.api.apiEndpoint });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidence.bucket.bucketName });
    for (const workflow of WORKFLOWS) {
      new CfnOutput(this, `${this.workflows[workflow].node.id}StateMachineArn`, {
        value: this.stateMachines[workflow].stateMachineArn,
        ...(workflow === 'launch' ? { description: '`thidua launch` starts the campaign here.' } : {}),
      });
    }
    new CfnOutput(this, 'StateMachineLogGroupName', { value: this.workflowsRoom.logGroup.logGroupName });
    new CfnOutput(this, 'FailuresQueueUrl', {
      value: this.alarms.failures.queueUrl,
      description: 'Every failure waits here for the operator (FailuresAlarm is on while one does).',
    });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduling.group.scheduleGroupName });
    new CfnOutput(this, 'SigningKeyParameterName', {
      value: this.data.signingKeyParameterName,
      description:
        'The signing key: `thidua keys init` creates this SSM SecureString before the first deploy.',
    });
    new CfnOutput(this, 'MailConfigurationSetName', {
      value: this.mail.configurationSet.configurationSetName,
    });
    new CfnOutput(this, 'MailIdentity', {
      value: this.mail.domain,
      description: 'Verify this SES identity before sending.',
    });
  }
}
