/**
 * The studio's search job: a search started from the UI, the CLI's `demo`, or `search.start`.
 * It runs the search (engine/search `runSearch`), persisting each evaluation as it finishes and
 * pushing every evaluated point to the UI as it arrives; then it measures the chosen configuration,
 * the fixed baselines and FP32 end to end on the run's device, persisting each measurement as it
 * completes. A resumed run skips the evaluations and measurements it already has.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BitbenchError, formatBitPair, LOCAL_DEVICE_NAME, SearchRequest, type MeasureResult, type ModelInfo, type QuantConfig, type ResolvedSearchRequest } from '../../api/index.js';
import { loadModel, QuantSimulator } from '../../engine/index.js';
import { createCostModel } from '../../engine/search/cost/createCostModel.js';
import { openSearchData, runSearch, type RunSearchResult } from '../../engine/search/runSearch.js';
import type { EvaluationRecord } from '../../engine/search/types.js';
import type { DeviceLab } from '../../device/deviceLab.js';
import { configHash } from '../../store/configHash.js';
import type { EventHub } from '../events.js';
import type { JobContext, JobExecutor, JobOutcome } from '../jobTypes.js';
import { recordExportedModel } from './recordExportedModel.js';
import { searchWithMeasuredLatency, type LatencyLoopOutcome } from './latencyLoop.js';
import { searchHooksFor, searchOutcome } from './searchJob.js';
import { finishedMeasurementOf } from './finishedMeasurement.js';

/** What the studio keeps as a search run's result: the search, the model's layout, the measurements. */
export interface StudioSearchResult extends RunSearchResult {
  request: ResolvedSearchRequest;
  modelLayout: { layers: QuantSimulatorInfo['layers']; groups: QuantSimulatorInfo['groups'] };
  measurements: StudioMeasurement[];
  /** With `--cost latency`: the device table, each round's predicted vs measured, final predictions. */
  latencyLoop: Omit<LatencyLoopOutcome, 'result'> | null;
}

type QuantSimulatorInfo = QuantSimulator['info'];

/** A configuration measured on the device; its statistics are the run's stored measurement with this config hash. */
export interface StudioMeasurement {
  label: string;
  kind: 'mixed' | 'fixed' | 'fp32';
  configHash: string;
  deviceName: string;
}

export interface StudioSearchDeps {
  events: EventHub;
  artifactsDir: string;
  /** The device lab: measurements go through its per-device queue. */
  lab: DeviceLab;
}

/** Marks a run's settings as a studio search so this executor (and no other) picks it up. */
export const STUDIO_SEARCH_MARKER = 'studio-search';

export function createStudioSearchExecutor(deps: StudioSearchDeps): JobExecutor {
  return {
    accepts: (run) => run.kind === 'search' && run.settings['executor'] === STUDIO_SEARCH_MARKER,
    execute: (context) => executeStudioSearch(context, deps),
  };
}

