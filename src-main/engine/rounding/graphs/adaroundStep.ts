/**
 * One AdaRound optimizer step (loss, gradient and Adam update) as an ONNX graph, so each of the
 * thousands of iterations is a single onnxruntime call whose heavy part is one batched MatMul:
 *
 *   h    = clip(sigmoid(V) (zeta - gamma) + gamma, 0, 1)
 *   D    = S * clip(floor(W/S) + h, qmin, qmax) - W            [G, R, K]
 *   loss = recScale * sum(D H D^T) + lam * sum(1 - |2h - 1|^beta)
 *   g    = dloss/dV  (through the clips; D H is the only matrix product)
 *   Adam: m = b1 m + (1-b1) g, s = b2 s + (1-b2) g^2, V -= lr * (m c1) / (sqrt(s c2) + eps)
 *
 * The layer's constants (W, floor(W/S), S, H) are initializers, so onnxruntime keeps them resident;
 * V and the Adam moments flow in and out each step. Per-step scalars are inputs: lr, beta, lam and the
 * bias corrections c1 = 1/(1-b1^t), c2 = 1/(1-b2^t).
 */
import type * as ort from 'onnxruntime-node';
import { GraphBuilder } from './graphBuilder.js';

export const ZETA = 1.1;
export const GAMMA = -0.1;
export const ADAM_B1 = 0.9;
export const ADAM_B2 = 0.999;

/** The layer constants of the step graph, grouped [G, R, K] (scale [G, R, 1], gram [G, K, K]). */
export interface AdaroundConstants {
  groups: number;
  rows: number;
  cols: number;
  weight: Float32Array;
  weightFloor: Float32Array;
  scale: Float32Array;
  gram: Float32Array;
  qmin: number;
  qmax: number;
  /** Multiplies the reconstruction term (1 / its value under nearest rounding). */
  recScale: number;
}

/** Session with inputs v, m, s, lr, beta, lam, c1, c2 and outputs v_next, m_next, s_next. */
export function adaroundStepSession(c: AdaroundConstants): Promise<ort.InferenceSession> {
  const g = new GraphBuilder();
  const shape = [c.groups, c.rows, c.cols];
  const v = g.input('v', shape);
  const m = g.input('m', shape);
  const s = g.input('s', shape);
  const lr = g.input('lr', [1]);
  const beta = g.input('beta', [1]);
  const lam = g.input('lam', [1]);
  const c1 = g.input('c1', [1]);
  const c2 = g.input('c2', [1]);
  const k = (x: number) => g.constFloat([], [x]);
  const w = g.constFloat(shape, c.weight);
  const wFloor = g.constFloat(shape, c.weightFloor);
  const scale = g.constFloat([c.groups, c.rows, 1], c.scale);
  const gram = g.constFloat([c.groups, c.cols, c.cols], c.gram);
  const qmin = k(c.qmin);
  const qmax = k(c.qmax);
  const zero = k(0);
  const one = k(1);

  const sig = g.op('Sigmoid', [v]);
  const hRaw = g.op('Add', [g.op('Mul', [sig, k(ZETA - GAMMA)]), k(GAMMA)]);
  const h = g.op('Clip', [hRaw, zero, one]);
  const hFree = g.op('Cast', [g.op('And', [g.op('Greater', [hRaw, zero]), g.op('Less', [hRaw, one])])], { to: 1 });
  const dhdv = g.op('Mul', [g.op('Mul', [g.op('Mul', [sig, g.op('Sub', [one, sig])]), k(ZETA - GAMMA)]), hFree]);

  const q = g.op('Add', [wFloor, h]);
  const qc = g.op('Clip', [q, qmin, qmax]);
  const qFree = g.op('Cast', [g.op('And', [g.op('GreaterOrEqual', [q, qmin]), g.op('LessOrEqual', [q, qmax])])], { to: 1 });
  const diff = g.op('Sub', [g.op('Mul', [qc, scale]), w]);
  const dh = g.op('MatMul', [diff, gram]);
  const gRec = g.op('Mul', [g.op('Mul', [g.op('Mul', [dh, k(2 * c.recScale)]), scale]), qFree]);

  // d/dh (1 - |2h-1|^beta) = -2 beta |2h-1|^(beta-1) sign(2h-1)
  const t = g.op('Sub', [g.op('Mul', [h, k(2)]), one]);
  const powered = g.op('Pow', [g.op('Abs', [t]), g.op('Sub', [beta, one])]);
  const gReg = g.op('Mul', [g.op('Mul', [g.op('Mul', [powered, g.op('Sign', [t])]), beta]), g.op('Mul', [lam, k(-2)])]);

  const grad = g.op('Mul', [g.op('Add', [gRec, gReg]), dhdv]);
  const mNext = g.op('Add', [g.op('Mul', [m, k(ADAM_B1)]), g.op('Mul', [grad, k(1 - ADAM_B1)])]);
  const sNext = g.op('Add', [g.op('Mul', [s, k(ADAM_B2)]), g.op('Mul', [g.op('Mul', [grad, grad]), k(1 - ADAM_B2)])]);
  const denom = g.op('Add', [g.op('Sqrt', [g.op('Mul', [sNext, c2])]), k(1e-8)]);
  const update = g.op('Div', [g.op('Mul', [g.op('Mul', [mNext, c1]), lr]), denom]);
  const vNext = g.op('Sub', [v, update]);
  return g.session({ v_next: vNext, m_next: mNext, s_next: sNext });
}
