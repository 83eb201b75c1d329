/**
 * DNS rebinding: a web page whose own name is made to resolve to 127.0.0.1 reaches the local
 * product with its own name in `Host`. The product answers only its loopback names, so such a
 * page cannot read the inbox (every signed link) or the status; the product's own addresses work.
 */
import { request } from 'node:http';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoClient, startEmulators } from '#local/runtime/emulators';
import { type LocalHttpServer, startHttpServer } from '#local/runtime/http';
import { isLoopbackBind, loopbackHost } from '#local/runtime/loopback';

let http: LocalHttpServer;

beforeAll(async () => {
  const inbox = async () => ({
    statusCode: 200,
    headers: { 'content-type': 'text/plain' },
    body: 'signed links',
  });
  http = await startHttpServer({ routes: [{ method: 'GET', path: '/inbox', handler: inbox }] });
});
afterAll(async () => {
  await http?.close();
});

/** A GET with the Host header as a browser on `host` would send it (fetch cannot set Host). */
function get(path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  const headers = host === undefined ? {} : { host };
  return new Promise((resolve, reject) => {
    const to = { host: '127.0.0.1', port: http.port, path, headers, setHost: host !== undefined };
    const req = request(to, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local server answers only its own loopback names', () => {
  it('serves 127.0.0.1, localhost and [::1], on any port a forward may name', async () => {
    for (const host of [
      `127.0.0.1:${http.port}`,
      `localhost:${http.port}`,
      `[::1]:${http.port}`,
      `LOCALHOST:${http.port}`,
      'localhost:8080',
      'localhost.',
    ]) {
      const res = await get('/inbox', host);
      expect(res, host).toEqual({ status: 200, body: 'signed links' });
    }
  });

  it('refuses another name resolving to it (DNS rebinding), saying which address to open', async () => {
    for (const host of [`evil.example:${http.port}`, 'evil.example', '127.0.0.1.evil.example', '[::2]:80']) {
      const res = await get('/inbox', host);
      expect(res.status, host).toBe(403);
      expect(res.body, host).toContain(`hãy mở http://127.0.0.1:${http.port}/`);
      expect(res.body, host).not.toContain('signed links');
    }
  });

  it('names: loopback binds and Host values, with or without port and brackets; no Host is not loopback', () => {
    for (const bind of ['127.0.0.1', 'localhost', 'LOCALHOST', '::1', '[::1]'])
      expect(isLoopbackBind(bind), bind).toBe(true);
    for (const bind of ['0.0.0.0', '192.168.1.10', '::']) expect(isLoopbackBind(bind), bind).toBe(false);
    expect(loopbackHost('localhost')).toBe(true);
    expect(loopbackHost('[::1]:3000')).toBe(true);
    expect(loopbackHost('127.0.0.1:80')).toBe(true);
    expect(loopbackHost(undefined)).toBe(false);
    expect(loopbackHost('evil.example:3000')).toBe(false);
  });

  it('checks nothing when bound to an address that is not loopback (it cannot know its names)', async () => {
    const open = await startHttpServer({
      host: '0.0.0.0',
      routes: [{ method: 'GET', path: '/x', handler: async () => ({ statusCode: 200, body: 'ok' }) }],
    });
    try {
      const res = await fetch(`http://127.0.0.1:${open.port}/x`, { headers: { 'x-test': '1' } });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('the emulators answer only the runtime, never a browser', () => {
  it("dynalite and the SES emulator refuse a foreign Host and any Origin; the SDK's calls pass", async () => {
    const emulators = await startEmulators();
    try {
      for (const url of [emulators.dynamodbUrl, emulators.sesUrl]) {
        const { port } = new URL(url);
        const path = url === emulators.sesUrl ? '/store' : '/';
        const refused: Record<string, string>[] = [
          { host: 'evil.example' },
          { host: `127.0.0.1:${port}`, origin: 'https://evil.example' },
        ];
        for (const headers of refused) {
          const res = await rawGet(Number(port), path, headers);
          expect(res.status, `${url} ${JSON.stringify(headers)}`).toBe(403);
        }
      }
      const store = await fetch(`${emulators.sesUrl}/store`);
      expect(store.status).toBe(200);
      const tables = await dynamoClient(emulators.dynamodbUrl).send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
    } finally {
      await emulators.stop();
    }
  });
});

/** A GET with exactly these headers (fetch cannot set Host). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}
