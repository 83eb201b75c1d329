/**
 * How many history events AWS would record for an execution, estimated from the local event
 * log. The interpreter logs fewer events than AWS does, so each local event is weighted by the
 * AWS events it stands for (AWS's names in brackets):
 * - execution start 1, end 1;
 * - Task state 5 [TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded|Failed,
 *   TaskStateExited], a callback task 6 (+ TaskSubmitted), each retry 3 (4 for a callback)
 *   [TaskScheduled, TaskStarted, (TaskSubmitted,) TaskSucceeded|Failed];
 * - Map state 4 [MapStateEntered, MapStateStarted, MapStateSucceeded|Failed, MapStateExited],
 *   each Map iteration 2 [MapIterationStarted, MapIterationSucceeded|Failed] plus its own states;
 * - Pass, Choice, Succeed 2 [Entered, Exited]; Fail 1 [FailStateEntered].
 */
import type { LoggedEvent } from './sfn-api.ts';

export function historyEventCount(
  events: readonly LoggedEvent[],
  isCallback: (stateName: string) => boolean,
): number {
  let count = 0;
  for (const event of events) {
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionAborted':
        count += 1;
        break;
      case 'MapIterationStarted':
        count += 2;
        break;
      case 'StateEntered': {
        const state = stateOf(event);
        if (state) count += stateWeight(state.type, isCallback(state.name));
        break;
      }
      case 'StateRetried': {
        const state = stateOf(event);
        if (state) count += isCallback(state.name) ? 4 : 3;
        break;
      }
    }
  }
  return count;
}

function stateWeight(type: string, callback: boolean): number {
  switch (type) {
    case 'Task':
      return callback ? 6 : 5;
    case 'Map':
      return 4;
    case 'Fail':
      return 1;
    default:
      return 2;
  }
}

/** The interpreter's `state: {name, type}` of a state event. */
function stateOf(event: LoggedEvent): { name: string; type: string } | undefined {
  const state = event.state;
  if (typeof state !== 'object' || state === null) return undefined;
  const { name, type } = state as { name?: unknown; type?: unknown };
  return typeof name === 'string' && typeof type === 'string' ? { name, type } : undefined;
}