async function executeStudioSearch(context: JobContext, deps: StudioSearchDeps): Promise<JobOutcome> {
  const { executor: _marker, ...raw } = context.run.settings;
  const request = SearchRequest.parse(raw);
  const runId = context.run.id;
  const layout = await modelLayout(request);
  // Live points are placed by BOPs or size; with measured latency, by BOPs until the table exists.
  const liveCost = createCostModel(request.cost === 'latency' ? 'bops' : request.cost, layout.info);
  const hooks = searchHooksFor(context);
  // Front points this executor evaluated itself are not search ledger records.
  hooks.cachedEvaluations = hooks.cachedEvaluations?.filter((r) => !String(r.key).startsWith('front:'));
  const persist = hooks.onEvaluation;
  hooks.onEvaluation = (record: EvaluationRecord) => {
    persist?.(record);
    // Validation evaluations are points on the accuracy plot; phase-1 ones (calibration) are not.
    if (record.split === 'validation' && request.cost !== 'latency') {
      const uniform = new Set(Object.values(record.config.groups).map((p) => formatBitPair(p)));
      const kind = Object.keys(record.config.groups).length === 0 ? 'fp32' : uniform.size === 1 && Object.keys(record.config.groups).length === layout.groups.length ? 'baseline' : 'front';
      deps.events.publish({ type: 'point', runId, label: labelOf(record.config), kind, cost: liveCost.cost(record.config.groups), accuracy: record.accuracy, sqnrDb: finiteOrNull(record.sqnrDb) });
    }
  };
  context.log('info', `Search ${request.method} on ${request.modelPath}: candidates ${request.candidates.join(', ')}, cost ${request.cost}, max drop ${request.maxDrop}%.`);
  const searchOptions = {
    model: request.modelPath,
    data: request.data,
    calib: request.calib,
    preprocess: request.preprocess,
    method: request.method,
    candidates: request.candidates.join(','),
    maxDrop: request.maxDrop,
    rounding: request.rounding,
    calibrationMethod: request.calibration,
    seed: request.seed,
    calibrationSamples: request.calibLimit,
    validationSamples: request.limit ?? undefined,
    baselines: request.baselines.join(','),
    format: request.format,
  } as const;
  let result: RunSearchResult;
  let latency: Omit<LatencyLoopOutcome, 'result'> | null = null;
  if (request.cost === 'latency') {
    const deviceName = request.device ?? LOCAL_DEVICE_NAME;
    const data = await openSearchData({ data: request.data, calib: request.calib, preprocess: request.preprocess, seed: request.seed, calibrationSamples: request.calibLimit });
    mkdirSync(join(deps.artifactsDir, 'exports'), { recursive: true });
    const outcome = await searchWithMeasuredLatency(context, request, {
      lab: deps.lab,
      info: layout.info,
      deviceName,
      exportDir: join(deps.artifactsDir, 'exports'),
      calibration: data.calibration,
      search: (table, roundHooks) => runSearch({ ...searchOptions, cost: 'latency', latencyTable: table }, roundHooks),
    }, hooks);
    result = outcome.result;
    latency = { table: outcome.table, rounds: outcome.rounds, predictedMs: outcome.predictedMs };
  } else {
    result = await runSearch({ ...searchOptions, cost: request.cost }, hooks);
  }
  for (const entry of result.front) {
    deps.events.publish({ type: 'point', runId, label: labelOf(entry.config), kind: 'front', cost: entry.cost, accuracy: entry.accuracy, sqnrDb: finiteOrNull(entry.sqnrDb) });
  }
  for (const b of result.baselines) {
    deps.events.publish({ type: 'point', runId, label: b.bits, kind: 'baseline', cost: b.cost, accuracy: b.accuracy, sqnrDb: finiteOrNull(b.sqnrDb) });
  }
  // Pareto-greedy's best configuration at the cost of each baseline ("mixed vs fixed at one cost").
  for (const c of result.atBudgets ?? []) {
    deps.events.publish({ type: 'point', runId, label: `mixed at ${c.baseline ?? c.budget.toPrecision(4)} cost: ${labelOf(c.entry.config)}`, kind: 'front', cost: c.entry.cost, accuracy: c.entry.accuracy, sqnrDb: finiteOrNull(c.entry.sqnrDb) });
  }
  if (result.chosen) {
    deps.events.publish({ type: 'point', runId, label: 'chosen', kind: 'chosen', cost: result.chosen.cost, accuracy: result.chosen.accuracy, sqnrDb: finiteOrNull(result.chosen.sqnrDb) });
  }

  await evaluateMoreOfTheFront(context, deps, request, result);
  const measurements = request.measure ? await measureCandidates(context, deps, request, result) : [];
  const studio: StudioSearchResult = { ...result, request, modelLayout: { layers: layout.layers, groups: layout.groups }, measurements, latencyLoop: latency };
  return { ...searchOutcome(result), result: studio };
}

/** How many points along the front a studio search evaluates on validation data, for the plot. */
const FRONT_POINTS_TO_EVALUATE = 8;

/**
 * The search evaluates only the points its binary search needs; a studio user wants to see the
 * curve. Evaluates up to FRONT_POINTS_TO_EVALUATE more points spread along the front (persisted
 * like any evaluation, skipped on resume) and marks them on the result.
 */
async function evaluateMoreOfTheFront(context: JobContext, deps: StudioSearchDeps, request: ResolvedSearchRequest, result: RunSearchResult): Promise<void> {
  // Rounded weights live in the search's own simulator; a fresh one would round to nearest.
  if (request.rounding !== 'nearest') return;
  const pending = result.front.map((entry, index) => ({ entry, index })).filter(({ entry }) => !entry.evaluated);
  if (pending.length === 0) return;
  const step = Math.max(1, pending.length / FRONT_POINTS_TO_EVALUATE);
  const picked = Array.from({ length: Math.min(FRONT_POINTS_TO_EVALUATE, pending.length) }, (_, i) => pending[Math.floor(i * step)]);
  const data = await openSearchData({ data: request.data, calib: request.calib, preprocess: request.preprocess, seed: request.seed, calibrationSamples: request.calibLimit, validationSamples: request.limit ?? undefined });
  const stored = new Map(context.finishedEvaluations.map((e) => [e.key, e]));
  let simulator: QuantSimulator | undefined;
  try {
    for (const [i, { entry }] of picked.entries()) {
      if (context.signal.aborted) throw new BitbenchError('CANCELLED', 'The run was cancelled.');
      context.progress({ phase: 'evaluate-front', step: `front point ${i + 1} of ${picked.length}`, done: i, total: picked.length, etaSeconds: null });
      const key = `front:${configHash(entry.config)}:${data.validation.size}`;
      const previous = stored.get(key);
      let accuracy: number | null;
      let sqnrDb: number | null;
      if (previous) {
        accuracy = previous.accuracy;
        sqnrDb = previous.sqnrDb;
      } else {
        simulator ??= await QuantSimulator.create(request.modelPath, { calibration: data.calibration, calibrationMethod: request.calibration, calibrationLimit: data.calibration.size, signal: context.signal, format: request.format });
        const evaluation = await simulator.evaluate(entry.config, data.validation, { signal: context.signal });
        accuracy = evaluation.accuracy;
        sqnrDb = finiteOrNull(evaluation.sqnrDb);
        context.recordEvaluation({ key, config: entry.config, record: { key, extra: 'front-point' }, metrics: { accuracy, sqnrDb, cost: entry.cost, bops: entry.bops, sizeBytes: entry.sizeBytes, split: 'validation', samples: evaluation.samples } });
      }
      entry.accuracy = accuracy;
      entry.sqnrDb = sqnrDb;
      entry.evaluated = true;
      deps.events.publish({ type: 'point', runId: context.run.id, label: labelOf(entry.config), kind: 'front', cost: entry.cost, accuracy, sqnrDb });
    }
  } finally {
    await simulator?.dispose();
  }
}

