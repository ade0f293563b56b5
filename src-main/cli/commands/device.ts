/**
 * `bitbench device ...`: the device lab from the command line. SSH devices authenticate with
 * ssh-agent or key files here (no passwords on the command line); an unknown host needs
 * `--trust-fingerprint SHA256:...` after the user checked it, a changed host key is refused.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { BitbenchError, LOCAL_DEVICE_NAME, type DeviceRecord, type MeasureResult, type ProbeResult } from '../../api/index.js';
import { DeviceLab } from '../../device/deviceLab.js';
import { buildLatencyTable } from '../../device/measure/latencyTable.js';
import { measureDeviceLatencyTable } from '../../device/measure/deviceLatencyTable.js';
import { inspectModel } from '../../engine/index.js';
import { openDataset } from '../../engine/data/open.js';
import { QuantSimulator } from '../../engine/index.js';
import type { CliContext } from '../context.js';
import { addDataOptions, addFormatOptions, configFromOptions, formatFrom, preprocessFrom, type DataOptions, type FormatFlags } from './evaluate.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/**
 * `device measure --config/--bits`: exports the configuration as the deployable QDQ model (the same
 * numerics as simulated) into the home folder's artifacts, and returns its path for measuring.
 */
async function exportForMeasurement(ctx: CliContext, modelPath: string, opts: DataOptions & FormatFlags & { config?: string; bits?: string }): Promise<string> {
  if (!opts.calib) {
    throw new BitbenchError('INVALID_DATASET', 'Measuring a configuration exports it first, and the export needs calibration data for the activation ranges.', 'Pass --calib SPEC (e.g. fmnist:/usr/share/datasets/fashion-mnist:train) with the model\'s preprocessing (--mean, --std ...).');
  }
  const calibration = await openDataset(opts.calib, preprocessFrom(opts));
  const sim = await QuantSimulator.create(modelPath, { calibration, calibrationMethod: opts.calibration, calibrationLimit: opts.calibLimit, weightMethod: opts.weights, threads: opts.threads, format: formatFrom(opts) });
  try {
    const config = configFromOptions(sim, opts);
    const dir = join(ctx.getBackend().home.artifacts, 'exports');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `${createHash('sha256').update(JSON.stringify([sim.info.sha256, config, opts.calib, opts.calibration ?? null, sim.format])).digest('hex').slice(0, 16)}.onnx`);
    await sim.exportQdq(config, out);
    return out;
  } finally {
    await sim.dispose();
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0.');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535.');
  return n;
}

/** Runs `fn` with a lab for this invocation and closes its connections afterwards. */
async function withLab<T>(ctx: CliContext, fn: (lab: DeviceLab) => Promise<T>): Promise<T> {
  const lab = new DeviceLab({ home: ctx.homeDir, readyTimeoutMs: 15_000 });
  try {
    return await fn(lab);
  } finally {
    await lab.close();
  }
}

function describeRecord(d: DeviceRecord): string {
  if (d.kind === 'local') return `${d.name}  (local)`;
  return `${d.name}  ${d.user ? `${d.user}@` : ''}${d.host}${d.port ? `:${d.port}` : ''}${d.keyFile ? `  key ${d.keyFile}` : ''}`;
}

function describeProbe(name: string, p: ProbeResult): string {
  const lines = [
    `${name}: ${p.os}, kernel ${p.kernel}, ${p.arch}`,
    `cpu:      ${p.cpu.model} x${p.cpu.cores}, ${p.memoryMiB} MiB`,
    ...(p.jetson ? [`jetson:   ${p.jetson.model}, L4T ${p.jetson.l4t ?? '?'}, ${p.jetson.gpuArch} (sm ${p.jetson.computeCapability}), power mode ${p.jetson.powerMode ?? '?'}`] : []),
    ...(p.gpu && !p.jetson ? [`gpu:      ${p.gpu}`] : []),
    `runtimes: ${p.runtimes.map((r) => `${r.name} ${r.version ?? ''}`.trim()).join(', ') || 'none found'}`,
    'precisions:',
    ...p.precisions.map((s) => `  ${s.runtime.padEnd(18)} ${s.precision.padEnd(5)} ${s.runnable ? (s.fast ? 'fast' : 'runs') : 'NO  '}  ${s.why}`),
  ];
  return lines.join('\n');
}

