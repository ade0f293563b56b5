/**
 * Web-mode transport: calls are POSTed to /api/call; events arrive on the /api/events WebSocket,
 * which reconnects by itself after the server restarts.
 */
import type { ApiClient, ApiEvent, ApiMethodName } from '@api/index';
import { BitbenchError, type ErrorInfo } from '@api/errors';

export function createHttpClient(origin: string): ApiClient {
  const listeners = new Set<(event: ApiEvent) => void>();
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const connect = () => {
    if (socket || listeners.size === 0) return;
    const ws = new WebSocket(origin.replace(/^http/, 'ws') + '/api/events');
    socket = ws;
    ws.onopen = () => (retryMs = 500);
    ws.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as ApiEvent;
      for (const listener of listeners) listener(event);
    };
    ws.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  };

  return {
    async call<M extends ApiMethodName>(method: M, input: unknown) {
      let response: Response;
      try {
        response = await fetch(origin + '/api/call', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input }),
          credentials: 'same-origin',
        });
      } catch {
        throw new BitbenchError('DEVICE_UNREACHABLE', 'The Bitbench server is not answering.', 'Check that `bitbench web` is still running, then reload.');
      }
      if (response.status === 401) throw new BitbenchError('UNAUTHORIZED', 'This server needs its access token.', 'Open the URL that `bitbench web` printed, with its token.');
      const reply = (await response.json()) as { ok: true; result: never } | { ok: false; error: ErrorInfo };
      if (!reply.ok) throw BitbenchError.fromInfo(reply.error);
      return reply.result;
    },
    onEvent(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) socket?.close();
      };
    },
  };
}
