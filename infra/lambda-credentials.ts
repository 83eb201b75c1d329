/**
 * What the Lambda bundles get instead of `@aws-sdk/credential-provider-node` (an esbuild alias in
 * `THIDUA_BUNDLING`, infra/function.ts): the default credential chain reduced to its first link,
 * the environment variables, which is where Lambda puts the function role's credentials
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) and where the chain always
 * finds them there. The other links — SSO, shared config files, credential processes, web
 * identity tokens, container and instance metadata — never answer on Lambda, yet they bring the
 * SDK's nested STS/SSO/sign-in clients into every bundle (~115 KB of each). Locally the emulators
 * get dummy keys through the same variables.
 *
 * Only the bundles use this; the local runtime, the tests and the CLI import the SDK unchanged.
 * A function moved to a host that supplies credentials otherwise (a profile, container
 * credentials) needs the alias removed.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type Credentials = { expiration?: Date } | undefined;

/** As credential-provider-node's `defaultProvider`, which each client's runtime config calls. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

/** As credential-provider-node's: credentials carrying an expiry are refreshed. */
export const credentialsWillNeedRefresh = (credentials: Credentials): boolean =>
  credentials?.expiration !== undefined;

/** As credential-provider-node's: within five minutes of its expiry a credential counts as expired. */
export const credentialsTreatedAsExpired = (credentials: Credentials): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
