#!/usr/bin/env node
// Bitbench's Node runner: times an ONNX model with onnxruntime-node on the device it runs on.
// The same file runs on this computer (in a child process, so the studio never blocks) and on SSH
// devices (uploaded by content hash). CommonJS and dependency-free apart from onnxruntime-node, so it
// runs on any Node >= 16 without a package.json beside it.
//
// Usage: node node-runner.cjs --model FILE [--warmup N] [--runs N] [--duration-ms N] [--threads N]
//                             [--profile-dir DIR [--profile-level basic|extended|all]] [--ort DIR] [--pidfile FILE]
// The profile pass defaults to 'extended' optimizations: fusions keep the Conv/Gemm node names, so
// per-node times map back to the model's layers (the 'all' level's NCHWc layout renames nodes).
// Prints exactly one JSON line on stdout: {ok:true, samplesMs, runnerMs, ...} or {ok:false, error}.
'use strict';
const fs = require('fs');
const path = require('path');

function parseArgs(argv) {
  const out = { warmup: 10, runs: 50, durationMs: 0, threads: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (key === 'model') out.model = value;
    else if (key === 'warmup') out.warmup = Number(value);
    else if (key === 'runs') out.runs = Number(value);
    else if (key === 'duration-ms') out.durationMs = Number(value);
    else if (key === 'threads') out.threads = Number(value);
    else if (key === 'profile-dir') out.profileDir = value;
    else if (key === 'ort') out.ort = value;
    else if (key === 'pidfile') out.pidfile = value;
    else if (key === 'profile-level') out.profileLevel = value;
    else throw new Error('unknown option --' + key);
  }
  if (!out.model) throw new Error('--model is required');
  return out;
}

function loadOrt(dir) {
  // A provisioned copy (uploaded by Bitbench) wins; otherwise whatever the device has installed.
  return dir ? require(path.resolve(dir)) : require('onnxruntime-node');
}

const TYPED = { float32: Float32Array, float16: Uint16Array, int64: BigInt64Array, int32: Int32Array, uint8: Uint8Array, int8: Int8Array, bool: Uint8Array, float64: Float64Array };

function makeFeeds(ort, session) {
  const feeds = {};
  for (const meta of session.inputMetadata) {
    // Symbolic or unknown dimensions (the batch) become 1: latency is measured at batch 1.
    const dims = (meta.shape || [1]).map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    const Ctor = TYPED[meta.type] || Float32Array;
    const data = new Ctor(size);
    if (Ctor === Float32Array || Ctor === Float64Array) for (let i = 0; i < size; i++) data[i] = Math.sin(i) * 0.5;
    feeds[meta.name] = new ort.Tensor(meta.type || 'float32', data, dims);
  }
  return feeds;
}

function nodeTimesFromProfile(file) {
  // Chrome trace events: category "Node", name "<node>_kernel_time", dur in microseconds.
  const events = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byNode = {};
  for (const e of events) {
    if (e.cat !== 'Node' || typeof e.dur !== 'number' || !/_kernel_time$/.test(e.name)) continue;
    const name = e.name.replace(/_kernel_time$/, '');
    (byNode[name] = byNode[name] || []).push(e.dur / 1000);
  }
  const out = {};
  for (const name of Object.keys(byNode)) {
    const v = byNode[name].sort((a, b) => a - b);
    out[name] = v[Math.floor(v.length / 2)];
  }
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.pidfile) fs.writeFileSync(args.pidfile, String(process.pid));
  const ort = loadOrt(args.ort);
  const options = { graphOptimizationLevel: 'all', executionMode: 'sequential' };
  if (args.threads > 0) options.intraOpNumThreads = args.threads;
  const session = await ort.InferenceSession.create(args.model, options);
  const feeds = makeFeeds(ort, session);
  for (let i = 0; i < args.warmup; i++) await session.run(feeds);
  const samplesMs = [];
  const started = process.hrtime.bigint();
  const deadline = args.durationMs > 0 ? Number(started) / 1e6 + args.durationMs : Infinity;
  for (let i = 0; args.durationMs > 0 ? Number(process.hrtime.bigint()) / 1e6 < deadline : i < args.runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    samplesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const runnerMs = Number(process.hrtime.bigint() - started) / 1e6;
  let nodeMs;
  if (args.profileDir) {
    // Profiling slows every run, so it is a separate pass after the timed runs.
    fs.mkdirSync(args.profileDir, { recursive: true });
    const prof = await ort.InferenceSession.create(args.model, Object.assign({}, options, { graphOptimizationLevel: args.profileLevel || 'extended', enableProfiling: true, profileFilePrefix: path.join(args.profileDir, 'ort') }));
    for (let i = 0; i < Math.max(5, Math.min(args.runs, 30)); i++) await prof.run(feeds);
    prof.endProfiling();
    const file = fs.readdirSync(args.profileDir).filter((f) => f.startsWith('ort') && f.endsWith('.json')).sort().pop();
    if (file) nodeMs = nodeTimesFromProfile(path.join(args.profileDir, file));
  }
  const version = (ort.env && ort.env.versions && ort.env.versions.common) || null;
  process.stdout.write(JSON.stringify({ ok: true, runtime: 'onnxruntime-node', ortVersion: version, samplesMs, runnerMs, warmup: args.warmup, nodeMs }) + '\n');
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String((error && error.message) || error) }) + '\n');
  process.exitCode = 3;
});
