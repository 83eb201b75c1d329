/**
 * A minimal AWS JSON-protocol endpoint (`x-amz-target` → handler) for answers no emulator gives:
 * Step Functions' task-gone errors, an SSM SecureString. The real SDK clients talk to it unchanged.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JsonAnswer = { status?: number; body: unknown };
export type JsonHandler = (input: Record<string, unknown>) => JsonAnswer;

export interface JsonService {
  endpoint: string;
  /** Every request received: its operation and input. */
  calls: { operation: string; input: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** An error answer the SDK turns into an exception named `name`. */
export function awsError(name: string, message: string): JsonAnswer {
  return { status: 400, body: { __type: `com.amazonaws.test#${name}`, message } };
}

export async function startJsonService(handlers: Record<string, JsonHandler>): Promise<JsonService> {
  const calls: JsonService['calls'] = [];
  const server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const raw = await readBody(req);
    const input = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    calls.push({ operation, input });
    const handler = handlers[operation];
    const answer = handler ? handler(input) : awsError('UnknownOperationException', operation);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
