/**
 * Picking a configuration at a cost budget from a front. The front's estimates come from phase 1's
 * additive model, which ranks nearby points only roughly; so instead of trusting the single most
 * precise point within the budget, the first `k` points within it are measured on the labelled
 * calibration split (never on validation, which stays for reporting) and the best one is taken.
 * `k` evaluations of calibration size: cheap next to a search, and the choice does not peek at the
 * numbers it is judged by.
 */
import type { EvaluationLedger } from './evaluationLedger.js';
import type { FrontEntry } from './result.js';

/** The chosen entry and how it was chosen. */
export interface BudgetPick {
  entry: FrontEntry;
  /** Index of the entry in the front. */
  index: number;
  /** Calibration accuracy (or SQNR without labels) of each measured candidate, by front index. */
  measured: Map<number, number>;
}

/** Measures the first `k` front points within `budget` on calibration data and returns the best. */
export async function pickWithinBudget(front: readonly FrontEntry[], budget: number, ledger: EvaluationLedger, k = 4): Promise<BudgetPick | undefined> {
  const within = front.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.cost <= budget * (1 + 1e-12)).slice(0, k);
  if (within.length === 0) return undefined;
  const measured = new Map<number, number>();
  let best: { index: number; accuracy: number; sqnrDb: number } | undefined;
  for (const { entry, index } of within) {
    const record = await ledger.evaluate(entry.config, 'calibration');
    const accuracy = record.accuracy ?? Number.NEGATIVE_INFINITY;
    measured.set(index, record.accuracy ?? record.sqnrDb);
    // Accuracy first; SQNR breaks ties (and decides alone when the split has no labels).
    if (!best || accuracy > best.accuracy || (accuracy === best.accuracy && record.sqnrDb > best.sqnrDb)) best = { index, accuracy, sqnrDb: record.sqnrDb };
  }
  return { entry: front[best!.index], index: best!.index, measured };
}
