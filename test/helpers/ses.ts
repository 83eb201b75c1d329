/** An in-process aws-ses-v2-local on a free port, and a way to read the mail it received. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import sesServer from 'aws-ses-v2-local';

export interface SesEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

export interface TestSes {
  endpoint: string;
  emails(): Promise<SesEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startSes(): Promise<TestSes> {
  // The package is CommonJS with `exports.default`; accept either interop shape.
  type Start = (config: { host: string; port: number }) => Promise<Server>;
  const mod = sesServer as unknown as Start | { default: Start };
  const start = typeof mod === 'function' ? mod : mod.default;
  const server = await start({ host: '127.0.0.1', port: 0 });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The package keeps one mail store per process, shared with emulators started before this one
  // (an earlier file in the same worker): start with an empty mailbox.
  await fetch(`${endpoint}/clear-store`, { method: 'POST' });
  return {
    endpoint,
    emails: async () => ((await (await fetch(`${endpoint}/store`)).json()) as { emails: SesEmail[] }).emails,
    clear: async () => {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An address where nothing listens (connections are refused). */
export async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts connections and never answers (an SES call that times out). */
export async function silentServer(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const s = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {}); // read the request, answer nothing
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        s.close(() => resolve());
      }),
  };
}
