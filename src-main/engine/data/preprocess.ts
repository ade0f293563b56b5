/**
 * Declared preprocessing: raw pixels p become (p * scale - mean) / std per channel, after an
 * optional channel conversion and resize, written in the layout the model expects. Nothing here
 * guesses: every default is stated on the field.
 */
import { BitbenchError } from '../../api/errors.js';
import { resizeBilinear } from './resize.js';

export type Layout = 'nchw' | 'nhwc';
export type Channels = 'gray' | 'rgb' | 'bgr';

/** Preprocessing of image-like samples. */
export interface Preprocess {
  /** Multiplier on raw values; default 1/255 for 8-bit pixels, 1 for float arrays. */
  scale?: number;
  /** Subtracted after scaling: one value, or one per output channel; default 0. */
  mean?: number[];
  /** Divisor after the mean: one value, or one per output channel; default 1. */
  std?: number[];
  /** Layout of the model input (and of 4-D NPY arrays on disk); default nchw. */
  layout?: Layout;
  /** Channels the model expects; default the source's own (gray for Fashion-MNIST, rgb for images). */
  channels?: Channels;
  /** Output [height, width]; default no resize (all samples must then have the same size). */
  resize?: [number, number];
}

/** A preprocessing with every field resolved. */
export interface ResolvedPreprocess {
  scale: number;
  mean: number[];
  std: number[];
  layout: Layout;
  channels: Channels;
  resize: [number, number] | null;
}

function invalid(message: string, hint: string): BitbenchError {
  return new BitbenchError('INVALID_DATASET', message, hint);
}

/** Checks a declared preprocessing and fills the defaults for a source. */
export function resolvePreprocess(pre: Preprocess | undefined, source: { channels: Channels; defaultScale: number }): ResolvedPreprocess {
  const p = pre ?? {};
  const scale = p.scale ?? source.defaultScale;
  if (!Number.isFinite(scale) || scale === 0) throw invalid(`Preprocessing scale must be a finite non-zero number, got ${p.scale}.`, 'Use e.g. 0.00392156862745098 (1/255) for 8-bit pixels or 1 for tensors.');
  const channels = p.channels ?? source.channels;
  if (!['gray', 'rgb', 'bgr'].includes(channels)) throw invalid(`Unknown channel order "${channels}".`, 'Use gray, rgb or bgr.');
  const layout = p.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc') throw invalid(`Unknown layout "${layout}".`, 'Use nchw or nhwc.');
  const nc = channels === 'gray' ? 1 : 3;
  const perChannel = (values: number[] | undefined, fallback: number, what: string): number[] => {
    const v = values ?? [fallback];
    if (v.length === 0 || !v.every((x) => Number.isFinite(x))) throw invalid(`Preprocessing ${what} must be finite numbers, got ${JSON.stringify(values)}.`, `Give one ${what} value, or one per channel.`);
    if (v.length !== 1 && v.length !== nc) throw invalid(`Preprocessing ${what} has ${v.length} values but the model input has ${nc} channel(s) (${channels}).`, `Give one ${what} value, or exactly ${nc}.`);
    return v.length === 1 ? new Array<number>(nc).fill(v[0]) : [...v];
  };
  const mean = perChannel(p.mean, 0, 'mean');
  const std = perChannel(p.std, 1, 'std');
  if (std.some((s) => s === 0)) throw invalid('Preprocessing std contains 0.', 'A standard deviation divides the values; use non-zero numbers.');
  let resize: [number, number] | null = null;
  if (p.resize) {
    const [h, w] = p.resize;
    if (p.resize.length !== 2 || ![h, w].every((x) => Number.isInteger(x) && x >= 1 && x <= 16384)) throw invalid(`Resize must be two whole numbers [height, width], got ${JSON.stringify(p.resize)}.`, 'Use e.g. 224x224.');
    resize = [h, w];
  }
  return { scale, mean, std, layout, channels, resize };
}

/** Canonical text of a resolved preprocessing, part of every dataset hash. */
export function preprocessKey(p: ResolvedPreprocess): string {
  return JSON.stringify([p.scale, p.mean, p.std, p.layout, p.channels, p.resize]);
}

/**
 * Converts one image sample stored height x width x channels (channels 1 or 3, rgb order) into the
 * model's input. Built once per dataset; `write` runs per sample.
 */
export class PixelPipeline {
  readonly sampleDims: number[];
  readonly sampleLength: number;
  private readonly outH: number;
  private readonly outW: number;
  private readonly outC: number;
  private readonly mul: Float32Array;
  private readonly add: Float32Array;

  constructor(
    readonly pre: ResolvedPreprocess,
    readonly srcH: number,
    readonly srcW: number,
    readonly srcC: 1 | 3,
  ) {
    this.outH = pre.resize ? pre.resize[0] : srcH;
    this.outW = pre.resize ? pre.resize[1] : srcW;
    this.outC = pre.channels === 'gray' ? 1 : 3;
    this.sampleDims = pre.layout === 'nchw' ? [this.outC, this.outH, this.outW] : [this.outH, this.outW, this.outC];
    this.sampleLength = this.outC * this.outH * this.outW;
    // (p*scale - mean)/std == p*(scale/std) + (-mean/std): one multiply-add per value.
    this.mul = Float32Array.from(pre.std, (s) => pre.scale / s);
    this.add = Float32Array.from(pre.std, (s, c) => -pre.mean[c] / s);
  }

  /** Writes one sample (HWC, srcC channels, any numeric array) into `out` at `offset`. */
  write(src: ArrayLike<number>, out: Float32Array, offset: number): void {
    const { srcH, srcW, srcC, outC, outH, outW } = this;
    const plane = srcH * srcW;
    // Channel conversion first, at source size, into a float HWC buffer.
    let hwc: ArrayLike<number> = src;
    if (srcC !== outC || this.pre.channels === 'bgr') {
      const conv = new Float32Array(plane * outC);
      for (let i = 0; i < plane; i++) {
        if (srcC === 1) {
          for (let c = 0; c < outC; c++) conv[i * outC + c] = src[i];
        } else if (outC === 1) {
          // ITU-R BT.601 luma, the weights PIL's convert('L') uses.
          conv[i] = 0.299 * src[i * 3] + 0.587 * src[i * 3 + 1] + 0.114 * src[i * 3 + 2];
        } else {
          conv[i * 3] = src[i * 3 + 2];
          conv[i * 3 + 1] = src[i * 3 + 1];
          conv[i * 3 + 2] = src[i * 3];
        }
      }
      hwc = conv;
    }
    if (outH !== srcH || outW !== srcW) hwc = resizeBilinear(hwc, srcH, srcW, outC, outH, outW);
    const { mul, add } = this;
    const n = outH * outW;
    if (this.pre.layout === 'nhwc') {
      for (let i = 0; i < n; i++) for (let c = 0; c < outC; c++) out[offset + i * outC + c] = hwc[i * outC + c] * mul[c] + add[c];
    } else {
      for (let c = 0; c < outC; c++) {
        const base = offset + c * n;
        for (let i = 0; i < n; i++) out[base + i] = hwc[i * outC + c] * mul[c] + add[c];
      }
    }
  }
}
