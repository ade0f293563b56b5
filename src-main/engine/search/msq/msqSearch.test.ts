import { describe, expect, it } from 'vitest';
import type { QuantConfig } from '../../../api/index.js';
import { SyntheticEvaluator, syntheticModel } from '../../../../test/search/synthetic.js';
import { parseCandidates } from '../candidates.js';
import { BopsCostModel } from '../cost/bops.js';
import { SizeCostModel } from '../cost/size.js';
import { SeededRandom } from '../random.js';
import type { SearchPlan } from '../searchContext.js';
import { searchWithEvaluator } from '../searchWithEvaluator.js';
import type { CapturedBatch, EvaluateOptions, FeatureCapture, SearchSplit } from '../types.js';
import { estimateLayerAccuracies } from './layerAccuracy.js';
import { msqLevels } from './msqSearch.js';

const CLASSES = 4;
const info = syntheticModel([100, 100, 100, 100], [10, 10, 10, 10]);

/**
 * Features whose class signal is `strength[k]` for tensor k (input first, then each layer):
 * class c puts the signal on channel c of an 8-channel 2x2 map, plus noise. A layer's gain is the
 * jump in signal (hence in imprinted accuracy) from the tensor before it.
 */
class FakeCapture implements FeatureCapture {
  passes = 0;
  constructor(private readonly strength: number[]) {}
  async captureTensors(_config: QuantConfig, _split: SearchSplit, tensors: string[], visit: (b: CapturedBatch) => void, options: EvaluateOptions = {}): Promise<void> {
    this.passes++;
    const random = new SeededRandom(5);
    const total = options.limit ?? 400;
    for (let start = 0; start < total; start += 50) {
      const n = Math.min(50, total - start);
      const labels = Int32Array.from({ length: n }, (_, i) => (start + i) % CLASSES);
      const logits = new Float32Array(n * CLASSES);
      for (let i = 0; i < n; i++) logits[i * CLASSES + labels[i]] = 3;
      const map = new Map<string, { dims: number[]; data: Float32Array }>();
      tensors.forEach((name) => {
        const k = name === 'input' ? 0 : Number(name.slice(1)) + 1;
        const data = new Float32Array(n * 8 * 4);
        for (let i = 0; i < n; i++) for (let j = 0; j < 32; j++) data[i * 32 + j] = (random.next() - 0.5) * 2 + (Math.floor(j / 4) === labels[i] ? (this.strength[k] ?? 0) : 0) + 3;
        map.set(name, { dims: [n, 8, 2, 2], data });
      });
      visit({ size: n, labels, referenceLogits: logits, classes: CLASSES, tensors: map });
    }
  }
}

/** An MSQ search plan down to one budget. */
function msqPlan(candidates: string, budget: number): SearchPlan {
  return { candidates: parseCandidates(candidates), maxDropPercent: 1, seed: 1, extras: {}, sensitivityMetric: 'sqnr', phase1Limit: null, baselines: [], budgets: [budget], msq: { limit: 400, scales: [1, 2] } };
}

describe('MSQ', () => {
  it('estimates higher accuracy for tensors with a stronger class signal', async () => {
    const capture = new FakeCapture([0, 0.2, 0.4, 3, 3.1]);
    const acc = await estimateLayerAccuracies(capture, { groups: {} }, ['input', 't0', 't1', 't2', 't3'], { limit: 400, scales: [1, 2] });
    expect(acc.scored).toBeGreaterThan(170);
    expect(acc.scored).toBeLessThan(230);
    expect(acc.byTensor.get('input')!).toBeLessThan(0.45);
    expect(acc.byTensor.get('t2')!).toBeGreaterThan(0.95);
  });

  it('derives levels from the candidates', () => {
    expect(msqLevels(parseCandidates('W8A8,W4A4')).map((p) => `W${p.w}A${p.a}`)).toEqual(['W8A8', 'W7A7', 'W6A6', 'W5A5', 'W4A4']);
    expect(msqLevels(parseCandidates('W8A8,W2A8')).map((p) => `W${p.w}A${p.a}`)).toEqual(['W8A8', 'W7A8', 'W6A8', 'W5A8', 'W4A8', 'W3A8', 'W2A8']);
  });

  it('lowers the low-gain layers first, one bit per step, down to the size target', async () => {
    // The big jump is at layer 0: in group order it would be lowered first if gains were ignored.
    const capture = new FakeCapture([0, 3, 3.1, 3.2, 3.3]);
    const evaluator = Object.assign(new SyntheticEvaluator(info, [1, 1, 1, 1]), { features: capture });
    const size = new SizeCostModel(info);
    const target = size.cost(Object.fromEntries(info.groups.map((g) => [g.id, { w: 5, a: 8 }])));
    const result = await searchWithEvaluator(evaluator, 'msq', size, msqPlan('W8A8,W2A8', target));
    // 4 groups x 8 bits = 32 weight bits must fall to 4 x 5 = 20: 12 steps, one capture pass each.
    expect(result.front).toHaveLength(13);
    expect(capture.passes).toBe(12);
    for (let i = 1; i < result.front.length; i++) expect(result.front[i].sizeBytes).toBe(result.front[i - 1].sizeBytes - 10 / 8);
    const last = result.front[result.front.length - 1].config.groups;
    // Layer 0 (the big jump in accuracy) keeps its bits; the others paid the 12 bits.
    expect(last.g0.w).toBe(8);
    expect(last.g1.w! + last.g2.w! + last.g3.w!).toBe(24 - 12);
    expect(result.front[result.front.length - 1].evaluated).toBe(true);
  });

  it('keeps its progress total within the lowerings left when a step saves little (A16 -> A15 under BOPs)', async () => {
    // One layer with 10,000x the others' MACs: lowering a small layer's activations by one bit saves
    // almost nothing, and cost-left / last-saving would promise millions of steps.
    const skewed = syntheticModel([1_000_000, 100, 100, 100], [10, 10, 10, 10]);
    const capture = new FakeCapture([0, 3, 3.1, 3.2, 3.3]);
    const evaluator = Object.assign(new SyntheticEvaluator(skewed, [1, 1, 1, 1]), { features: capture });
    const bops = new BopsCostModel(skewed);
    const totals: number[] = [];
    const target = bops.cost(Object.fromEntries(skewed.groups.map((g) => [g.id, { w: 8, a: 8 }])));
    const result = await searchWithEvaluator(evaluator, 'msq', bops, msqPlan('W8A8,W8A16', target), { onProgress: (e) => void (e.phase === 'msq' && totals.push(e.total)) });
    // Levels W8A16 .. W8A8: 8 lowerings for each of the 4 groups, 32 in all.
    expect(result.front).toHaveLength(33);
    expect(Math.max(...totals)).toBeLessThanOrEqual(32);
  });
});
