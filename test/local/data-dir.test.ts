/**
 * The product's data folder (local/product/data-dir.ts): one district's, its owner's alone — it
 * holds the reports, the approvals with their workflows' task tokens and the signing key.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir } from '#local/product/data-dir';

const roots: string[] = [];
function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-data-dir-'));
  roots.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the data folder', () => {
  it('is made readable by its owner only, and a folder made earlier with wider rights is narrowed', () => {
    const fresh = join(root(), 'demo');
    claimDataDir(fresh, 'demo');
    expect(mode(fresh)).toBe(0o700);

    const earlier = join(root(), 'demo');
    mkdirSync(earlier);
    chmodSync(earlier, 0o755);
    claimDataDir(earlier, 'demo');
    expect(mode(earlier)).toBe(0o700);
  });

  it('belongs to one district: another district is refused, naming both', () => {
    const dir = join(root(), 'demo');
    claimDataDir(dir, 'demo');
    expect(() => claimDataDir(dir, 'song-lam')).toThrow(/thuộc địa phương "demo", không phải "song-lam"/);
  });
});
