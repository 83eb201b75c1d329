/**
 * Builds a district's app for tests: bundling skipped (the template is what is asserted, not
 * the bundles) and the cloud assembly kept in `cdk.out/<outdirName>` inside the project.
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '#infra/app';
import type { DistrictStack } from '#infra/district-stack';
import { PROJECT_ROOT } from '#infra/project';

export function districtApp(slug: string, outdirName: string): { app: App; stack: DistrictStack } {
  return buildApp(
    new App({
      outdir: join(PROJECT_ROOT, 'cdk.out', outdirName),
      context: { district: slug, 'aws:cdk:bundling-stacks': [] },
    }),
  );
}
