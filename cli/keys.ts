/**
 * `thidua keys init`: creates the district's signing key before the first `cdk deploy` — an SSM
 * SecureString `/thidua/<slug>/signing-key`, encrypted with the AWS-managed key `aws/ssm`, holding
 * a keyring of 32 random bytes (functions/ports/links.ts). CloudFormation cannot create a
 * SecureString, so the stack only names it and grants reading it.
 *
 * - An existing key is never overwritten without `--rotate`.
 * - `--rotate` adds a key `k<n+1>` and signs new links with it; every earlier key stays in the
 *   keyring, so links already mailed keep opening until they expire. `--retire <id>` removes one
 *   earlier key once its links have expired (the longest-lived link ends with the phase).
 * - `--from-secret <ARN>` moves the keyring of a stack that kept its key in Secrets Manager
 *   (output `SigningKeySecretArn`), with its key ids, so links already mailed still open.
 *
 * The key itself is never printed. With the operator's AWS credentials (the SDK's default chain).
 */
import { signingKeyParameterName } from '#ports/signing-key-name';
import {
  defineCommand,
  helpText,
  loadDistrictOrFail,
  OPTIONS,
  regionOption,
  requireOption,
  UsageError,
} from './common.ts';

const KEYS_OPTIONS = {
  district: {
    type: 'string',
    arg: '<mã | tệp>',
    help: 'mã đơn vị triển khai (district.slug) hoặc tệp cấu hình districts/<mã>.yaml',
  },
  rotate: { type: 'boolean', help: 'thêm khoá mới để ký liên kết mới; giữ các khoá cũ' },
  retire: {
    type: 'string',
    arg: '<mã khoá>',
    help: 'bỏ một khoá cũ (không phải khoá đang ký) khi mọi liên kết ký bằng nó đã hết hạn',
  },
  'from-secret': {
    type: 'string',
    arg: '<ARN>',
    help: 'chuyển khoá từ Secrets Manager (SigningKeySecretArn của stack cũ), giữ nguyên mã khoá',
  },
  region: OPTIONS.region,
} as const;

const HELP = helpText({
  usage:
    'thidua keys init --district <mã | tệp> [--rotate] [--retire <mã khoá>] [--from-secret <ARN>] [--region <vùng>]',
  about: `Tạo khoá ký liên kết của đơn vị triển khai trong SSM Parameter Store (SecureString
/thidua/<mã>/signing-key, mã hoá bằng khoá aws/ssm) — chạy một lần trước "cdk deploy". Khoá đã có
thì không ghi đè, trừ khi xoay khoá (--rotate): khoá mới ký các liên kết mới, khoá cũ vẫn mở được
các liên kết đã gửi cho tới khi chúng hết hạn. Không bao giờ in khoá ra màn hình.`,
  options: KEYS_OPTIONS,
  exits:
    '0 đã tạo, đã xoay hoặc đã bỏ khoá; 1 khoá đã có (thiếu --rotate) hoặc AWS từ chối; 2 sai cú pháp lệnh.',
  english: `Creates the district's link-signing key as an SSM SecureString (/thidua/<slug>/signing-key,
encrypted with aws/ssm) before the first deploy. An existing key is kept unless --rotate adds a new
key id (earlier keys keep verifying the links already mailed); --retire <id> removes an earlier key;
--from-secret moves the keyring of an earlier stack's Secrets Manager secret with its key ids.
The key is never printed. Exit codes: 0 done, 1 key exists or AWS refused, 2 usage error.`,
});

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** `--district`: a slug as is, or the slug of a config file. */
function slugOf(district: string): string {
  if (/\.(ya?ml|json)$/i.test(district)) return loadDistrictOrFail(district).config.district.slug;
  if (!SLUG.test(district)) {
    throw new UsageError(
      `--district phải là mã đơn vị triển khai (chữ thường, số, gạch nối) hoặc tệp .yaml, nhận được "${district}"`,
    );
  }
  return district;
}

export const keysCommand = defineCommand({
  name: 'keys',
  summary: 'tạo hoặc xoay khoá ký liên kết trong SSM trước khi triển khai',
  help: HELP,
  options: KEYS_OPTIONS,
  positionals: 1,
  async run(values, positionals, io) {
    if (positionals[0] !== 'init') {
      throw new UsageError(`lệnh con phải là "init", nhận được "${positionals[0] ?? ''}"`);
    }
    const slug = slugOf(requireOption(values.district, 'district'));
    const fromSecret = values['from-secret'];
    if (fromSecret !== undefined && !SECRET_ARN.test(fromSecret)) {
      throw new UsageError(`--from-secret không phải ARN của Secrets Manager: "${fromSecret}"`);
    }
    if (fromSecret !== undefined && (values.rotate || values.retire !== undefined)) {
      throw new UsageError('--from-secret không đi cùng --rotate hoặc --retire');
    }
    if (values.rotate && values.retire !== undefined) {
      throw new UsageError('--rotate và --retire là hai lần chạy riêng');
    }
    const region = regionOption(values.region);
    const { initKeys } = await import('./keys-store.ts');
    return initKeys(io, {
      name: signingKeyParameterName(slug),
      rotate: values.rotate === true,
      ...(values.retire !== undefined ? { retire: values.retire } : {}),
      ...(fromSecret !== undefined ? { fromSecret } : {}),
      ...(region !== undefined ? { region } : {}),
    });
  },
});
