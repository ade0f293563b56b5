/**
 * Phase 1 of Pareto-greedy (and the input of the genetic search): the sensitivity list. The whole
 * network is quantized at the most precise candidate; then, one group at a time, that group alone
 * is set to each lower candidate and the network is measured (output SQNR against FP32 on the
 * calibration split, or the task metric). The result is plain data: one entry per group and
 * candidate.
 *
 * Every lowered configuration shares the top configuration's network upstream of its group, on
 * the same images; when the evaluator can share that work (a sweep: the engine keeps the prefix's
 * outputs and re-runs only the suffix), phase 1 goes through it, with identical numbers.
 */
import type { BitPair, ModelInfo, QuantConfig } from '../../api/index.js';
import { formatBitPair } from '../../api/index.js';
import { toConfig, uniformAssignment } from './candidates.js';
import type { EvaluationLedger } from './evaluationLedger.js';
import type { ProgressTracker } from './progress.js';
import type { EvaluationSweep, SweepStats } from './types.js';

/** Which measurement ranks the groups. */
export type SensitivityMetric = 'sqnr' | 'accuracy';

/** The network measured with one group lowered to one candidate. */
export interface SensitivityEntry {
  groupId: string;
  /** Index into `SensitivityTable.candidates`. */
  candidate: number;
  sqnrDb: number;
  accuracy: number | null;
}

/** Phase 1's result. `candidates[0]` is the most precise; entries cover every group x lower one. */
export interface SensitivityTable {
  candidates: BitPair[];
  /** The network with every group at candidates[0]. */
  top: { sqnrDb: number; accuracy: number | null };
  entries: SensitivityEntry[];
  /** Samples of the calibration split used (null: all). */
  limit: number | null;
  /** Wall time of phase 1 and the evaluations it ran (cache hits excluded). */
  seconds: number;
  evaluations: number;
  /** What prefix reuse did in this phase 1 (absent when it was off or not available). */
  reuse?: SweepStats;
}

/** Options of phase 1. */
export interface SensitivityOptions {
  candidates: BitPair[];
  limit: number | null;
  extras: Pick<QuantConfig, 'rounding' | 'calibration'>;
  /** Share work between the lowered configurations when the evaluator can; default true. */
  prefixReuse?: boolean;
}

/** Measures the sensitivity list; candidates must already be ordered most precise first. */
export async function measureSensitivity(info: ModelInfo, ledger: EvaluationLedger, options: SensitivityOptions, progress: ProgressTracker): Promise<SensitivityTable> {
  const { candidates, limit, extras } = options;
  const started = performance.now();
  const evaluationsBefore = ledger.evaluations;
  const topGroups = uniformAssignment(info, candidates[0]);
  progress.begin('sensitivity', 1 + info.groups.length * (candidates.length - 1), `all groups at ${formatBitPair(candidates[0])}`);
  const top = await ledger.evaluate(toConfig(topGroups, extras), 'calibration', limit);
  progress.step(`all groups at ${formatBitPair(candidates[0])}`);
  const entries: SensitivityEntry[] = [];
  // Opened on the first evaluation not already on record, so a resumed phase 1 pays nothing.
  let sweep: Promise<EvaluationSweep> | undefined;
  const openSweep = options.prefixReuse === false ? undefined : ledger.evaluator.openSweep?.bind(ledger.evaluator);
  const topConfig = toConfig(topGroups, extras);
  let reuse: SweepStats | undefined;
  try {
    for (const group of info.groups) {
      for (let c = 1; c < candidates.length; c++) {
        const groups = { ...topGroups, [group.id]: { ...candidates[c] } };
        const config = toConfig(groups, extras);
        const via = openSweep && (async (o: { signal?: AbortSignal }) => (await (sweep ??= openSweep(topConfig, 'calibration', { limit: limit ?? undefined, signal: o.signal }))).evaluate(config, o));
        const record = await ledger.evaluate(config, 'calibration', limit, via);
        entries.push({ groupId: group.id, candidate: c, sqnrDb: record.sqnrDb, accuracy: record.accuracy });
        progress.step(`${group.id} at ${formatBitPair(candidates[c])}`);
      }
    }
  } finally {
    // A failed opening is the evaluation's error, already thrown.
    const opened = await sweep?.catch(() => undefined);
    opened?.close();
    reuse = opened?.stats;
  }
  return {
    candidates,
    top: { sqnrDb: top.sqnrDb, accuracy: top.accuracy },
    entries,
    limit,
    seconds: (performance.now() - started) / 1000,
    evaluations: ledger.evaluations - evaluationsBefore,
    ...(reuse ? { reuse: { ...reuse } } : {}),
  };
}

