/**
 * Op support by op type: each family lives in its own module; an op missing here is simply not
 * quantized (it runs in float between quantizers).
 */
import { convHandler, convTransposeHandler } from './conv.js';
import { gemmHandler, matMulHandler } from './gemm.js';
import { joinHandler } from './join.js';
import { prequantizedHandler } from './prequantized.js';
import type { OpHandler } from './types.js';

const handlers = new Map<string, OpHandler>([
  ['Conv', convHandler],
  ['ConvTranspose', convTransposeHandler],
  ['Gemm', gemmHandler],
  ['MatMul', matMulHandler],
  ['Add', joinHandler],
  ['Sum', joinHandler],
  ['Concat', joinHandler],
  ...['QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger', 'DynamicQuantizeLinear', 'MatMulNBits', 'QGemm'].map(
    (op) => [op, prequantizedHandler] as [string, OpHandler],
  ),
]);

/** The handler for an op type in the default domain (or com.microsoft for the quantized ones), if any. */
export function opHandler(opType: string, domain: string): OpHandler | undefined {
  if (domain !== '' && domain !== 'ai.onnx' && domain !== 'com.microsoft') return undefined;
  return handlers.get(opType);
}

/** Op types that become quantizable layers. */
export const quantizableOps = ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'] as const;
