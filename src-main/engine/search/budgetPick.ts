/**
 * Picking a configuration at a cost budget from a front. The front's estimates come from phase 1's
 * additive model, which ranks nearby points only roughly; so instead of trusting the single most
 * precise point within the budget, the first `k` points within it are measured on the calibration
 * split (never on validation, which stays for reporting) and the one with the highest measured
 * output SQNR is taken. SQNR rather than calibration accuracy: on a few hundred images accuracy
 * moves in steps of a fraction of a percent and ties, while SQNR is continuous and needs no labels
 * (measured on the reference models: calibration accuracy picked worse points than SQNR did).
 */
import type { EvaluationLedger } from './evaluationLedger.js';
import type { FrontEntry } from './result.js';

/** The chosen entry and how it was chosen. */
export interface BudgetPick {
  entry: FrontEntry;
  /** Index of the entry in the front. */
  index: number;
  /** Measured calibration SQNR (dB) of each candidate, by front index. */
  measured: Map<number, number>;
}

/** Measures the first `k` front points within `budget` on calibration data; returns the best by SQNR. */
export async function pickWithinBudget(front: readonly FrontEntry[], budget: number, ledger: EvaluationLedger, k = 4): Promise<BudgetPick | undefined> {
  const within = front.map((entry, index) => ({ entry, index })).filter(({ entry }) => entry.cost <= budget * (1 + 1e-12)).slice(0, k);
  if (within.length === 0) return undefined;
  const measured = new Map<number, number>();
  let best: { index: number; sqnrDb: number } | undefined;
  for (const { entry, index } of within) {
    const record = await ledger.evaluate(entry.config, 'calibration');
    measured.set(index, record.sqnrDb);
    if (!best || record.sqnrDb > best.sqnrDb) best = { index, sqnrDb: record.sqnrDb };
  }
  return { entry: front[best!.index], index: best!.index, measured };
}
