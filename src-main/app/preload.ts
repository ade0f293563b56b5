/** Preload: exposes exactly one object, `window.bitbench`, implementing the API contract's client. */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './preloadApi.js';

contextBridge.exposeInMainWorld('bitbench', createPreloadApi(ipcRenderer));
