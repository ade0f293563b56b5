/**
 * The main side of the API: one handler per contract method, shared by the Electron shell, web
 * mode and the CLI. Transports only validate and forward; all behaviour lives here and below.
 */
import type { ApiHandlers } from '../api/index.js';
import { DeviceLab } from '../device/deviceLab.js';
import { MemorySecretStore, type SecretStore } from '../device/secrets.js';
import type { PdfPrinter } from '../report/pdf.js';
import { EventHub } from './events.js';
import { createBenchmarkExecutor } from './executors/benchmarkJob.js';
import { builtInExecutors } from './executors/index.js';
import { createStudioSearchExecutor } from './executors/studioSearch.js';
import { HistoryService } from './historyService.js';
import { createWorkerExecutor } from './worker/workerExecutor.js';
import { createDeviceHandlers } from './studio/deviceHandlers.js';
import { createStudioHandlers } from './studio/studioHandlers.js';
import { prepareHome, type HomeLayout } from './home.js';
import { getVersions } from './versions.js';

export interface BackendOptions {
  home: string;
  mode: 'desktop' | 'web' | 'cli';
  /** Web mode serves exported reports under this URL prefix. */
  reportUrlPrefix?: string;
  /** Where device passwords live (the desktop app passes its OS-keychain store; default: memory only). */
  secrets?: SecretStore;
  /** How PDF reports are printed (the desktop app passes webContents.printToPDF; default: headless Chromium). */
  pdfPrinter?: PdfPrinter;
}

export interface Backend {
  handlers: ApiHandlers;
  events: EventHub;
  home: HomeLayout;
  /** Runs, results and jobs (the database opens on first use). */
  history: HistoryService;
  /** Devices: this computer and the SSH devices of the lab. */
  lab: DeviceLab;
  close(): Promise<void>;
}

/** Builds the backend for one home folder. */
export function createBackend(options: BackendOptions): Backend {
  const home = prepareHome(options.home);
  const events = new EventHub();
  const versions = getVersions();
  const secrets = options.secrets ?? new MemorySecretStore();
  const lab = new DeviceLab({ home: home.root, secrets });
  // Searches run in a worker thread, so the web server and the app's IPC answer at once while one runs.
  const studioSearch = createWorkerExecutor(createStudioSearchExecutor({ events, artifactsDir: home.artifacts, lab }).accepts, { home: home.root, artifactsDir: home.artifacts, events, secrets });
  const benchmark = createBenchmarkExecutor({ lab, artifactsDir: home.artifacts });
  const history = new HistoryService(home.database, events, [studioSearch, benchmark, ...builtInExecutors]);

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
    'runs.list': async (input) => ({ runs: history.listRuns({ limit: input.limit ?? 50, model: input.model, device: input.device }) }),
    ...createDeviceHandlers(lab, versions.onnxruntime),
    ...createStudioHandlers({ home, history, lab, reportUrlPrefix: options.reportUrlPrefix ?? null, pdfPrinter: options.pdfPrinter }),
  };

  return {
    handlers,
    events,
    home,
    history,
    lab,
    close: async () => {
      await history.close();
      await lab.close();
    },
  };
}
