/**
 * Step Functions' AWS SDK integrations (`arn:aws:states:::aws-sdk:<service>:<action>`), locally:
 * the task's Parameters go to the real SDK v3 client of that service, which reaches the local
 * emulator through its `AWS_ENDPOINT_URL_<SERVICE>` variable. Errors are named as Step Functions
 * names them: `<Service>.<ErrorName>` with an `Exception` suffix (e.g. `Scheduler.ConflictException`).
 */
import type { Integration, Json } from './sfn-engine.ts';

interface ServiceInfo {
  /** The npm package of the client. */
  pkg: string;
  /** The client class prefix (`<prefix>Client`). */
  client: string;
  /** The prefix Step Functions gives the service's errors. */
  errorPrefix: string;
}

const SERVICES: Record<string, ServiceInfo> = {
  scheduler: { pkg: '@aws-sdk/client-scheduler', client: 'Scheduler', errorPrefix: 'Scheduler' },
  dynamodb: { pkg: '@aws-sdk/client-dynamodb', client: 'DynamoDB', errorPrefix: 'DynamoDb' },
  sfn: { pkg: '@aws-sdk/client-sfn', client: 'SFN', errorPrefix: 'Sfn' },
  sesv2: { pkg: '@aws-sdk/client-sesv2', client: 'SESv2', errorPrefix: 'SesV2' },
  ssm: { pkg: '@aws-sdk/client-ssm', client: 'SSM', errorPrefix: 'Ssm' },
  secretsmanager: {
    pkg: '@aws-sdk/client-secrets-manager',
    client: 'SecretsManager',
    errorPrefix: 'SecretsManager',
  },
};

const PATTERN = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/;

type Client = { send(command: unknown): Promise<Record<string, unknown>> };

const cache = new Map<string, Integration | undefined>();

/** The integration for an `aws-sdk:*` resource of a service with an installed client, else undefined. */
export function awsSdkIntegration(resource: string): Integration | undefined {
  if (!cache.has(resource)) cache.set(resource, build(resource));
  return cache.get(resource);
}

function build(resource: string): Integration | undefined {
  const m = PATTERN.exec(resource);
  if (!m) return undefined;
  const service = SERVICES[m[1]!];
  if (!service) return undefined;
  const action = m[2]!;
  const command = `${action[0]!.toUpperCase()}${action.slice(1)}Command`;
  return async (parameters: Json) => {
    const mod = (await import(service.pkg)) as Record<string, unknown>;
    const Client = mod[`${service.client}Client`] as new (config: object) => Client;
    const Command = mod[command] as (new (input: unknown) => unknown) | undefined;
    if (!Command) throw new Error(`${service.pkg} has no ${command} (from ${resource})`);
    // A client per call: it reads the endpoint variables of the runtime running now.
    const c = new Client({});
    try {
      const { $metadata: _metadata, ...output } = await c.send(new Command(parameters));
      return JSON.parse(JSON.stringify(output)) as Json;
    } catch (error) {
      const e = error as Error;
      const name = e.name.endsWith('Exception') ? e.name : `${e.name}Exception`;
      const wrapped = new Error(e.message);
      wrapped.name = `${service.errorPrefix}.${name}`;
      throw wrapped;
    }
  };
}
