/**
 * What the local runtime's servers answer, bound to the loopback interface: only requests that
 * name a loopback host. A web page whose own name is made to resolve to 127.0.0.1 (DNS rebinding)
 * sends its own name in `Host`; a page that calls an emulator directly sends an `Origin`. The
 * emulators (dynalite, the SES emulator) are never a browser's to call, and dynalite answers any
 * `Origin` with `Access-Control-Allow-Origin: *`: they refuse both. Written in erasable TypeScript
 * only: dynalite's thread (dynalite-worker.ts) runs it with no loader.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);

/** A host name or address without brackets, port or trailing dot, lower-cased. */
function bareName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']') < 0 ? undefined : name.indexOf(']'));
  else if (name.split(':').length === 2) name = name.slice(0, name.indexOf(':'));
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** A server bound to this address listens on the loopback interface only. */
export function isLoopbackBind(address: string): boolean {
  return LOOPBACK_NAMES.has(bareName(address));
}

/**
 * A request's `Host` names a loopback host (any port: a forwarded port, `ssh -L 8080:…`, names
 * another one). No `Host` at all is refused.
 */
export function loopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_NAMES.has(bareName(host));
}

/**
 * Puts a check in front of an emulator's request handlers: a request that names a foreign host or
 * carries an `Origin` (a browser's) gets 403 and never reaches the emulator. The AWS SDK sends
 * neither.
 */
export function refuseBrowsers(server: Server): void {
  const handlers = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!loopbackHost(req.headers.host) || req.headers.origin !== undefined) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Forbidden: the local emulators answer only the local runtime.\n');
      return;
    }
    for (const handle of handlers) handle.call(server, req, res);
  });
}
