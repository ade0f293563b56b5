/**
 * What a search method gets from the dispatcher: the model, the ledger of evaluations, progress,
 * the cost models, the allowed drop, and helpers that turn assignments into result entries.
 */
import type { BitPair, ModelInfo, QuantConfig } from '../../api/index.js';
import { formatBitPair } from '../../api/index.js';
import { toConfig, uniformAssignment } from './candidates.js';
import type { CostModel } from './cost/costModel.js';
import type { EvaluationLedger } from './evaluationLedger.js';
import type { ProgressTracker } from './progress.js';
import type { BaselineEntry, FrontEntry } from './result.js';
import type { SensitivityMetric } from './sensitivity.js';
import type { GeneticOptions } from './genetic.js';
import type { MsqOptions } from './msq/msqOptions.js';
import type { Assignment } from './types.js';
import type { RefineOptions } from './budgetPick.js';

/** Everything that shapes a search besides the model and the data. */
export interface SearchPlan {
  candidates: BitPair[];
  /** Allowed validation accuracy drop from FP32, in percentage points (1.0 = 0.01). */
  maxDropPercent: number;
  seed: number;
  extras: Pick<QuantConfig, 'rounding' | 'calibration'>;
  sensitivityMetric: SensitivityMetric;
  /** Calibration samples phase 1 measures on (null: the whole calibration split). */
  phase1Limit: number | null;
  /** Fixed-precision baselines to evaluate next to the search. */
  baselines: BitPair[];
  /**
   * Cost budgets. Genetic and MSQ aim at them (default: the cost of each uniform candidate);
   * Pareto-greedy picks its best configuration at each (default: the cost of each baseline).
   */
  budgets?: number[];
  /**
   * Pareto-greedy: false skips the binary search for the cheapest point within the drop (for a
   * caller that only wants the picks at budgets, e.g. a comparison at fixed costs). Default true.
   */
  binarySearch?: boolean;
  /** Pareto-greedy's pick at a budget: front points measured, then measured exchanges. */
  budgetPick?: Partial<{ k: number } & RefineOptions>;
  genetic?: Partial<GeneticOptions>;
  msq?: Partial<MsqOptions>;
}

export interface SearchContext {
  info: ModelInfo;
  ledger: EvaluationLedger;
  progress: ProgressTracker;
  plan: SearchPlan;
  costModel: CostModel;
  bops: CostModel;
  size: CostModel;
  signal?: AbortSignal;
  /** FP32 validation accuracy (null without labels) and the target derived from the drop. */
  referenceAccuracy: number | null;
  targetAccuracy: number | null;
}

/** A front entry for an assignment, with the validation measurement if it has one. */
export function entryFor(ctx: SearchContext, groups: Assignment, estimate: number | null, measured?: { accuracy: number | null; sqnrDb: number }): FrontEntry {
  return {
    cost: ctx.costModel.cost(groups),
    accuracy: measured?.accuracy ?? null,
    sqnrDb: measured?.sqnrDb ?? null,
    estimate,
    bops: ctx.bops.cost(groups),
    sizeBytes: ctx.size.cost(groups),
    config: toConfig(groups, ctx.plan.extras),
    evaluated: measured !== undefined,
  };
}

/** Evaluates one assignment on the validation split and returns its entry. */
export async function evaluateEntry(ctx: SearchContext, groups: Assignment, estimate: number | null): Promise<FrontEntry> {
  const record = await ctx.ledger.evaluate(toConfig(groups, ctx.plan.extras), 'validation');
  return entryFor(ctx, groups, estimate, record);
}

/** Evaluates every fixed-precision baseline of the plan, reporting progress. */
export async function evaluateBaselines(ctx: SearchContext): Promise<BaselineEntry[]> {
  const out: BaselineEntry[] = [];
  ctx.progress.begin('baselines', ctx.plan.baselines.length);
  for (const pair of ctx.plan.baselines) {
    const entry = await evaluateEntry(ctx, uniformAssignment(ctx.info, pair), null);
    out.push({ bits: formatBitPair(pair), ...entry });
    ctx.progress.step(formatBitPair(pair));
  }
  return out;
}

/**
 * The cheapest evaluated entry meeting the target; when none does (or there is no target), the
 * most accurate evaluated one. Entries must be evaluated to be chosen.
 */
export function chooseEntry(entries: readonly FrontEntry[], target: number | null): { chosen: FrontEntry | null; withinDrop: boolean } {
  const evaluated = entries.filter((e) => e.evaluated);
  const feasible = target === null ? [] : evaluated.filter((e) => e.accuracy !== null && e.accuracy >= target);
  if (feasible.length > 0) return { chosen: feasible.reduce((a, b) => (b.cost < a.cost ? b : a)), withinDrop: true };
  if (evaluated.length === 0) return { chosen: null, withinDrop: false };
  return { chosen: evaluated.reduce((a, b) => ((b.accuracy ?? -1) > (a.accuracy ?? -1) ? b : a)), withinDrop: false };
}

/** Default budgets: the cost of every uniform candidate configuration, most expensive first. */
export function defaultBudgets(ctx: SearchContext): number[] {
  const costs = ctx.plan.candidates.map((pair) => ctx.costModel.cost(uniformAssignment(ctx.info, pair)));
  return [...new Set(costs)].sort((a, b) => b - a);
}
