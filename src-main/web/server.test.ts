import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBackend, type Backend } from '../jobs/backend.js';
import { startWebServer, type WebServer } from './server.js';

function makeRendererDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Bitbench</title>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

/** A raw HTTP request so tests can set Host and Origin the way an attacker's page would. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('web mode on loopback', () => {
  let backend: Backend;
  let server: WebServer;
  beforeAll(async () => {
    backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-web-')), mode: 'web' });
    server = await startWebServer({ backend, rendererDir: makeRendererDir(), port: 0 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('binds to 127.0.0.1 and needs no token there', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.token).toBeNull();
  });

  it('serves the UI with a content security policy', async () => {
    const res = await raw(server.url);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Bitbench</title>');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('answers API calls over HTTP', async () => {
    const res = await fetch(server.url + 'api/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ method: 'app.info', input: {} }) });
    const reply = (await res.json()) as { ok: boolean; result: { mode: string } };
    expect(reply.ok).toBe(true);
    expect(reply.result.mode).toBe('web');
  });

  it('reports a malformed body as a bad request', async () => {
    const res = await fetch(server.url + 'api/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
  });

  it('refuses cross-origin API calls', async () => {
    const res = await raw(server.url + 'api/call', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' },
      body: JSON.stringify({ method: 'app.info', input: {} }),
    });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await raw(server.url, { headers: { Host: 'evil.example:80' } });
    expect(res.status).toBe(421);
  });

  it('does not serve files outside the UI folder', async () => {
    const res = await raw(server.url + '..%2f..%2f..%2fetc%2fpasswd.txt');
    expect([403, 404]).toContain(res.status);
    expect(res.body).not.toContain('root:');
  });

  it('pushes events over the WebSocket', async () => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + 'api/events');
    await new Promise((r) => ws.once('open', r));
    const got = new Promise<string>((r) => ws.once('message', (m) => r(String(m))));
    backend.events.publish({ type: 'log', jobId: null, level: 'info', message: 'ping', at: new Date().toISOString() });
    expect(JSON.parse(await got)).toMatchObject({ type: 'log', message: 'ping' });
    ws.close();
  });
});

describe('web mode beyond loopback', () => {
  it('requires the token for the UI and the API', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-web-')), mode: 'web' });
    // 0.0.0.0 is "anything but loopback"; the test still connects through 127.0.0.1.
    const server = await startWebServer({ backend, rendererDir: makeRendererDir(), host: '0.0.0.0', port: 0 });
    try {
      expect(server.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const port = new URL(server.url).port;
      const base = `http://127.0.0.1:${port}/`;
      const hostHeader = { Host: `0.0.0.0:${port}` };
      expect((await raw(base, { headers: hostHeader })).status).toBe(401);
      const withToken = await raw(`${base}?token=${server.token}`, { headers: hostHeader });
      expect(withToken.status).toBe(200);
      expect(String(withToken.headers['set-cookie'])).toContain('HttpOnly');
      const api = await raw(base + 'api/call', {
        method: 'POST',
        headers: { ...hostHeader, 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
        body: JSON.stringify({ method: 'app.info', input: {} }),
      });
      expect(api.status).toBe(200);
      const wrong = await raw(base + 'api/call', {
        method: 'POST',
        headers: { ...hostHeader, 'Content-Type': 'application/json', Authorization: 'Bearer wrong' },
        body: '{}',
      });
      expect(wrong.status).toBe(401);
    } finally {
      await server.close();
    }
  });

  it('says clearly when the UI has not been built', async () => {
    const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-web-')), mode: 'web' });
    await expect(startWebServer({ backend, rendererDir: mkdtempSync(join(tmpdir(), 'empty-')), port: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
