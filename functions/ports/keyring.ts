/**
 * Where the signing keyring comes from (functions/ports/links.ts signs and verifies with it):
 * configuration only, never code — the first set of
 * - env `SIGNING_KEY_FILE`: a local file, generated with a random key on first use (mode 0600);
 *   the local runtime and the tests;
 * - env `SIGNING_KEY_PARAMETER`: the name of an SSM SecureString (encrypted with the AWS-managed
 *   key `aws/ssm`) that `thidua keys init` created; the stack passes it.
 * Read with decryption once per container and kept 5 minutes, so a rotation reaches warm
 * containers without a deploy (a rotation keeps the previous keys: links in flight verify).
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { region, sharedClient } from './aws.ts';
import { type Keyring, parseKeyring, readOrCreateKeyFile } from './links.ts';
import { provide } from './registry.ts';

export interface KeyringSource {
  load(): Promise<Keyring>;
}

const CACHE_MS = 5 * 60_000;

/** The keyring named by the environment (see above). */
export class EnvKeyring implements KeyringSource {
  private cached: { source: string; keyring: Keyring; at: number } | undefined;
  private readonly env: NodeJS.ProcessEnv;
  /** Clients of the container by default (a test passes its own). */
  private readonly clients: { ssm?: SSMClient };

  constructor(env: NodeJS.ProcessEnv = process.env, clients: { ssm?: SSMClient } = {}) {
    this.env = env;
    this.clients = clients;
  }

  async load(): Promise<Keyring> {
    const file = this.env.SIGNING_KEY_FILE?.trim();
    const parameter = this.env.SIGNING_KEY_PARAMETER?.trim();
    const source = file ? `file:${file}` : parameter ? `parameter:${parameter}` : undefined;
    if (!source) {
      throw new Error(
        'No signing key configured: set SIGNING_KEY_PARAMETER (an SSM SecureString made by `thidua keys init`) ' +
          'in the cloud, or SIGNING_KEY_FILE (a local file path, generated if missing) locally.',
      );
    }
    if (this.cached?.source === source && Date.now() - this.cached.at < CACHE_MS) return this.cached.keyring;
    const keyring = file ? readOrCreateKeyFile(file) : await this.fromParameter(parameter ?? '');
    this.cached = { source, keyring, at: Date.now() };
    return keyring;
  }

  private async fromParameter(name: string): Promise<Keyring> {
    const ssm = this.clients.ssm ?? sharedClient('ssm', () => new SSMClient({ region: region() }));
    let value: string | undefined;
    try {
      value = (await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter
        ?.Value;
    } catch (err) {
      if ((err as { name?: string }).name === 'ParameterNotFound') {
        throw new Error(
          `The signing key parameter ${name} does not exist: run \`thidua keys init --district <slug>\` before deploying.`,
        );
      }
      throw err;
    }
    if (!value) throw new Error(`The signing key parameter ${name} has no value`);
    return parseKeyring(value, `the SSM parameter ${name}`);
  }
}

/** The container's keyring source. */
export const keyring = provide<KeyringSource>('keyring', () => new EnvKeyring());
