/**
 * Phase 2 of Pareto-greedy: the greedy Pareto front. Start with every group at the most precise
 * candidate; at each step consider every move "set one group to a less precise candidate" that
 * makes the model cheaper, and take the one that buys the most cost reduction per unit of
 * estimated quality lost (phase 1's additive penalties). Every step is a point of the front, from
 * the most expensive to the cheapest configuration. No network is evaluated here.
 */
import type { BitPair, ModelInfo } from '../../api/index.js';
import type { CostModel } from './cost/costModel.js';
import { throwIfCancelled } from './evaluationLedger.js';
import type { PenaltyModel } from './sensitivity.js';
import type { Assignment } from './types.js';

/** One configuration on the front with its cost and phase-1 estimate. */
export interface FrontPoint {
  groups: Assignment;
  cost: number;
  /** Sum of the groups' phase-1 penalties. */
  penalty: number;
  /** Estimated quality (SQNR dB or accuracy) from the penalty. */
  estimate: number;
  /** The move that produced this point from the previous one (absent for the first point). */
  move?: { groupId: string; from: number; to: number };
}

/** Builds the front; `candidates` ordered most precise first, as in the penalty model. */
export function buildGreedyFront(info: ModelInfo, candidates: readonly BitPair[], penalties: PenaltyModel, costModel: CostModel, signal?: AbortSignal): FrontPoint[] {
  const groupIds = info.groups.map((g) => g.id);
  const state = new Map<string, number>(groupIds.map((id) => [id, 0]));
  const assignment = (): Assignment => Object.fromEntries(groupIds.map((id) => [id, { ...candidates[state.get(id)!] }]));
  let groups = assignment();
  let cost = costModel.cost(groups);
  let penalty = 0;
  const front: FrontPoint[] = [{ groups, cost, penalty, estimate: penalties.estimate(0) }];
  // Penalties of exact zero (a move that adds no measurable noise) still need an order among
  // themselves: a tiny floor makes their score the cost saved, so the largest saving goes first.
  const floor = 1e-15;
  for (;;) {
    throwIfCancelled(signal);
    let best: { groupId: string; to: number; saving: number; added: number; score: number; cost: number } | undefined;
    for (const groupId of groupIds) {
      const from = state.get(groupId)!;
      for (let to = from + 1; to < candidates.length; to++) {
        const trial = { ...groups, [groupId]: candidates[to] };
        const trialCost = costModel.cost(trial);
        const saving = cost - trialCost;
        if (!(saving > 0)) continue;
        const added = penalties.penalty(groupId, to) - penalties.penalty(groupId, from);
        const score = saving / Math.max(added, floor);
        if (best === undefined || score > best.score) best = { groupId, to, saving, added, score, cost: trialCost };
      }
    }
    if (!best) break;
    const from = state.get(best.groupId)!;
    state.set(best.groupId, best.to);
    groups = assignment();
    cost = best.cost;
    penalty += best.added;
    front.push({ groups, cost, penalty, estimate: penalties.estimate(penalty), move: { groupId: best.groupId, from, to: best.to } });
  }
  return front;
}

/**
 * The first (least degraded) front point whose cost fits in `budget`: the front's best answer to
 * "what is the best configuration at this cost". The front is ordered by falling cost.
 */
export function pointWithinBudget<T extends { cost: number }>(front: readonly T[], budget: number): T | undefined {
  return front.find((point) => point.cost <= budget * (1 + 1e-12));
}
