// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; the assertions are the check.
/**
 * The demo district's stack and its synthesized template, with the lookups the infra tests
 * share: resources by type, logical ids of constructs, and every IAM statement with the
 * functions whose role carries it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { DistrictStack } from '#infra/district-stack';
import type { HandlerName, WorkflowName } from '#infra/handlers';
import type { CfnTemplate } from '#local/runtime/cfn';
import { districtApp } from './build-district.ts';

export interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, any>;
}

export const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

export class DemoTemplate {
  readonly app: App;
  readonly stack: DistrictStack;
  readonly template: CfnTemplate & { Resources: Record<string, Resource> };
  /** What synthesis threw (cdk-nag's unacknowledged findings), if it did. */
  readonly synthError: unknown;

  constructor(outdirName: string) {
    ({ app: this.app, stack: this.stack } = districtApp('demo', outdirName));
    try {
      this.template = this.app.synth().getStackArtifact(this.stack.artifactId).template;
    } catch (e) {
      this.synthError = e;
      this.template = JSON.parse(readFileSync(join(this.app.outdir, this.stack.templateFile), 'utf8'));
    }
  }

  resources(type: string): [string, Resource][] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }

  /** The logical id of a construct's CloudFormation resource. */
  idOf(c: IConstruct): string {
    return this.stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;
  }

  /** `{Ref}` of a workflow's state machine. */
  machineRef(w: WorkflowName): { Ref: string } {
    return { Ref: this.idOf(this.stack.stateMachines[w]) };
  }

  /** Function construct ids by the logical id of their role. */
  functionsByRole(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [name, fn] of Object.entries(this.stack.functions)) {
      const role = this.idOf(this.stack.handlerFunctions.roleOf(name as HandlerName));
      out.set(role, [...(out.get(role) ?? []), fn.node.id]);
    }
    return out;
  }

  /** Every policy statement, with the construct ids of the functions whose roles carry it. */
  statements(): { statement: Statement; functions: string[] }[] {
    const functionsByRole = this.functionsByRole();
    const out: { statement: Statement; functions: string[] }[] = [];
    for (const [, r] of this.resources('AWS::IAM::Policy')) {
      const functions = ((r.Properties?.Roles ?? []) as { Ref: string }[]).flatMap(
        (role) => functionsByRole.get(role.Ref) ?? [],
      );
      for (const statement of (r.Properties?.PolicyDocument.Statement ?? []) as Statement[])
        out.push({ statement, functions });
    }
    for (const [, r] of this.resources('AWS::IAM::Role')) {
      for (const p of r.Properties?.Policies ?? []) {
        for (const statement of p.PolicyDocument.Statement as Statement[])
          out.push({ statement, functions: [] });
      }
    }
    return out;
  }

  /** Every statement of every IAM policy attached to the role with logical id `roleId`. */
  roleStatements(roleId: string): Statement[] {
    return this.resources('AWS::IAM::Policy')
      .filter(([, r]) => ((r.Properties?.Roles ?? []) as { Ref: string }[]).some((x) => x.Ref === roleId))
      .flatMap(([, r]) => (r.Properties?.PolicyDocument.Statement ?? []) as Statement[]);
  }
}
