/**
 * The search's public surface: `runSearch` from plain options, `searchWithEvaluator` over any
 * evaluator, the cost models, and the plain data types of evaluations, progress and results.
 */
export { runSearch, openSearchData, readLatencyTable, type RunSearchOptions, type RunSearchResult } from './runSearch.js';
export { searchWithEvaluator } from './searchWithEvaluator.js';
export { SimulatorEvaluator, type SearchData } from './simulatorEvaluator.js';
export type { SearchPlan } from './searchContext.js';
export type { SearchMethod, SearchResult, FrontEntry, BaselineEntry } from './result.js';
export type { SearchEvaluator, EvaluationRecord, EvaluationResult, SearchHooks, SearchProgress, SearchPhase, SearchSplit, FeatureCapture, CapturedBatch } from './types.js';
export { evaluationKey, EvaluationLedger } from './evaluationLedger.js';
export { parseCandidates, sortCandidates, uniformAssignment } from './candidates.js';
export { createCostModel } from './cost/createCostModel.js';
export type { CostModel, CostKind } from './cost/costModel.js';
export { parseLatencyTable, LatencyCostModel, type LatencyTable } from './cost/latencyTable.js';
export { pickWithinBudget } from './budgetPick.js';
export { pointWithinBudget } from './greedyFront.js';
export { kendallTau } from './kendall.js';
