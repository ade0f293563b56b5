import { describe, expect, it } from 'vitest';
import { SyntheticEvaluator, syntheticModel } from '../../../test/search/synthetic.js';
import { pickWithinBudget, refineAtBudget } from './budgetPick.js';
import { parseCandidates } from './candidates.js';
import { SizeCostModel } from './cost/size.js';
import { EvaluationLedger } from './evaluationLedger.js';
import { ProgressTracker } from './progress.js';
import { measureSensitivity, PenaltyModel } from './sensitivity.js';
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

describe('refineAtBudget', () => {
  const model = syntheticModel([100, 100, 100, 100], [10, 10, 10, 10]);
  const candidates = parseCandidates('W8A8,W6A8,W4A8,W2A8');

  async function setup(sensitivity: number[]) {
    const evaluator = new SyntheticEvaluator(model, sensitivity);
    const ledger = new EvaluationLedger(evaluator);
    const table = await measureSensitivity(model, ledger, { candidates, limit: null, extras: {} }, new ProgressTracker(undefined, () => 0));
    const ctx = { info: model, candidates, penalties: new PenaltyModel(table, 'sqnr'), costModel: new SizeCostModel(model), extras: {}, ledger };
    return { evaluator, ledger, ctx };
  }

  it('moves bits from insensitive groups to the sensitive one, within the budget, on calibration data only', async () => {
    const { evaluator, ledger, ctx } = await setup([1, 1, 1000, 1]);
    // A poor start: the sensitive group g2 at 2 bits while insensitive ones keep 8.
    const start = { g0: { w: 8, a: 8 }, g1: { w: 8, a: 8 }, g2: { w: 2, a: 8 }, g3: { w: 4, a: 8 } };
    const budget = ctx.costModel.cost(start);
    const before = ledger.evaluations;
    const refined = await refineAtBudget(ctx, start, budget, { proposals: 4, rounds: 4 });
    expect(refined.cost).toBeLessThanOrEqual(budget);
    expect(refined.exchanges).toBeGreaterThan(0);
    expect(refined.groups.g2.w).toBeGreaterThan(2);
    expect(refined.sqnrDb).toBeGreaterThan(refined.startSqnrDb + 10);
    expect(refined.sqnrDb).toBeCloseTo(-10 * Math.log10(evaluator.noise({ groups: refined.groups })), 6);
    // At most one measurement for the start and `proposals` per round.
    expect(ledger.evaluations - before).toBeLessThanOrEqual(1 + 4 * 4);
    expect(ledger.lookup({ groups: refined.groups }, 'validation')).toBeUndefined();
  });

  it('keeps a start that no exchange improves, and is deterministic', async () => {
    const { ctx } = await setup([1, 1, 1, 1]);
    const start = { g0: { w: 4, a: 8 }, g1: { w: 4, a: 8 }, g2: { w: 4, a: 8 }, g3: { w: 4, a: 8 } };
    const budget = ctx.costModel.cost(start);
    const a = await refineAtBudget(ctx, start, budget);
    const b = await refineAtBudget(ctx, start, budget);
    expect(a.exchanges).toBe(0);
    expect(a.groups).toEqual(start);
    expect(b).toEqual(a);
  });
});
