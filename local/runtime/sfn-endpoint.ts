/**
 * The local Step Functions endpoint: the AWS JSON 1.0 protocol (`x-amz-target:
 * AWSStepFunctions.<Operation>`) over HTTP on 127.0.0.1, so handlers use the real `SFNClient`
 * with only its endpoint changed. Errors carry AWS's `__type` (`ExecutionAlreadyExists`,
 * `TaskDoesNotExist`, `TaskTimedOut`, `InvalidToken`, `InvalidOutput`…).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ExecutionDescription, type ExecutionStatus, SfnApiError } from './sfn-api.ts';
import type { SfnEngine } from './sfn-engine.ts';

export interface LocalEndpoint {
  url: string;
  server: Server;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

const epochSeconds = (d: Date | undefined) => (d ? d.getTime() / 1000 : undefined);

function describe(d: ExecutionDescription): Body {
  return {
    executionArn: d.executionArn,
    stateMachineArn: d.stateMachineArn,
    name: d.name,
    status: d.status,
    startDate: epochSeconds(d.startDate),
    stopDate: epochSeconds(d.stopDate),
    input: d.input,
    inputDetails: { included: true },
    output: d.output,
    ...(d.output !== undefined ? { outputDetails: { included: true } } : {}),
    error: d.error,
    cause: d.cause,
  };
}

function requireString(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') throw new SfnApiError('ValidationException', `${field} is required`);
  return v;
}

function operations(engine: SfnEngine): Record<string, (body: Body) => Body> {
  return {
    StartExecution: (b) => {
      const started = engine.startExecution({
        stateMachineArn: requireString(b, 'stateMachineArn'),
        ...(typeof b.name === 'string' ? { name: b.name } : {}),
        input: typeof b.input === 'string' ? b.input : '{}',
      });
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    },
    DescribeExecution: (b) => describe(engine.describeExecution(requireString(b, 'executionArn'))),
    StopExecution: (b) => {
      const stopped = engine.stopExecution(requireString(b, 'executionArn'), {
        ...(typeof b.error === 'string' ? { error: b.error } : {}),
        ...(typeof b.cause === 'string' ? { cause: b.cause } : {}),
      });
      return { stopDate: epochSeconds(stopped.stopDate) };
    },
    ListExecutions: (b) => ({
      executions: engine
        .listExecutions({
          ...(typeof b.stateMachineArn === 'string' ? { stateMachineArn: b.stateMachineArn } : {}),
          ...(typeof b.statusFilter === 'string' ? { statusFilter: b.statusFilter as ExecutionStatus } : {}),
        })
        .map((d) => ({
          executionArn: d.executionArn,
          stateMachineArn: d.stateMachineArn,
          name: d.name,
          status: d.status,
          startDate: epochSeconds(d.startDate),
          stopDate: epochSeconds(d.stopDate),
        })),
    }),
    SendTaskSuccess: (b) => {
      engine.sendTaskSuccess(requireString(b, 'taskToken'), requireString(b, 'output'));
      return {};
    },
    SendTaskFailure: (b) => {
      engine.sendTaskFailure(
        requireString(b, 'taskToken'),
        typeof b.error === 'string' ? b.error : undefined,
        typeof b.cause === 'string' ? b.cause : undefined,
      );
      return {};
    },
    SendTaskHeartbeat: (b) => {
      engine.sendTaskHeartbeat(requireString(b, 'taskToken'));
      return {};
    },
  };
}

/** Serves `engine` on 127.0.0.1 (port 0 = a free one). */
export async function startSfnEndpoint(engine: SfnEngine, port = 0): Promise<LocalEndpoint> {
  const ops = operations(engine);
  const send = (res: ServerResponse, status: number, body: Body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      ...(typeof body.__type === 'string' ? { 'x-amzn-errortype': body.__type } : {}),
    });
    res.end(text);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('AWSStepFunctions.')
        ? target.slice('AWSStepFunctions.'.length)
        : '';
      const op = ops[operation];
      if (req.method !== 'POST' || !op) {
        send(res, 400, { __type: 'UnknownOperationException', message: `Unknown operation ${target}` });
        return;
      }
      let body: Body;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (JSON.parse(text) as Body) : {};
      } catch {
        send(res, 400, { __type: 'SerializationException', message: 'The request body is not JSON' });
        return;
      }
      try {
        send(res, 200, op(body));
      } catch (error) {
        if (error instanceof SfnApiError) {
          send(res, 400, { __type: error.code, message: error.message });
        } else {
          send(res, 500, {
            __type: 'InternalFailure',
            message: error instanceof Error ? error.message : String(error),
          });
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () => closeServer(server),
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections?.();
  });
}
