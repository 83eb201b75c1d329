/**
 * The logical ids a deployed district stack must keep. CloudFormation replaces a resource whose
 * logical id changes: it creates a new one and deletes (or, with Retain, orphans) the old one.
 * For the resources below that loses data or breaks what is already in people's mailboxes, so
 * their ids are pinned here, literally, as the first deployments received them; reorganising
 * the CDK code must leave them as they are.
 */
import { CfnResource } from 'aws-cdk-lib';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { districtApp } from './build-district.ts';

interface Pinned {
  /** What a replacement would break. */
  why: string;
  /** Logical id → resource type. */
  ids: Record<string, string>;
}

const FUNCTION_IDS = [
  'AdminPages4A683ED1',
  'AnnounceLaunchF5BB9F73',
  'AssignReviewerE4AF8113',
  'ClosePeriod7F9CE69F',
  'ComputeResults19F8E711',
  'DecisionPageB0518737',
  'InviteUnit14CEC586',
  'ListRecipients0688EE5E',
  'MarkUnappraised1DD278B4',
  'NotifyLeadershipB425036C',
  'NotifyOutcome60DD7BC3',
  'OpenPeriod574B6991',
  'PlanSchedules762A9A60',
  'ProposeCommendationsB5D61D11',
  'PublishResultDD873116',
  'RecordApprovalA0CAECA7',
  'RecordFailure120D2729',
  'RemindUnit40279F24',
  'RemindWaiting9C9DFC3E',
  'ReportPage8EC110B5',
  'RequestAppraisalE60015EE',
  'RequestExplanation5BF3E3FF',
  'RequestVote234D04AD',
  'Starter7C284AFD',
  'StoreCampaignCD169FC7',
  'Sweep576358E8',
  'TallyVotes6A205D94',
];

/**
 * One group per set of grants, shared by the functions of that set's role. Three sets changed with
 * storage layout 2, whose stacks are new deployments (README, "Upgrading"): the report and decision
 * pages send no mail, and the sweep signed nothing (it re-sent stored messages). The sweep's changed
 * again when it took over the submit's follow-up (starting a review a stopped request did not
 * start), and the sweep's and both decision pages' when the sweep came to run on demand (the pages
 * ask for a run, the sweep plans it), and the sweep's when it came to finish a reassignment whose
 * request stopped (it signs the new reviewer's link): their old groups are kept with their logs,
 * outside the stack (README, "Upgrading a deployed district").
 */
const FUNCTION_LOG_GROUP_IDS = [
  'StartsCommendationPeriodReviewScoringFailuresLogs7CAFF8A9',
  'TableLogsA0AD0C29',
  'TableMailSigningKeyAnswersCommendationReviewStartsReviewFailuresPlansSweepsLogsD8196D9B',
  'TableMailLogsF2D034C2',
  'TableMailSigningKeyAnswersCommendationLogsB2B7E7F7',
  'TableMailSigningKeyAnswersReviewLogsD22E0273',
  'TableMailSigningKeyLogs43FBEF3B',
  'TableMailSigningKeyStartsScoringLogsFD4112BB',
  'TableMailStartsScoringLogsBAE33100',
  'TableSchedulesLogsF1433C30',
  'TableSigningKeyAnswersCommendationReviewTriggersSweepLogs205E950A',
  'TableSigningKeyAnswersReviewStartsReviewTriggersSweepLogsC21CF52D',
];

const of = (type: string, ids: string[]) => Object.fromEntries(ids.map((id) => [id, type]));

const PINNED: Record<string, Pinned> = {
  data: {
    // The signing key is an SSM parameter outside the stack (`thidua keys init`): no id to keep.
    why: 'a new table would start empty',
    ids: { TableCD117FA1: 'AWS::DynamoDB::Table' },
  },
  schedules: {
    why:
      'the schedules made at run time live in the group (a new group deletes them) and carry the ARNs ' +
      'of the role they run as, of their dead-letter queue (the failures queue, whose messages wait for ' +
      'the operator) and of the starter they invoke',
    ids: {
      Schedules29FB02FD: 'AWS::Scheduler::ScheduleGroup',
      ScheduleRole756A1A25: 'AWS::IAM::Role',
      ScheduleDeadLetters0406ECBC: 'AWS::SQS::Queue',
      Starter7C284AFD: 'AWS::Lambda::Function',
    },
  },
  stateMachines: {
    why: 'a new state machine ends the running executions: every review and vote waiting for a mailed link',
    ids: of('AWS::StepFunctions::StateMachine', [
      'CommendationStateMachine7F44A00D',
      'LaunchStateMachine43870304',
      'PeriodStateMachineBAE6A9AD',
      'ReviewStateMachineCFBDE53B',
      'ScoringStateMachineE8EB195E',
    ]),
  },
  stateMachineRole: {
    why:
      'an execution keeps the role it started with through an update of its machine, so a deleted role ' +
      'fails every running review (they wait for weeks) at its next step',
    ids: { ReviewStateMachineRole5B365643: 'AWS::IAM::Role' },
  },
  functions: {
    why:
      'a running execution keeps invoking the functions of the definition it started with; a replaced ' +
      'function is deleted under it',
    ids: of('AWS::Lambda::Function', FUNCTION_IDS),
  },
  api: {
    why: "every mailed link is on the API's endpoint, which is derived from the API's id",
    ids: { ApiF70053CD: 'AWS::ApiGatewayV2::Api' },
  },
  logs: {
    why: 'a new log group starts empty and leaves the old one, with its year of logs, outside the stack',
    ids: of('AWS::Logs::LogGroup', [
      'StateMachineVendedLogs04F323C4',
      'ApiAccessLogsE9DF007D',
      ...FUNCTION_LOG_GROUP_IDS,
    ]),
  },
};

/** The schedule group's physical name: the schedules' IAM scope and every run-time schedule name it. */
const DEMO_SCHEDULE_GROUP_NAME = 'Thiduademo-Schedules-AD082BEB';

/** Logical id → resource type, as the template will have them (resolved without a synthesis). */
let types: Record<string, string>;
let scheduleGroupNames: Record<string, unknown>;

beforeAll(() => {
  const { stack } = districtApp('demo', 'test-logical-ids');
  types = {};
  scheduleGroupNames = {};
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const id = stack.resolve(c.logicalId) as string;
    types[id] = c.cfnResourceType;
    if (c instanceof CfnScheduleGroup) scheduleGroupNames[id] = stack.resolve(c.name);
  }
}, 120_000);

describe('the demo stack keeps the logical ids of what a replacement would break', () => {
  for (const [group, { why, ids }] of Object.entries(PINNED)) {
    it(`${group}: ${why}`, () => {
      const found = Object.fromEntries(Object.keys(ids).map((id) => [id, types[id]]));
      expect(found).toEqual(ids);
    });
  }

  it('keeps the schedule group’s name', () => {
    expect(scheduleGroupNames).toEqual({ Schedules29FB02FD: DEMO_SCHEDULE_GROUP_NAME });
  });
});
