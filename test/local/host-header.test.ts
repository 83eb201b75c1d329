/**
 * DNS rebinding: a web page whose own name is made to resolve to 127.0.0.1 reaches the local
 * product with its own name in `Host`. The product answers only its loopback names, so such a
 * page cannot read the inbox (every signed link) or the status; the product's own addresses work.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, type LocalHttpServer, startHttpServer } from '#local/runtime/http';

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
  it('serves 127.0.0.1, localhost and [::1] with its port', async () => {
    for (const host of [`127.0.0.1:${http.port}`, `localhost:${http.port}`, `[::1]:${http.port}`]) {
      const res = await get('/inbox', host);
      expect(res, host).toEqual({ status: 200, body: 'signed links' });
    }
  });

  it('refuses another name resolving to it (DNS rebinding), another port, or no Host', async () => {
    for (const host of [
      `evil.example:${http.port}`,
      'evil.example',
      `127.0.0.1:${http.port + 1}`,
      undefined,
    ]) {
      const res = await get('/inbox', host);
      // Without Host, Node itself answers 400 (HTTP/1.1 requires it).
      expect([400, 403], String(host)).toContain(res.status);
      expect(res.body, String(host)).not.toContain('signed links');
    }
  });

  it('checks nothing when bound to an address that is not loopback (it cannot know its names)', () => {
    expect(hostAllowed('anything.example', '0.0.0.0', 3000)).toBe(true);
    expect(hostAllowed('anything.example', '127.0.0.1', 3000)).toBe(false);
    expect(hostAllowed('LOCALHOST:3000', '127.0.0.1', 3000)).toBe(true);
  });
});
