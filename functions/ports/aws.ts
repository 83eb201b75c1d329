/**
 * What the AWS SDK v3 clients share: the region, required settings, and one client per service
 * kept for the container (created on first use, reused across invocations of a warm Lambda). Each
 * port creates its own client through `sharedClient`, so a handler's bundle carries only the
 * clients of the ports it imports.
 *
 * Only configuration differs between the cloud and the local runtime: the SDK itself reads
 * `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_DYNAMODB`, `_SESV2`, `_SFN`, `_SCHEDULER`, `_LAMBDA`, `_SSM`,
 * `_SECRETS_MANAGER`, `_S3`, or `AWS_ENDPOINT_URL` for all) — checked in @smithy/core's `getEndpointUrlConfig` and by
 * test/lib/aws.test.ts — so no endpoint is passed here. Region: `AWS_REGION` (set by Lambda) or
 * `AWS_DEFAULT_REGION`. Locally the runtime also sets dummy `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 */

/** A required environment variable, or an error that names it and says what it is for. */
export function requireEnv(name: string, purpose?: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Missing environment variable ${name}${purpose ? ` (${purpose})` : ''}: set it in the function's ` +
        'environment (infra/) or in the local runtime (local/).',
    );
  }
  return value.trim();
}

export function region(): string {
  const r = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!r)
    throw new Error(
      'Missing environment variable AWS_REGION (or AWS_DEFAULT_REGION): the AWS region to use.',
    );
  return r;
}

interface Destroyable {
  destroy(): void;
}

// On globalThis: one set of clients per process, whichever copy of this module made them.
const KEY = Symbol.for('thidua.awsClients');
const holder = globalThis as { [KEY]?: Map<string, Destroyable> };
holder[KEY] ??= new Map();
const clients = holder[KEY];

/** The container's client of a service, made by `make` on first use. */
export function sharedClient<T extends Destroyable>(service: string, make: () => T): T {
  let client = clients.get(service);
  if (!client) {
    client = make();
    clients.set(service, client);
  }
  // The map holds what `make` returned for this service name: the same type on every call.
  return client as T;
}

/** Forgets the shared clients (tests and the local runtime, after changing endpoint variables). */
export function resetAwsClients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}
