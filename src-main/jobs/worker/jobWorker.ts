/**
 * The worker-thread side of a job: runs the studio search executor with a job context whose
 * writes, progress, logs and UI events are posted to the main thread, so the main thread (the web
 * server, the desktop app's IPC) stays responsive however much JavaScript a search runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo, type ApiEvent } from '../../api/index.js';
import { DeviceLab } from '../../device/deviceLab.js';
import type { SecretKind, SecretStore } from '../../device/secrets.js';
import { EventHub } from '../events.js';
import { createStudioSearchExecutor } from '../executors/studioSearch.js';
import type { JobContext } from '../jobTypes.js';
import type { JobWorkerData, MainMessage, WorkerMessage } from './protocol.js';

const port = parentPort!;
const data = workerData as JobWorkerData;
const post = (message: WorkerMessage) => port.postMessage(message);
const controller = new AbortController();
const pendingSecrets = new Map<number, (value: string | undefined) => void>();
let nextSecretId = 1;

port.on('message', (message: MainMessage) => {
  if (message.type === 'abort') controller.abort(message.reason);
  else if (message.type === 'secret') {
    pendingSecrets.get(message.id)?.(message.value);
    pendingSecrets.delete(message.id);
  }
});

/** Secrets stay in the main thread (the OS keychain in the app); the worker asks for them. */
const secrets: SecretStore = {
  get: (device: string, kind: SecretKind) =>
    new Promise((resolve) => {
      const id = nextSecretId++;
      pendingSecrets.set(id, resolve);
      post({ type: 'secret-get', id, device, kind });
    }),
  set: async () => {},
  delete: async () => {},
};

const events = new EventHub();
events.subscribe((event: ApiEvent) => post({ type: 'event', event }));

const context: JobContext = {
  run: data.run,
  signal: controller.signal,
  finishedEvaluations: data.finishedEvaluations,
  finishedMeasurementKeys: new Set(data.finishedMeasurementKeys),
  recordEvaluation: (evaluation) => post({ type: 'evaluation', evaluation }),
  recordMeasurement: (measurement) => post({ type: 'measurement', measurement: { ...measurement, samples: Array.from(measurement.samples) } }),
  recordProbe: (deviceName, probe) => post({ type: 'probe', deviceName, probe }),
  recordArtifact: (artifact) => post({ type: 'artifact', artifact }),
  progress: (progress) => post({ type: 'progress', progress }),
  log: (level, message) => post({ type: 'log', level, message }),
};

const lab = new DeviceLab({ home: data.home, secrets });
try {
  const executor = createStudioSearchExecutor({ events, artifactsDir: data.artifactsDir, lab });
  const outcome = await executor.execute(context);
  post({ type: 'done', outcome });
} catch (error) {
  post({ type: 'failed', error: toErrorInfo(error) });
} finally {
  await lab.close();
  // The message listener keeps this thread alive; close the port so the worker exits.
  port.close();
}
