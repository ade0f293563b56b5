/** Ops of a model that is already quantized: Bitbench quantizes float models, so these are refused by name. */
import { BitbenchError } from '../../api/errors.js';
import type { OpHandler } from './types.js';

export const prequantizedHandler: OpHandler = {
  layer(node) {
    throw new BitbenchError('UNSUPPORTED_OP', `Node "${node.name}" (${node.opType}) is already quantized; Bitbench needs the float model.`, 'Open the FP32 (or FP16) export of the model instead of a quantized one.');
  },
};
