/**
 * Genetic search over bit-width assignments (seed 003, BRECQ's mixed-precision step): minimize the
 * summed phase-1 sensitivity of the groups subject to a cost constraint (size, BOPs or a latency
 * table). A genome holds one candidate index per group. Tournament selection, uniform crossover,
 * per-gene mutation, a small elite. Feasible genomes always beat infeasible ones; among the
 * infeasible, the smaller overrun wins, which pulls the population into the budget. All randomness
 * comes from a seeded generator, so a run is repeatable.
 */
import type { BitPair, ModelInfo } from '../../api/index.js';
import type { CostModel } from './cost/costModel.js';
import { throwIfCancelled } from './evaluationLedger.js';
import { SeededRandom } from './random.js';
import type { PenaltyModel } from './sensitivity.js';
import type { Assignment } from './types.js';

/** Knobs of the genetic search; defaults suit tens of groups and a handful of candidates. */
export interface GeneticOptions {
  seed: number;
  population: number;
  generations: number;
  crossoverRate: number;
  /** Per-gene mutation probability; default 1 / groups. */
  mutationRate?: number;
  tournament: number;
  elite: number;
}

export const DEFAULT_GENETIC: GeneticOptions = { seed: 1, population: 48, generations: 120, crossoverRate: 0.9, tournament: 3, elite: 2 };

/** The best assignment found for one budget. */
export interface GeneticResult {
  groups: Assignment;
  cost: number;
  penalty: number;
  feasible: boolean;
}

interface Scored {
  genes: Uint8Array;
  cost: number;
  penalty: number;
  feasible: boolean;
}

/** Runs the genetic algorithm for one cost budget. */
export function geneticMinimize(info: ModelInfo, candidates: readonly BitPair[], penalties: PenaltyModel, costModel: CostModel, budget: number, options: GeneticOptions, signal?: AbortSignal): GeneticResult {
  const ids = info.groups.map((g) => g.id);
  const random = new SeededRandom(options.seed);
  const mutationRate = options.mutationRate ?? 1 / Math.max(1, ids.length);
  const toGroups = (genes: Uint8Array): Assignment => Object.fromEntries(ids.map((id, i) => [id, { ...candidates[genes[i]] }]));
  const score = (genes: Uint8Array): Scored => {
    const cost = costModel.cost(toGroups(genes));
    let penalty = 0;
    for (let i = 0; i < ids.length; i++) penalty += penalties.penalty(ids[i], genes[i]);
    return { genes, cost, penalty, feasible: cost <= budget * (1 + 1e-12) };
  };
  // Feasible first (lower penalty better), then the smallest overrun.
  const better = (a: Scored, b: Scored): boolean => {
    if (a.feasible !== b.feasible) return a.feasible;
    if (a.feasible) return a.penalty < b.penalty || (a.penalty === b.penalty && a.cost < b.cost);
    return a.cost < b.cost || (a.cost === b.cost && a.penalty < b.penalty);
  };
  const sort = (pop: Scored[]): Scored[] => pop.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));

  // Seed the population with every uniform assignment (so a feasible genome exists whenever the
  // cheapest candidate fits) and fill the rest at random.
  let population: Scored[] = [];
  for (let c = 0; c < candidates.length && population.length < options.population; c++) population.push(score(new Uint8Array(ids.length).fill(c)));
  while (population.length < options.population) {
    const genes = new Uint8Array(ids.length);
    for (let i = 0; i < genes.length; i++) genes[i] = random.int(candidates.length);
    population.push(score(genes));
  }
  population = sort(population);

  const pick = (): Scored => {
    let winner = population[random.int(population.length)];
    for (let k = 1; k < options.tournament; k++) {
      const rival = population[random.int(population.length)];
      if (better(rival, winner)) winner = rival;
    }
    return winner;
  };

  for (let generation = 0; generation < options.generations; generation++) {
    throwIfCancelled(signal);
    const next: Scored[] = population.slice(0, options.elite);
    while (next.length < options.population) {
      const mother = pick();
      const father = pick();
      const genes = new Uint8Array(ids.length);
      const cross = random.next() < options.crossoverRate;
      for (let i = 0; i < genes.length; i++) {
        genes[i] = cross && random.next() < 0.5 ? father.genes[i] : mother.genes[i];
        if (random.next() < mutationRate) genes[i] = random.int(candidates.length);
      }
      next.push(score(genes));
    }
    population = sort(next);
  }
  const best = population[0];
  return { groups: toGroups(best.genes), cost: best.cost, penalty: best.penalty, feasible: best.feasible };
}
