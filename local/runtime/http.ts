/**
 * The local HTTP adapter: what API Gateway's HTTP API does in the cloud, on one machine. A Node
 * `http` server turns each request into an `APIGatewayProxyEventV2` (payload 2.0: raw path and
 * query string, decoded query parameters, lower-case headers, the `cookies` array, the body
 * base64-encoded, `requestContext.http` with the method and source IP, the matched `routeKey` and
 * path parameters) and calls the same handler in-process; the handler's structured result becomes
 * the status, headers, `Set-Cookie` lines (from `cookies`) and body.
 *
 * Routes are the stack's (functions/http/routes.ts, via `pageRoutes()`); local-only pages (the
 * inbox, clock control) are added with `addRoute` on the same server.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  DEFAULT_ROUTE,
  HTTP_ROUTES,
  type HttpMethod,
  matchPath,
  PAGE_HANDLER_ENTRIES,
} from '#functions/http/routes';
import { PROJECT_ROOT } from '#infra/project';
import { isLoopbackBind, loopbackHost } from './loopback.ts';
import { closeServer } from './sfn-endpoint.ts';

export type HttpLambdaHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2 | string | undefined | object>;

export interface LocalRoute {
  /** `ANY` only for the `$default` route. */
  method: HttpMethod | 'PUT' | 'DELETE' | 'PATCH' | 'ANY';
  /**
   * API Gateway path syntax (`/admin/periods/{periodId}`), or `$default`: what no other route
   * matches, as API Gateway's `$default` route.
   */
  path: string;
  handler: HttpLambdaHandler;
  /** Lambda timeout the handler sees in `getRemainingTimeInMillis` (default 20 s). */
  timeoutSeconds?: number;
}

export interface LocalHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  server: Server;
  addRoute(route: LocalRoute): void;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  routes: LocalRoute[];
  /** API Gateway's payload limit is 10 MB; pages need far less. */
  maxBodyBytes?: number;
}

/**
 * The stack's page routes, each with its handler from the file the stack bundles. A handler's file
 * is imported at the route's first request, as a Lambda function's at its cold start: a start of
 * the product loads none of them (a third of a second of CPU for all nine, the admin pages' most),
 * and a restarted product loads only those its visitors open. A file that failed to load, or
 * exports no handler, fails that request and is imported again at the next.
 */
export async function pageRoutes(): Promise<LocalRoute[]> {
  const loading = new Map<string, Promise<HttpLambdaHandler>>();
  const load = (name: string, entry: string): Promise<HttpLambdaHandler> => {
    let handler = loading.get(name);
    if (!handler) {
      handler = import(pathToFileURL(join(PROJECT_ROOT, entry)).href).then(
        (mod: { handler?: HttpLambdaHandler }) => {
          if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
          return mod.handler;
        },
      );
      handler.catch(() => loading.delete(name));
      loading.set(name, handler);
    }
    return handler;
  };
  const handlerNamed = (name: string, route: string): HttpLambdaHandler => {
    const entry = (PAGE_HANDLER_ENTRIES as Record<string, string | undefined>)[name];
    if (!entry) throw new Error(`Route ${route}: no page handler named ${name}`);
    return async (event, context) => (await load(name, entry))(event, context);
  };
  const routes: LocalRoute[] = HTTP_ROUTES.map((r) => ({
    method: r.method,
    path: r.path,
    handler: handlerNamed(r.handler, `${r.method} ${r.path}`),
  }));
  const fallback = handlerNamed(DEFAULT_ROUTE.handler, '$default');
  return [...routes, { method: 'ANY', path: DEFAULT_ROUTE.routeKey, handler: fallback }];
}

function lambdaContext(timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'local-http',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:local-http',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/local-http',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** API Gateway v2: decoded query parameters, repeated names joined with commas. */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (!raw) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = k in out ? `${out[k]},${v}` : v;
  return out;
}

