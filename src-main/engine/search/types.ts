/**
 * The small surface every search algorithm is written against. The searches never touch
 * onnxruntime or datasets directly: they ask a `SearchEvaluator` to measure a configuration on the
 * calibration split (unlabeled, used to rank) or the validation split (labeled, used to decide).
 * An adapter over the engine's QuantSimulator implements it; unit tests use synthetic evaluators
 * with known answers, which test the algorithm and nothing else.
 */
import type { BitPair, ModelInfo, QuantConfig } from '../../api/index.js';

/** Which data an evaluation runs on: calibration ranks (labels optional), validation decides. */
export type SearchSplit = 'calibration' | 'validation';

/** What one evaluation of a configuration measures. */
export interface EvaluationResult {
  /** Network output SQNR against FP32, dB (Infinity for FP32 itself). */
  sqnrDb: number;
  /** Top-1 accuracy in [0, 1], or null when the split has no labels. */
  accuracy: number | null;
}

/** Options every evaluation call accepts. */
export interface EvaluateOptions {
  signal?: AbortSignal;
  /** Evaluate on the first `limit` samples of the split only (phase 1 uses this to go faster). */
  limit?: number;
}

/** One batch of per-layer outputs captured while running a configuration (MSQ needs these). */
export interface CapturedBatch {
  /** Samples in this batch. */
  size: number;
  /** Ground-truth labels, or null when the split has none. */
  labels: Int32Array | null;
  /** The FP32 model's logits for the batch, `size x classes` (pseudo-labels and confidences). */
  referenceLogits: Float32Array;
  classes: number;
  /** Captured tensors by name, each with its dims (batch first) and data. */
  tensors: Map<string, { dims: number[]; data: Float32Array }>;
}

/** Optional capability: run a configuration and hand every batch's chosen tensors to `visit`. */
export interface FeatureCapture {
  captureTensors(
    config: QuantConfig,
    split: SearchSplit,
    tensors: string[],
    visit: (batch: CapturedBatch) => void,
    options?: EvaluateOptions,
  ): Promise<void>;
}

/** What a sweep did: evaluations run on reused work, evaluations run whole, and its memory. */
export interface SweepStats {
  reused: number;
  whole: number;
  /** Passes that computed shared work (for prefix reuse: prefix passes). */
  passes: number;
  /** Most memory the shared work held at once, bytes. */
  peakBytes: number;
}

/**
 * Many evaluations of configurations near one base configuration on one split and sample count
 * (phase 1: the top configuration with one group lowered). Results equal `evaluate`'s exactly;
 * the evaluator may share work between them (the engine re-runs only what differs from the base).
 */
export interface EvaluationSweep {
  evaluate(config: QuantConfig, options?: Pick<EvaluateOptions, 'signal'>): Promise<EvaluationResult>;
  readonly stats: SweepStats;
  /** Frees what the sweep holds. */
  close(): void;
}

/** Measures configurations of one model. */
export interface SearchEvaluator {
  readonly info: ModelInfo;
  evaluate(config: QuantConfig, split: SearchSplit, options?: EvaluateOptions): Promise<EvaluationResult>;
  /** Present when the evaluator can capture intermediate tensors (needed by MSQ). */
  readonly features?: FeatureCapture;
  /**
   * What this evaluator's numbers depend on besides the configuration (model, data, engine
   * settings), as a short string; it is part of every evaluation key, so records resumed from
   * another context (other data, another sample count) are measured again instead of recalled.
   */
  readonly fingerprint?: string;
  /** Present when the evaluator can share work between evaluations near one configuration. */
  openSweep?(base: QuantConfig, split: SearchSplit, options?: EvaluateOptions): Promise<EvaluationSweep>;
}

/**
 * One finished evaluation, as plain data: what the jobs layer persists as it completes and hands
 * back through `cachedEvaluations` when a search resumes.
 */
export interface EvaluationRecord {
  /** Canonical key of (config, split, limit); equal keys mean the same measurement. */
  key: string;
  config: QuantConfig;
  split: SearchSplit;
  limit: number | null;
  sqnrDb: number;
  accuracy: number | null;
  seconds: number;
}

/** Which stage a search is in, for progress displays. */
export type SearchPhase = 'rounding' | 'reference' | 'baselines' | 'sensitivity' | 'front' | 'binary-search' | 'budget-pick' | 'genetic' | 'msq' | 'evaluate-front';

/** A progress event: phase, a human step label, done/total of this phase and an ETA. */
export interface SearchProgress {
  phase: SearchPhase;
  step: string;
  done: number;
  total: number;
  /** Seconds left in this phase, estimated from the pace so far; null before the first step ends. */
  etaSeconds: number | null;
  /** Evaluations actually run so far (cache hits excluded). */
  evaluations: number;
}

/** Callbacks and controls every search accepts. */
export interface SearchHooks {
  onProgress?: (progress: SearchProgress) => void;
  /** Called once per finished (not cached) evaluation, so it can be persisted immediately. */
  onEvaluation?: (record: EvaluationRecord) => void;
  /** Evaluations finished by an earlier, interrupted run of the same search. */
  cachedEvaluations?: readonly EvaluationRecord[];
  signal?: AbortSignal;
}

/** A bit-width candidate per quantizer group, by group id. */
export type Assignment = Record<string, BitPair>;
