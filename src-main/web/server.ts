/**
 * Web mode: serves the built renderer and the API on one port. Bound to 127.0.0.1 unless asked
 * otherwise; any other address requires a token. Requests are checked for their Host and Origin so
 * a web page on another site cannot drive the API (DNS rebinding, cross-site requests).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BitbenchError, dispatchApiCall } from '../api/index.js';
import type { Backend } from '../jobs/backend.js';
import { CONTENT_SECURITY_POLICY } from '../api/security.js';

export interface WebServerOptions {
  backend: Backend;
  /** Folder holding the built renderer (index.html and assets). */
  rendererDir: string;
  host?: string;
  port?: number;
  /** Required when host is not loopback; generated if not given. */
  token?: string;
}

export interface WebServer {
  url: string;
  /** The URL to open, with the token when one is required. */
  openUrl: string;
  token: string | null;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};


/** Where web mode serves exported reports; the backend builds download URLs with it. */
export const REPORTS_PREFIX = '/api/reports/';

const REPORT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
};

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

/** Starts web mode; resolves once listening. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const rendererDir = resolve(options.rendererDir);
  const token = isLoopback(host) ? null : (options.token ?? randomBytes(24).toString('base64url'));
  try {
    await stat(join(rendererDir, 'index.html'));
  } catch {
    throw new BitbenchError('NOT_FOUND', `The built UI was not found in ${rendererDir}.`, 'Run `npm run build` first (the setup script does it).');
  }

  let port = options.port ?? 5170;

  const hostAllowed = (req: IncomingMessage): boolean => {
    const h = req.headers.host ?? '';
    const allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`]);
    return allowed.has(h);
  };
  const originAllowed = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // same-origin GETs and non-browser clients send none
    return origin === `http://${req.headers.host}`;
  };
  const tokenOk = (req: IncomingMessage, url: URL): boolean => {
    if (token === null) return true;
    const offered =
      url.searchParams.get('token') ??
      (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : null) ??
      parseCookie(req.headers.cookie ?? '')['bitbench_token'] ??
      null;
    if (offered === null) return false;
    const a = Buffer.from(offered);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: String(error) } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req)) return sendText(res, 421, 'Unknown host.');
    if (!tokenOk(req, url)) return sendText(res, 401, 'This Bitbench server needs its access token: open the URL it printed.');
    if (url.pathname === '/api/call') {
      if (req.method !== 'POST') return sendText(res, 405, 'Use POST.');
      if (!originAllowed(req)) return sendText(res, 403, 'Cross-origin requests are refused.');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendText(res, 415, 'Send JSON.');
      const body = await readBody(req);
      let message: { method?: unknown; input?: unknown };
      try {
        message = JSON.parse(body) as { method?: unknown; input?: unknown };
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' } });
      }
      const result = await dispatchApiCall(options.backend.handlers, message.method, message.input);
      return sendJson(res, 200, result);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
    if (url.pathname.startsWith(REPORTS_PREFIX)) return serveReport(res, decodeURIComponent(url.pathname.slice(REPORTS_PREFIX.length)));
    const extraHeaders: Record<string, string> = {};
    if (token !== null && url.searchParams.get('token')) {
      extraHeaders['Set-Cookie'] = `bitbench_token=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    return serveStatic(res, url.pathname, extraHeaders);
  }

  /** Exported reports, by file name only (no folders), as downloads. */
  async function serveReport(res: ServerResponse, name: string): Promise<void> {
    if (!/^[\w.-]+$/.test(name)) return sendText(res, 400, 'Bad report name.');
    let data: Buffer;
    try {
      data = await readFile(join(options.backend.home.reports, name));
    } catch {
      return sendText(res, 404, 'No such report; export it again.');
    }
    res.writeHead(200, {
      'Content-Type': REPORT_TYPES[extname(name)] ?? 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(data);
  }

  async function serveStatic(res: ServerResponse, pathname: string, extraHeaders: Record<string, string>): Promise<void> {
    let relative = decodeURIComponent(pathname);
    if (relative === '/' || relative === '') relative = '/index.html';
    const file = normalize(join(rendererDir, relative));
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return sendText(res, 403, 'Forbidden.');
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      // Unknown paths fall back to the app shell so the UI's own routes survive a reload.
      if (extname(file) !== '') return sendText(res, 404, 'Not found.');
      data = await readFile(join(rendererDir, 'index.html'));
      relative = '/index.html';
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(relative)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
      ...extraHeaders,
    });
    res.end(data);
  }

  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/events' || !hostAllowed(req) || !originAllowed(req) || !tokenOk(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const unsubscribe = options.backend.events.subscribe((event) => ws.send(JSON.stringify(event)));
      ws.on('close', () => {
        unsubscribe();
        sockets.delete(ws);
      });
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        rejectListen(new BitbenchError('BAD_REQUEST', `Port ${port} on ${host} is already in use.`, 'Pick another one with --port N (0 picks a free port).'));
      } else rejectListen(error);
    });
    server.listen(port, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: token === null ? url : `${url}?token=${token}`,
    token,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function parseCookie(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        rejectBody(new BitbenchError('BAD_REQUEST', 'The request is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rejectBody);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
