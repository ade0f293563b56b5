/**
 * Pareto-greedy mixed precision (seed 000, DESIGN 4.1): phase 1 sensitivity list on calibration
 * data, phase 2 greedy front under the cost model, then a binary search with interpolation along
 * the front for the cheapest configuration within the allowed accuracy drop. The whole front is
 * returned; only the probed points carry validation measurements.
 */
import { DEFAULT_REFINE, pickWithinBudget, refineAtBudget } from './budgetPick.js';
import { buildGreedyFront } from './greedyFront.js';
import { searchFront } from './frontSearch.js';
import { kendallTau } from './kendall.js';
import type { BaselineEntry, BudgetChoice, FrontEntry, SearchResult } from './result.js';
import { entryFor, evaluateEntry, type SearchContext } from './searchContext.js';
import { measureSensitivity, PenaltyModel, type SensitivityTable } from './sensitivity.js';

/** The method-specific part of a Pareto-greedy result. */
export type ParetoOutcome = Pick<SearchResult, 'front' | 'sensitivity' | 'binarySearch' | 'atBudgets'> & { chosenIndex: number | null };

/** Front points measured on calibration data before the exchanges start. */
const PICK_K = 4;

/**
 * Runs phases 1 and 2, the binary search, and the pick at each budget (the plan's budgets, or the
 * cost of each baseline cheaper than the front's first point).
 */
export async function paretoSearch(ctx: SearchContext, baselines: readonly BaselineEntry[] = []): Promise<ParetoOutcome> {
  const { info, plan } = ctx;
  const table = await measureSensitivity(info, ctx.ledger, { candidates: plan.candidates, limit: plan.phase1Limit, extras: plan.extras }, ctx.progress);
  const penalties = new PenaltyModel(table, plan.sensitivityMetric);
  ctx.progress.begin('front', 1, 'greedy front');
  const points = buildGreedyFront(info, plan.candidates, penalties, ctx.costModel, ctx.signal);
  ctx.progress.step(`${points.length} points`);

  const entries: FrontEntry[] = points.map((p) => entryFor(ctx, p.groups, p.estimate));
  let binarySearch: ParetoOutcome['binarySearch'];
  let chosenIndex: number | null = null;
  const target = ctx.targetAccuracy;
  if (target !== null && plan.binarySearch !== false) {
    const budget = Math.ceil(Math.log2(points.length + 1));
    ctx.progress.begin('binary-search', budget);
    const result = await searchFront(
      points.map((p) => p.estimate),
      target,
      async (index) => {
        const entry = await evaluateEntry(ctx, points[index].groups, points[index].estimate);
        entries[index] = entry;
        ctx.progress.step(`point ${index + 1} of ${points.length}: accuracy ${entry.accuracy?.toFixed(4)}`);
        return entry.accuracy ?? Number.NEGATIVE_INFINITY;
      },
      ctx.referenceAccuracy ?? undefined,
    );
    binarySearch = { points: points.length, evaluations: result.evaluations, bound: result.bound };
    chosenIndex = result.chosen >= 0 ? result.chosen : null;
  }
  const atBudgets = await pickAtBudgets(ctx, entries, penalties, baselines);
  return { front: entries, sensitivity: { metric: plan.sensitivityMetric, table, kendallTau: sensitivityRankAgreement(table) }, binarySearch, chosenIndex, atBudgets };
}

/**
 * The best configuration at each budget (budgetPick.ts): chosen on calibration data, then measured
 * once on validation so it can be compared with the fixed baseline of the same cost.
 */
async function pickAtBudgets(ctx: SearchContext, front: FrontEntry[], penalties: PenaltyModel, baselines: readonly BaselineEntry[]): Promise<BudgetChoice[]> {
  const top = front[0]?.cost ?? 0;
  const requested = ctx.plan.budgets?.map((budget) => ({ budget, baseline: null as string | null })) ?? baselines.map((b) => ({ budget: b.cost, baseline: b.bits as string | null }));
  const budgets = requested.filter((b) => b.budget < top).sort((a, b) => b.budget - a.budget);
  const options = { ...DEFAULT_REFINE, k: PICK_K, ...ctx.plan.budgetPick };
  const refine = { info: ctx.info, candidates: ctx.plan.candidates, penalties, costModel: ctx.costModel, extras: ctx.plan.extras, ledger: ctx.ledger };
  const out: BudgetChoice[] = [];
  ctx.progress.begin('budget-pick', budgets.length);
  for (const { budget, baseline } of budgets) {
    const start = await pickWithinBudget(front, budget, ctx.ledger, options.k);
    if (!start) {
      ctx.progress.step(`no front point within ${budget.toPrecision(4)}`);
      continue;
    }
    const refined = await refineAtBudget(refine, start.entry.config.groups, budget, options, ctx.signal);
    const entry = await evaluateEntry(ctx, refined.groups, null);
    out.push({ budget, baseline, entry, frontIndex: start.index, startSqnrDb: refined.startSqnrDb, calibrationSqnrDb: refined.sqnrDb, exchanges: refined.exchanges });
    ctx.progress.step(`${baseline ?? budget.toPrecision(4)}: ${refined.exchanges} exchanges, calibration SQNR ${refined.startSqnrDb.toFixed(2)} -> ${refined.sqnrDb.toFixed(2)} dB`);
  }
  return out;
}

/**
 * Kendall tau between the SQNR ranking and the accuracy ranking of the same phase-1 measurements
 * (each evaluation yields both when the calibration split has labels); null without labels.
 */
export function sensitivityRankAgreement(table: SensitivityTable): number | null {
  const withAccuracy = table.entries.filter((e) => e.accuracy !== null && Number.isFinite(e.sqnrDb));
  if (withAccuracy.length < 2) return null;
  const tau = kendallTau(
    withAccuracy.map((e) => e.sqnrDb),
    withAccuracy.map((e) => e.accuracy as number),
  );
  return Number.isNaN(tau) ? null : tau;
}
