#!/usr/bin/env python3
"""Bitbench's ONNX Runtime runner for python3: times an ONNX model and, with --profile-dir, reports
per-node times from ONNX Runtime's session profiling. Same arguments and the same one-line JSON
result as node-runner.cjs, so the studio parses both alike. Standard library plus onnxruntime and
numpy only, so it runs on JetPack's and Raspberry Pi OS's stock python3.

Usage: python3 ort_runner.py --model FILE [--warmup N] [--runs N] [--duration-ms N] [--threads N]
                             [--profile-dir DIR [--profile-level basic|extended|all]] [--pidfile FILE]
"""
import argparse
import json
import os
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--duration-ms", type=float, default=0)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--profile-dir")
    p.add_argument("--profile-level", default="extended")
    p.add_argument("--pidfile")
    return p.parse_args(argv)


NUMPY_TYPES = {
    "tensor(float)": "float32", "tensor(float16)": "float16", "tensor(double)": "float64",
    "tensor(int64)": "int64", "tensor(int32)": "int32", "tensor(uint8)": "uint8",
    "tensor(int8)": "int8", "tensor(bool)": "bool",
}


def make_feeds(np, session):
    feeds = {}
    for meta in session.get_inputs():
        # Symbolic or unknown dimensions (the batch) become 1: latency is measured at batch 1.
        dims = [d if isinstance(d, int) and d > 0 else 1 for d in (meta.shape or [1])]
        dtype = NUMPY_TYPES.get(meta.type, "float32")
        data = np.sin(np.arange(int(np.prod(dims)))).reshape(dims) * 0.5
        feeds[meta.name] = data.astype(dtype)
    return feeds


def node_times(profile_file):
    # Chrome trace events: cat "Node", name "<node>_kernel_time", dur in microseconds.
    with open(profile_file) as f:
        events = json.load(f)
    by_node = {}
    for e in events:
        name = e.get("name", "")
        if e.get("cat") != "Node" or not name.endswith("_kernel_time"):
            continue
        by_node.setdefault(name[: -len("_kernel_time")], []).append(e.get("dur", 0) / 1000.0)
    return {k: sorted(v)[len(v) // 2] for k, v in by_node.items()}


def main():
    args = parse_args(sys.argv[1:])
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(str(os.getpid()))
    import numpy as np
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if args.threads > 0:
        opts.intra_op_num_threads = args.threads
    session = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    feeds = make_feeds(np, session)
    for _ in range(args.warmup):
        session.run(None, feeds)
    samples = []
    started = time.perf_counter()
    deadline = started + args.duration_ms / 1000.0 if args.duration_ms > 0 else None
    i = 0
    while (time.perf_counter() < deadline) if deadline else (i < args.runs):
        t0 = time.perf_counter()
        session.run(None, feeds)
        samples.append((time.perf_counter() - t0) * 1000.0)
        i += 1
    runner_ms = (time.perf_counter() - started) * 1000.0
    node_ms = None
    if args.profile_dir:
        # Profiling slows every run, so it is a separate pass after the timed runs.
        os.makedirs(args.profile_dir, exist_ok=True)
        popts = ort.SessionOptions()
        popts.graph_optimization_level = {
            "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        }.get(args.profile_level, ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
        popts.enable_profiling = True
        popts.profile_file_prefix = os.path.join(args.profile_dir, "ort")
        prof = ort.InferenceSession(args.model, popts, providers=["CPUExecutionProvider"])
        for _ in range(max(5, min(args.runs, 30))):
            prof.run(None, feeds)
        node_ms = node_times(prof.end_profiling())
    result = {"ok": True, "runtime": "onnxruntime-python", "ortVersion": ort.__version__, "samplesMs": samples,
              "runnerMs": runner_ms, "warmup": args.warmup}
    if node_ms is not None:
        result["nodeMs"] = node_ms
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - every failure must still print one JSON line
        sys.stdout.write(json.dumps({"ok": False, "error": "%s: %s" % (type(error).__name__, error)}) + "\n")
        sys.exit(3)
