/**
 * The main side of the API: one handler per contract method, shared by the Electron shell, web
 * mode and the CLI. Transports only validate and forward; all behaviour lives here and below.
 */
import type { ApiHandlers } from '../api/index.js';
import { EventHub } from './events.js';
import { HistoryService } from './historyService.js';
import { prepareHome, type HomeLayout } from './home.js';
import { getVersions } from './versions.js';

export interface BackendOptions {
  home: string;
  mode: 'desktop' | 'web' | 'cli';
}

export interface Backend {
  handlers: ApiHandlers;
  events: EventHub;
  home: HomeLayout;
  /** Runs, results and jobs (the database opens on first use). */
  history: HistoryService;
  close(): Promise<void>;
}

/** Builds the backend for one home folder. */
export function createBackend(options: BackendOptions): Backend {
  const home = prepareHome(options.home);
  const events = new EventHub();
  const versions = getVersions();
  const history = new HistoryService(home.database, events);

  const handlers: ApiHandlers = {
    'app.info': async () => ({
      name: 'Bitbench',
      version: versions.app,
      mode: options.mode,
      home: home.root,
      node: versions.node,
      onnxruntime: versions.onnxruntime,
      platform: `${process.platform}-${process.arch}`,
    }),
    'runs.list': async (input) => ({ runs: history.listRuns({ limit: input.limit ?? 50 }) }),
    'devices.list': async () => ({
      devices: [
        {
          name: 'this computer',
          kind: 'local',
          host: null,
          status: 'ready',
          description: `${process.platform}-${process.arch}, onnxruntime-node ${versions.onnxruntime}`,
        },
      ],
    }),
  };

  return { handlers, events, home, history, close: () => history.close() };
}
