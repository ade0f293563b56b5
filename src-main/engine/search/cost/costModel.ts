/**
 * The one interface every efficiency metric implements, so any search runs under BOPs, model size
 * or a measured latency table without knowing which.
 */
import type { Assignment } from '../types.js';

export type CostKind = 'bops' | 'size' | 'latency';

/** Maps a group assignment to a cost; lower is cheaper. */
export interface CostModel {
  readonly kind: CostKind;
  /** Unit for display: "BOPs", "bytes", "ms". */
  readonly unit: string;
  cost(groups: Assignment): number;
}
