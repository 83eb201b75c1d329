/**
 * `thidua launch`: launches the campaign on the deployed stack with the operator's own AWS
 * credentials (the SDK's default chain: environment, profile, SSO…): the validated config and
 * criteria sets are stored in the stack's table as the next campaign version (the same content
 * again is the version stored before), then the `launch` state machine is started with that
 * version's ids only — `launch-v<version>-<hash12>`, `{campaignVersion, contentHash}`
 * (workflows/executions.ts), as the local product does.
 *
 * Launching the same config again is `ExecutionAlreadyExists` on AWS (names stay taken 90 days):
 * reported as already launched, exit 0. The AWS SDK is loaded only when a call is made
 * (`--dry-run` never loads it).
 */
import { periodsOf } from '#domain/calendar';
import type { LoadedDistrict } from '#domain/config-files';
import {
  defineCommand,
  EXIT_OK,
  EXIT_PROBLEMS,
  helpText,
  type Io,
  loadDistrictOrFail,
  OPTIONS,
  ProblemsError,
  regionOption,
  requireOption,
  UsageError,
} from './common.ts';

const LAUNCH_OPTIONS = {
  district: OPTIONS.district,
  table: {
    type: 'string',
    arg: '<tên bảng>',
    help: 'giá trị TableName trong Outputs của stack (không bắt buộc khi --dry-run)',
  },
  'state-machine-arn': {
    type: 'string',
    arg: '<ARN>',
    help: ['giá trị LaunchStateMachineArn trong Outputs của stack', '(không bắt buộc khi --dry-run)'],
  },
  region: { type: 'string', arg: '<vùng>', help: 'vùng AWS (mặc định: vùng trong ARN)' },
  'dry-run': {
    type: 'boolean',
    help: 'chỉ in mã nội dung, số đơn vị và số kỳ; không gọi AWS',
  },
  criteria: OPTIONS.criteria,
} as const;

const HELP = helpText({
  usage:
    'thidua launch --district <cấu hình> --table <tên bảng> --state-machine-arn <ARN> [--region <vùng>] [--dry-run]',
  about: `Phát động phong trào trên hệ thống đã triển khai: kiểm tra cấu hình và bộ tiêu chí, lưu chúng vào
bảng của hệ thống thành một phiên bản phong trào, rồi khởi chạy quy trình "launch" (AWS Step
Functions) với số phiên bản đó, bằng thông tin đăng nhập AWS của người chạy lệnh. Phát động lại
cùng cấu hình không gửi lại gì ("Đã phát động trước đó"); cấu hình đã sửa là một phiên bản mới.`,
  options: LAUNCH_OPTIONS,
  exits: `0 đã phát động (hoặc đã phát động trước đó, hoặc chạy thử); 1 cấu hình có lỗi, nội dung
quá lớn hoặc AWS từ chối; 2 sai cú pháp lệnh.`,
  english: `Launches the campaign on the deployed stack: validates the config, stores it with its criteria
sets in the stack's table (TableName) as the next campaign version, then starts the "launch" state
machine (LaunchStateMachineArn) with that version's ids, with your AWS credentials. The same config
again is "already launched" (exit 0). --dry-run prints the content hash, units and periods without
calling AWS.
Exit codes: 0 launched / already launched / dry run, 1 problems, 2 usage error.`,
});

/** DynamoDB's table name rule. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** The region the call goes to: `--region`, else the ARN's own (an ARN names its region). */
export function launchRegion(stateMachineArn: string, region: string | undefined): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) {
    throw new UsageError(
      `--state-machine-arn không phải ARN của state machine: "${stateMachineArn}" ` +
        '(expected arn:aws:states:<region>:<account>:stateMachine:<name>, the LaunchStateMachineArn stack output)',
    );
  }
  return regionOption(region) ?? match[1] ?? '';
}

