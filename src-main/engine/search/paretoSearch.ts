/**
 * Pareto-greedy mixed precision (seed 000, DESIGN 4.1): phase 1 sensitivity list on calibration
 * data, phase 2 greedy front under the cost model, then a binary search with interpolation along
 * the front for the cheapest configuration within the allowed accuracy drop. The whole front is
 * returned; only the probed points carry validation measurements.
 */
import { buildGreedyFront } from './greedyFront.js';
import { searchFront } from './frontSearch.js';
import { kendallTau } from './kendall.js';
import type { FrontEntry, SearchResult } from './result.js';
import { entryFor, evaluateEntry, type SearchContext } from './searchContext.js';
import { measureSensitivity, PenaltyModel, type SensitivityTable } from './sensitivity.js';

/** The method-specific part of a Pareto-greedy result. */
export type ParetoOutcome = Pick<SearchResult, 'front' | 'sensitivity' | 'binarySearch'> & { chosenIndex: number | null };

/** Runs phases 1 and 2 and the binary search. */
export async function paretoSearch(ctx: SearchContext): Promise<ParetoOutcome> {
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
  if (target !== null) {
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
  return { front: entries, sensitivity: { metric: plan.sensitivityMetric, table, kendallTau: sensitivityRankAgreement(table) }, binarySearch, chosenIndex };
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
