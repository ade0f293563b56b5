/**
 * The genetic method end to end: the same phase-1 sensitivity list as Pareto-greedy, then one
 * genetic run per cost budget (seed 003), then a validation evaluation of each distinct result.
 * Run i uses seed `plan.seed + i`, so the whole front is reproducible from one seed.
 */
import { evaluationKey } from './evaluationLedger.js';
import { DEFAULT_GENETIC, geneticMinimize } from './genetic.js';
import { sensitivityRankAgreement } from './paretoSearch.js';
import type { FrontEntry, SearchResult } from './result.js';
import { defaultBudgets, evaluateEntry, type SearchContext } from './searchContext.js';
import { measureSensitivity, PenaltyModel } from './sensitivity.js';
import { toConfig } from './candidates.js';

/** Runs the genetic method; every front point is evaluated on the validation split. */
export async function geneticSearch(ctx: SearchContext): Promise<Pick<SearchResult, 'front' | 'sensitivity'>> {
  const { info, plan } = ctx;
  const table = await measureSensitivity(info, ctx.ledger, { candidates: plan.candidates, limit: plan.phase1Limit, extras: plan.extras }, ctx.progress);
  const penalties = new PenaltyModel(table, plan.sensitivityMetric);
  const budgets = plan.budgets ?? defaultBudgets(ctx);
  const options = { ...DEFAULT_GENETIC, ...plan.genetic };
  ctx.progress.begin('genetic', budgets.length);
  const found = new Map<string, { groups: Record<string, { w: number | null; a: number | null }>; penalty: number }>();
  budgets.forEach((budget, i) => {
    const result = geneticMinimize(info, plan.candidates, penalties, ctx.costModel, budget, { ...options, seed: plan.seed + i }, ctx.signal);
    if (result.feasible) found.set(evaluationKey(toConfig(result.groups), 'validation', null), { groups: result.groups, penalty: result.penalty });
    ctx.progress.step(`budget ${budget.toPrecision(4)} ${ctx.costModel.unit}`);
  });
  const ordered = [...found.values()].sort((a, b) => ctx.costModel.cost(b.groups) - ctx.costModel.cost(a.groups));
  ctx.progress.begin('evaluate-front', ordered.length);
  const front: FrontEntry[] = [];
  for (const point of ordered) {
    front.push(await evaluateEntry(ctx, point.groups, penalties.estimate(point.penalty)));
    ctx.progress.step(`${front.length} of ${ordered.length}`);
  }
  return { front, sensitivity: { metric: plan.sensitivityMetric, table, kendallTau: sensitivityRankAgreement(table) } };
}
