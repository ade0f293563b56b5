/**
 * Add, Sum and Concat of two or more activations: a runtime adds or concatenates integers only when
 * all inputs share one scale and width, so their quantizers form one group. A single activation
 * plus a constant (a bias Add) joins nothing.
 */
import type { OpHandler } from './types.js';

export const joinHandler: OpHandler = {
  joinedInputs(node, ctx) {
    const activations = [...new Set(node.inputs.filter((t) => t !== '' && ctx.isFloatActivation(t)))];
    return activations.length >= 2 ? activations : [];
  },
};
