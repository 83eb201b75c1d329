/**
 * What every handler (step or HTTP) reaches the world through: the store, the mailer, the
 * callbacks port, the signing keyring, the clock and the district's settings — built lazily, once
 * per container (a warm Lambda, or the local runtime's process), from the environment:
 *
 * | variable | used by | for |
 * |---|---|---|
 * | `TABLE_NAME` | store | the district's table |
 * | `MAIL_FROM` | mailer | the SES-verified sender |
 * | `SES_CONFIGURATION_SET` | mailer (optional) | tracking stays off there |
 * | `BASE_URL` | links | where pages and signed links are served (`https://…`, no trailing `/`) |
 * | `SIGNING_KEY_FILE` / `SIGNING_KEY_PARAM` / `SIGNING_KEY_SECRET_ARN` | keyring | local file, SSM SecureString, or the stack's Secrets Manager secret (first set wins, in that order) |
 * | `REVIEW_STATE_MACHINE_ARN` (and `STATE_MACHINE_ARNS`, a JSON map name → ARN, later) | callbacks | starting named executions |
 * | `DISTRICT_SLUG` | logs | which district |
 * | `AWS_ENDPOINT_URL_*` | SDK clients | locally only (functions/ports/aws.ts) |
 *
 * Each part is made on first use, so a handler that never mails does not need `MAIL_FROM`.
 * Tests replace parts with `setDeps` (e.g. a Callbacks whose first call fails) and `resetDeps`.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { region } from './aws.ts';
import { type Callbacks, SfnCallbacks } from './callbacks.ts';
import { now } from './clock.ts';
import { DynamoStore } from './dynamo-store.ts';
import { currentKey, type Keyring, loadKeyring, parseKeyring, signLink } from './links.ts';
import { createLogger, type Logger } from './log.ts';
import { type Mailer, SesMailer } from './mailer.ts';
import type { Approval, ApprovalKind, Store } from './store.ts';

/** The pages that signed links open. */
export type LinkPath = '/r' | '/d' | '/admin/session';

/**
 * Which page an approval's link opens. The link's action (`a`) is the approval's kind, so the
 * page checks `link.action === approval.kind` after the signature.
 */
export const LINK_PATHS: Record<ApprovalKind, LinkPath> = {
  report: '/r',
  appraise: '/d',
  explain: '/d',
  vote: '/d',
  signin: '/admin/session',
};

export interface Deps {
  readonly store: Store;
  readonly mailer: Mailer;
  readonly callbacks: Callbacks;
  /** The current time (the local runtime's virtual clock locally). */
  readonly clock: () => Date;
  readonly log: Logger;
  /** The signing keyring (cached; rotated keys are picked up within minutes). */
  keyring(): Promise<Keyring>;
  /** `BASE_URL` without a trailing slash. */
  baseUrl(): string;
  /** An absolute signed URL, e.g. `https://…/d?k=…&id=…&a=…&e=…&s=…`. Never log it. */
  signedUrl(
    path: LinkPath,
    link: { approvalId: string; action: string; expiresAt: Date | string | number },
  ): Promise<string>;
  /**
   * The signed link of an approval: its page by kind, action = kind, expiry = the approval's own
   * (so the same approval always gives the same link while the signing key is unchanged).
   */
  approvalUrl(approval: Pick<Approval, 'id' | 'kind' | 'expiresAt'>): Promise<string>;
  /** A state machine's ARN by name (`review`, later `scoring`, `period`…); a clear error when not configured. */
  stateMachineArn(name: string): string;
}

/** An outbox claim never marked sent or failed after this long is a crash mid-send (docs/review.md, 4). */
export const OUTBOX_CLAIM_STALE_MS = 5 * 60_000;

type Overrides = Partial<Pick<Deps, 'store' | 'mailer' | 'callbacks' | 'clock' | 'log'>> & {
  keyring?: Keyring | (() => Promise<Keyring>);
  baseUrl?: string;
  stateMachineArns?: Record<string, string>;
};

function required(name: string, purpose: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new Error(
      `Missing environment variable ${name} (${purpose}): set it in the function's environment (infra/) or in the local runtime (local/).`,
    );
  }
  return value;
}

/** Secrets Manager form made by the stack: `{"keyId":"k1","secret":"<64 letters and digits>"}`; `{current, keys}` also accepted. */
export function keyringFromSecret(value: string, source: string): Keyring {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    throw new Error(`Signing key secret ${source} is not JSON`);
  }
  const r = raw as { keyId?: unknown; secret?: unknown; current?: unknown; keys?: unknown };
  // The rotation form, as in a local key file (base64url secrets).
  if (typeof r.current === 'string' && r.keys && typeof r.keys === 'object')
    return parseKeyring(value, source);
  if (typeof r.keyId !== 'string' || typeof r.secret !== 'string') {
    throw new Error(
      `Signing key secret ${source} must be {"keyId": "<id>", "secret": "<at least 32 characters>"}`,
    );
  }
  return checkedKeyring(
    { current: r.keyId, keys: new Map([[r.keyId, Buffer.from(r.secret, 'utf8')]]) },
    source,
  );
}

function checkedKeyring(keyring: Keyring, source: string): Keyring {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyring.current))
    throw new Error(`Signing key secret ${source}: key id is not [A-Za-z0-9_-]{1,32}`);
  const secret = keyring.keys.get(keyring.current);
  if (!secret)
    throw new Error(`Signing key secret ${source}: no secret for the current key ${keyring.current}`);
  for (const [id, s] of keyring.keys) {
    if (s.length < 32) throw new Error(`Signing key secret ${source}: key ${id} is shorter than 32 bytes`);
  }
  return keyring;
}

