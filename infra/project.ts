/**
 * Where the project's parts are and what a district's stack is called: read by the CDK app and by
 * the local product alike, so it imports no CDK (a warm `npm start` never loads aws-cdk-lib).
 */
import { existsSync, readdirSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const DISTRICTS_DIR = join(PROJECT_ROOT, 'districts');
const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The CloudFormation stack of a district. */
export function districtStackName(slug: string): string {
  return `Thidua-${slug}`;
}

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
