/**
 * The state machines of a synthesized CDK stack, as the local engine runs them: the ASL is read
 * from the template (never written a second time), its intrinsics flattened to local values,
 * validated with `asl-validator`, and every `TimeoutSeconds` above 24 days capped to 24 days —
 * the interpreter's timers run on real time and overflow past 2^31 ms; a callback's
 * `TimeoutSecondsPath` is replaced by those 24 days too. The original timeouts are kept: the local
 * callback layer enforces them on the virtual clock.
 *
 * Everything here works on a stack's digest (below), never on the stack: the CDK is loaded only
 * where a stack is built and digested (./stack.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#infra/project';
import { type CfnTemplate, stateMachineArn, TemplateResolver } from './cfn.ts';

/** 24 days: the longest timeout the interpreter's real-time `setTimeout` can hold. */
export const MAX_INTERPRETER_TIMEOUT_SECONDS = 2_073_600;

export type AslState = Record<string, unknown> & { Type: string };
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  [other: string]: unknown;
}

/** The timeout of a state as written in the stack, before the 24-day cap. */
export interface OriginalTimeouts {
  timeoutSeconds?: number;
  /**
   * A callback task's `TimeoutSecondsPath`, read where its Parameters pass the same path: the keys
   * leading to that value in the resolved parameters (e.g. `['Payload', 'waitSeconds']`).
   */
  timeoutSecondsAt?: { path: string; inParameters: string[] };
}

export interface ExtractedStateMachine {
  /** Local name: the literal `StateMachineName`, else the construct path below the stack (rooms left out). */
  name: string;
  /** Other names that reach this state machine (the construct-derived one when a literal name is set). */
  aliases: string[];
  logicalId: string;
  arn: string;
  /** The flattened, validated ASL with timeouts capped at 24 days. */
  definition: AslDefinition;
  /** Every state's uncapped `TimeoutSeconds` or callback's `TimeoutSecondsPath`, by state name. */
  originalTimeouts: Map<string, OriginalTimeouts>;
  /** Every ThiduaFunction of the stack: logical id → repo-relative handler file. */
  functionsByLogicalId: Map<string, string>;
}

/**
 * What the local runtime reads of a stack, as plain JSON (./stack.ts makes it): the synthesized
 * template, each state machine's local name, each ThiduaFunction's handler file and place.
 */
export interface StackDigest {
  template: CfnTemplate;
  /** By logical id: the literal `StateMachineName`, else the construct path below the stack (rooms left out); the other names that reach it. */
  stateMachines: Record<string, { name: string; aliases: string[] }>;
  /** By logical id: the repo-relative handler file and the construct path below the stack. */
  functions: Record<string, { entryPath: string; constructPath: string }>;
}

/** Every ThiduaFunction of the digest: logical id → repo-relative entry path. */
export function functionsOf(digest: StackDigest): Map<string, string> {
  return new Map(Object.entries(digest.functions).map(([id, f]) => [id, f.entryPath]));
}

/** A resolver that flattens the template's intrinsics to this stack's local values. */
export function resolverFor(digest: StackDigest, overrides?: Record<string, string>): TemplateResolver {
  return new TemplateResolver(digest.template, {
    stateMachineNames: new Map(Object.entries(digest.stateMachines).map(([id, n]) => [id, n.name])),
    ...(overrides ? { overrides } : {}),
  });
}

/** Extracts, flattens, validates and caps every state machine of the stack. */
export function extractStateMachines(
  digest: StackDigest,
  resolver: TemplateResolver = resolverFor(digest),
): ExtractedStateMachine[] {
  const functionsByLogicalId = functionsOf(digest);
  const out: ExtractedStateMachine[] = [];
  for (const [logicalId, { name, aliases }] of Object.entries(digest.stateMachines)) {
    const props = digest.template.Resources?.[logicalId]?.Properties ?? {};
    if (props.DefinitionString === undefined) {
      throw new Error(`State machine ${name} (${logicalId}) has no DefinitionString to run locally`);
    }
    const text = resolver.flattenToString(props.DefinitionString, `${logicalId}.DefinitionString`);
    const original = JSON.parse(text) as AslDefinition;
    validateAsl(original, name);
    const { definition, originalTimeouts } = capTimeouts(original);
    out.push({
      name,
      aliases,
      logicalId,
      arn: stateMachineArn(name),
      definition,
      originalTimeouts,
      functionsByLogicalId,
    });
  }
  return out;
}

