/**
 * Searches are deterministic for a fixed seed: the same search run twice gives identical results
 * (timings aside). Here on the synthetic evaluator for every method that does not need tensor
 * capture; test/search/realModels.test.ts repeats it on a reference model with the real engine.
 */
import { describe, expect, it } from 'vitest';
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
