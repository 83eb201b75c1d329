/**
 * Stable local ports within one process. The AWS SDK clients a handler module creates once read
 * their endpoint variable on first use and keep it; giving each service the same port again when
 * a later runtime starts in the same process (e.g. a second test in one file) keeps those clients
 * pointed at a live server.
 */
import { createServer } from 'node:net';

const KEY = Symbol.for('thidua.local.ports');
const holder = globalThis as { [KEY]?: Map<string, number> };
holder[KEY] ??= new Map<string, number>();
const ports = holder[KEY];

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(undefined));
    probe.listen(port, '127.0.0.1', () => {
      const bound = (probe.address() as { port: number }).port;
      probe.close(() => resolve(bound));
    });
  });
}

/** A free port on 127.0.0.1 for `service`: the one it had before in this process when still free. */
export async function portFor(service: string): Promise<number> {
  const previous = ports.get(service);
  const port = (previous !== undefined ? await tryBind(previous) : undefined) ?? (await tryBind(0));
  if (port === undefined) throw new Error(`No free port for ${service}`);
  ports.set(service, port);
  return port;
}
