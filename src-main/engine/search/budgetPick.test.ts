import { describe, expect, it } from 'vitest';
import { SyntheticEvaluator, syntheticModel } from '../../../test/search/synthetic.js';
import { pickWithinBudget } from './budgetPick.js';
import { EvaluationLedger } from './evaluationLedger.js';
import type { FrontEntry } from './result.js';

const info = syntheticModel([100, 100], [10, 10]);
const entry = (cost: number, w0: number, w1: number): FrontEntry => ({
  cost,
  accuracy: null,
  sqnrDb: null,
  estimate: null,
  bops: cost,
  sizeBytes: cost,
  config: { groups: { g0: { w: w0, a: 8 }, g1: { w: w1, a: 8 } } },
  evaluated: false,
});

describe('pickWithinBudget', () => {
  it('measures the first k points within the budget on calibration data and keeps the best SQNR', async () => {
    // g1 is 100x more sensitive: at equal cost, lowering g0 is better, whatever order the front has.
    const evaluator = new SyntheticEvaluator(info, [1, 100]);
    const front = [entry(16, 8, 8), entry(12, 8, 4), entry(12, 4, 8), entry(8, 4, 4), entry(6, 2, 4)];
    const ledger = new EvaluationLedger(evaluator);
    const pick = await pickWithinBudget(front, 12, ledger, 2);
    expect(pick!.index).toBe(2);
    expect([...pick!.measured.keys()]).toEqual([1, 2]);
    expect(ledger.evaluations).toBe(2);
    expect(ledger.lookup(front[1].config, 'calibration')).toBeDefined();
    expect(ledger.lookup(front[1].config, 'validation')).toBeUndefined();
    expect(await pickWithinBudget(front, 5, ledger)).toBeUndefined();
  });
});
