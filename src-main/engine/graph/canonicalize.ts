/**
 * Canonical form every later stage assumes: constants as initializers, BatchNorm folded into the
 * preceding Conv/Gemm, no unused initializers. Runs in place on a freshly decoded model.
 */
import type { Model } from '../onnx/ir.js';
import { constantsToInitializers } from './constants.js';
import { foldBatchNorm } from './foldBatchNorm.js';
import { pruneInitializers } from './pruneInitializers.js';

export interface CanonicalizeReport {
  constantsMoved: number;
  batchNormsFolded: number;
  initializersDropped: number;
}

/** Canonicalizes a model in place. */
export function canonicalize(model: Model, modelDir: string | null): CanonicalizeReport {
  const constantsMoved = constantsToInitializers(model.graph, modelDir);
  const batchNormsFolded = foldBatchNorm(model.graph);
  const initializersDropped = pruneInitializers(model.graph);
  return { constantsMoved, batchNormsFolded, initializersDropped };
}
