/**
 * What `thidua keys init` does in AWS (cli/keys.ts parses the command line): reads the keyring
 * in the parameter (with decryption), decides what to write, writes it as a SecureString with
 * `aws/ssm`. Loaded only when the command runs, so no other command loads the SSM client.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { generateKeyring, type Keyring, parseKeyring, serializeKeyring } from '#ports/links';
import { EXIT_OK, EXIT_PROBLEMS, type Io } from './common.ts';

export interface KeysJob {
  /** The parameter, `/thidua/<slug>/signing-key`. */
  name: string;
  rotate: boolean;
  retire?: string;
  fromSecret?: string;
  region?: string;
}

/** The AWS-managed key of Parameter Store: no monthly fee, only its requests. */
const SSM_MANAGED_KEY = 'alias/aws/ssm';

/** What to write, given what is stored; a string is the refusal to print. */
export function nextKeyring(
  stored: Keyring | undefined,
  job: Pick<KeysJob, 'rotate' | 'retire'> & { moved?: Keyring },
): { keyring: Keyring; said: string } | string {
  if (job.moved) {
    if (stored) return 'Khoá ký đã có trong SSM: không chuyển đè khoá từ Secrets Manager.';
    return {
      keyring: job.moved,
      said: `Đã chuyển khoá từ Secrets Manager, giữ các mã khoá: ${[...job.moved.keys.keys()].join(', ')}.`,
    };
  }
  if (job.retire !== undefined) {
    if (!stored) return 'Chưa có khoá ký nào để bỏ.';
    if (job.retire === stored.current) return `Không bỏ được ${job.retire}: đó là khoá đang ký liên kết mới.`;
    if (!stored.keys.has(job.retire)) return `Không có khoá ${job.retire} trong bộ khoá.`;
    const keys = new Map(stored.keys);
    keys.delete(job.retire);
    return {
      keyring: { current: stored.current, keys },
      said: `Đã bỏ khoá ${job.retire}; liên kết ký bằng nó không mở được nữa.`,
    };
  }
  if (!stored) {
    const keyring = generateKeyring('k1');
    return { keyring, said: 'Đã tạo khoá ký k1.' };
  }
  if (!job.rotate) {
    return `Khoá ký đã có (đang ký bằng ${stored.current}); không ghi đè. Muốn xoay khoá: thêm --rotate.`;
  }
  const n = Math.max(0, ...[...stored.keys.keys()].map((id) => Number(/^k(\d+)$/.exec(id)?.[1] ?? 0))) + 1;
  const fresh = generateKeyring(`k${n}`);
  const keys = new Map([...stored.keys, ...fresh.keys]);
  return {
    keyring: { current: fresh.current, keys },
    said: `Đã xoay khoá: liên kết mới ký bằng ${fresh.current}; ${[...stored.keys.keys()].join(', ')} vẫn mở được liên kết đã gửi.`,
  };
}

export async function initKeys(io: Io, job: KeysJob): Promise<number> {
  const options = job.region ? { region: job.region } : {};
  const ssm = new SSMClient(options);
  const failed = (what: string, e: unknown) => {
    io.err(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    io.err('Kiểm tra thông tin đăng nhập AWS và vùng (--region).');
    return EXIT_PROBLEMS;
  };
  try {
    let stored: Keyring | undefined;
    try {
      const out = await ssm.send(new GetParameterCommand({ Name: job.name, WithDecryption: true }));
      stored = parseKeyring(out.Parameter?.Value ?? '', `SSM ${job.name}`);
    } catch (e) {
      if ((e as { name?: string }).name !== 'ParameterNotFound')
        return failed(`Không đọc được ${job.name}`, e);
    }
    let moved: Keyring | undefined;
    if (job.fromSecret) {
      try {
        moved = await readSecret(job.fromSecret, job.region);
      } catch (e) {
        return failed(`Không đọc được khoá trong ${job.fromSecret}`, e);
      }
    }
    const next = nextKeyring(stored, {
      rotate: job.rotate,
      ...(job.retire ? { retire: job.retire } : {}),
      ...(moved ? { moved } : {}),
    });
    if (typeof next === 'string') {
      io.err(next);
      return EXIT_PROBLEMS;
    }
    try {
      await ssm.send(
        new PutParameterCommand({
          Name: job.name,
          Type: 'SecureString',
          KeyId: SSM_MANAGED_KEY,
          Tier: 'Standard',
          Value: serializeKeyring(next.keyring),
          // Created only if absent; replaced only from the keyring read above.
          Overwrite: stored !== undefined,
          Description: 'thidua: HMAC keys of the emailed links (current key id + keys)',
        }),
      );
    } catch (e) {
      if ((e as { name?: string }).name === 'ParameterAlreadyExists') {
        io.err('Khoá ký vừa được tạo ở nơi khác; chạy lại lệnh để xem khoá hiện có.');
        return EXIT_PROBLEMS;
      }
      return failed(`Không ghi được ${job.name}`, e);
    }
    io.out(next.said);
    io.out(`Tham số SSM: ${job.name} (SecureString, ${SSM_MANAGED_KEY})`);
    return EXIT_OK;
  } finally {
    ssm.destroy();
  }
}

async function readSecret(arn: string, region: string | undefined): Promise<Keyring> {
  const client = new SecretsManagerClient({ region: region ?? arn.split(':')[3] });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return parseKeyring(out.SecretString ?? '', arn);
  } finally {
    client.destroy();
  }
}
