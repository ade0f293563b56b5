/**
 * The plain result of a search, as the CLI prints it and the store keeps it: the whole front with
 * costs on every axis, the chosen point, the fixed-precision baselines and the bookkeeping (how many
 * evaluations, how long, how the binary search and phase 1 went).
 */
import type { QuantConfig } from '../../api/index.js';
import type { CostKind } from './cost/costModel.js';
import type { SensitivityMetric, SensitivityTable } from './sensitivity.js';

/** Search methods the studio offers. */
export type SearchMethod = 'pareto' | 'msq' | 'genetic' | 'fixed';

/** One configuration on a front (or a baseline), with every cost axis. */
export interface FrontEntry {
  /** Cost under the search's cost model. */
  cost: number;
  /** Validation accuracy, null when this point was not evaluated (or there are no labels). */
  accuracy: number | null;
  /** Validation output SQNR (dB), null when not evaluated. */
  sqnrDb: number | null;
  /** The method's own quality estimate (phase-1 estimate, MSQ's fused accuracy), if it has one. */
  estimate: number | null;
  bops: number;
  sizeBytes: number;
  config: QuantConfig;
  evaluated: boolean;
}

/** A fixed-precision baseline: one candidate for every group. */
export interface BaselineEntry extends FrontEntry {
  /** "W8A8", "W4A8", ... */
  bits: string;
}

/**
 * The best mixed configuration found at one cost budget (Pareto-greedy): by default one per fixed
 * baseline, at that baseline's cost, so "mixed vs fixed at the same cost" is part of every result.
 * Chosen on calibration data only; `entry` carries its validation measurement for comparison.
 */
export interface BudgetChoice {
  budget: number;
  /** The fixed baseline whose cost set the budget ("W4A8"), or null for an explicit budget. */
  baseline: string | null;
  entry: FrontEntry;
  /** Front index of the starting point (best of the first points within the budget). */
  frontIndex: number;
  /** Calibration output SQNR (dB) of the starting point and of the chosen configuration. */
  startSqnrDb: number;
  calibrationSqnrDb: number;
  /** Measured exchanges kept by the refinement. */
  exchanges: number;
}

export interface SearchResult {
  method: SearchMethod;
  model: string;
  costKind: CostKind;
  costUnit: string;
  /** FP32 validation accuracy and the lowest acceptable one (reference minus the allowed drop). */
  reference: { accuracy: number | null; targetAccuracy: number | null; maxDropPercent: number };
  /** Ordered by falling cost. */
  front: FrontEntry[];
  /** The cheapest evaluated configuration within the allowed drop (or the best one when none is). */
  chosen: FrontEntry | null;
  chosenWithinDrop: boolean;
  baselines: BaselineEntry[];
  /** Evaluations run by this invocation (resumed ones excluded), and all evaluations it used. */
  evaluations: number;
  evaluationsUsed: number;
  seconds: number;
  sensitivity?: { metric: SensitivityMetric; table: SensitivityTable; kendallTau: number | null };
  binarySearch?: { points: number; evaluations: number; bound: number };
  /** Pareto-greedy: the best configuration at each budget (see BudgetChoice), cheapest last. */
  atBudgets?: BudgetChoice[];
  /** MSQ's per-step layer accuracies, or anything else a method wants to show. */
  notes?: string[];
}
