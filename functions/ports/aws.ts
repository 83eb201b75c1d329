/**
 * Shared AWS SDK v3 clients, created on first use and reused across invocations of a warm Lambda.
 *
 * Only configuration differs between the cloud and the local runtime: the SDK itself reads
 * `AWS_ENDPOINT_URL_<SERVICE>` (`AWS_ENDPOINT_URL_DYNAMODB`, `_SESV2`, `_SFN`, `_SCHEDULER`, `_SSM`,
 * `_SECRETS_MANAGER`, `_S3`, or `AWS_ENDPOINT_URL` for all) — checked in @smithy/core's `getEndpointUrlConfig` and by
 * test/lib/aws.test.ts — so no endpoint is passed here. Region: `AWS_REGION` (set by Lambda) or
 * `AWS_DEFAULT_REGION`. Locally the runtime also sets dummy `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A required environment variable, or an error that names it and says what it is for. */
export function requireEnv(name: string, purpose?: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `Missing environment variable ${name}${purpose ? ` (${purpose})` : ''}: set it in the function's ` +
        'environment (infra/) or in the local runtime (local/).',
    );
  }
  return value;
}

export function region(): string {
  const r = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!r)
    throw new Error(
      'Missing environment variable AWS_REGION (or AWS_DEFAULT_REGION): the AWS region to use.',
    );
  return r;
}

/**
 * Email must go out at most once, so the SES client never retries on its own (a retried
 * `SendEmail` after a timeout could send twice) and a request that outlives `requestTimeout` fails
 * with a `TimeoutError` — which the mailer records as ambiguous.
 */
export const SES_CONNECTION_TIMEOUT_MS = 3_000;
export const SES_REQUEST_TIMEOUT_MS = 10_000;

/** `SES_REQUEST_TIMEOUT_MS` from the environment when it is a positive integer, else the default. */
function sesRequestTimeoutMs(): number {
  const configured = Number(process.env.SES_REQUEST_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : SES_REQUEST_TIMEOUT_MS;
}

/** The document client `documentClient()` builds over a low-level client; marshalling drops `undefined`. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export function createSesClient(
  options: { endpoint?: string; connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
): SESv2Client {
  return new SESv2Client({
    region: region(),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? SES_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? sesRequestTimeoutMs(),
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

interface Clients {
  dynamo?: DynamoDBDocumentClient;
  ses?: SESv2Client;
  sfn?: SFNClient;
  scheduler?: SchedulerClient;
  ssm?: SSMClient;
  secrets?: SecretsManagerClient;
  s3?: S3Client;
}

let clients: Clients = {};

export function documentClient(): DynamoDBDocumentClient {
  clients.dynamo ??= createDocumentClient(new DynamoDBClient({ region: region() }));
  return clients.dynamo;
}

export function sesClient(): SESv2Client {
  clients.ses ??= createSesClient();
  return clients.ses;
}

export function sfnClient(): SFNClient {
  clients.sfn ??= new SFNClient({ region: region() });
  return clients.sfn;
}

export function schedulerClient(): SchedulerClient {
  clients.scheduler ??= new SchedulerClient({ region: region() });
  return clients.scheduler;
}

export function ssmClient(): SSMClient {
  clients.ssm ??= new SSMClient({ region: region() });
  return clients.ssm;
}

export function secretsClient(): SecretsManagerClient {
  clients.secrets ??= new SecretsManagerClient({ region: region() });
  return clients.secrets;
}

/**
 * S3 for evidence files. Requests go virtual-hosted style to AWS and path style to an endpoint
 * given as an IP address (the SDK decides that from the endpoint, so the local emulator on
 * 127.0.0.1 needs no setting of its own).
 */
export function s3Client(): S3Client {
  clients.s3 ??= new S3Client({ region: region() });
  return clients.s3;
}

/** Forgets the shared clients (tests and the local runtime, after changing endpoint variables). */
export function resetAwsClients(): void {
  for (const c of Object.values(clients)) (c as { destroy?: () => void } | undefined)?.destroy?.();
  clients = {};
}
