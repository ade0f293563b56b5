/**
 * The bridge between a search (engine/search) and the job runner: search progress becomes job
 * progress, every evaluation the search finishes is persisted at once, the evaluations of earlier
 * attempts go back in as `cachedEvaluations`, and the search result becomes the run's outcome
 * (chosen configuration, and the cost of every front and baseline point on its evaluations).
 */
import type { QuantConfig } from '../../api/index.js';
import type { SearchResult } from '../../engine/search/result.js';
import type { EvaluationRecord, SearchHooks } from '../../engine/search/types.js';
import type { JobContext, JobOutcome } from '../jobTypes.js';

/** Hooks that wire a search to its job context. */
export function searchHooksFor(context: JobContext): SearchHooks {
  const cachedEvaluations = context.finishedEvaluations.map((e) => e.record as EvaluationRecord);
  return {
    signal: context.signal,
    cachedEvaluations,
    onProgress: (p) => context.progress({ phase: p.phase, step: p.step, done: p.done, total: p.total, etaSeconds: p.etaSeconds }),
    onEvaluation: (record) =>
      context.recordEvaluation({
        key: record.key,
        config: record.config,
        record,
        metrics: { accuracy: record.accuracy, sqnrDb: record.sqnrDb, cost: null, bops: null, sizeBytes: null, split: record.split, samples: record.limit },
      }),
  };
}

/** The run outcome of a finished search. */
export function searchOutcome(result: SearchResult): JobOutcome {
  const costs: NonNullable<JobOutcome['costs']> = [];
  const add = (config: QuantConfig, entry: { cost: number; bops: number; sizeBytes: number }, label?: string) =>
    costs.push({ config, cost: entry.cost, bops: entry.bops, sizeBytes: entry.sizeBytes, label });
  for (const entry of result.front) add(entry.config, entry);
  for (const baseline of result.baselines) add(baseline.config, baseline, `fixed ${baseline.bits}`);
  return { result, chosen: result.chosen?.config ?? null, costs };
}
