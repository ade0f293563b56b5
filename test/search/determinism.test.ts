/**
 * Searches are deterministic for a fixed seed: the same search run twice gives identical results
 * (timings aside). First on the synthetic evaluator for every method that does not need tensor
 * capture; then every method (pareto, msq, genetic, fixed) end to end on a reference model with the
 * real engine, each run twice from scratch (new simulator, new sessions) and compared exactly,
 * every number included; and phase 1 with prefix reuse against phase 1 without it.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCostModel } from '../../src-main/engine/search/cost/createCostModel.js';
import { openSearchData, runSearch, type RunSearchOptions, type RunSearchResult } from '../../src-main/engine/search/runSearch.js';
import { SimulatorEvaluator } from '../../src-main/engine/search/simulatorEvaluator.js';
import { QuantSimulator } from '../../src-main/engine/simulate/simulator.js';
import { parseCandidates } from '../../src-main/engine/search/candidates.js';
import { SizeCostModel } from '../../src-main/engine/search/cost/size.js';
import type { SearchResult } from '../../src-main/engine/search/result.js';
import { searchWithEvaluator } from '../../src-main/engine/search/searchWithEvaluator.js';
import { SyntheticEvaluator, syntheticModel } from './synthetic.js';

const info = syntheticModel([100, 300, 50, 200, 120, 80, 60, 90, 40, 70], [10, 30, 5, 20, 12, 8, 6, 9, 4, 7]);
const sensitivity = [0.05, 0.01, 4, 0.02, 0.09, 0.005, 2, 0.03, 0.3, 0.07];

/** The result without wall-clock fields. */
function stable(result: SearchResult): unknown {
  const { seconds: _s, sensitivity, ...rest } = result;
  return { ...rest, sensitivity: sensitivity && { ...sensitivity, table: { ...sensitivity.table, seconds: 0 } } };
}

describe('determinism', () => {
  for (const method of ['pareto', 'genetic', 'fixed'] as const) {
    it(`${method}: two runs with the same seed are identical`, async () => {
      const plan = {
        candidates: parseCandidates('W8A8,W6A8,W4A8,W3A8,W2A8'),
        maxDropPercent: 1,
        seed: 42,
        extras: {},
        sensitivityMetric: 'sqnr' as const,
        phase1Limit: null,
        baselines: parseCandidates('W8A8,W4A8'),
        genetic: { generations: 30 },
      };
      const a = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), method, new SizeCostModel(info), plan);
      const b = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), method, new SizeCostModel(info), plan);
      expect(stable(b)).toEqual(stable(a));
      expect(a.front.length).toBeGreaterThan(1);
    });
  }

  it('genetic: a different seed may differ but stays valid', async () => {
    const base = { candidates: parseCandidates('W8A8,W4A8,W2A8'), maxDropPercent: 1, extras: {}, sensitivityMetric: 'sqnr' as const, phase1Limit: null, baselines: [] };
    const result = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), 'genetic', new SizeCostModel(info), { ...base, seed: 7 });
    expect(result.front.every((e) => e.evaluated && e.accuracy !== null)).toBe(true);
  });
});

const MODEL = '/work/shared/models/fmnist_resnet20.onnx';
const DATA = '/usr/share/datasets/fashion-mnist';
const available = existsSync(MODEL) && existsSync(`${DATA}/t10k-images-idx3-ubyte.gz`);

/** Small enough for seconds per method on an idle machine: 64 calibration and 100 validation images, two candidates. */
const realOptions: Omit<RunSearchOptions, 'method'> = {
  model: MODEL,
  data: `fmnist:${DATA}:test`,
  calib: `fmnist:${DATA}:train`,
  preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
  candidates: 'W8A8,W4A4',
  cost: 'bops',
  seed: 3,
  calibrationSamples: 64,
  phase1Samples: 64,
  validationSamples: 100,
  baselines: 'W8A8,W4A8',
  genetic: { generations: 20, population: 16 },
  msq: { limit: 32 },
};

/** A real-model result without wall-clock fields; everything else must repeat exactly. */
function stableReal(result: RunSearchResult): unknown {
  const { seconds: _s, roundingSeconds: _r, sensitivity, ...rest } = result;
  return { ...rest, sensitivity: sensitivity && { ...sensitivity, table: { ...sensitivity.table, seconds: 0 } } };
}

describe.skipIf(!available)('determinism on a reference model (ResNet-20, real engine)', () => {
  for (const method of ['pareto', 'msq', 'genetic', 'fixed'] as const) {
    it(`${method}: two runs from scratch with the same seed are identical`, async () => {
      // MSQ walks bit levels one by one: one level down per group keeps its sequence short.
      const options: RunSearchOptions = { ...realOptions, method, ...(method === 'msq' ? { candidates: 'W8A8,W7A8', baselines: [] } : {}) };
      const a = await runSearch(options);
      const b = await runSearch(options);
      expect(stableReal(b)).toEqual(stableReal(a));
      expect(a.front.length).toBeGreaterThan(0);
      expect(a.front.some((e) => e.evaluated && e.accuracy !== null)).toBe(true);
    }, 300_000);
  }

  it('phase 1 with prefix reuse gives the same sensitivity table, front and choice as without', async () => {
    const data = await openSearchData(realOptions);
    const simulator = await QuantSimulator.create(MODEL, { calibration: data.calibration, calibrationLimit: data.calibration.size });
    try {
      const evaluator = new SimulatorEvaluator(simulator, data);
      // The same evaluator without the sweep capability: every phase-1 evaluation runs whole.
      const whole = { info: evaluator.info, evaluate: evaluator.evaluate.bind(evaluator) };
      const plan = { candidates: parseCandidates(realOptions.candidates as string), maxDropPercent: 1, seed: 3, extras: { rounding: 'nearest' as const }, sensitivityMetric: 'sqnr' as const, phase1Limit: 64, baselines: parseCandidates('W8A8') };
      const costModel = createCostModel('bops', evaluator.info);
      const reused = await searchWithEvaluator(evaluator, 'pareto', costModel, plan);
      const plain = await searchWithEvaluator(whole, 'pareto', costModel, plan);
      expect(reused.sensitivity!.table.reuse!.reused).toBeGreaterThan(0);
      expect(plain.sensitivity!.table.reuse).toBeUndefined();
      const { reuse: _reuse, ...table } = reused.sensitivity!.table;
      expect({ ...table, seconds: 0 }).toEqual({ ...plain.sensitivity!.table, seconds: 0 });
      expect(reused.front).toEqual(plain.front);
      expect(reused.chosen).toEqual(plain.chosen);
    } finally {
      await simulator.dispose();
    }
  }, 300_000);
});
