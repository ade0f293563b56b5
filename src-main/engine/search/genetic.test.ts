import { describe, expect, it } from 'vitest';
import { SyntheticEvaluator, syntheticModel } from '../../../test/search/synthetic.js';
import { parseCandidates } from './candidates.js';
import { BopsCostModel } from './cost/bops.js';
import { EvaluationLedger } from './evaluationLedger.js';
import { DEFAULT_GENETIC, geneticMinimize } from './genetic.js';
import { ProgressTracker } from './progress.js';
import { measureSensitivity, PenaltyModel } from './sensitivity.js';
import type { Assignment } from './types.js';

const info = syntheticModel([100, 300, 50, 200, 120, 80], [10, 30, 5, 20, 12, 8]);
const evaluator = new SyntheticEvaluator(info, [5, 1, 40, 2, 9, 0.5]);
const candidates = parseCandidates('W8A8,W4A8,W2A8');

async function setup(): Promise<{ model: PenaltyModel; cost: BopsCostModel }> {
  const table = await measureSensitivity(info, new EvaluationLedger(evaluator), { candidates, limit: null, extras: {} }, new ProgressTracker(undefined, () => 0));
  return { model: new PenaltyModel(table, 'sqnr'), cost: new BopsCostModel(info) };
}

/** Exhaustive optimum over all 3^6 assignments. */
function bruteForce(model: PenaltyModel, cost: BopsCostModel, budget: number): number {
  let best = Number.POSITIVE_INFINITY;
  const genes = new Array<number>(6).fill(0);
  for (let code = 0; code < 3 ** 6; code++) {
    let c = code;
    for (let i = 0; i < 6; i++) {
      genes[i] = c % 3;
      c = Math.floor(c / 3);
    }
    const groups: Assignment = Object.fromEntries(genes.map((g, i) => [`g${i}`, candidates[g]]));
    if (cost.cost(groups) > budget) continue;
    best = Math.min(best, genes.reduce((sum, g, i) => sum + model.penalty(`g${i}`, g), 0));
  }
  return best;
}

describe('geneticMinimize', () => {
  it('finds the exhaustive optimum on a small problem, within the budget', async () => {
    const { model, cost } = await setup();
    const top = cost.cost(Object.fromEntries(info.groups.map((g) => [g.id, candidates[0]])));
    for (const fraction of [0.8, 0.5, 0.3]) {
      const budget = top * fraction;
      const result = geneticMinimize(info, candidates, model, cost, budget, { ...DEFAULT_GENETIC, seed: 3 });
      expect(result.feasible).toBe(true);
      expect(result.cost).toBeLessThanOrEqual(budget);
      expect(result.penalty).toBeCloseTo(bruteForce(model, cost, budget), 12);
    }
  });

  it('is reproducible for a seed', async () => {
    const { model, cost } = await setup();
    const options = { ...DEFAULT_GENETIC, generations: 5, population: 12, seed: 11 };
    const a = geneticMinimize(info, candidates, model, cost, 40000, options);
    const b = geneticMinimize(info, candidates, model, cost, 40000, options);
    expect(b).toEqual(a);
  });

  it('reports infeasible when even the cheapest candidate does not fit', async () => {
    const { model, cost } = await setup();
    expect(geneticMinimize(info, candidates, model, cost, 1, { ...DEFAULT_GENETIC, generations: 3 }).feasible).toBe(false);
  });
});
