/**
 * Picking a configuration at a cost budget ("the best mixed configuration costing no more than
 * fixed W4A8"). The greedy front is built from phase 1's additive model: every group's penalty
 * measured with all other groups at the top candidate, summed. Near a budget that model ranks
 * nearby configurations only roughly, because the noise a group adds depends on what the other
 * groups already do (interactions), and phase 1 measured on fewer images. So the pick measures:
 *
 *   1. the first `k` front points within the budget, on the whole calibration split, and starts
 *      from the best of them;
 *   2. then improves it by exchanges measured on the same data: raise one group to a more precise
 *      candidate, pay for it by the additive model's cheapest lowering of other groups until the
 *      cost fits again, and keep the exchange only if the measured quality rises. The additive
 *      model proposes, the network decides; each round re-measures around the current point, so
 *      the interactions the additive model ignores are accounted for where it matters.
 *
 * Quality is the output SQNR against FP32 on calibration data, never validation (which stays for
 * reporting): SQNR is continuous and needs no labels, while accuracy on a few hundred calibration
 * images moves in steps of 0.2 points and ties (measured on the reference models, calibration
 * accuracy picked worse points than SQNR).
 */
import type { BitPair, ModelInfo, QuantConfig } from '../../api/index.js';
import { toConfig } from './candidates.js';
import type { CostModel } from './cost/costModel.js';
import { throwIfCancelled, type EvaluationLedger } from './evaluationLedger.js';
import type { FrontEntry } from './result.js';
import type { PenaltyModel } from './sensitivity.js';
import type { Assignment } from './types.js';

/** The chosen entry and how it was chosen. */
export interface BudgetPick {
  entry: FrontEntry;
  /** Index of the entry in the front. */
  index: number;
  /** Measured calibration SQNR (dB) of each candidate, by front index. */
  measured: Map<number, number>;
}

/** Within a budget, with the tolerance of floating-point cost sums. */
const fits = (cost: number, budget: number): boolean => cost <= budget * (1 + 1e-12);

