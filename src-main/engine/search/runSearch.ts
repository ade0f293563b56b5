/**
 * `runSearch`: one mixed-precision search from plain, serializable options (model path, dataset
 * specs, method, candidates, cost, budget), as the CLI and the jobs layer start it. It opens the
 * data (calibration and validation disjoint), creates the simulator, prepares rounding, runs the
 * method through `searchWithEvaluator` and releases everything.
 */
import type { ExportFormat, ExportFormatOptions } from '../export/format.js';
import { readFileSync } from 'node:fs';
import { BitbenchError, type BitPair, type CalibrationMethod, type RoundingMethod } from '../../api/index.js';
import type { Dataset } from '../data/dataset.js';
import { openDataset } from '../data/open.js';
import type { Preprocess } from '../data/preprocess.js';
import { shuffledSubset, subset } from '../data/subset.js';
import { loadModel } from '../model/loadModel.js';
import { QuantSimulator } from '../simulate/simulator.js';
import { parseCandidates } from './candidates.js';
import type { CostKind } from './cost/costModel.js';
import { createCostModel } from './cost/createCostModel.js';
import { parseLatencyTable, type LatencyTable } from './cost/latencyTable.js';
import type { GeneticOptions } from './genetic.js';
import type { MsqOptions } from './msq/msqOptions.js';
import type { SearchMethod, SearchResult } from './result.js';
import { prepareRounding } from './rounding.js';
import type { SensitivityMetric } from './sensitivity.js';
import { searchWithEvaluator } from './searchWithEvaluator.js';
import { SimulatorEvaluator } from './simulatorEvaluator.js';
import type { SearchHooks } from './types.js';

/** Everything a search needs, as plain data. */
export interface RunSearchOptions {
  /** Path of the .onnx model. */
  model: string;
  /** Validation data spec (labelled), e.g. fmnist:DIR:test. */
  data: string;
  /** Calibration data spec; without it, `calibrationSamples` shuffled samples of `data` are held out. */
  calib?: string;
  preprocess?: Preprocess;
  method: SearchMethod;
  /** "W4A8,W8A8,W8A16" or parsed pairs. */
  candidates: string | BitPair[];
  cost: CostKind;
  /** The latency table itself, or the path of its JSON file. */
  latencyTable?: LatencyTable | string;
  /** Allowed accuracy drop from FP32 in percentage points; default 1.0. */
  maxDrop?: number;
  rounding?: RoundingMethod;
  calibrationMethod?: CalibrationMethod;
  /** Seed of the genetic search and of data shuffling; default 0. */
  seed?: number;
  /** Calibration samples (activation ranges, rounding); default 512. */
  calibrationSamples?: number;
  /** Calibration samples phase 1 measures on; default 256. */
  phase1Samples?: number;
  /** Validation samples; default: all. */
  validationSamples?: number;
  /** Fixed baselines; default W8A8, W4A8, W4A4 and every candidate. */
  baselines?: string | BitPair[];
  sensitivityMetric?: SensitivityMetric;
  budgets?: number[];
  genetic?: Partial<GeneticOptions>;
  msq?: Partial<MsqOptions>;
  threads?: number;
  /** Storage format simulated (the graph export writes with the same options); default the model's own. */
  format?: ExportFormatOptions;
}

/** What `runSearch` returns: the search result and the data it ran on. */
export interface RunSearchResult extends SearchResult {
  data: { calibration: { name: string; size: number }; validation: { name: string; size: number }; phase1Samples: number };
  roundingSeconds: number;
  /** The storage format simulated: export with the same --opset/--w4-storage/--float to get these numbers. */
  format?: ExportFormat;
}

