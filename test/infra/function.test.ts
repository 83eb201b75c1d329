import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ThiduaFunction } from '#infra/function';
import { PROJECT_ROOT } from '#infra/project';
import { localApp } from '#local/runtime/stack';

describe('ThiduaFunction', () => {
  it('carries the project conventions and remembers its entry', () => {
    const stack = new Stack(localApp(), 'Fn');
    const fn = new ThiduaFunction(stack, 'Echo', { entry: './test/local/fixtures/handlers/echo.ts' });
    expect(fn.entryPath).toBe('test/local/fixtures/handlers/echo.ts');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'PassThrough' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^EchoLogGroup') } },
      Environment: Match.absent(),
    });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    // Its own role, without the managed basic-execution policy.
    t.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EchoLogGroup'), 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('names a missing entry file', () => {
    const stack = new Stack(localApp(), 'Missing');
    expect(() => new ThiduaFunction(stack, 'Nope', { entry: 'functions/nope.ts' })).toThrow(
      /entry file not found: functions\/nope.ts/,
    );
  });

  it('bundles an ESM file with the AWS SDK and no source map, which loads on this Node', async () => {
    const outdir = join(PROJECT_ROOT, 'cdk.out', 'local', `${process.pid}-bundle`);
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { 'aws:cdk:enable-asset-metadata': true },
    });
    const stack = new Stack(app, 'Bundled');
    new ThiduaFunction(stack, 'Record', { entry: 'test/local/fixtures/handlers/record.ts' });
    const assembly = app.synth();
    const template = assembly.getStackArtifact(stack.artifactId).template as {
      Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
    };
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
    const dir = join(outdir, fn.Metadata!['aws:asset:path']!);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(false);
    expect(code.startsWith("import { createRequire as __thiduaCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//); // bundled, not left to the runtime
    try {
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler: unknown };
      expect(typeof mod.handler).toBe('function');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 30_000);
});
