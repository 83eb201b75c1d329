/**
 * `thidua launch` in a child process, as an operator runs it, against dynalite and the local Step
 * Functions endpoint (the real AWS protocols, so the real clients) instead of AWS: the subprocess
 * gets only `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SFN`, a region and dummy credentials.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { stateMachineArn } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { LocalLambdas } from '#local/runtime/lambda';
import { type LocalEndpoint, startSfnEndpoint } from '#local/runtime/sfn-endpoint';
import { SfnEngine } from '#local/runtime/sfn-engine';
import { campaignDocuments } from '#ports/dynamo/campaign-documents';
import { launchExecution } from '#workflows/executions';
import { type CliResult, repo, tempDir, thiduaAgainst } from '../helpers/cli.ts';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { dynamoPorts } from '../helpers/ports.ts';

const dir = tempDir('launch');
const ARN = stateMachineArn('launch');
let engine: SfnEngine;
let endpoint: LocalEndpoint;
let table: TestTable;
/** Requests the endpoint received (a dry run or a refused config must make none). */
let requests = 0;

beforeAll(async () => {
  table = await startDynalite('thidua-demo-launch');
  engine = new SfnEngine({
    clock: new VirtualClock(new Date('2022-08-02T01:00:00Z')),
    lambdas: new LocalLambdas(new Map()),
  });
  // A stand-in for the launch machine: the test is about the command, not the workflow.
  engine.registerStateMachine({
    name: 'launch',
    definition: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
  });
  endpoint = await startSfnEndpoint(engine);
  endpoint.server.on('request', () => {
    requests += 1;
  });
});
afterAll(async () => {
  await endpoint?.close();
  await table?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `thidua launch …` from the repository root, with AWS pointed at dynalite and the local endpoint only. */
function launch(...args: string[]): Promise<CliResult> {
  return thiduaAgainst(
    { AWS_ENDPOINT_URL_SFN: endpoint.url, AWS_ENDPOINT_URL_DYNAMODB: table.endpoint },
    dir,
    'launch',
    ...args,
  );
}

/** A copy of the demo config with one text replacement (criteria from the repository). */
function demoWith(name: string, from: string, to: string): string {
  const source = readFileSync(repo('districts', 'demo.yaml'), 'utf8');
  if (!source.includes(from)) throw new Error(`demo.yaml no longer contains ${from}`);
  mkdirSync(join(dir, 'districts'), { recursive: true });
  const file = join(dir, 'districts', name);
  writeFileSync(file, source.replace(from, to));
  return file;
}

const demo = loadDistrict(repo('districts', 'demo.yaml'));
const contentHash = campaignDocuments(demo).contentHash;
const expected = launchExecution({ version: 1, contentHash });
const withTable = (...args: string[]) => [...args, '--table', table.tableName];

describe('thidua launch', { timeout: 60_000 }, () => {
  it('prints what it would store and start on a dry run, without calling AWS', async ({ expect }) => {
    const before = requests;
    const r = await launch('--district', 'districts/demo.yaml', '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Mã nội dung (content hash): ${contentHash.slice(0, 12)}`);
    expect(r.stdout).toContain(`launch-v<phiên bản>-${contentHash.slice(0, 12)}`);
    expect(r.stdout).toContain('Đơn vị (units): 27; kỳ báo cáo (periods): 14');
    expect(requests).toBe(before);
    expect(engine.listExecutions()).toHaveLength(0);
    expect(await dynamoPorts(table).campaigns.getHeader({ consistent: true })).toBeUndefined();
  });

  it('stores the campaign, then starts its launch with ids only, once; the same config again is "already launched"', async ({
    expect,
  }) => {
    const first = await launch(...withTable('--district', 'districts/demo.yaml', '--state-machine-arn', ARN));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Đã phát động (launched): ${expected.name}`);
    const header = await dynamoPorts(table).campaigns.getHeader({ consistent: true });
    expect(header).toMatchObject({ version: 1, contentHash, unitCount: 27 });
    const [execution] = engine.listExecutions();
    expect(engine.listExecutions()).toHaveLength(1);
    expect(execution!.name).toBe(expected.name);
    // The input the local product sends, byte for byte: the version's ids, never the config.
    expect(execution!.input).toBe(JSON.stringify(expected.input));
    await engine.waitForExecution(execution!.executionArn);

    const again = await launch(
      ...withTable('--district', 'districts/demo.yaml', '--state-machine-arn', ARN, '--region', 'local'),
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Đã phát động trước đó (already launched): ${expected.name}`);
    expect(engine.listExecutions()).toHaveLength(1);
  });

  it('refuses a broken config with exit 1, naming the field, and calls nothing', async ({ expect }) => {
    const broken = demoWith('email.yaml', 'huongpt.tckh@song-lam.example.org', 'huongpt.tckh@song-lam');
    const before = requests;
    const r = await launch(
      ...withTable('--district', broken, '--criteria', repo('criteria'), '--state-machine-arn', ARN),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('units[3].focalPoint.email: không phải địa chỉ email hợp lệ');
    expect(r.stdout).not.toContain('Đã phát động');
    expect(requests).toBe(before);
  });

  it('refuses a campaign too large for a table item with a clear message, and calls nothing', async ({
    expect,
  }) => {
    const huge = demoWith(
      'huge.yaml',
      '  content: |\n',
      `  content: |\n    ${'Nội dung rất dài. '.repeat(24_000)}\n\n`,
    );
    const before = requests;
    const r = await launch(
      ...withTable('--district', huge, '--criteria', repo('criteria'), '--state-machine-arn', ARN),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Không thể phát động (cannot launch)');
    expect(r.stderr).toMatch(
      /vượt dung lượng một bản ghi của bảng: the campaign header .* is too large to store/,
    );
    expect(requests).toBe(before);
  });

  it('says what AWS refused (an unknown state machine) with exit 1; a malformed ARN is a usage error', async ({
    expect,
  }) => {
    const [unknown, malformed] = await Promise.all([
      launch(
        ...withTable('--district', 'districts/demo.yaml', '--state-machine-arn', stateMachineArn('nope')),
      ),
      launch(...withTable('--district', 'districts/demo.yaml', '--state-machine-arn', 'launch')),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Không phát động được');
    expect(unknown.stderr).toContain('StateMachineDoesNotExist');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--state-machine-arn');
    expect(engine.listExecutions()).toHaveLength(1);
  });
});