/** Measures the first `k` front points within `budget` on calibration data; returns the best by SQNR. */
export async function pickWithinBudget(front: readonly FrontEntry[], budget: number, ledger: EvaluationLedger, k = 4): Promise<BudgetPick | undefined> {
  const within = front.map((entry, index) => ({ entry, index })).filter(({ entry }) => fits(entry.cost, budget)).slice(0, k);
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

/** What the exchange refinement needs besides the ledger. */
export interface RefineContext {
  info: ModelInfo;
  /** Ordered most precise first, as in the penalty model. */
  candidates: readonly BitPair[];
  penalties: PenaltyModel;
  costModel: CostModel;
  extras: Pick<QuantConfig, 'rounding' | 'calibration'>;
  ledger: EvaluationLedger;
}

/** Limits of the refinement: measured exchanges per round and rounds. */
export interface RefineOptions {
  proposals: number;
  rounds: number;
}

export const DEFAULT_REFINE: RefineOptions = { proposals: 6, rounds: 4 };

/** The refined configuration at a budget and its record. */
export interface RefinedPick {
  groups: Assignment;
  cost: number;
  /** Calibration SQNR of the starting front point and of the result. */
  startSqnrDb: number;
  sqnrDb: number;
  /** Exchanges kept, and calibration evaluations the refinement asked for (cached ones included). */
  exchanges: number;
  measured: number;
}

/**
 * Improves `start` (which must fit `budget`) by measured exchanges. Deterministic: proposals are
 * ordered by estimated gain, then by group order and candidate index.
 */
export async function refineAtBudget(ctx: RefineContext, start: Assignment, budget: number, options: RefineOptions = DEFAULT_REFINE, signal?: AbortSignal): Promise<RefinedPick> {
  const measure = async (groups: Assignment): Promise<number> => (await ctx.ledger.evaluate(toConfig(groups, ctx.extras), 'calibration')).sqnrDb;
  let current = { ...start };
  let score = await measure(current);
  const startSqnrDb = score;
  let exchanges = 0;
  let measured = 1;
  const tried = new Set<string>([assignmentKey(ctx, current)]);
  for (let round = 0; round < options.rounds; round++) {
    throwIfCancelled(signal);
    const proposals = proposeExchanges(ctx, current, budget).filter((p) => !tried.has(p.key)).slice(0, options.proposals);
    let best: { groups: Assignment; score: number } | undefined;
    for (const proposal of proposals) {
      tried.add(proposal.key);
      const s = await measure(proposal.groups);
      measured += 1;
      if (s > (best?.score ?? score)) best = { groups: proposal.groups, score: s };
    }
    if (!best) break;
    current = best.groups;
    score = best.score;
    exchanges += 1;
  }
  return { groups: current, cost: ctx.costModel.cost(current), startSqnrDb, sqnrDb: score, exchanges, measured };
}

interface Proposal {
  groups: Assignment;
  key: string;
  gain: number;
}

/**
 * Every "raise one group, then lower others until the budget fits again" exchange, ordered by the
 * additive model's estimated gain (best first). Near a greedy front point most estimates are
 * slightly negative, since the front is locally optimal for that model; the least negative ones are
 * where its errors are most likely to hide, which is what the measurement is for. Lowering follows
 * phase 2's rule (most cost saved per unit of added penalty) and never touches the raised group, so
 * an exchange cannot undo itself.
 */
export function proposeExchanges(ctx: RefineContext, current: Assignment, budget: number): Proposal[] {
  const { candidates, penalties, costModel } = ctx;
  const ids = ctx.info.groups.map((g) => g.id);
  const indexOf = (pair: BitPair): number => candidates.findIndex((c) => c.w === pair.w && c.a === pair.a);
  const state = new Map(ids.map((id) => [id, indexOf(current[id])]));
  if ([...state.values()].some((i) => i < 0)) return [];
  const penaltyOf = (s: Map<string, number>): number => ids.reduce((sum, id) => sum + penalties.penalty(id, s.get(id)!), 0);
  const assignment = (s: Map<string, number>): Assignment => Object.fromEntries(ids.map((id) => [id, { ...candidates[s.get(id)!] }]));
  const basePenalty = penaltyOf(state);
  const out: Proposal[] = [];
  const seen = new Set<string>();
  for (const raised of ids) {
    for (let to = 0; to < state.get(raised)!; to++) {
      const trial = new Map(state);
      trial.set(raised, to);
      if (!(penalties.penalty(raised, to) < penalties.penalty(raised, state.get(raised)!))) continue;
      let groups = assignment(trial);
      let cost = costModel.cost(groups);
      while (!fits(cost, budget)) {
        let best: { id: string; to: number; cost: number; score: number } | undefined;
        for (const id of ids) {
          if (id === raised) continue;
          const from = trial.get(id)!;
          for (let lower = from + 1; lower < candidates.length; lower++) {
            const c = costModel.cost({ ...groups, [id]: candidates[lower] });
            const saving = cost - c;
            if (!(saving > 0)) continue;
            const added = penalties.penalty(id, lower) - penalties.penalty(id, from);
            const score = saving / Math.max(added, 1e-15);
            if (!best || score > best.score) best = { id, to: lower, cost: c, score };
          }
        }
        if (!best) break;
        trial.set(best.id, best.to);
        groups = assignment(trial);
        cost = best.cost;
      }
      if (!fits(cost, budget)) continue;
      const gain = basePenalty - penaltyOf(trial);
      const key = [...trial.values()].join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ groups, key, gain });
    }
  }
  // Stable sort: ties keep group and candidate order.
  return out.sort((a, b) => b.gain - a.gain);
}

/** The same key `proposeExchanges` gives: candidate indexes in model group order. */
function assignmentKey(ctx: RefineContext, groups: Assignment): string {
  return ctx.info.groups.map((g) => ctx.candidates.findIndex((c) => c.w === groups[g.id].w && c.a === groups[g.id].a)).join(',');
}