export const launchCommand = defineCommand({
  name: 'launch',
  summary: 'phát động phong trào trên AWS (start the launch workflow of the deployed stack)',
  help: HELP,
  options: LAUNCH_OPTIONS,
  async run(values, _positionals, io) {
    const file = requireOption(values.district, 'district');
    const dryRun = values['dry-run'] === true;
    const arn = dryRun
      ? values['state-machine-arn']
      : requireOption(values['state-machine-arn'], 'state-machine-arn');
    const region = arn === undefined ? undefined : launchRegion(arn, values.region);
    const table = dryRun ? values.table : requireOption(values.table, 'table');
    if (table !== undefined && !TABLE_NAME.test(table)) {
      throw new UsageError(
        `--table không phải tên bảng DynamoDB: "${table}" (expected the TableName stack output)`,
      );
    }

    const { config, criteriaSets } = loadDistrictOrFail(file, values.criteria);
    const contentHash = await checkedContentHash(file, { config, criteriaSets });
    const counts = `Đơn vị (units): ${config.units.length}; kỳ báo cáo (periods): ${periodsOf(config).length}`;
    if (arn === undefined || table === undefined || dryRun) {
      io.out('Chạy thử (dry run): không gọi AWS.');
      io.out(`Mã nội dung (content hash): ${contentHash.slice(0, 12)}`);
      io.out(`Lượt xử lý (execution name): launch-v<phiên bản>-${contentHash.slice(0, 12)}`);
      io.out(counts);
      if (arn !== undefined) io.out(`State machine: ${arn} (${region})`);
      return EXIT_OK;
    }
    return storeAndStart(io, { config, criteriaSets, table, arn, region, counts });
  },
});

/**
 * The campaign's content hash, its stored items checked without AWS: a content too large for an
 * item is refused here.
 */
async function checkedContentHash(file: string, district: LoadedDistrict): Promise<string> {
  const [{ campaignDocuments }, { ItemTooLargeError }] = await Promise.all([
    import('#ports/dynamo/campaign-documents'),
    import('#ports/errors'),
  ]);
  try {
    return campaignDocuments(district).contentHash;
  } catch (e) {
    if (!(e instanceof ItemTooLargeError)) throw e;
    throw new ProblemsError(
      [
        {
          file,
          path: '',
          message:
            `một phần của phong trào vượt dung lượng một bản ghi của bảng: ${e.message}; hãy rút gọn nội dung kế hoạch ` +
            '(campaign.content) hoặc các bộ tiêu chí (a part of the campaign is too large for one table item)',
        },
      ],
      'Không thể phát động (cannot launch)',
    );
  }
}

async function storeAndStart(
  io: Io,
  job: {
    config: LoadedDistrict['config'];
    criteriaSets: LoadedDistrict['criteriaSets'];
    table: string;
    arn: string;
    region: string | undefined;
    counts: string;
  },
): Promise<number> {
  // Loaded here: the other commands, and a dry run, never load the AWS SDK.
  const [
    { SFNClient },
    { SfnCallbacks },
    { table: tablePort, tableNamed },
    { replacePort, resetPorts },
    { storeCampaign },
    { launchExecution },
  ] = await Promise.all([
    import('@aws-sdk/client-sfn'),
    import('#ports/callbacks'),
    import('#ports/dynamo/table'),
    import('#ports/registry'),
    import('#functions/launch/campaign'),
    import('#workflows/executions'),
  ]);
  const named = tableNamed(job.table, job.region);
  // The campaign goes to the operator's table.
  replacePort(tablePort, named);
  const client = new SFNClient(job.region ? { region: job.region } : {});
  const awsFailed = (what: string, e: unknown) => {
    io.err(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    io.err(
      'Kiểm tra thông tin đăng nhập AWS, vùng (--region), tên bảng (TableName) và ARN (LaunchStateMachineArn trong Outputs của stack). ' +
        '(Check your AWS credentials, the region, the table name and the ARN.)',
    );
    return EXIT_PROBLEMS;
  };
  try {
    let stored: Awaited<ReturnType<typeof storeCampaign>>;
    try {
      stored = await storeCampaign({ config: job.config, criteriaSets: job.criteriaSets });
    } catch (e) {
      return awsFailed(
        `Không lưu được phong trào vào bảng ${job.table} (the campaign could not be stored)`,
        e,
      );
    }
    const { name, input } = launchExecution(stored);
    let status: 'started' | 'already-exists';
    try {
      status = await new SfnCallbacks(client).startExecution(job.arn, name, input);
    } catch (e) {
      return awsFailed(`Không phát động được (the launch could not be started): ${name} trên ${job.arn}`, e);
    }
    if (status === 'already-exists') {
      io.out(`Đã phát động trước đó (already launched): ${name}`);
      io.out(
        'Cấu hình này đã được phát động; không có gì được gửi lại. (This config was launched before; nothing is sent again.)',
      );
      return EXIT_OK;
    }
    io.out(`Đã phát động (launched): ${name}`);
    io.out(
      `Phiên bản phong trào (campaign version): ${stored.version}${stored.changed ? '' : ' (đã lưu trước đó, stored before)'}`,
    );
    io.out(job.counts);
    io.out(`Lượt xử lý (execution): ${executionArnOf(job.arn, name)}`);
    return EXIT_OK;
  } finally {
    client.destroy();
    resetPorts();
    named.db.destroy();
  }
}

/** The execution's ARN, from its state machine's (what the console and `aws stepfunctions` take). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