async function modelLayout(request: ResolvedSearchRequest): Promise<{ info: ModelInfo; layers: ModelInfo['layers']; groups: ModelInfo['groups'] }> {
  const loaded = await loadModel(request.modelPath);
  return { info: loaded.info, layers: loaded.info.layers, groups: loaded.info.groups };
}

/** Exports and measures the chosen configuration, the baselines and FP32 on the run's device. */
async function measureCandidates(context: JobContext, deps: StudioSearchDeps, request: ResolvedSearchRequest, result: RunSearchResult): Promise<StudioMeasurement[]> {
  const deviceName = request.device ?? LOCAL_DEVICE_NAME;
  const targets: Array<{ label: string; kind: StudioMeasurement['kind']; config: QuantConfig }> = [];
  if (result.chosen) targets.push({ label: 'Mixed (chosen)', kind: 'mixed', config: result.chosen.config });
  for (const b of result.baselines) targets.push({ label: b.bits, kind: 'fixed', config: b.config });
  targets.push({ label: 'FP32', kind: 'fp32', config: { groups: {} } });

  const probe = await deps.lab.probe(deviceName);
  context.recordProbe(deviceName, probe);
  const data = await openSearchData({ data: request.data, calib: request.calib, preprocess: request.preprocess, seed: request.seed, calibrationSamples: request.calibLimit });
  let simulator: QuantSimulator | undefined;
  const out: StudioMeasurement[] = [];
  const dir = join(deps.artifactsDir, 'exports');
  mkdirSync(dir, { recursive: true });
  try {
    for (const [i, target] of targets.entries()) {
      if (context.signal.aborted) throw new BitbenchError('CANCELLED', 'The run was cancelled.');
      const hash = configHash(target.config);
      const key = `latency:${deviceName}:${hash}`;
      context.progress({ phase: 'measure', step: `${target.label} on ${deviceName}`, done: i, total: targets.length, etaSeconds: null });
      if (context.finishedMeasurementKeys.has(key)) {
        // Measured by an earlier attempt of this run and stored then: never measured twice.
        out.push({ label: target.label, kind: target.kind, configHash: hash, deviceName });
        continue;
      }
      let modelPath = request.modelPath;
      if (target.kind !== 'fp32') {
        simulator ??= await QuantSimulator.create(request.modelPath, { calibration: data.calibration, calibrationMethod: request.calibration, calibrationLimit: data.calibration.size, signal: context.signal, format: request.format });
        modelPath = join(dir, `${hash.slice(0, 16)}.onnx`);
        recordExportedModel(context, target.config, modelPath, await simulator.exportQdq(target.config, modelPath));
      }
      let measured: MeasureResult;
      try {
        measured = await deps.lab.measure(deviceName, modelPath, { probe, warmup: 10, runs: 40, signal: context.signal });
      } catch (error) {
        if (error instanceof BitbenchError && error.code === 'UNSUPPORTED_PRECISION') {
          context.log('warn', `${target.label}: ${error.message}`);
          continue;
        }
        throw error;
      }
      context.recordMeasurement(finishedMeasurementOf(key, target.config, deviceName, measured));
      deps.events.publish({ type: 'measurement', runId: context.run.id, label: target.label, device: deviceName, medianMs: measured.latencyMs.median, p90Ms: measured.latencyMs.p90, cv: measured.cv, unstable: measured.unstable });
      context.log('info', `${target.label}: median ${measured.latencyMs.median.toFixed(3)} ms on ${deviceName} (cv ${(measured.cv * 100).toFixed(1)}%${measured.unstable ? ', unstable' : ''}).`);
      out.push({ label: target.label, kind: target.kind, configHash: hash, deviceName });
    }
    context.progress({ phase: 'measure', done: targets.length, total: targets.length, etaSeconds: 0 });
  } finally {
    await simulator?.dispose();
  }
  return out;
}

function labelOf(config: QuantConfig): string {
  const pairs = new Set(Object.values(config.groups).map((p) => formatBitPair(p)));
  return pairs.size === 1 ? [...pairs][0] : pairs.size === 0 ? 'FP32' : 'mixed';
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
