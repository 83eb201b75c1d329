/**
 * Lambda's Invoke API, locally: an HTTP server speaking the REST protocol of
 * `@aws-sdk/client-lambda` (`POST /2015-03-31/functions/<name or ARN>/invocations`) for the
 * asynchronous invocations the handlers make (a page asking for a sweep run): 202 at once, then
 * the function runs in-process as Lambda's event queue would run it (retries, on-failure record:
 * lambda.ts). `idle()` resolves when every invocation it accepted has ended, so the clock's
 * settling waits for them. Synchronous invocations are not something the handlers make: refused.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalLambdas } from './lambda.ts';
import { closeServer } from './sfn-endpoint.ts';

export interface LambdaEndpoint {
  url: string;
  /** Resolves when no invocation accepted here is still running. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLambdaEndpoint(lambdas: LocalLambdas, port = 0): Promise<LambdaEndpoint> {
  const running = new Set<Promise<unknown>>();
  const answer = (
    res: import('node:http').ServerResponse,
    status: number,
    type?: string,
    message?: string,
  ) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(type ? { 'x-amzn-errortype': type } : {}),
    });
    res.end(message ? JSON.stringify({ Type: 'User', message }) : '');
  };
  const server = createServer(async (req, res) => {
    const path = INVOKE_PATH.exec((req.url ?? '').split('?')[0] ?? '');
    const body = await bodyOf(req);
    if (req.method !== 'POST' || !path?.[1]) return answer(res, 404, 'UnknownOperationException', req.url);
    const name = decodeURIComponent(path[1]);
    if (req.headers['x-amz-invocation-type'] !== 'Event') {
      return answer(res, 400, 'InvalidParameterValueException', 'Only Event invocations are served locally');
    }
    if (!lambdas.has(name))
      return answer(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    let event: unknown;
    try {
      event = body ? JSON.parse(body) : {};
    } catch {
      return answer(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
    const run = lambdas.invokeAsync(name, event);
    running.add(run);
    void run.finally(() => running.delete(run));
    answer(res, 202);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    close: () => closeServer(server),
  };
}