export function toEvent(
  req: IncomingMessage,
  body: Buffer,
  match: { routeKey: string; pathParameters?: Record<string, string> },
): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const rawQueryString = q === -1 ? '' : rawUrl.slice(q + 1);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    // Payload 2.0 moves cookies out of the headers into their own array.
    if (lower === 'cookie') {
      cookies = joined
        .split(';')
        .map((c) => c.trim())
        .filter(Boolean);
      continue;
    }
    headers[lower] = joined;
  }
  const now = new Date();
  const method = (req.method ?? 'GET').toUpperCase();
  const query = queryParameters(rawQueryString);
  return {
    version: '2.0',
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(match.pathParameters && Object.keys(match.pathParameters).length
      ? { pathParameters: match.pathParameters }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    // API Gateway base64-encodes form bodies; the handlers accept either form.
    ...(body.length > 0
      ? { body: body.toString('base64'), isBase64Encoded: true }
      : { isBase64Encoded: false }),
  };
}

/** Writes a handler's result as API Gateway would (payload 2.0 response rules). */
export function writeResult(res: ServerResponse, result: unknown, method: string): void {
  let structured: APIGatewayProxyStructuredResultV2;
  if (result && typeof result === 'object' && 'statusCode' in result) {
    structured = result as APIGatewayProxyStructuredResultV2;
  } else {
    // A plain value: API Gateway answers 200 with it as JSON.
    structured = {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
    };
  }
  const body = structured.body
    ? structured.isBase64Encoded
      ? Buffer.from(structured.body, 'base64')
      : Buffer.from(structured.body, 'utf8')
    : Buffer.alloc(0);
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(structured.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  headers['content-length'] = body.length;
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(method === 'HEAD' ? undefined : body);
}

function plain(
  res: ServerResponse,
  status: number,
  message: string,
  extra: Record<string, string> = {},
): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extra,
  });
  res.end(body);
}

export async function startHttpServer(options: HttpServerOptions): Promise<LocalHttpServer> {
  const routes: LocalRoute[] = [...options.routes];
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const boundHost = options.host ?? '127.0.0.1';
  // Bound to loopback, only the loopback names are answered: a page whose own name resolves to
  // 127.0.0.1 (DNS rebinding) cannot read the inbox's signed links (local/runtime/loopback.ts).
  const loopbackOnly = isLoopbackBind(boundHost);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (loopbackOnly && !loopbackHost(req.headers.host)) {
        const { port } = server.address() as AddressInfo;
        plain(
          res,
          403,
          `Địa chỉ này không được phục vụ: hãy mở http://127.0.0.1:${port}/ ` +
            '(this server answers only its loopback names)',
        );
        return;
      }
      if (tooLarge) {
        plain(res, 413, 'Request Entity Too Large');
        return;
      }
      void dispatch(req, res, Buffer.concat(chunks));
    });
    req.on('error', () => res.destroy());
  });

  async function dispatch(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    const serve = async (route: LocalRoute, routeKey: string, params: Record<string, string>) => {
      try {
        const result = await route.handler(
          toEvent(req, body, { routeKey, pathParameters: params }),
          lambdaContext(route.timeoutSeconds ?? 20),
        );
        writeResult(res, result, method);
      } catch {
        // What API Gateway answers when the integration fails; the handler logged its own error.
        plain(res, 500, 'Internal Server Error');
      }
    };
    for (const route of routes) {
      if (route.path === DEFAULT_ROUTE.routeKey) continue;
      const params = matchPath(route.path, rawPath);
      if (!params) continue;
      if (route.method !== method) continue;
      return serve(route, `${route.method} ${route.path}`, params);
    }
    const fallback = routes.find((r) => r.path === DEFAULT_ROUTE.routeKey);
    if (fallback) return serve(fallback, DEFAULT_ROUTE.routeKey, {});
    // API Gateway answers an unrouted method or path with 404 Not Found when it has no $default.
    plain(res, 404, 'Not Found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, boundHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost}:${port}`,
    port,
    server,
    addRoute: (route) => {
      routes.push(route);
    },
    close: () => closeServer(server),
  };
}
