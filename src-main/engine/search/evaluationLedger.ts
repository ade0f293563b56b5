/**
 * Every evaluation a search makes goes through the ledger: it answers repeated questions from
 * memory (including evaluations finished by an interrupted earlier run), reports each new result
 * through `onEvaluation` the moment it finishes, counts what really ran, and stops at cancellation.
 */
import { BitbenchError, formatBitPair, type QuantConfig } from '../../api/index.js';
import type { EvaluateOptions, EvaluationRecord, EvaluationResult, SearchEvaluator, SearchHooks, SearchSplit } from './types.js';

/**
 * Canonical key of a measurement: group order and object layout do not matter. `context` (the
 * evaluator's fingerprint: model, data, engine settings) makes the key name the measurement and
 * not only the configuration, so a record made on other data is never recalled as this one.
 */
export function evaluationKey(config: QuantConfig, split: SearchSplit, limit: number | null, context?: string): string {
  const groups = Object.keys(config.groups)
    .sort()
    .map((id) => `${id}=${formatBitPair(config.groups[id])}`)
    .join(';');
  return `${context ? `${context}#` : ''}${split}|${limit ?? 'all'}|${config.rounding ?? 'nearest'}|${config.calibration ?? 'default'}|${groups}`;
}

/** Throws CANCELLED when the signal has fired; searches call it between steps. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new BitbenchError('CANCELLED', 'The search was cancelled.', 'Finished evaluations are kept; start the search again to resume it.');
  }
}

/** Memoizing, counting, observable front of a SearchEvaluator. */
export class EvaluationLedger {
  private readonly known = new Map<string, EvaluationRecord>();
  /** Evaluations run by this ledger (cache hits excluded). */
  evaluations = 0;
  /** Wall time spent inside those evaluations, seconds. */
  seconds = 0;
  /** Answers served from earlier runs' records (resumption), not from this run's own work. */
  recalled = 0;
  private readonly resumed = new Set<string>();

  constructor(
    readonly evaluator: SearchEvaluator,
    private readonly hooks: Pick<SearchHooks, 'onEvaluation' | 'cachedEvaluations' | 'signal'> = {},
  ) {
    for (const record of hooks.cachedEvaluations ?? []) {
      this.known.set(record.key, record);
      this.resumed.add(record.key);
    }
  }

  get signal(): AbortSignal | undefined {
    return this.hooks.signal;
  }

  /** The cached record for a measurement, if any, without running anything. */
  lookup(config: QuantConfig, split: SearchSplit, limit: number | null = null): EvaluationRecord | undefined {
    return this.known.get(evaluationKey(config, split, limit, this.evaluator.fingerprint));
  }

  /**
   * Evaluates (or recalls) one configuration. `via`, when given, runs the evaluation instead of the
   * evaluator's `evaluate` (a sweep sharing work); it must give the same result.
   */
  async evaluate(config: QuantConfig, split: SearchSplit, limit: number | null = null, via?: (options: EvaluateOptions) => Promise<EvaluationResult>): Promise<EvaluationRecord> {
    throwIfCancelled(this.hooks.signal);
    const key = evaluationKey(config, split, limit, this.evaluator.fingerprint);
    const cached = this.known.get(key);
    if (cached) {
      if (this.resumed.delete(key)) this.recalled += 1;
      return cached;
    }
    const options: EvaluateOptions = { signal: this.hooks.signal };
    if (limit !== null) options.limit = limit;
    const started = performance.now();
    let result: EvaluationResult;
    try {
      result = via ? await via(options) : await this.evaluator.evaluate(config, split, options);
    } catch (error) {
      // An evaluation aborted mid-way is a cancellation, whatever the engine threw.
      throwIfCancelled(this.hooks.signal);
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;
    this.evaluations += 1;
    this.seconds += seconds;
    const record: EvaluationRecord = { key, config, split, limit, sqnrDb: result.sqnrDb, accuracy: result.accuracy, seconds };
    this.known.set(key, record);
    this.hooks.onEvaluation?.(record);
    return record;
  }
}
