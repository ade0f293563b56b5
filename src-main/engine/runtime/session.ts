/**
 * onnxruntime sessions from IR models: encode, create with the engine's session options, and run
 * with typed errors (a model onnxruntime rejects is INVALID_MODEL, a bad input shape SHAPE_MISMATCH).
 */
import * as ort from 'onnxruntime-node';
import { BitbenchError } from '../../api/errors.js';
import type { Model } from '../onnx/ir.js';
import { encodeModel } from '../onnx/encode.js';

export interface SessionOptions {
  /** Intra-op threads; default 2 (the engine's machines are small and shared). */
  threads?: number;
}

/** Creates a session for an IR model. */
export async function createSession(model: Model | Uint8Array, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  const bytes = model instanceof Uint8Array ? model : encodeModel(model);
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: options.threads ?? 2,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      logSeverityLevel: 3,
    });
  } catch (error) {
    const text = String((error as Error).message ?? error);
    const op = /(?:Could not find an implementation for|unsupported|No Op registered for) ([\w.]+)/i.exec(text)?.[1];
    throw new BitbenchError(
      op ? 'UNSUPPORTED_OP' : 'INVALID_MODEL',
      op ? `onnxruntime cannot run operator ${op} in this model.` : `onnxruntime rejected the model: ${text}`,
      op ? 'Export the model with standard ONNX operators (opset 9 or newer).' : 'Check that the file is a valid ONNX model (open it in Netron).',
      { cause: error },
    );
  }
}

/** Runs a session on one float input, mapping onnxruntime's shape errors to SHAPE_MISMATCH. */
export async function runFloat(
  session: ort.InferenceSession,
  inputName: string,
  data: Float32Array,
  dims: number[],
  outputs?: readonly string[],
): Promise<ort.InferenceSession.OnnxValueMapType> {
  try {
    const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
    return outputs ? await session.run(feeds, outputs) : await session.run(feeds);
  } catch (error) {
    const text = String((error as Error).message ?? error);
    if (/dimension|shape|rank/i.test(text)) {
      throw new BitbenchError('SHAPE_MISMATCH', `The data does not fit the model input "${inputName}": batch of shape [${dims}] (${text}).`, 'Preprocess the data to the input shape the model declares (see bitbench inspect).', { cause: error });
    }
    throw new BitbenchError('INTERNAL', `onnxruntime failed: ${text}`, undefined, { cause: error });
  }
}
