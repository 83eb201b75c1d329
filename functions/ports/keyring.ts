/**
 * Where the signing keyring comes from (functions/ports/links.ts signs and verifies with it):
 * configuration only, never code — the first set of
 * - env `SIGNING_KEY_FILE`: a local file, generated with a random key on first use (mode 0600);
 * - env `SIGNING_KEY_SECRET_ARN`: a Secrets Manager secret (the stack generates it).
 * Cached for 5 minutes in a warm Lambda, so a rotation is picked up without a deploy. (An SSM
 * SecureString was a third source; nothing deployed used it, and it put the SSM client in every
 * bundle that signs links.)
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** Clients of the container by default (a test passes its own). */
    private readonly clients: { secrets?: SecretsManagerClient } = {},
  ) {}

  async load(): Promise<Keyring> {
    const file = this.env.SIGNING_KEY_FILE?.trim();
    const secretArn = this.env.SIGNING_KEY_SECRET_ARN?.trim();
    const source = file ? `file:${file}` : secretArn ? `secret:${secretArn}` : undefined;
    if (!source) {
      throw new Error(
        'No signing key configured: set SIGNING_KEY_SECRET_ARN (Secrets Manager, made by the stack) in ' +
          'the cloud, or SIGNING_KEY_FILE (a local file path, generated if missing) locally.',
      );
    }
    if (this.cached?.source === source && Date.now() - this.cached.at < CACHE_MS) return this.cached.keyring;
    let keyring: Keyring;
    if (file) {
      keyring = readOrCreateKeyFile(file);
    } else {
      const secrets =
        this.clients.secrets ??
        sharedClient('secretsmanager', () => new SecretsManagerClient({ region: region() }));
      const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
      if (!out.SecretString) throw new Error('The signing key secret has no string value');
      keyring = parseKeyring(out.SecretString, 'the SIGNING_KEY_SECRET_ARN secret');
    }
    this.cached = { source, keyring, at: Date.now() };
    return keyring;
  }
}

/** The container's keyring source. */
export const keyring = provide<KeyringSource>('keyring', () => new EnvKeyring());