/**
 * Turns a sensitivity table into additive penalties, the quantity the greedy front and the
 * genetic search minimize. For SQNR the penalty is the extra output noise power (relative to the
 * signal) the group adds at that candidate: independent noise sources add, so the estimated noise
 * of a configuration is the top configuration's noise plus the sum of penalties. For accuracy the
 * penalty is the accuracy lost, also summed (the first-order assumption of seed 000).
 */
export class PenaltyModel {
  private readonly penalties = new Map<string, number[]>();
  private readonly baseNoise: number;
  private readonly topAccuracy: number;

  constructor(
    readonly table: SensitivityTable,
    readonly metric: SensitivityMetric,
  ) {
    this.baseNoise = noisePower(table.top.sqnrDb);
    this.topAccuracy = table.top.accuracy ?? 0;
    for (const entry of table.entries) {
      let row = this.penalties.get(entry.groupId);
      if (!row) {
        row = new Array<number>(table.candidates.length).fill(0);
        this.penalties.set(entry.groupId, row);
      }
      row[entry.candidate] = metric === 'sqnr' ? Math.max(0, noisePower(entry.sqnrDb) - this.baseNoise) : Math.max(0, this.topAccuracy - (entry.accuracy ?? 0));
    }
    for (const row of this.penalties.values()) monotoneEnvelope(row, table.candidates);
  }

  /** Penalty of `groupId` at candidate index `candidate` (0 for the top candidate). */
  penalty(groupId: string, candidate: number): number {
    return this.penalties.get(groupId)?.[candidate] ?? 0;
  }

  /** Estimated quality for a summed penalty: SQNR in dB, or accuracy in [0, 1]. */
  estimate(totalPenalty: number): number {
    return this.metric === 'sqnr' ? -10 * Math.log10(this.baseNoise + totalPenalty) : this.topAccuracy - totalPenalty;
  }
}

/** Bits of a pair's weights or activations; null (float) counts as more than any integer grid. */
const bitsOf = (b: number | null): number => b ?? Infinity;

/**
 * A pair that is no more precise than another in both weights and activations never gets a smaller
 * penalty than it: each group's penalties are raised to the largest penalty of any pair at least as
 * precise. Phase 1 measures a single group's noise on a few hundred images, where the difference
 * between, say, W4A8 and W4A6 can fall below the measurement's own noise and come out reversed;
 * left as measured, the search would trade precision away at no saving (under a size cost, A6
 * costs the same as A8) on the strength of that noise.
 */
export function monotoneEnvelope(row: number[], candidates: readonly BitPair[]): void {
  const measured = [...row];
  for (let i = 0; i < candidates.length; i++) {
    for (let j = 0; j < candidates.length; j++) {
      if (j === i) continue;
      const atLeastAsPrecise = bitsOf(candidates[j].w) >= bitsOf(candidates[i].w) && bitsOf(candidates[j].a) >= bitsOf(candidates[i].a);
      if (atLeastAsPrecise && measured[j] > row[i]) row[i] = measured[j];
    }
  }
}

/** Output noise power relative to the signal for an SQNR in dB (0 for an exact output). */
export function noisePower(sqnrDb: number): number {
  return Number.isFinite(sqnrDb) ? 10 ** (-sqnrDb / 10) : 0;
}
