/**
 * The renderer's one way to reach the main side. In the desktop app the preload provides
 * `window.bitbench` (IPC); in a browser the same interface runs over HTTP and a WebSocket.
 */
import type { ApiClient } from '@api/index';
import { createHttpClient } from './httpTransport';

declare global {
  interface Window {
    bitbench?: ApiClient;
  }
}

export function createApiClient(): ApiClient {
  return window.bitbench ?? createHttpClient(window.location.origin);
}
