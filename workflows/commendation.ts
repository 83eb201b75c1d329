/**
 * The `commendation` state machine: the proposal and council vote of a year (`cycleId` `2024`)
 * or of the phase (`phase`), started by its schedule or by the admin as
 * `commendation-<cycle>-<attempt>`, input `{cycleId}`. docs/cycle.md; the states:
 *
 *   Propose → OpenCouncilVote → CouncilVote (Map, per member:
 *       RequestVote ─ States.Timeout → RemindVote → VoteClosed? ─ yes → MemberAbsent
 *          ▲                                                   └ no ─┐
 *          └─────────────────────────────────────────────────────────┘)
 *   → Tally → NotifyOutcome → CommendationDecided
 *   any error → RecordFailure → CommendationFailed
 *
 * Propose stores the candidates (the year's or phase's aggregate, the rules and the
 * nominations) and returns the council's member ids and how long the first wait lasts. Each
 * member gets one callback: the vote link by email, the ballot stored by the page,
 * `SendTaskSuccess({vote: 'cast'})`. The first wait ends at the reminder time
 * (`reminderLeadDays` before the close): RemindVote mails a member who has not voted the same
 * link again and the wait resumes until the close, when the member is absent (the Map goes on).
 * Tally counts the stored ballots (`tallyCouncil`, `finalList`: quorum, pass threshold);
 * NotifyOutcome tells the council, leadership and units and sends every unit the digest of
 * approved initiatives.
 *
 * Every member must have the link at once, so the vote Map runs every member at the same time
 * (an inline Map's ceiling of 40, far above a council's size): with 10 at a time, the eleventh
 * member's link would wait for someone's vote, up to `voteDays`.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  eachItem,
  FailurePath,
  INLINE_MAP_MAX_CONCURRENCY,
  lambdaStep,
  remindedWait,
  WAIT_TIMER_PATH,
  type WorkflowBaseProps,
  workflowStateMachine,
} from './common.ts';

/** The input of a `commendation` execution: the year (`2024`) or `phase`. */
export interface CommendationInput {
  cycleId: string;
}

/** What a member's callback answers with (the ballot itself is stored, not sent). */
export const VOTE_CAST = { vote: 'cast' } as const;

/** How many members are asked at once: all of them (see above). */
export const COUNCIL_VOTE_CONCURRENCY = INLINE_MAP_MAX_CONCURRENCY;

export interface CommendationFunctions {
  proposeCommendations: lambda.IFunction;
  requestVote: lambda.IFunction;
  remindVote: lambda.IFunction;
  tallyVotes: lambda.IFunction;
  notifyOutcome: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface CommendationWorkflowProps extends WorkflowBaseProps {
  functions: CommendationFunctions;
  /** Members of the council in the config: more than can be asked at once is refused at synth. */
  councilSize: number;
}

export class CommendationWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: CommendationFunctions;

  constructor(scope: Construct, id: string, props: CommendationWorkflowProps) {
    super(scope, id);
    if (props.councilSize > COUNCIL_VOTE_CONCURRENCY) {
      throw new Error(
        `CommendationWorkflow: a council of ${props.councilSize} members cannot all be asked at once (at most ${COUNCIL_VOTE_CONCURRENCY})`,
      );
    }
    const f = props.functions;
    this.functions = f;
    const cycleId = sfn.JsonPath.stringAt('$.cycleId');
    const failure = new FailurePath(this, { recordFailure: f.recordFailure, failedId: 'CommendationFailed' });

    const propose = failure.catchAll(
      lambdaStep(
        this,
        'Propose',
        f.proposeCommendations,
        { cycleId },
        {
          resultSelector: {
            'memberIds.$': '$.Payload.memberIds',
            'waitSeconds.$': '$.Payload.waitSeconds',
            'closesAt.$': '$.Payload.closesAt',
            'remindAt.$': '$.Payload.remindAt',
          },
          resultPath: '$.proposal',
        },
      ),
    );
    const openVote = new sfn.Pass(this, 'OpenCouncilVote', {
      comment: 'The state the vote and the tally read: the cycle, the members asked to vote, the first wait.',
      parameters: {
        cycleId,
        memberIds: sfn.JsonPath.listAt('$.proposal.memberIds'),
        timer: { waitSeconds: sfn.JsonPath.numberAt('$.proposal.waitSeconds') },
        vote: {
          closesAt: sfn.JsonPath.stringAt('$.proposal.closesAt'),
          remindAt: sfn.JsonPath.stringAt('$.proposal.remindAt'),
        },
      },
    });

    // Inside the Map: any other error fails the Map, whose own catcher records it.
    const member = { cycleId, memberId: sfn.JsonPath.stringAt('$.memberId') };
    const requestVote = remindedWait(this, {
      wait: { id: 'RequestVote', fn: f.requestVote, payload: member, resultPath: '$.ballot' },
      // The close and the reminder time travel with the member: RemindVote decides the close unread.
      remind: {
        id: 'RemindVote',
        fn: f.remindVote,
        payload: {
          ...member,
          closesAt: sfn.JsonPath.stringAt('$.vote.closesAt'),
          remindAt: sfn.JsonPath.stringAt('$.vote.remindAt'),
        },
      },
      deadlineChoiceId: 'VoteClosed',
      pastDeadline: new sfn.Pass(this, 'MemberAbsent', {
        comment: 'No vote before the close: the member is absent (the tally counts stored ballots only).',
        result: sfn.Result.fromObject({ absent: true }),
        resultPath: '$.ballot',
      }),
    });
    const councilVote = failure
      .catchAll(
        eachItem(this, 'CouncilVote', {
          comment:
            'One vote request per member, all at once; each waits for the ballot, reminded once, until the close.',
          itemsPath: '$.memberIds',
          itemSelector: {
            cycleId,
            memberId: sfn.JsonPath.stringAt('$$.Map.Item.Value'),
            timer: { waitSeconds: sfn.JsonPath.numberAt(`${WAIT_TIMER_PATH}.waitSeconds`) },
            vote: {
              closesAt: sfn.JsonPath.stringAt('$.vote.closesAt'),
              remindAt: sfn.JsonPath.stringAt('$.vote.remindAt'),
            },
          },
          maxConcurrency: COUNCIL_VOTE_CONCURRENCY,
        }),
      )
      .itemProcessor(requestVote);

    const tally = failure.catchAll(
      lambdaStep(
        this,
        'Tally',
        f.tallyVotes,
        { cycleId },
        {
          resultSelector: { 'passed.$': '$.Payload.passed', 'quorumMet.$': '$.Payload.quorumMet' },
          resultPath: '$.tally',
        },
      ),
    );
    const notifyOutcome = failure.catchAll(lambdaStep(this, 'NotifyOutcome', f.notifyOutcome, { cycleId }));

    const definition = propose
      .next(openVote)
      .next(councilVote)
      .next(tally)
      .next(notifyOutcome)
      .next(new sfn.Succeed(this, 'CommendationDecided'));

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment:
        'Commendation of a year or the phase: proposal, council vote (one callback per member), tally, outcome.',
      logGroup: props.logGroup,
      role: props.role,
    });
  }
}
