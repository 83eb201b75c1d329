/**
 * `thidua launch`: launches the campaign on the deployed stack — starts the `launch` state
 * machine with the same input and execution name as the local product (functions/launch/launch-input.ts),
 * with the operator's own AWS credentials (the SDK's default chain: environment, profile, SSO…).
 *
 * The execution name is a digest of the config and criteria sets, so launching the same config
 * again is `ExecutionAlreadyExists` on AWS (names stay taken 90 days): reported as already
 * launched, exit 0. The AWS SDK is loaded only when a call is made (`--dry-run` never loads it).
 */
import { periodsOf } from '#domain/calendar';
import { inputBytes, launchExecution, MAX_EXECUTION_INPUT_BYTES } from '#functions/launch/launch-input';
import {
  defineCommand,
  EXIT_OK,
  EXIT_PROBLEMS,
  helpText,
  loadDistrictOrFail,
  OPTIONS,
  ProblemsError,
  regionOption,
  requireOption,
  UsageError,
} from './common.ts';

const LAUNCH_OPTIONS = {
  district: OPTIONS.district,
  'state-machine-arn': {
    type: 'string',
    arg: '<ARN>',
    help: ['giá trị LaunchStateMachineArn trong Outputs của stack', '(không bắt buộc khi --dry-run)'],
  },
  region: { type: 'string', arg: '<vùng>', help: 'vùng AWS (mặc định: vùng trong ARN)' },
  'dry-run': {
    type: 'boolean',
    help: ['chỉ in tên lượt xử lý, kích thước dữ liệu, số đơn vị và số kỳ;', 'không gọi AWS'],
  },
  criteria: OPTIONS.criteria,
} as const;

const HELP = helpText({
  usage: 'thidua launch --district <cấu hình> --state-machine-arn <ARN> [--region <vùng>] [--dry-run]',
  about: `Phát động phong trào trên hệ thống đã triển khai: kiểm tra cấu hình và bộ tiêu chí, rồi khởi
chạy quy trình "launch" (AWS Step Functions) bằng thông tin đăng nhập AWS của người chạy lệnh.
Tên lượt xử lý được tính từ nội dung cấu hình: phát động lại cùng cấu hình không gửi lại gì
("Đã phát động trước đó"); cấu hình đã sửa là một lượt phát động mới.`,
  options: LAUNCH_OPTIONS,
  exits: `0 đã phát động (hoặc đã phát động trước đó, hoặc chạy thử); 1 cấu hình có lỗi, dữ liệu
quá 256 KB hoặc AWS từ chối; 2 sai cú pháp lệnh.`,
  english: `Launches the campaign on the deployed stack: validates the config, then starts the "launch"
state machine (LaunchStateMachineArn, a stack output) with your AWS credentials. The execution
name is a digest of the input: the same config again is "already launched" (exit 0).
--dry-run prints the name, input size, units and periods without calling AWS.
Exit codes: 0 launched / already launched / dry run, 1 problems, 2 usage error.`,
});

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`. */
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:[A-Za-z0-9_-]{1,80}$/;

const number = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
const kib = (bytes: number) =>
  new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / 1024);

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
    const { config, criteriaSets } = loadDistrictOrFail(file, values.criteria);
    const { name, input } = launchExecution(config, criteriaSets);
    const bytes = inputBytes(input);
    const sizeLine = `Kích thước dữ liệu (input size): ${number(bytes)} byte (${kib(bytes)} KB; giới hạn 256 KB)`;
    const countsLine = `Đơn vị (units): ${config.units.length}; kỳ báo cáo (periods): ${periodsOf(config).length}`;
    if (bytes > MAX_EXECUTION_INPUT_BYTES) throw tooLarge(file, bytes, criteriaSets.length);

    if (arn === undefined || region === undefined || dryRun) {
      io.out('Chạy thử (dry run): không gọi AWS.');
      io.out(`Lượt xử lý (execution name): ${name}`);
      io.out(sizeLine);
      io.out(countsLine);
      if (arn !== undefined) io.out(`State machine: ${arn} (${region})`);
      return EXIT_OK;
    }

    // Loaded here: the other commands, and a dry run, never load the AWS SDK.
    const [{ SFNClient }, { SfnCallbacks }] = await Promise.all([
      import('@aws-sdk/client-sfn'),
      import('#ports/callbacks'),
    ]);
    const client = new SFNClient({ region });
    let status: 'started' | 'already-exists';
    try {
      status = await new SfnCallbacks(client).startExecution(arn, name, input);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      io.err(
        `Không phát động được (the launch could not be started): ${name} trên ${arn}: ` +
          `${err.name ? `${err.name}: ` : ''}${err.message}`,
      );
      io.err(
        'Kiểm tra thông tin đăng nhập AWS, vùng (--region) và ARN (LaunchStateMachineArn trong Outputs của stack). ' +
          '(Check your AWS credentials, the region and the ARN.)',
      );
      return EXIT_PROBLEMS;
    } finally {
      client.destroy();
    }
    if (status === 'already-exists') {
      io.out(`Đã phát động trước đó (already launched): ${name}`);
      io.out(
        'Cấu hình này đã được phát động; không có gì được gửi lại. (This config was launched before; nothing is sent again.)',
      );
      return EXIT_OK;
    }
    io.out(`Đã phát động (launched): ${name}`);
    io.out(sizeLine);
    io.out(countsLine);
    io.out(`Lượt xử lý (execution): ${executionArnOf(arn, name)}`);
    return EXIT_OK;
  },
});

function tooLarge(file: string, bytes: number, sets: number): ProblemsError {
  return new ProblemsError(
    [
      {
        file,
        path: '',
        message:
          `dữ liệu phát động (cấu hình và ${sets} bộ tiêu chí) là ${number(bytes)} byte, ` +
          `vượt giới hạn ${number(MAX_EXECUTION_INPUT_BYTES)} byte (256 KB) của đầu vào Step Functions; ` +
          'hãy rút gọn nội dung kế hoạch (campaign.content) hoặc các bộ tiêu chí ' +
          `(the launch input is ${bytes} bytes, over Step Functions' 256 KB input limit)`,
      },
    ],
    'Không thể phát động (cannot launch)',
  );
}

/** The execution's ARN, from its state machine's (what the console and `aws stepfunctions` take). */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
