/**
 * `bench/cost.ts` as the benchmark runs it: a template file and a usage file in, the table and
 * the closing line out.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'thidua-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function costCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(root, 'bench', 'cost.ts'), ...args],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function file(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

/** A secret ($4.80 a year) and a one-metric alarm ($1.20 a year). */
const template = file('template.json', {
  Resources: {
    Key: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Failing: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda', Period: 300 },
    },
  },
});

const period = {
  stateTransitions: 1000,
  lambda: [],
  dynamodb: { readUnits: 0, writeUnits: 0 },
  emails: { count: 0 },
  scheduleInvocations: 0,
  httpRequests: 0,
  logBytes: 0,
};

describe('bench/cost.ts', () => {
  it('prints the items and ends with the usage and all-in dollars of the year', async () => {
    const usage = file('usage.json', { units: 27, period });
    const out = await costCli('--template', template, '--usage', usage);
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split('\n');
    // 4,000 transitions ($0.10); the secret and the alarm ($6.00).
    expect(lines.at(-1)).toBe('cost 27 units: usage $0.10, all-in $6.10 per year');
    expect(out.stdout).toContain('dominant: Secrets Manager, secrets: 1');
    expect(out.stdout).toMatch(/floor: 571 emails the process must send/);
  }, 90_000);

  it('refuses a usage file with a bad field, naming it', async () => {
    const usage = file('bad.json', { units: 27, period: { ...period, stateTransitions: 'many' } });
    const out = await costCli('--template', template, '--usage', usage);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('period.stateTransitions');
  }, 90_000);
});
