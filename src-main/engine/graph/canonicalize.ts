/**
 * Canonical form every later stage assumes: opset 10 or newer, constants as initializers, BatchNorm folded into the
 * preceding Conv/Gemm, no unused initializers. Runs in place on a freshly decoded model.
 */
import type { Model } from '../onnx/ir.js';
import { constantsToInitializers } from './constants.js';
import { foldBatchNorm } from './foldBatchNorm.js';
import { pruneInitializers } from './pruneInitializers.js';
import { upgradeToOpset10 } from './upgradeOpset.js';

export interface CanonicalizeReport {
  /** True when an opset-9 model was moved to opset 10 (see upgradeOpset.ts). */
  opsetUpgraded: boolean;
  constantsMoved: number;
  batchNormsFolded: number;
  initializersDropped: number;
}

/** Canonicalizes a model in place. */
export function canonicalize(model: Model, modelDir: string | null): CanonicalizeReport {
  const constantsMoved = constantsToInitializers(model.graph, modelDir);
  const opsetUpgraded = upgradeToOpset10(model);
  const batchNormsFolded = foldBatchNorm(model.graph);
  const initializersDropped = pruneInitializers(model.graph);
  return { opsetUpgraded, constantsMoved, batchNormsFolded, initializersDropped };
}
