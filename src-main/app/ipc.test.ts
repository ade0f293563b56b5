import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../api/index.js';
import { createBackend } from '../jobs/backend.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipcChannels.js';
import { createIpcCallHandler, isTrustedFrameUrl } from './ipcHandler.js';
import { createPreloadApi, type IpcRendererPort } from './preloadApi.js';

/** Connects the preload API to the main-side handler the way Electron's IPC would. */
function wire(frameUrl: string) {
  const backend = createBackend({ home: mkdtempSync(join(tmpdir(), 'bb-ipc-')), mode: 'desktop' });
  const handle = createIpcCallHandler(backend.handlers, undefined);
  const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
  const port: IpcRendererPort = {
    invoke: async (channel, method, input) => {
      expect(channel).toBe(IPC_CALL_CHANNEL);
      return handle({ senderFrameUrl: frameUrl }, method, input);
    },
    on: (channel, l) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel, l) => listeners.get(channel)?.delete(l),
  };
  backend.events.subscribe((event) => listeners.get(IPC_EVENT_CHANNEL)?.forEach((l) => l({}, event)));
  return { api: createPreloadApi(port), backend, listeners };
}

describe('desktop IPC path', () => {
  it('answers a call from the app window through the contract', async () => {
    const { api } = wire('file:///opt/bitbench/out/renderer/index.html');
    const info = await api.call('app.info', {});
    expect(info.mode).toBe('desktop');
    expect(info.name).toBe('Bitbench');
  });

  it('refuses calls from any other frame', async () => {
    const { api } = wire('https://evil.example/');
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('never sends a method outside the contract', async () => {
    const { api } = wire('file:///x/index.html');
    await expect(api.call('shell.exec' as never, {} as never)).rejects.toBeInstanceOf(BitbenchError);
  });

  it('delivers events and stops after unsubscribe', async () => {
    const { api, backend } = wire('file:///x/index.html');
    const seen: string[] = [];
    const off = api.onEvent((e) => seen.push(e.type));
    backend.events.publish({ type: 'log', jobId: null, level: 'info', message: 'hello', at: new Date().toISOString() });
    off();
    backend.events.publish({ type: 'log', jobId: null, level: 'info', message: 'again', at: new Date().toISOString() });
    expect(seen).toEqual(['log']);
  });

  it('trusts the dev server only by exact origin', () => {
    expect(isTrustedFrameUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedFrameUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedFrameUrl(undefined, undefined)).toBe(false);
  });
});
