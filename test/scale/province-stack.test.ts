/**
 * The province's stack (districts/tinh-hong-lam.yaml, 150 units) as `npx cdk synth -c
 * district=tinh-hong-lam` builds it, offline: cdk-nag's AwsSolutions checks clean, and what a
 * tenant costs an account in roles stays what the README counts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { districtApp } from '../infra/build-district.ts';

describe('the province stack', () => {
  it('synthesizes offline with every cdk-nag finding acknowledged, in at most 19 roles', () => {
    const { app, stack } = districtApp('tinh-hong-lam', 'test-province-stack');
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const report = join(app.outdir, 'validation-report.json');
    expect(error, existsSync(report) ? readFileSync(report, 'utf8') : String(error)).toBeUndefined();
    expect(stack.stackName).toBe('Thidua-tinh-hong-lam');
    const roles = Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.length).toBeLessThanOrEqual(19);
  }, 120_000);
});
