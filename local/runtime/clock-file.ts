/**
 * The clock's durable position in `<dataDir>/clock.json` — `{"now": "…"}`, and `"target"` while a
 * move is in progress — replaced whole (write, then rename) so that a killed process leaves
 * either the old file or the new one, never half of one.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ClockPosition } from './clock.ts';

export function readClockFile(path: string): ClockPosition | undefined {
  if (!existsSync(path)) return undefined;
  // The file this module writes.
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { now?: string; target?: string };
  const now = new Date(saved.now ?? '');
  if (Number.isNaN(now.getTime())) return undefined;
  const target = saved.target === undefined ? undefined : new Date(saved.target);
  return target && !Number.isNaN(target.getTime()) ? { now, target } : { now };
}

export function writeClockFile(path: string, position: ClockPosition): void {
  const tmp = `${path}.tmp`;
  writeFileSync(
    tmp,
    JSON.stringify({
      now: position.now.toISOString(),
      ...(position.target ? { target: position.target.toISOString() } : {}),
    }),
  );
  renameSync(tmp, path);
}
