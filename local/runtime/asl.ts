/**
 * The state machines of a synthesized CDK stack, as the local engine runs them: the ASL is read
 * from the template (never written a second time), its intrinsics flattened to local values,
 * validated with `asl-validator`, and every `TimeoutSeconds` above 24 days capped to 24 days —
 * the interpreter's timers run on real time and overflow past 2^31 ms. The original timeouts are
 * kept: the local callback layer enforces them on the virtual clock.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { App, type AppProps, CfnResource, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '#infra/function';
import { Room } from '#infra/room';
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
  /** Every state's uncapped `TimeoutSeconds`, by state name. */
  originalTimeouts: Map<string, OriginalTimeouts>;
  /** Every ThiduaFunction of the stack: logical id → repo-relative handler file. */
  functionsByLogicalId: Map<string, string>;
}

/**
 * An App for building a stack the local runtime reads: bundling skipped (the handlers run from
 * source), CDK's built-in CloudFormation validation off (seconds of WASM per synth; `cdk synth`
 * still runs it) and the cloud assembly kept inside the project, not in the system temp folder.
 */
export function localApp(props: AppProps = {}): App {
  const outdir = props.outdir ?? processOutdir();
  mkdirSync(outdir, { recursive: true });
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], ...props.context },
  });
}

let outdirOfProcess: string | undefined;

/**
 * `cdk.out/local/<pid>`: parallel test processes never write the same files. Removed at exit,
 * and the folders of processes that are gone (killed test workers) are removed on the next start.
 */
function processOutdir(): string {
  if (!outdirOfProcess) {
    const parent = join(PROJECT_ROOT, 'cdk.out', 'local');
    for (const entry of existsSync(parent) ? readdirSync(parent) : []) {
      const pid = /^(\d+)(?:-|$)/.exec(entry)?.[1];
      if (pid && Number(pid) !== process.pid && !isRunning(Number(pid))) {
        rmSync(join(parent, entry), { recursive: true, force: true });
      }
    }
    const dir = join(parent, String(process.pid));
    outdirOfProcess = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return outdirOfProcess;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The synthesized template of `stack` as JSON. */
export function synthTemplate(stack: Stack): CfnTemplate {
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** Every ThiduaFunction in the stack: logical id → repo-relative entry path. */
export function functionsOf(stack: Stack): Map<string, string> {
  return new Map([...functionConstructsOf(stack)].map(([id, f]) => [id, f.entryPath]));
}

/** Every ThiduaFunction in the stack: logical id → its entry path and construct path below the stack. */
export function functionConstructsOf(
  stack: Stack,
): Map<string, { entryPath: string; constructPath: string }> {
  const out = new Map<string, { entryPath: string; constructPath: string }>();
  for (const c of stack.node.findAll()) {
    const entryPath = (c as { entryPath?: unknown }).entryPath;
    const child = c.node.defaultChild;
    if (
      typeof entryPath === 'string' &&
      child &&
      CfnResource.isCfnResource(child) &&
      child.cfnResourceType === 'AWS::Lambda::Function'
    ) {
      const constructPath = c.node.path.slice(stack.node.path.length).replace(/^\//, '');
      out.set(stack.resolve(child.logicalId) as string, { entryPath, constructPath });
    }
  }
  return out;
}

/** Local names of every state machine of the stack, by logical id, with their aliases. */
export function stateMachineNamesOf(
  stack: Stack,
  template: CfnTemplate,
): Map<string, { name: string; aliases: string[] }> {
  const out = new Map<string, { name: string; aliases: string[] }>();
  const seen = new Map<string, string>();
  for (const c of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(c) || c.cfnResourceType !== 'AWS::StepFunctions::StateMachine') continue;
    const logicalId = stack.resolve(c.logicalId) as string;
    const owner = c.node.scope ?? c;
    // The stack's rooms (infra/room.ts) group constructs for the reader and are no part of a name.
    const scopes = owner.node.scopes;
    const below = scopes
      .slice(scopes.indexOf(stack) + 1)
      .filter((s) => !(s instanceof Room))
      .map((s) => s.node.id);
    if (below.length > 1 && below[below.length - 1] === 'StateMachine') below.pop();
    const derived = (below.join('-') || logicalId).replace(/[^A-Za-z0-9_-]/g, '-');
    const literal = template.Resources?.[logicalId]?.Properties?.StateMachineName;
    let name = derived;
    const aliases: string[] = [];
    if (typeof literal === 'string') {
      name = literal;
      aliases.push(derived);
    }
    for (const n of [name, ...aliases]) {
      const other = seen.get(n);
      if (other) throw new Error(`Two state machines have the local name ${n}: ${other} and ${logicalId}`);
      seen.set(n, logicalId);
    }
    out.set(logicalId, { name, aliases });
  }
  return out;
}

/** A resolver that flattens the template's intrinsics to this stack's local values. */
export function resolverFor(
  stack: Stack,
  template: CfnTemplate,
  overrides?: Record<string, string>,
): TemplateResolver {
  const names = stateMachineNamesOf(stack, template);
  return new TemplateResolver(template, {
    stateMachineNames: new Map([...names].map(([id, n]) => [id, n.name])),
    ...(overrides ? { overrides } : {}),
  });
}

/** Extracts, flattens, validates and caps every state machine of `stack`. */
export function extractStateMachines(
  stack: Stack,
  template: CfnTemplate = synthTemplate(stack),
  resolver: TemplateResolver = resolverFor(stack, template),
): ExtractedStateMachine[] {
  const functionsByLogicalId = functionsOf(stack);
  const names = stateMachineNamesOf(stack, template);
  const out: ExtractedStateMachine[] = [];
  for (const [logicalId, { name, aliases }] of names) {
    const props = template.Resources?.[logicalId]?.Properties ?? {};
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
  // The validator writes default QueryLanguage fields into what it checks: give it a copy.
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
 * A copy of `definition` whose states' `TimeoutSeconds` are at most 24 days — the only change made
 * to an extracted ASL — and the original values.
 */
export function capTimeouts(definition: AslDefinition): {
  definition: AslDefinition;
  originalTimeouts: Map<string, OriginalTimeouts>;
} {
  const copy = structuredClone(definition);
  const originalTimeouts = new Map<string, OriginalTimeouts>();
  forEachState(copy, (name, state) => {
    if (typeof state.TimeoutSeconds !== 'number') return;
    originalTimeouts.set(name, { timeoutSeconds: state.TimeoutSeconds });
    state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_INTERPRETER_TIMEOUT_SECONDS);
  });
  return { definition: copy, originalTimeouts };
}
