/**
 * One AdaRound optimizer step (gradient and Adam update) as an ONNX graph, so each of the thousands
 * of iterations is a single onnxruntime call whose heavy part is one batched MatMul. Everything
 * that does not change between steps is folded into constants, because on these small tensors the
 * cost per step is mostly the number of nodes (measured: ~50 nodes took 3-4x the MatMul on 16x144).
 *
 *   sig = sigmoid(V);  u = 2.4 sig - 1.2;  t = clip(u, -1, 1) = 2h - 1    (h the soft rounding)
 *   D   = C0 + C1 t                 = S * (base + free * h) - W             [G, R, K]
 *   gh  = Crec (D H) + regCoef |t|^(beta-1) sign(t)                         d loss / d h
 *   g   = gh * sig (1 - sig) * [u == t]                                     d loss / d V (up to 1.2)
 *   Adam with unnormalised moments: m = b1 m + g, s = b2 s + g^2,
 *        V -= stepSize * m / (sqrt(sScale * s) + eps)
 *
 * `free` marks weights whose floor is in [qmin, qmax - 1]: for the others both roundings give the
 * same clipped level, so their D is constant. Constant factors on g are dropped: Adam is invariant
 * to them. Per-step scalars come in as inputs: stepSize = lr c1 (1-b1), sScale = c2 (1-b2),
 * betaMinus1, regCoef = -2 beta lambda, with c1, c2 Adam's bias corrections.
 */
import type * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graphBuilder.js';

export const ZETA = 1.1;
export const GAMMA = -0.1;
export const ADAM_B1 = 0.9;
export const ADAM_B2 = 0.999;

/** The layer constants of the step graph, grouped [G, R, K] (gram [G, K, K]). */
export interface AdaroundConstants {
  groups: number;
  rows: number;
  cols: number;
  /** S * base - W + S * free / 2. */
  c0: Float32Array;
  /** S * free / 2. */
  c1: Float32Array;
  /** 2 * recScale * S * free. */
  cRec: Float32Array;
  gram: Float32Array;
  threads: number;
}

/** Session with inputs v, m, s, stepSize, sScale, betaMinus1, regCoef and outputs v_next, m_next, s_next. */
export function adaroundStepSession(c: AdaroundConstants): Promise<ort.InferenceSession> {
  const g = new GraphBuilder();
  const shape = [c.groups, c.rows, c.cols];
  const v = g.input('v', shape);
  const m = g.input('m', shape);
  const s = g.input('s', shape);
  const stepSize = g.input('stepSize', [1]);
  const sScale = g.input('sScale', [1]);
  const betaMinus1 = g.input('betaMinus1', [1]);
  const regCoef = g.input('regCoef', [1]);
  const k = (x: number) => g.constFloat([], [x]);

  const sig = g.op('Sigmoid', [v]);
  const u = g.op('Add', [g.op('Mul', [sig, k(2 * (ZETA - GAMMA))]), k(2 * GAMMA - 1)]);
  const t = g.op('Clip', [u, k(-1), k(1)]);
  const diff = g.op('Add', [g.constFloat(shape, c.c0), g.op('Mul', [g.constFloat(shape, c.c1), t])]);
  const gRec = g.op('Mul', [g.op('MatMul', [diff, g.constFloat([c.groups, c.cols, c.cols], c.gram)]), g.constFloat(shape, c.cRec)]);
  const gReg = g.op('Mul', [g.op('Mul', [g.op('Pow', [g.op('Abs', [t]), betaMinus1]), g.op('Sign', [t])]), regCoef]);
  const dhdv = g.op('Where', [g.op('Equal', [u, t]), g.op('Mul', [sig, g.op('Sub', [k(1), sig])]), k(0)]);
  const grad = g.op('Mul', [g.op('Add', [gRec, gReg]), dhdv]);
  const mNext = g.op('Add', [g.op('Mul', [m, k(ADAM_B1)]), grad]);
  const sNext = g.op('Add', [g.op('Mul', [s, k(ADAM_B2)]), g.op('Mul', [grad, grad])]);
  const denom = g.op('Add', [g.op('Sqrt', [g.op('Mul', [sNext, sScale])]), k(1e-8)]);
  const vNext = g.op('Sub', [v, g.op('Mul', [g.op('Div', [mNext, denom]), stepSize])]);
  return g.session({ v_next: vNext, m_next: mNext, s_next: sNext }, c.threads);
}