const SECRET_CACHE_MS = 5 * 60_000;
let secretCache: { arn: string; keyring: Keyring; at: number } | undefined;
let secretsClient: SecretsManagerClient | undefined;

/** The keyring from configuration (see the table above). */
export async function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Keyring> {
  if (env.SIGNING_KEY_FILE?.trim() || env.SIGNING_KEY_PARAM?.trim()) return loadKeyring({ env });
  const arn = env.SIGNING_KEY_SECRET_ARN?.trim();
  if (!arn) {
    throw new Error(
      'No signing key configured: set SIGNING_KEY_SECRET_ARN (Secrets Manager, the stack) or SIGNING_KEY_PARAM ' +
        '(SSM SecureString) in the cloud, or SIGNING_KEY_FILE (a local file, generated if missing) locally.',
    );
  }
  if (secretCache?.arn === arn && Date.now() - secretCache.at < SECRET_CACHE_MS) return secretCache.keyring;
  secretsClient ??= new SecretsManagerClient({ region: region() });
  const out = await secretsClient.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('The signing key secret has no string value');
  const keyring = keyringFromSecret(out.SecretString, 'SIGNING_KEY_SECRET_ARN');
  secretCache = { arn, keyring, at: Date.now() };
  return keyring;
}

/** Name → ARN from `STATE_MACHINE_ARNS` (JSON) and the single `<NAME>_STATE_MACHINE_ARN` variables. */
function stateMachineArnFromEnv(name: string): string {
  const single = process.env[`${name.toUpperCase()}_STATE_MACHINE_ARN`]?.trim();
  if (single) return single;
  const map = process.env.STATE_MACHINE_ARNS?.trim();
  if (map) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(map);
    } catch {
      throw new Error('STATE_MACHINE_ARNS is not a JSON object of name → ARN');
    }
    const arn = (parsed as Record<string, unknown>)[name];
    if (typeof arn === 'string' && arn) return arn;
  }
  throw new Error(
    `No ARN configured for the ${name} state machine: set ${name.toUpperCase()}_STATE_MACHINE_ARN or STATE_MACHINE_ARNS`,
  );
}

function build(overrides: Overrides): Deps {
  let store: Store | undefined = overrides.store;
  let mailer: Mailer | undefined = overrides.mailer;
  let callbacks: Callbacks | undefined = overrides.callbacks;
  let log: Logger | undefined = overrides.log;
  const keyringOverride = overrides.keyring;
  const deps: Deps = {
    get store() {
      store ??= new DynamoStore({
        tableName: required('TABLE_NAME', "the district's DynamoDB table"),
        // A claim older than this was a crash mid-send: the sweep shows it as ambiguous (docs/review.md, 4).
        claimStaleAfterMs: OUTBOX_CLAIM_STALE_MS,
      });
      return store;
    },
    get mailer() {
      mailer ??= new SesMailer({ store: deps.store });
      return mailer;
    },
    get callbacks() {
      callbacks ??= new SfnCallbacks();
      return callbacks;
    },
    clock: overrides.clock ?? now,
    get log() {
      log ??= createLogger({
        base: process.env.DISTRICT_SLUG ? { district: process.env.DISTRICT_SLUG } : {},
      });
      return log;
    },
    keyring: () =>
      keyringOverride === undefined
        ? keyringFromEnv()
        : typeof keyringOverride === 'function'
          ? keyringOverride()
          : Promise.resolve(keyringOverride),
    baseUrl: () => {
      const url = (
        overrides.baseUrl ?? required('BASE_URL', 'where the pages and signed links are served')
      ).replace(/\/+$/, '');
      if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(url))
        throw new Error(`BASE_URL is not an http(s) URL: ${url}`);
      return url;
    },
    signedUrl: async (path, link) => {
      const signed = signLink(link, currentKey(await deps.keyring()));
      return `${deps.baseUrl()}${path}?${signed.query}`;
    },
    approvalUrl: (approval) =>
      deps.signedUrl(LINK_PATHS[approval.kind], {
        approvalId: approval.id,
        action: approval.kind,
        expiresAt: approval.expiresAt,
      }),
    stateMachineArn: (name) => overrides.stateMachineArns?.[name] ?? stateMachineArnFromEnv(name),
  };
  return deps;
}

// Kept on globalThis so that every copy of this module in one process (the local runtime imports
// handler files by URL; a test runner may load a module twice) shares one container.
const KEY = Symbol.for('thidua.deps');
const holder = globalThis as { [KEY]?: { deps?: Deps; overrides: Overrides } };
holder[KEY] ??= { overrides: {} };
const state = holder[KEY];

/** The container's dependencies, built on first use. */
export function getDeps(): Deps {
  state.deps ??= build(state.overrides);
  return state.deps;
}

/** Replaces parts (tests, the local runtime); the others stay lazily built from the environment. */
export function setDeps(overrides: Overrides): Deps {
  state.overrides = { ...state.overrides, ...overrides };
  state.deps = build(state.overrides);
  return state.deps;
}

/** Forgets everything built or overridden (tests, after changing environment variables). */
export function resetDeps(): void {
  state.overrides = {};
  state.deps = undefined;
  secretCache = undefined;
  secretsClient?.destroy();
  secretsClient = undefined;
}
