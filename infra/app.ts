/**
 * The CDK app: `npx cdk synth|deploy -c district=<slug>` builds the stack of `districts/<slug>.*`.
 * cdk-nag's AwsSolutions pack checks every synthesis; an unacknowledged finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDistrict } from '#domain/config-files';
import { DistrictStack } from './district-stack.ts';
import { districtConfigFile, districtStackName } from './project.ts';

/** The app with the district's stack and cdk-nag's checks. */
export function buildApp(app: App = new App()): { app: App; stack: DistrictStack } {
  const slug: unknown = app.node.tryGetContext('district');
  const file = districtConfigFile(slug);
  const { config, criteriaSets } = loadDistrict(file);
  if (config.district.slug !== slug) {
    throw new Error(
      `${file} declares district.slug "${config.district.slug}"; it must equal its file name "${slug}".`,
    );
  }
  const stack = new DistrictStack(app, districtStackName(config.district.slug), {
    config,
    criteriaSets,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    buildApp().app.synth();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