function describeMeasure(r: MeasureResult): string {
  const l = r.latencyMs;
  return [
    `${r.model} on ${r.device} (${r.runtime}, ${r.precisions.join('+')}): median ${l.median.toFixed(3)} ms`,
    `  min ${l.min.toFixed(3)}  mean ${l.mean.toFixed(3)}  p90 ${l.p90.toFixed(3)}  p99 ${l.p99.toFixed(3)} ms, cv ${(r.cv * 100).toFixed(1)}%, ${r.runs} runs after ${r.warmup} warm-up`,
    `  uploaded ${r.uploadedBytes} bytes, wall ${r.wallMs.toFixed(0)} ms for ${r.runnerMs.toFixed(0)} ms of timed runs`,
    ...(r.unstable ? [`  UNSTABLE: ${r.unstableReasons.join('; ')}`] : []),
  ].join('\n');
}

export function registerDeviceCommand(program: Command, ctx: CliContext): void {
  const device = program.command('device').description('devices to measure on: this computer and SSH devices');

  device
    .command('add <name>')
    .description('add an SSH device (connects once to check the host key and the login)')
    .requiredOption('--host <host>', 'host name, address or ~/.ssh/config alias')
    .option('--port <n>', 'SSH port', port)
    .option('--user <user>', 'user name')
    .option('--key <file>', 'private key file (its passphrase, if any, via ssh-agent)')
    .option('--trust-fingerprint <SHA256:...>', 'accept this host key fingerprint for an unknown host')
    .option('--work-dir <dir>', 'remote folder for Bitbench (default ~/.cache/bitbench)')
    .action(async (name: string, opts: { host: string; port?: number; user?: string; key?: string; trustFingerprint?: string; workDir?: string }) => {
      const result = await withLab(ctx, (lab) =>
        lab.add(
          { name, host: opts.host, port: opts.port, user: opts.user, keyFile: opts.key ? resolve(opts.key) : undefined, auth: opts.key ? ['agent', 'key'] : undefined, workDir: opts.workDir },
          { trustFingerprint: opts.trustFingerprint },
        ),
      );
      ctx.print(result, `added ${describeRecord(result.record)}\nhost key ${result.fingerprint}`);
    });

  device
    .command('list')
    .description('list devices')
    .action(async () => {
      const devices = await withLab(ctx, (lab) => lab.list());
      ctx.print({ devices }, () => devices.map(describeRecord).join('\n'));
    });

  device
    .command('probe [name]')
    .description('probe a device: OS, CPU, GPU, Jetson power mode, runtimes, precisions it can run')
    .action(async (name: string | undefined) => {
      const target = name ?? LOCAL_DEVICE_NAME;
      const probe = await withLab(ctx, (lab) => lab.probe(target));
      ctx.print(probe, () => describeProbe(target, probe));
    });

  addFormatOptions(addDataOptions(device
    .command('measure <name> <model>')
    .description('measure a model\'s latency on a device with the Node runner (onnxruntime-node)')
    .option('--runs <n>', 'timed runs', positiveInt, 50)
    .option('--warmup <n>', 'warm-up runs', positiveInt, 10)
    .option('--duration-ms <n>', 'time for this long instead of a number of runs', positiveInt)
    .option('--profile', 'also collect per-layer times (a profiled pass after the timed runs)')
    .option('--latency-table <file>', 'write the per-layer latency table for `search --cost latency` (implies --profile)')
    .option('--config <file>', 'a bit-width configuration of MODEL to measure: exported as QDQ first (needs --calib)')
    .option('--bits <pair>', 'measure MODEL with one bit pair for every group (W8A8, W4A8, ...): exported as QDQ first (needs --calib)')))
    .action(async (name: string, model: string, opts: DataOptions & FormatFlags & { runs: number; warmup: number; durationMs?: number; profile?: boolean; latencyTable?: string; config?: string; bits?: string }) => {
      let modelPath = resolve(model);
      if (opts.config !== undefined || opts.bits !== undefined) modelPath = await exportForMeasurement(ctx, modelPath, opts);
      const result = await withLab(ctx, (lab) =>
        lab.measure(name, modelPath, { runs: opts.runs, warmup: opts.warmup, durationMs: opts.durationMs, profile: opts.profile === true || opts.latencyTable !== undefined }),
      );
      if (opts.latencyTable) {
        if (!result.nodeMs) throw new BitbenchError('DEVICE_ERROR', 'The runner returned no per-layer profile.');
        const info = await inspectModel(modelPath);
        const { table } = buildLatencyTable({ layers: info.layers.map((l) => l.name), profiles: { [result.precisions.includes('INT8') ? 'W8A8' : 'FP32']: result.nodeMs }, endToEndMs: result.latencyMs.median });
        writeFileSync(opts.latencyTable, JSON.stringify({ ...table, device: name, modelSha256: result.modelSha256 }, null, 2) + '\n');
      }
      ctx.print(result, () => describeMeasure(result));
    });

  device
    .command('latency-table <name> <model>')
    .description('measure per-layer latency per precision for `search --cost latency --latency-table FILE`')
    .requiredOption('--out <file>', 'where to write the table JSON')
    .option('--variant <KEY=FILE...>', 'a QDQ export of the same model in precision KEY, e.g. W8A8=model_w8a8.onnx (repeatable)')
    .option('--runs <n>', 'timed runs per model', positiveInt, 200)
    .option('--warmup <n>', 'warm-up runs per model', positiveInt, 20)
    .action(async (name: string, model: string, opts: { out: string; variant?: string[]; runs: number; warmup: number }) => {
      const variants: Record<string, string> = {};
      for (const v of opts.variant ?? []) {
        const eq = v.indexOf('=');
        if (eq <= 0) throw new BitbenchError('BAD_REQUEST', `--variant ${v} is not KEY=FILE.`, 'For example --variant W8A8=resnet20_w8a8.onnx');
        variants[v.slice(0, eq)] = resolve(v.slice(eq + 1));
      }
      const modelPath = resolve(model);
      const info = await inspectModel(modelPath);
      const result = await withLab(ctx, async (lab) => {
        const target = await lab.device(name);
        return lab.queue.run(target.name, () => measureDeviceLatencyTable(target, modelPath, { layers: info.layers.map((l) => l.name), layerInputs: Object.fromEntries(info.layers.map((l) => [l.name, l.inputs])), variants, runs: opts.runs, warmup: opts.warmup }));
      });
      writeFileSync(opts.out, JSON.stringify(result.table, null, 2) + '\n');
      const medians = Object.entries(result.measurements).map(([k, m]) => `${k} ${m.latencyMs.median.toFixed(3)} ms${m.unstable ? ' (unstable)' : ''}`);
      ctx.print({ out: opts.out, table: result.table, medians: Object.fromEntries(Object.entries(result.measurements).map(([k, m]) => [k, m.latencyMs.median])) }, `wrote ${opts.out}: ${Object.keys(result.table.layers).length} layers; end-to-end medians: ${medians.join(', ')}`);
    });

  device
    .command('remove <name>')
    .description('remove a device (its host key stays in known_hosts)')
    .action(async (name: string) => {
      const removed = await withLab(ctx, (lab) => lab.remove(name));
      if (!removed) throw new BitbenchError('NOT_FOUND', `There is no device named "${name}".`, 'List devices with `bitbench device list`.');
      ctx.print({ removed: name }, `removed ${name}`);
    });

  // Nested commands need the same no-exit, captured-output setup main.ts gives top-level ones.
  for (const sub of device.commands) sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) }).showHelpAfterError();
}
