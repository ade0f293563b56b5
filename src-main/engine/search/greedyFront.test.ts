import { describe, expect, it } from 'vitest';
import { SyntheticEvaluator, syntheticModel } from '../../../test/search/synthetic.js';
import { parseCandidates } from './candidates.js';
import { BopsCostModel } from './cost/bops.js';
import { SizeCostModel } from './cost/size.js';
import { EvaluationLedger } from './evaluationLedger.js';
import { buildGreedyFront, pointWithinBudget } from './greedyFront.js';
import { ProgressTracker } from './progress.js';
import { measureSensitivity, PenaltyModel } from './sensitivity.js';

const info = syntheticModel([100, 100, 100, 100], [10, 10, 10, 10]);
// Group 2 is 1000x more sensitive than the others.
const evaluator = new SyntheticEvaluator(info, [1, 2, 1000, 3]);
const candidates = parseCandidates('W8A8,W4A8,W2A8');

async function penalties(): Promise<PenaltyModel> {
  const ledger = new EvaluationLedger(evaluator);
  const table = await measureSensitivity(info, ledger, { candidates, limit: null, extras: {} }, new ProgressTracker(undefined, () => 0));
  expect(table.entries).toHaveLength(4 * 2);
  expect(table.evaluations).toBe(1 + 8);
  return new PenaltyModel(table, 'sqnr');
}

describe('phase 1 and the greedy front', () => {
  it('measures one entry per group and lower candidate, penalties reflect the sensitivities', async () => {
    const model = await penalties();
    expect(model.penalty('g2', 1)).toBeGreaterThan(100 * model.penalty('g0', 1));
    expect(model.penalty('g0', 0)).toBe(0);
    // Additive noise: the estimate of one group's penalty reproduces its measured SQNR.
    const entry = model.table.entries.find((e) => e.groupId === 'g1' && e.candidate === 2)!;
    expect(model.estimate(model.penalty('g1', 2))).toBeCloseTo(entry.sqnrDb, 6);
  });

  it('walks from the top to the cheapest configuration, lowering the sensitive group last', async () => {
    const model = await penalties();
    const front = buildGreedyFront(info, candidates, model, new BopsCostModel(info));
    expect(front[0].groups.g0).toEqual({ w: 8, a: 8 });
    for (let i = 1; i < front.length; i++) {
      expect(front[i].cost).toBeLessThan(front[i - 1].cost);
      expect(front[i].penalty).toBeGreaterThanOrEqual(front[i - 1].penalty);
    }
    const last = front[front.length - 1];
    expect(Object.values(last.groups).every((p) => p.w === 2)).toBe(true);
    // Every other group reaches W2 before the sensitive group g2 moves at all.
    const firstG2Move = front.findIndex((p) => p.move?.groupId === 'g2');
    expect(front.slice(0, firstG2Move).filter((p) => p.move && p.move.to === 2).length).toBe(3);
    // At the budget of fixed W4A8 the front keeps g2 at 8 bits and puts others lower.
    const bops = new BopsCostModel(info);
    const budget = bops.cost(Object.fromEntries(info.groups.map((g) => [g.id, { w: 4, a: 8 }])));
    const point = pointWithinBudget(front, budget)!;
    expect(point.cost).toBeLessThanOrEqual(budget);
    expect(point.groups.g2.w).toBe(8);
  });

  it('works under the size cost model too', async () => {
    const front = buildGreedyFront(info, candidates, await penalties(), new SizeCostModel(info));
    expect(front.length).toBe(1 + 4 * 2);
  });
});
