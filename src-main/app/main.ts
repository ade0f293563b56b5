/**
 * Electron main process: the thin shell. Creates the backend, wires the one IPC channel to the
 * validated dispatcher, forwards events, and opens the window. Everything else runs under plain
 * Node and is tested there.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend } from '../jobs/backend.js';
import { resolveHomeDir } from '../jobs/home.js';
import { createIpcCallHandler } from './ipcHandler.js';
import { printHtmlToPdf } from './printToPdf.js';
import { createSafeStorageSecretStore } from './safeStorageSecrets.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipcChannels.js';
import { createMainWindow, hardenSession } from './window.js';

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererFile = join(here, '../renderer/index.html');

app.enableSandbox();

void app.whenReady().then(() => {
  hardenSession();
  const home = resolveHomeDir();
  const backend = createBackend({ home, mode: 'desktop', secrets: createSafeStorageSecretStore(home), pdfPrinter: printHtmlToPdf });
  const handleCall = createIpcCallHandler(backend.handlers, process.env.ELECTRON_RENDERER_URL);
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, input: unknown) => handleCall({ senderFrameUrl: event.senderFrame?.url }, method, input));
  const win = createMainWindow(preloadPath, process.env.ELECTRON_RENDERER_URL, rendererFile);
  const unsubscribe = backend.events.subscribe((e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
  win.on('closed', () => unsubscribe());
  app.on('window-all-closed', () => {
    void backend.close().then(() => app.quit());
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(preloadPath, process.env.ELECTRON_RENDERER_URL, rendererFile);
  });
});
