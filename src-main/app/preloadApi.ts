/**
 * The object the preload exposes as `window.bitbench`, built from a minimal ipcRenderer-like port so
 * it can be tested without Electron. Only contract method names are ever sent.
 */
import { BitbenchError, isApiMethodName, type ApiClient, type ApiEvent, type CallResult } from '../api/index.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipcChannels.js';

export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererPort): ApiClient {
  return {
    async call(method, input) {
      if (!isApiMethodName(method)) throw new BitbenchError('UNKNOWN_METHOD', `Unknown API method ${String(method)}.`);
      const reply = (await ipc.invoke(IPC_CALL_CHANNEL, method, input)) as CallResult;
      if (!reply.ok) throw BitbenchError.fromInfo(reply.error);
      return reply.result as never;
    },
    onEvent(listener) {
      const handler = (_event: unknown, payload: unknown) => listener(payload as ApiEvent);
      ipc.on(IPC_EVENT_CHANNEL, handler);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, handler);
      };
    },
  };
}