/**
 * Definitions found valid, by the hash of their text and of the validator's version: asl-validator
 * builds and compiles its JSON schemas afresh on every call (~0.2 s a state machine), and the
 * product, each test bed and each restart after a crash would pay it again for the same ASL. The
 * marks are kept on disk beside other tools' caches; only a valid definition is ever marked.
 */
const VALID_ASL_CACHE = join(PROJECT_ROOT, 'node_modules', '.cache', 'thidua', 'valid-asl');
const validatedInProcess = new Set<string>();
let validatorVersion: string | undefined;

function validAslMark(definition: unknown): string {
  validatorVersion ??= String(
    (
      JSON.parse(
        readFileSync(join(PROJECT_ROOT, 'node_modules', 'asl-validator', 'package.json'), 'utf8'),
      ) as {
        version?: unknown;
      }
    ).version,
  );
  return createHash('sha256')
    .update(`asl-validator ${validatorVersion} checkPaths checkArn\n${JSON.stringify(definition)}`)
    .digest('hex');
}

/** Throws with asl-validator's errors when `definition` is not valid ASL. */
export function validateAsl(definition: unknown, name: string): void {
  const mark = validAslMark(definition);
  if (validatedInProcess.has(mark) || existsSync(join(VALID_ASL_CACHE, mark))) {
    validatedInProcess.add(mark);
    return;
  }
  // The validator writes default QueryLanguage fields into what it checks: give it a copy. It is
  // loaded only here, for a definition not validated before (its import costs a start ~0.1 s).
  const aslValidator = createRequire(import.meta.url)('asl-validator') as typeof import('asl-validator');
  const result = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  if (!result.isValid) {
    throw new Error(`The ASL of state machine ${name} is invalid:\n${result.errorsText('\n')}`);
  }
  validatedInProcess.add(mark);
  try {
    mkdirSync(VALID_ASL_CACHE, { recursive: true });
    writeFileSync(join(VALID_ASL_CACHE, mark), '');
  } catch {
    // A read-only checkout validates again next time; nothing else depends on the mark.
  }
}

/**
 * Calls `visit` for every state, those of a Map's `ItemProcessor` included (the only nesting the
 * stack uses; the engine refuses `Parallel` and the legacy `Iterator`).
 */
export function forEachState(
  definition: AslDefinition,
  visit: (name: string, state: AslState) => void,
): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);
    if (isDefinition(state.ItemProcessor)) forEachState(state.ItemProcessor, visit);
  }
}

function isDefinition(value: unknown): value is AslDefinition {
  return typeof value === 'object' && value !== null && 'States' in value && 'StartAt' in value;
}

/**
 * A copy of `definition` whose states' `TimeoutSeconds` are at most 24 days, and whose callback
 * tasks' `TimeoutSecondsPath` becomes a fixed 24 days — the only changes made to an extracted ASL
 * — and the original values. The engine enforces those on the virtual clock; a path it could not
 * read (not a callback's, or not passed in its Parameters) is left for registration to refuse.
 */
export function capTimeouts(definition: AslDefinition): {
  definition: AslDefinition;
  originalTimeouts: Map<string, OriginalTimeouts>;
} {
  const copy = structuredClone(definition);
  const originalTimeouts = new Map<string, OriginalTimeouts>();
  forEachState(copy, (name, state) => {
    if (typeof state.TimeoutSecondsPath === 'string') {
      const path = state.TimeoutSecondsPath;
      const inParameters = String(state.Resource ?? '').endsWith('.waitForTaskToken')
        ? parameterPassing(state.Parameters, path)
        : undefined;
      if (!inParameters) return;
      originalTimeouts.set(name, { timeoutSecondsAt: { path, inParameters } });
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = MAX_INTERPRETER_TIMEOUT_SECONDS;
      return;
    }
    if (typeof state.TimeoutSeconds !== 'number') return;
    originalTimeouts.set(name, { timeoutSeconds: state.TimeoutSeconds });
    state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_INTERPRETER_TIMEOUT_SECONDS);
  });
  return { definition: copy, originalTimeouts };
}

/**
 * The keys, in a task's resolved parameters, of the value its Parameters take from `path`
 * (`"<key>.$": path`, at any depth), or undefined. Read there, the path gives the same number
 * whether AWS resolves `TimeoutSecondsPath` against the state's input or its parameters.
 */
export function parameterPassing(parameters: unknown, path: string): string[] | undefined {
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return undefined;
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$') && value === path) return [key.slice(0, -2)];
    const below = parameterPassing(value, path);
    if (below) return [key, ...below];
  }
  return undefined;
}
