/**
 * Measured latency as the search's efficiency metric (DESIGN 5, "feedback into search"):
 *
 *   profile FP32 and one uniform model per candidate on the device -> per-layer latency table
 *     -> search with the table as its cost model
 *     -> export the chosen configuration (and two more front points), measure them end to end
 *     -> predicted vs measured; if they disagree by more than 10%, correct the table and search
 *        again (evaluations are reused, so a re-run costs almost nothing); at most three rounds.
 *
 * Every round's predictions and measurements are kept on the result.
 */
import { join } from 'node:path';
import { BitbenchError, formatBitPair, parseBitPair, type ModelInfo, type QuantConfig, type ResolvedSearchRequest } from '../../api/index.js';
import type { DeviceLab } from '../../device/deviceLab.js';
import { buildLatencyTable, correctLatencyTable, predictionError, type Observation } from '../../device/measure/latencyTable.js';
import { QuantSimulator } from '../../engine/index.js';
import type { Dataset } from '../../engine/data/dataset.js';
import { createCostModel } from '../../engine/search/cost/createCostModel.js';
import type { LatencyTable } from '../../engine/search/cost/latencyTable.js';
import type { RunSearchResult } from '../../engine/search/runSearch.js';
import type { EvaluationRecord, SearchHooks } from '../../engine/search/types.js';
import { configHash } from '../../store/configHash.js';
import type { JobContext } from '../jobTypes.js';

export interface LatencyLoopRound {
  round: number;
  /** End-to-end checks of this round: predicted by the table, measured on the device. */
  observations: Array<Observation & { label: string; configHash: string }>;
  /** Mean absolute relative error of the predictions. */
  error: number;
  /** Factor applied to the table after this round (1 when it was not corrected). */
  correction: number;
}

export interface LatencyLoopOutcome {
  result: RunSearchResult;
  table: LatencyTable;
  rounds: LatencyLoopRound[];
  /** The final table's prediction for any configuration, by config hash (chosen, baselines, FP32). */
  predictedMs: Record<string, number>;
}

const AGREEMENT = 0.1;
const MAX_ROUNDS = 3;

export interface LatencyLoopDeps {
  lab: DeviceLab;
  info: ModelInfo;
  deviceName: string;
  exportDir: string;
  calibration: Dataset;
  search(table: LatencyTable, hooks: SearchHooks): Promise<RunSearchResult>;
}

/** Runs the loop; `hooks` are the job's search hooks (persistence, progress, cancellation). */
export async function searchWithMeasuredLatency(context: JobContext, request: ResolvedSearchRequest, deps: LatencyLoopDeps, hooks: SearchHooks): Promise<LatencyLoopOutcome> {
  const simulator = await QuantSimulator.create(request.modelPath, { calibration: deps.calibration, calibrationMethod: request.calibration, calibrationLimit: deps.calibration.size, signal: context.signal, format: request.format });
  try {
    const exportConfig = async (config: QuantConfig): Promise<string> => {
      const path = join(deps.exportDir, `${configHash(config).slice(0, 16)}.onnx`);
      await simulator.exportQdq(config, path);
      return path;
    };
    const uniform = (label: string): QuantConfig => {
      const pair = parseBitPair(label);
      if (!pair) throw new BitbenchError('INVALID_CONFIG', `"${label}" is not a bit-width candidate.`);
      return { groups: Object.fromEntries(deps.info.groups.map((g) => [g.id, pair])) };
    };

    // 1. The table: FP32 plus one uniform model per candidate, profiled per node on the device.
    const keys = ['FP32', ...request.candidates.map((c) => formatBitPair(parseBitPair(c)!))];
    const profiles: Record<string, Record<string, number>> = {};
    let fp32Median = 0;
    for (const [i, key] of keys.entries()) {
      if (context.signal.aborted) throw new BitbenchError('CANCELLED', 'The run was cancelled.');
      context.progress({ phase: 'latency-table', step: `profiling ${key} on ${deps.deviceName}`, done: i, total: keys.length, etaSeconds: null });
      const path = key === 'FP32' ? request.modelPath : await exportConfig(uniform(key));
      const measured = await deps.lab.measure(deps.deviceName, path, { runs: 60, warmup: 10, profile: true, signal: context.signal });
      profiles[key] = measured.nodeMs ?? {};
      if (key === 'FP32') fp32Median = measured.latencyMs.median;
      context.log('info', `Latency table: ${key} runs in ${measured.latencyMs.median.toFixed(3)} ms (median) on ${deps.deviceName}.`);
    }
    let table: LatencyTable = { ...buildLatencyTable({ layers: deps.info.layers.map((l) => l.name), profiles, endToEndMs: fp32Median }).table, device: deps.deviceName, modelSha256: deps.info.sha256 };

    // 2. Search, check end to end, correct, search again.
    const cache: EvaluationRecord[] = [...(hooks.cachedEvaluations ?? [])];
    const rounds: LatencyLoopRound[] = [];
    let result: RunSearchResult | undefined;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      result = await deps.search(table, {
        ...hooks,
        cachedEvaluations: [...cache],
        onEvaluation: (record) => {
          cache.push(record);
          hooks.onEvaluation?.(record);
        },
      });
      const checks = pickChecks(result);
      const observations: LatencyLoopRound['observations'] = [];
      for (const [i, check] of checks.entries()) {
        if (context.signal.aborted) throw new BitbenchError('CANCELLED', 'The run was cancelled.');
        context.progress({ phase: 'latency-check', step: `round ${round}: ${check.label}`, done: i, total: checks.length, etaSeconds: null });
        const measured = await deps.lab.measure(deps.deviceName, await exportConfig(check.config), { runs: 60, warmup: 10, signal: context.signal });
        observations.push({ label: check.label, configHash: configHash(check.config), predictedMs: check.cost, measuredMs: measured.latencyMs.median });
      }
      const error = predictionError(observations);
      const agree = error <= AGREEMENT;
      const corrected = agree || round === MAX_ROUNDS ? { table, factor: 1 } : correctLatencyTable(table, observations);
      rounds.push({ round, observations, error, correction: corrected.factor });
      context.log('info', `Latency round ${round}: predicted vs measured differ by ${(error * 100).toFixed(1)}% on average${agree ? ' — they agree' : round === MAX_ROUNDS ? ' — stopping after the last round' : `; table corrected by ×${corrected.factor.toFixed(3)}`}.`);
      if (agree || round === MAX_ROUNDS) break;
      table = { ...corrected.table, device: deps.deviceName, modelSha256: deps.info.sha256 };
    }
    const final = result!;
    const model = createCostModel('latency', deps.info, table);
    const predictedMs: Record<string, number> = {};
    for (const config of [final.chosen?.config, ...final.baselines.map((b) => b.config), { groups: {} }]) {
      if (config) predictedMs[configHash(config)] = model.cost(config.groups);
    }
    return { result: final, table, rounds, predictedMs };
  } finally {
    await simulator.dispose();
  }
}

/** The configurations a round checks end to end: the chosen one and up to two more front points. */
function pickChecks(result: RunSearchResult): Array<{ label: string; config: QuantConfig; cost: number }> {
  const out: Array<{ label: string; config: QuantConfig; cost: number }> = [];
  if (result.chosen) out.push({ label: 'chosen', config: result.chosen.config, cost: result.chosen.cost });
  const front = result.front;
  for (const index of [0, Math.floor(front.length / 2)]) {
    const entry = front[index];
    if (entry && !out.some((o) => configHash(o.config) === configHash(entry.config))) out.push({ label: `front point ${index + 1}`, config: entry.config, cost: entry.cost });
  }
  return out;
}
