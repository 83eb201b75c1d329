/**
 * What the local engine runs, checked when a state machine is registered: the states and task
 * resources the district stack emits. Anything it would run wrongly is refused with every problem
 * listed, rather than run with a silent difference from AWS.
 */
import { type AslDefinition, type AslState, forEachState } from './asl.ts';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const CALLBACK_SUFFIX = '.waitForTaskToken';
/**
 * Fields the engine cannot honour on the virtual clock; the stack never sets them. A callback
 * task's `TimeoutSecondsPath` that its Parameters also pass was turned into a fixed timeout the
 * engine enforces (asl.ts `capTimeouts`): one still here is one it could not read.
 */
const UNSUPPORTED_FIELDS = ['HeartbeatSeconds', 'HeartbeatSecondsPath', 'TimeoutSecondsPath'];

/** What the engine cannot run as AWS would, one line per problem (empty: it can). */
export function registrationProblems(
  definition: AslDefinition,
  canRun: (resource: string) => boolean,
): string[] {
  const problems: string[] = [];
  if (definition.TimeoutSeconds !== undefined) {
    problems.push('a machine-level TimeoutSeconds is not enforced locally');
  }
  forEachState(definition, (stateName, state) => {
    if (state.Type === 'Wait' || state.Type === 'Parallel') {
      problems.push(`${stateName}: ${state.Type} states are not run locally (long waits are schedules)`);
    }
    if (state.Type === 'Map' && state.ItemProcessor === undefined) {
      problems.push(`${stateName}: a Map needs an ItemProcessor (the legacy Iterator is not run locally)`);
    }
    for (const field of UNSUPPORTED_FIELDS) {
      if (state[field] === undefined) continue;
      problems.push(
        field === 'TimeoutSecondsPath'
          ? `${stateName}: TimeoutSecondsPath is enforced locally only on a callback task whose Parameters pass the same path`
          : `${stateName}: ${field} is not enforced locally`,
      );
    }
    if (state.Type !== 'Task') return;
    const resource = String(state.Resource);
    if (isCallback(state)) {
      if (!JSON.stringify(state.Parameters ?? {}).includes('$$.Task.Token')) {
        problems.push(`${stateName}: a callback task must pass $$.Task.Token in its Parameters`);
      }
      if (typeof state.TimeoutSeconds !== 'number' && state.TimeoutSecondsPath === undefined) {
        problems.push(
          `${stateName}: a callback task needs a TimeoutSeconds or a TimeoutSecondsPath (the local engine enforces it)`,
        );
      }
    }
    const base = isCallback(state) ? resource.slice(0, -CALLBACK_SUFFIX.length) : resource;
    if (!canRun(base)) problems.push(`${stateName}: no local implementation for ${resource}`);
  });
  return problems;
}

export function isCallback(state: AslState | undefined): boolean {
  return String(state?.Resource ?? '').endsWith(CALLBACK_SUFFIX);
}
