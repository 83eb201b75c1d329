/**
 * What drives the calendar: the schedule group the workflows fill at run time, the role those
 * one-time schedules run as (invoke the starter, write to their dead-letter queue: the stack's
 * failures queue), and the sweep's hourly backstop with the role its schedules run as.
 */
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Room } from './room.ts';

/**
 * The sweep's backstop: it runs this often whatever happens, and finds every claim left by a
 * request that died before asking for a run (functions/ports/sweep-trigger.ts); the runs asked
 * for are one-time schedules `sweep-*` the sweep plans itself.
 */
export const SWEEP_EVERY = Duration.hours(1);

/** The names of the sweep's one-time schedules in the group. */
export const SWEEP_SCHEDULE_PREFIX = 'sweep-';

export interface SchedulingProps {
  slug: string;
  /** Where Scheduler puts an event it could not deliver to the starter. */
  deadLetters: sqs.IQueue;
}

export class Scheduling extends Room {
  /** Where the workflows' one-time schedules go (plan-schedules creates them at run time). */
  readonly group: scheduler.ScheduleGroup;
  /** What those schedules run as: invoke the starter, write to their dead-letter queue. */
  readonly scheduleRole: iam.Role;
  /** Where Scheduler puts an event it could not deliver to the starter. */
  readonly deadLetters: sqs.IQueue;
  /** What the sweep's schedules (the hourly one and those it plans) run as: invoke the sweep. */
  readonly sweepScheduleRole: iam.Role;
  private readonly slug: string;

  constructor(scope: Construct, id: string, props: SchedulingProps) {
    super(scope, id);
    this.slug = props.slug;
    // The group's name is a literal (the schedules' IAM scope `schedule/<group>/*` is one exact
    // string), derived from the path `<stack>/Schedules`, unique per district — this room's
    // path, where CDK first derived it: a new name would replace the group and delete every
    // schedule in it. Deleting the stack deletes the group with its schedules: they would only
    // fire into a deleted starter.
    this.group = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetters = props.deadLetters;
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: this.schedulerOfThisAccount(),
      description: `thidua ${props.slug}: lets the calendar's one-time schedules invoke the starter`,
    });
    this.sweepScheduleRole = new iam.Role(this, 'SweepScheduleRole', {
      assumedBy: this.schedulerOfThisAccount(),
      description: `thidua ${props.slug}: lets the sweep schedule invoke the sweep`,
    });
  }

  /** `schedule/<group>/sweep-*`: the sweep's one-time schedules, and no other. */
  sweepSchedulesArn(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/${SWEEP_SCHEDULE_PREFIX}*`,
    });
  }

  /**
   * What the sweep may do to plan its runs: create its own `sweep-*` schedules (they delete
   * themselves once fired), and hand them the sweep schedules' role (to Scheduler only).
   */
  sweepPlanningAccess(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [this.sweepSchedulesArn()],
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.sweepScheduleRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    ];
  }

  /** `arn:…:scheduler:<region>:<account>:schedule/<group>/*`: every schedule of the group, and no other. */
  schedulesArn(): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
    });
  }

  /**
   * What plan-schedules may do: make, read, update and delete the group's schedules, and hand
   * them the schedules' role (to Scheduler only).
   */
  planningAccess(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        actions: [
          'scheduler:CreateSchedule',
          'scheduler:UpdateSchedule',
          'scheduler:GetSchedule',
          'scheduler:DeleteSchedule',
        ],
        resources: [this.schedulesArn()],
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.scheduleRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    ];
  }

  /** Lets the schedules' role invoke `starter`, their target, and write their dead letters. */
  targetStarter(starter: lambda.IFunction): void {
    this.scheduleRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [starter.functionArn] }),
    );
    // Scheduler writes an undeliverable event to the DLQ with the schedule's execution role.
    this.scheduleRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
    );
  }

  /**
   * Runs `sweep` every `SWEEP_EVERY`. A missed run is covered by the next one, so Scheduler
   * neither retries nor keeps dead letters (the sweep's own failures reach the failures queue,
   * see `asyncFailures`). The role is the stack's own (not the shared one the target would
   * make), assumable by this account's Scheduler only.
   */
  runSweep(sweep: lambda.IFunction): { schedule: scheduler.Schedule; role: iam.Role } {
    const role = this.sweepScheduleRole;
    const schedule = new scheduler.Schedule(this, 'SweepSchedule', {
      description: `thidua ${this.slug}: the sweep's hourly backstop (finish what no request asked it for)`,
      schedule: scheduler.ScheduleExpression.rate(SWEEP_EVERY),
      target: new schedulerTargets.LambdaInvoke(sweep, {
        role,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      }),
    });
    return { schedule, role };
  }

  private schedulerOfThisAccount(): iam.ServicePrincipal {
    return new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    });
  }
}
