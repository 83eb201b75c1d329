/**
 * The `launch` execution's input and name, shared by every way a campaign is launched: the local
 * product (local/product/product.ts, `POST /local/launch`) and the admin's `thidua launch` against the
 * deployed stack (cli/launch.ts). No AWS client and no local runtime here, so both can load it.
 *
 * The name is a digest of the input (docs/cycle.md): the same config and criteria sets launched
 * twice are one execution (`ExecutionAlreadyExists`), a changed config is a new launch.
 */
import { createHash } from 'node:crypto';
import type { CriteriaSet, DistrictConfig } from '#domain/model';

/** Step Functions' limit on an execution's input (256 KiB, UTF-8 bytes). */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

export interface LaunchInput {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}

/** The launch input and its execution name: `launch-<sha256(input)[0:12]>` (docs/cycle.md). */
export function launchExecution(
  config: DistrictConfig,
  criteriaSets: CriteriaSet[],
): { name: string; input: LaunchInput } {
  const input = { config, criteriaSets };
  const hash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  return { name: `launch-${hash.slice(0, 12)}`, input };
}

/** The input's size as Step Functions counts it: the UTF-8 bytes of its JSON text. */
export function inputBytes(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input ?? {}));
}
