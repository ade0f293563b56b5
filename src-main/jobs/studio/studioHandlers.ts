/**
 * API handlers for the studio's main loop: models and data, searches (and the demo), job control,
 * run details and comparisons, reports. Thin: each validates what the engine cannot know (paths,
 * names) and delegates to the engine, the device lab, the history or the report renderers.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BitbenchError, SearchRequest, type ApiHandlers } from '../../api/index.js';
import { openDataset } from '../../engine/data/open.js';
import { loadModel } from '../../engine/model/loadModel.js';
import type { DeviceLab } from '../../device/deviceLab.js';
import { buildSearchReport, isSearchRunResult } from '../../report/fromSearchRun.js';
import { renderReport, type PdfPrinter } from '../../report/render.js';
import { configHash } from '../../store/configHash.js';
import type { HistoryService } from '../historyService.js';
import type { HomeLayout } from '../home.js';
import { createRun } from '../runFactory.js';
import { STUDIO_SEARCH_MARKER } from '../executors/studioSearch.js';
import { demoSearchRequest, demoSetup } from './demo.js';

export type StudioMethods =
  | 'models.inspect'
  | 'models.upload'
  | 'data.describe'
  | 'demo.info'
  | 'demo.start'
  | 'search.start'
  | 'runs.get'
  | 'runs.report'
  | 'runs.compare'
  | 'jobs.cancel'
  | 'jobs.pause'
  | 'jobs.resume'
  | 'reports.export';

export interface StudioDeps {
  home: HomeLayout;
  history: HistoryService;
  lab: DeviceLab;
  /** Web mode serves exported reports under this URL prefix; null elsewhere. */
  reportUrlPrefix: string | null;
  pdfPrinter?: PdfPrinter;
}

function requireModelFile(path: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new BitbenchError('NOT_FOUND', `There is no model file at ${path}.`, 'Check the path of the .onnx file (absolute, or relative to where Bitbench runs), or upload the model.');
  }
}

/** Starts a studio search run in the background; returns its run and job ids. */
export async function startSearch(deps: StudioDeps, input: SearchRequest): Promise<{ runId: number; jobId: string }> {
  const request = SearchRequest.parse(input);
  requireModelFile(request.modelPath);
  if (request.device) await deps.lab.device(request.device); // unknown names fail here, before any work
  const loaded = await loadModel(request.modelPath);
  const data = await openDataset(request.data, request.preprocess);
  const runId = createRun(deps.history.store, {
    kind: 'search',
    title: request.title ?? `${request.method} search on ${loaded.info.name}`,
    method: request.method,
    model: { sha256: loaded.sha256, name: loaded.info.name, info: loaded.info },
    dataset: { sha256: data.sha256, name: data.name, spec: request.data, samples: data.size, labeled: data.hasLabels },
    deviceName: request.device,
    settings: { ...request, executor: STUDIO_SEARCH_MARKER },
  });
  return deps.history.startInBackground(runId);
}

export function createStudioHandlers(deps: StudioDeps): Pick<ApiHandlers, StudioMethods> {
  const reportModelOf = (id: number) => {
    const run = deps.history.getRun(id);
    if (!isSearchRunResult(run.result)) return null;
    return buildSearchReport({ run, result: run.result, hashOf: configHash });
  };
  return {
    'models.inspect': async ({ path }) => {
      requireModelFile(path);
      return (await loadModel(path)).info;
    },
    'models.upload': async ({ fileName, base64 }) => {
      const safe = basename(fileName).replace(/[^\w.-]+/g, '_');
      if (!/\.onnx$/i.test(safe)) throw new BitbenchError('INVALID_MODEL', `${fileName} is not an .onnx file.`, 'Upload an ONNX model (a file ending in .onnx).');
      const dir = join(deps.home.root, 'models');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, safe);
      writeFileSync(path, Buffer.from(base64, 'base64'));
      // Fail now, with the model's own error, rather than later inside a search.
      await loadModel(path);
      return { path };
    },
    'data.describe': async ({ spec, preprocess }) => {
      const d = await openDataset(spec, preprocess);
      return { spec, name: d.name, size: d.size, sampleDims: d.sampleDims, hasLabels: d.hasLabels, numClasses: d.numClasses, sha256: d.sha256 };
    },
    'demo.info': async () => demoSetup(),
    'demo.start': async () => startSearch(deps, demoSearchRequest()),
    'search.start': async (input) => startSearch(deps, input),
    'runs.get': async ({ id }) => deps.history.getRun(id),
    'runs.report': async ({ id }) => reportModelOf(id),
    'runs.compare': async ({ targets, device }) => deps.history.compare(targets, device),
    'jobs.cancel': async ({ runId }) => ({ ok: deps.history.cancel(runId) }),
    'jobs.pause': async ({ runId }) => ({ ok: deps.history.pause(runId) }),
    'jobs.resume': async ({ runId }) => deps.history.startInBackground(runId),
    'reports.export': async ({ runId, format }) => {
      const model = reportModelOf(runId);
      if (!model) throw new BitbenchError('NOT_FOUND', `Run ${runId} has no finished search result to report.`, 'Wait for the run to finish, or open another run.');
      const bytes = await renderReport(model, format, deps.pdfPrinter);
      const fileName = `run-${runId}-report.${format}`;
      const path = join(deps.home.reports, fileName);
      writeFileSync(path, bytes);
      // The history remembers every report written about a run.
      deps.history.store.outputs.addReport({ runId, format, path, title: fileName });
      return { fileName, path, bytes: bytes.length, downloadUrl: deps.reportUrlPrefix ? `${deps.reportUrlPrefix}${encodeURIComponent(fileName)}` : null };
    },
  };
}
