/**
 * Issue 4's claim on a real model with the real engine: at the cost of fixed W4A8, measured in
 * BOPs and separately in model size, Pareto-greedy's pick (atBudgets) is more accurate on
 * validation data than fixed W4A8. Calibration is 512 shuffled train images, validation the first
 * VALIDATION test images (disjoint); the pick sees calibration data only. Both searches share one
 * record of evaluations, as a resumed job would, so phase 1 runs once (on 128 images to keep the
 * test short; the binary search is skipped, the picks do not need it).
 *
 * Why MobileNetV2: it is the reference model with room between fixed W4A8 and W8A8 (90.8 vs 91.5
 * on 10k), so a better allocation shows as a margin well above the noise of which images flip. On
 * the ViT the whole gap is 0.3 points (uniform W5A8, 25% larger, is only +0.02 on 10k), so any
 * result there is at the noise floor; ResNet-20 on 2000 images won by 3 images.
 * Measured when written: +0.58 (BOPs) and +0.46 (size) points on these 5000 images (23 and 29
 * images); MARGIN is below half of both, so the test fails on a regression, not on one image.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src-main/engine/data/open.js';
import { shuffledSubset, subset } from '../../src-main/engine/data/subset.js';
import { parseCandidates } from '../../src-main/engine/search/candidates.js';
import { createCostModel } from '../../src-main/engine/search/cost/createCostModel.js';
import type { SearchResult } from '../../src-main/engine/search/result.js';
import { searchWithEvaluator } from '../../src-main/engine/search/searchWithEvaluator.js';
import { SimulatorEvaluator } from '../../src-main/engine/search/simulatorEvaluator.js';
import type { EvaluationRecord } from '../../src-main/engine/search/types.js';
import { QuantSimulator } from '../../src-main/engine/simulate/simulator.js';

const MODEL = '/work/shared/models/fmnist_mobilenetv2.onnx';
const DATA = '/usr/share/datasets/fashion-mnist';
const available = existsSync(MODEL) && existsSync(`${DATA}/t10k-images-idx3-ubyte.gz`);
const PRE = { scale: 1 / 255, mean: [0.286], std: [0.353] };
const VALIDATION = 5000;
/** Accuracy points the pick must win by (one image of 5000 is 0.02 points). */
const MARGIN = 0.2;

describe.skipIf(!available)('mixed precision beats fixed W4A8 at its cost (MobileNetV2)', () => {
  it('wins by BOPs and by size on held-out validation data', async () => {
    const train = await openDataset(`fmnist:${DATA}:train`, PRE);
    const test = await openDataset(`fmnist:${DATA}:test`, PRE);
    const data = { calibration: shuffledSubset(train, 0, 0, 512), validation: subset(test, 0, VALIDATION) };
    const simulator = await QuantSimulator.create(MODEL, { calibration: data.calibration, calibrationLimit: 512, threads: 2 });
    const evaluator = new SimulatorEvaluator(simulator, data);
    const records: EvaluationRecord[] = [];
    const plan = {
      candidates: parseCandidates('W8A8,W6A8,W5A8,W4A8,W3A8,W6A6,W5A6,W4A6,W8A4,W4A4,W3A4,W2A4'),
      maxDropPercent: 1,
      seed: 0,
      extras: { rounding: 'nearest' as const },
      sensitivityMetric: 'sqnr' as const,
      phase1Limit: 128,
      baselines: parseCandidates('W4A8'),
      binarySearch: false,
    };
    try {
      const results: Record<string, SearchResult> = {};
      for (const cost of ['size', 'bops'] as const) {
        results[cost] = await searchWithEvaluator(evaluator, 'pareto', createCostModel(cost, simulator.info), plan, { cachedEvaluations: [...records], onEvaluation: (r) => records.push(r) });
      }
      const margins: Record<string, number> = {};
      for (const cost of ['bops', 'size'] as const) {
        const result = results[cost];
        const fixed = result.baselines.find((b) => b.bits === 'W4A8')!;
        const pick = result.atBudgets!.find((c) => c.baseline === 'W4A8')!;
        expect(pick.entry.cost).toBeLessThanOrEqual(fixed.cost * (1 + 1e-12));
        // Mixed: some group is not at W4A8.
        expect(Object.values(pick.entry.config.groups).some((p) => p.w !== 4 || p.a !== 8)).toBe(true);
        margins[cost] = 100 * (pick.entry.accuracy! - fixed.accuracy!);
      }
      console.log(`mixed - fixed W4A8 on ${VALIDATION} validation images, points: ${JSON.stringify(margins)}`);
      expect(margins.bops, JSON.stringify(margins)).toBeGreaterThan(MARGIN);
      expect(margins.size, JSON.stringify(margins)).toBeGreaterThan(MARGIN);
    } finally {
      await evaluator.dispose();
      await simulator.dispose();
    }
  }, 900_000);
});
