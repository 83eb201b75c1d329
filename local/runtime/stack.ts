/**
 * A CDK stack as the local runtime reads it: built in an App made for that, and digested into
 * plain JSON (`StackDigest`, ./asl.ts) — the synthesized template, the state machines' local
 * names, the functions' handler files. The only module of the runtime that loads the CDK.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps, CfnResource, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PROJECT_ROOT } from '#infra/project';
import { Room } from '#infra/room';
import type { StackDigest } from './asl.ts';
import type { CfnTemplate } from './cfn.ts';
import { isRunning } from './pids.ts';

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

/** The synthesized template of `stack` as JSON. */
export function synthTemplate(stack: Stack): CfnTemplate {
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** Every ThiduaFunction in the stack: logical id → its entry path and construct path below the stack. */
function functionConstructsOf(stack: Stack): Map<string, { entryPath: string; constructPath: string }> {
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
function stateMachineNamesOf(
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

/** What the local runtime reads of `stack` (synthesized once). */
export function digestStack(stack: Stack): StackDigest {
  const template = synthTemplate(stack);
  return {
    template,
    stateMachines: Object.fromEntries(stateMachineNamesOf(stack, template)),
    functions: Object.fromEntries(functionConstructsOf(stack)),
  };
}
