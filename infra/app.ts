/**
 * The CDK app: `npx cdk synth|deploy -c district=<slug>` builds the stack of `districts/<slug>.*`.
 * cdk-nag's AwsSolutions pack checks every synthesis; an unacknowledged finding fails it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDistrict } from '#domain/config-files';
import { DistrictStack, districtStackName } from './district-stack.ts';
import { PROJECT_ROOT } from './function.ts';

const DISTRICTS_DIR = join(PROJECT_ROOT, 'districts');
const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The slugs of the district configs in the repo. */
export function availableDistricts(dir = DISTRICTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => CONFIG_EXTENSIONS.includes(extname(f).toLowerCase()))
    .map((f) => f.slice(0, -extname(f).length))
    .sort();
}

/** The config file of a district, or an error that lists the districts there are. */
export function districtConfigFile(slug: unknown, dir = DISTRICTS_DIR): string {
  const available = availableDistricts(dir);
  const list = available.length > 0 ? available.join(', ') : '(none)';
  if (typeof slug !== 'string' || slug === '') {
    throw new Error(`Name the district: npx cdk synth -c district=<slug>. Districts: ${list}`);
  }
  const file = CONFIG_EXTENSIONS.map((ext) => join(dir, `${slug}${ext}`)).find((f) => existsSync(f));
  if (!file) throw new Error(`No config for district "${slug}" in ${dir}. Districts: ${list}`);
  return file;
}

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
