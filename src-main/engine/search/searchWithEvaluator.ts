/**
 * The search dispatcher over any SearchEvaluator: measures the FP32 reference and the fixed
 * baselines, runs the chosen method, picks the cheapest evaluated configuration within the allowed
 * drop and assembles the plain result. `runSearch` wraps this with the engine's simulator.
 */
import { BitbenchError, type ModelInfo } from '../../api/index.js';
import { assertSearchable, sortCandidates } from './candidates.js';
import { BopsCostModel } from './cost/bops.js';
import type { CostModel } from './cost/costModel.js';
import { SizeCostModel } from './cost/size.js';
import { EvaluationLedger } from './evaluationLedger.js';
import { geneticSearch } from './geneticSearch.js';
import { msqSearch } from './msq/msqSearch.js';
import { paretoSearch } from './paretoSearch.js';
import { ProgressTracker } from './progress.js';
import type { FrontEntry, SearchMethod, SearchResult } from './result.js';
import { chooseEntry, evaluateBaselines, type SearchContext, type SearchPlan } from './searchContext.js';
import type { SearchEvaluator, SearchHooks } from './types.js';

/** Runs one search of `method` with `evaluator` under `costModel`. */
export async function searchWithEvaluator(evaluator: SearchEvaluator, method: SearchMethod, costModel: CostModel, plan: SearchPlan, hooks: SearchHooks = {}): Promise<SearchResult> {
  const started = performance.now();
  const info: ModelInfo = evaluator.info;
  const ordered = { ...plan, candidates: sortCandidates(plan.candidates), baselines: sortCandidates(plan.baselines) };
  assertSearchable(info, ordered.candidates);
  const ledger = new EvaluationLedger(evaluator, hooks);
  const progress = new ProgressTracker(hooks.onProgress, () => ledger.evaluations);

  progress.begin('reference', 1, 'FP32');
  const reference = await ledger.evaluate({ groups: {} }, 'validation');
  progress.step('FP32');
  const targetAccuracy = reference.accuracy === null ? null : reference.accuracy - ordered.maxDropPercent / 100;
  const ctx: SearchContext = {
    info,
    ledger,
    progress,
    plan: ordered,
    costModel,
    bops: new BopsCostModel(info),
    size: new SizeCostModel(info),
    signal: hooks.signal,
    referenceAccuracy: reference.accuracy,
    targetAccuracy,
  };
  const baselines = await evaluateBaselines(ctx);

  let front: FrontEntry[];
  let chosen: FrontEntry | null;
  let chosenWithinDrop: boolean;
  const extra: Partial<SearchResult> = {};
  switch (method) {
    case 'fixed': {
      front = [...baselines].sort((a, b) => b.cost - a.cost).map(({ bits: _bits, ...entry }) => entry);
      ({ chosen, withinDrop: chosenWithinDrop } = chooseEntry(front, targetAccuracy));
      break;
    }
    case 'pareto': {
      const outcome = await paretoSearch(ctx, baselines);
      front = outcome.front;
      extra.sensitivity = outcome.sensitivity;
      extra.binarySearch = outcome.binarySearch;
      extra.atBudgets = outcome.atBudgets;
      if (outcome.chosenIndex !== null) {
        chosen = front[outcome.chosenIndex];
        chosenWithinDrop = true;
      } else ({ chosen, withinDrop: chosenWithinDrop } = chooseEntry(front, targetAccuracy));
      break;
    }
    case 'genetic': {
      const outcome = await geneticSearch(ctx);
      front = outcome.front;
      extra.sensitivity = outcome.sensitivity;
      ({ chosen, withinDrop: chosenWithinDrop } = chooseEntry(front, targetAccuracy));
      break;
    }
    case 'msq': {
      const outcome = await msqSearch(ctx);
      front = outcome.front;
      extra.notes = outcome.notes;
      ({ chosen, withinDrop: chosenWithinDrop } = chooseEntry(front, targetAccuracy));
      break;
    }
    default:
      throw new BitbenchError('INVALID_CONFIG', `Unknown search method "${String(method)}".`, 'Use pareto, msq, genetic or fixed.');
  }
  return {
    method,
    model: info.name,
    costKind: costModel.kind,
    costUnit: costModel.unit,
    reference: { accuracy: reference.accuracy, targetAccuracy, maxDropPercent: ordered.maxDropPercent },
    front,
    chosen,
    chosenWithinDrop,
    baselines,
    evaluations: ledger.evaluations,
    evaluationsUsed: ledger.evaluations + ledger.recalled,
    seconds: (performance.now() - started) / 1000,
    ...extra,
  };
}