/** Opens the calibration and validation sets, disjoint. */
export async function openSearchData(options: Pick<RunSearchOptions, 'data' | 'calib' | 'preprocess' | 'seed' | 'calibrationSamples' | 'validationSamples'>): Promise<{ calibration: Dataset; validation: Dataset }> {
  const seed = options.seed ?? 0;
  const calibCount = options.calibrationSamples ?? 512;
  const full = await openDataset(options.data, options.preprocess);
  if (!full.hasLabels) throw new BitbenchError('LABELS_MISSING', `The validation data "${full.name}" has no labels.`, 'A search decides by validation accuracy; pass a labelled --data (fmnist:DIR:test, images:DIR with class folders, npy:FILE:LABELS.npy).');
  let calibration: Dataset;
  let validation: Dataset;
  if (options.calib) {
    const calib = await openDataset(options.calib, options.preprocess);
    calibration = calib.size > calibCount ? shuffledSubset(calib, seed, 0, calibCount) : calib;
    if (calib.sha256 === full.sha256) throw new BitbenchError('INVALID_DATASET', 'The calibration and validation data are the same set.', 'Pass disjoint sets (e.g. --calib fmnist:DIR:train --data fmnist:DIR:test), or omit --calib to hold out part of --data.');
    validation = full;
  } else {
    if (full.size <= calibCount) throw new BitbenchError('INVALID_DATASET', `The data "${full.name}" has ${full.size} samples, too few to hold out ${calibCount} for calibration.`, 'Pass --calib with separate calibration data.');
    calibration = shuffledSubset(full, seed, 0, calibCount);
    validation = shuffledSubset(full, seed, calibCount, full.size - calibCount);
  }
  if (options.validationSamples !== undefined && options.validationSamples < validation.size) validation = subset(validation, 0, options.validationSamples);
  return { calibration, validation };
}

/** Runs one search end to end. */
export async function runSearch(options: RunSearchOptions, hooks: SearchHooks = {}): Promise<RunSearchResult> {
  const candidates = typeof options.candidates === 'string' ? parseCandidates(options.candidates) : options.candidates;
  const baselines = options.baselines === undefined ? parseCandidates(['W8A8', 'W4A8', 'W4A4', ...candidates.map((c) => `W${c.w ?? 32}${c.a === null ? '' : `A${c.a}`}`)].join(',')) : typeof options.baselines === 'string' ? parseCandidates(options.baselines) : options.baselines;
  const latencyTable = typeof options.latencyTable === 'string' ? readLatencyTable(options.latencyTable) : options.latencyTable;
  const data = await openSearchData(options);
  const simulator = await QuantSimulator.create(options.model, { calibration: data.calibration, calibrationMethod: options.calibrationMethod, calibrationLimit: data.calibration.size, threads: options.threads, signal: hooks.signal, format: options.format });
  const loaded = options.method === 'msq' ? await loadModel(options.model, { sampleDims: data.calibration.sampleDims }) : undefined;
  const evaluator = new SimulatorEvaluator(simulator, data, loaded, options.threads);
  try {
    const costModel = createCostModel(options.cost, simulator.info, latencyTable);
    const rounding = options.rounding ?? 'nearest';
    const prepared = await prepareRounding(simulator, rounding, [...candidates, ...baselines], data.calibration, {
      signal: hooks.signal,
      onProgress: (done, total, label) => hooks.onProgress?.({ phase: 'rounding', step: label, done, total, etaSeconds: null, evaluations: 0 }),
    });
    const roundingSeconds = prepared.seconds;
    const phase1Samples = Math.min(options.phase1Samples ?? 256, data.calibration.size);
    const result = await searchWithEvaluator(evaluator, options.method, costModel, {
      candidates,
      baselines,
      maxDropPercent: options.maxDrop ?? 1,
      seed: options.seed ?? 0,
      extras: { rounding, ...(options.calibrationMethod ? { calibration: options.calibrationMethod } : {}) },
      sensitivityMetric: options.sensitivityMetric ?? 'sqnr',
      phase1Limit: phase1Samples,
      budgets: options.budgets,
      genetic: options.genetic,
      msq: options.msq,
    }, hooks);
    return {
      ...result,
      data: { calibration: { name: data.calibration.name, size: data.calibration.size }, validation: { name: data.validation.name, size: data.validation.size }, phase1Samples },
      roundingSeconds,
      format: simulator.format,
    };
  } finally {
    await evaluator.dispose();
    await simulator.dispose();
  }
}

/** Reads and validates a latency table file. */
export function readLatencyTable(path: string): LatencyTable {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BitbenchError('INVALID_CONFIG', `Cannot read the latency table ${path}: ${(error as Error).message}.`, 'Pass a JSON file such as {"base": 0.4, "layers": {"conv1": {"W8A8": 0.1, "FP32": 0.3}}}.', { cause: error });
  }
  return parseLatencyTable(json, `latency table ${path}`);
}
