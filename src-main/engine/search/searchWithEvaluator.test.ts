import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../../api/index.js';
import { SyntheticEvaluator, syntheticModel } from '../../../test/search/synthetic.js';
import { parseCandidates, uniformAssignment } from './candidates.js';
import { BopsCostModel } from './cost/bops.js';
import { pointWithinBudget } from './greedyFront.js';
import type { SearchPlan } from './searchContext.js';
import { searchWithEvaluator } from './searchWithEvaluator.js';
import type { EvaluationRecord, SearchProgress } from './types.js';

const info = syntheticModel([100, 300, 50, 200, 120, 80, 60, 90], [10, 30, 5, 20, 12, 8, 6, 9]);
const sensitivity = [0.05, 0.01, 4, 0.02, 0.09, 0.005, 2, 0.03];
const plan: SearchPlan = {
  candidates: parseCandidates('W8A8,W4A8,W4A4,W2A8,W2A4'),
  maxDropPercent: 1,
  seed: 1,
  extras: { rounding: 'nearest' },
  sensitivityMetric: 'sqnr',
  phase1Limit: null,
  baselines: parseCandidates('W8A8,W4A8,W4A4'),
};

describe('searchWithEvaluator', () => {
  it('pareto: mixed beats fixed W4A8 and W4A4 at their cost; chosen is within the drop', async () => {
    const evaluator = new SyntheticEvaluator(info, sensitivity);
    const result = await searchWithEvaluator(evaluator, 'pareto', new BopsCostModel(info), plan);
    expect(result.reference.accuracy).toBeCloseTo(0.9, 12);
    expect(result.chosenWithinDrop).toBe(true);
    expect(result.chosen!.accuracy!).toBeGreaterThanOrEqual(result.reference.targetAccuracy!);
    expect(result.binarySearch!.evaluations).toBeLessThanOrEqual(result.binarySearch!.bound);
    // The chosen one is the cheapest evaluated point within the drop.
    for (const entry of result.front) if (entry.evaluated && entry.accuracy! >= result.reference.targetAccuracy!) expect(entry.cost).toBeGreaterThanOrEqual(result.chosen!.cost);
    for (const bits of ['W4A8', 'W4A4']) {
      const fixed = result.baselines.find((b) => b.bits === bits)!;
      const mixed = pointWithinBudget(result.front, fixed.cost)!;
      const measured = await evaluator.evaluate(mixed.config, 'validation');
      expect(measured.accuracy!).toBeGreaterThan(fixed.accuracy!);
      // The pick at that cost (measured on calibration data) is at least as good as the front point.
      const pick = result.atBudgets!.find((c) => c.baseline === bits)!;
      expect(pick.entry.cost).toBeLessThanOrEqual(fixed.cost);
      expect(pick.entry.accuracy!).toBeGreaterThanOrEqual(measured.accuracy!);
    }
    // W8A8 is the front's first point: no pick there.
    expect(result.atBudgets!.map((c) => c.baseline)).toEqual(['W4A8', 'W4A4']);
    expect(result.sensitivity!.kendallTau).toBeGreaterThan(0.9);
    // Reference + 3 baselines + phase 1 (1 + 8 groups x 4) + binary search + the picks (calibration
    // measurements, one validation measurement each).
    const picks = result.atBudgets!.length;
    expect(result.evaluations).toBeGreaterThan(1 + 3 + 33 + result.binarySearch!.evaluations + picks);
    expect(result.front[0].bops).toBe(new BopsCostModel(info).cost(uniformAssignment(info, { w: 8, a: 8 })));
  });

  it('resumes from cached evaluations without recomputing them, with the same result', async () => {
    const records: EvaluationRecord[] = [];
    const first = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), 'pareto', new BopsCostModel(info), plan, { onEvaluation: (r) => records.push(r) });
    expect(records).toHaveLength(first.evaluations);
    const evaluator = new SyntheticEvaluator(info, sensitivity);
    const second = await searchWithEvaluator(evaluator, 'pareto', new BopsCostModel(info), plan, { cachedEvaluations: JSON.parse(JSON.stringify(records, (_k, v) => (v === Infinity ? 1e308 : v))) });
    expect(evaluator.calls).toBe(0);
    expect(second.evaluations).toBe(0);
    expect(second.evaluationsUsed).toBe(first.evaluations);
    expect(second.chosen!.config).toEqual(first.chosen!.config);
  });

  it('reports progress for every phase with done <= total and an ETA', async () => {
    const events: SearchProgress[] = [];
    await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), 'pareto', new BopsCostModel(info), plan, { onProgress: (p) => events.push(p) });
    expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['reference', 'baselines', 'sensitivity', 'front', 'binary-search', 'budget-pick']));
    for (const e of events) expect(e.done).toBeLessThanOrEqual(e.total);
    const sensitivityEvents = events.filter((e) => e.phase === 'sensitivity');
    expect(sensitivityEvents[sensitivityEvents.length - 1]).toMatchObject({ done: 33, total: 33, etaSeconds: 0 });
    expect(sensitivityEvents[1].etaSeconds).not.toBeNull();
  });

  it('stops with CANCELLED when the signal fires, having reported what finished', async () => {
    const evaluator = new SyntheticEvaluator(info, sensitivity);
    evaluator.delayMs = 2;
    const controller = new AbortController();
    const finished: EvaluationRecord[] = [];
    const run = searchWithEvaluator(evaluator, 'genetic', new BopsCostModel(info), plan, {
      signal: controller.signal,
      onEvaluation: (r) => {
        finished.push(r);
        if (finished.length === 10) controller.abort();
      },
    });
    await expect(run).rejects.toSatisfy((e: unknown) => e instanceof BitbenchError && e.code === 'CANCELLED');
    expect(finished.length).toBe(10);
    expect(evaluator.calls).toBeLessThanOrEqual(11);
  });

  it('fixed: the front is the baselines, the chosen one the cheapest within the drop', async () => {
    const result = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), 'fixed', new BopsCostModel(info), { ...plan, maxDropPercent: 50 });
    expect(result.front).toHaveLength(3);
    expect(result.chosen!.cost).toBe(Math.min(...result.baselines.map((b) => b.cost)));
  });

  it('genetic: every front point is evaluated and fits its budget; W4A8 budget beats fixed W4A8', async () => {
    const result = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity), 'genetic', new BopsCostModel(info), plan);
    expect(result.front.every((e) => e.evaluated)).toBe(true);
    const fixed = result.baselines.find((b) => b.bits === 'W4A8')!;
    const mixed = pointWithinBudget(result.front, fixed.cost)!;
    expect(mixed.accuracy!).toBeGreaterThan(fixed.accuracy!);
  });

  it('without labels there is no binary search and no target', async () => {
    const result = await searchWithEvaluator(new SyntheticEvaluator(info, sensitivity, false), 'pareto', new BopsCostModel(info), plan);
    expect(result.reference.targetAccuracy).toBeNull();
    expect(result.binarySearch).toBeUndefined();
    expect(result.sensitivity!.kendallTau).toBeNull();
  });
});
