/**
 * Parsers for trtexec's JSON exports. `--exportTimes`: one object per timed inference (key names
 * differ between versions: `startH2DMs` in 8.x, `startH2dMs` in 10.x; both carry computeMs and
 * latencyMs). `--exportProfile`: `[{count}, {name, timeMs, averageMs, medianMs?, percentage}...]`
 * with TensorRT's fused layer names ("/a/Conv + /a/Relu"), mapped back to ONNX layer names.
 */
import { BitbenchError } from '../../api/index.js';

export interface TrtTimes {
  /** Host latency per inference (ms). */
  latencyMs: number[];
  /** GPU compute per inference (ms). */
  computeMs: number[];
}

function asArray(json: unknown, what: string): Array<Record<string, unknown>> {
  if (!Array.isArray(json)) throw new BitbenchError('DEVICE_ERROR', `trtexec's ${what} export is not a JSON array.`);
  return json as Array<Record<string, unknown>>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses `--exportTimes` JSON. */
export function parseTrtexecTimes(json: unknown): TrtTimes {
  const latencyMs: number[] = [];
  const computeMs: number[] = [];
  for (const t of asArray(json, 'times')) {
    const compute = num(t.computeMs) ?? (num(t.endComputeMs) !== undefined && num(t.startComputeMs) !== undefined ? (t.endComputeMs as number) - (t.startComputeMs as number) : undefined);
    const latency = num(t.latencyMs) ?? (compute !== undefined ? compute + (num(t.h2dMs) ?? 0) + (num(t.d2hMs) ?? 0) : undefined);
    if (compute !== undefined) computeMs.push(compute);
    if (latency !== undefined) latencyMs.push(latency);
  }
  return { latencyMs, computeMs };
}

export interface TrtProfileLayer {
  name: string;
  averageMs: number;
  medianMs: number | null;
  percentage: number | null;
}

/** Parses `--exportProfile` JSON. */
export function parseTrtexecProfile(json: unknown): { count: number | null; layers: TrtProfileLayer[] } {
  let count: number | null = null;
  const layers: TrtProfileLayer[] = [];
  for (const e of asArray(json, 'profile')) {
    if (typeof e.name !== 'string') {
      count = num(e.count) ?? count;
      continue;
    }
    const averageMs = num(e.averageMs) ?? (num(e.timeMs) !== undefined && count ? (e.timeMs as number) / count : undefined);
    if (averageMs === undefined) continue;
    layers.push({ name: e.name, averageMs, medianMs: num(e.medianMs) ?? null, percentage: num(e.percentage) ?? null });
  }
  return { count, layers };
}

/**
 * Per-layer times for the given ONNX layer names. A fused TensorRT layer ("/a/Conv + /a/Relu")
 * counts for the quantizable layers it contains (split evenly when it holds several); quantize
 * nodes named after a layer count for that layer; everything else (reformatting, pooling) is base.
 */
export function trtProfileToLayerTimes(layers: TrtProfileLayer[], onnxLayers: string[]): { nodeMs: Record<string, number>; baseMs: number } {
  const known = new Set(onnxLayers);
  const nodeMs: Record<string, number> = {};
  let baseMs = 0;
  for (const l of layers) {
    const ms = l.medianMs ?? l.averageMs;
    // Reformatting layers mention a layer name ("... to /a/Conv") but are not that layer's work.
    const parts = /^Reformatting/i.test(l.name) ? [] : l.name.split(' + ').map((p) => p.trim());
    let hits = parts.filter((p) => known.has(p));
    if (hits.length === 0) {
      // A layer's own (de)quantize nodes live under its module path: /m/c1/input_quantizer/... -> /m/c1/Conv.
      const owner = onnxLayers.find((layer) => parts.some((p) => /quantiz/i.test(p) && p.startsWith(layer.slice(0, layer.lastIndexOf('/') + 1))));
      hits = owner ? [owner] : [];
    }
    if (hits.length === 0) baseMs += ms;
    else for (const h of hits) nodeMs[h] = (nodeMs[h] ?? 0) + ms / hits.length;
  }
  return { nodeMs, baseMs };
}
