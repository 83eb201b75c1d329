/**
 * `npm start`'s defaults, shared by its command line (local/start.ts, which stays light so that
 * `npm start -- status` answers at once) and the product it runs (local/product/product.ts).
 */
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '#infra/project';

export const DEFAULT_DISTRICT = 'demo';
export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = '127.0.0.1';

/** The data root: env THIDUA_DATA_DIR, else `<repo>/.local`. One folder per district below it. */
export function dataRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.THIDUA_DATA_DIR?.trim() || join(PROJECT_ROOT, '.local'));
}
