/** MSQ's knobs and their defaults (kept apart so the search plan can name them without a cycle). */

export interface MsqOptions {
  /** Pyramid scales d (pool to d x d). */
  scales: number[];
  /** Calibration samples per accuracy estimate (half imprint, half score). */
  limit: number;
}

export const DEFAULT_MSQ: MsqOptions = { scales: [1, 2, 4], limit: 512 };
