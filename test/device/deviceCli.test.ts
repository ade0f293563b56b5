// `bitbench device ...` against a real sshd, and hostile names that must never run anything remotely.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureResult, ProbeResult } from '../../src-main/api/index.js';
import { runCli } from '../../src-main/cli/main.js';
import { LocalDevice } from '../../src-main/device/localDevice.js';
import { measureLatency } from '../../src-main/device/measure/measureLatency.js';
import { SshDevice } from '../../src-main/device/sshDevice.js';
import { RESNET20, startLab, type Lab } from './labFixture.js';

let lab: Lab;
let cliHome: string;
beforeAll(async () => {
  lab = await startLab();
  cliHome = mkdtempSync(join(tmpdir(), 'bitbench-cli-'));
});
afterAll(async () => {
  await lab?.stop();
  rmSync(cliHome, { recursive: true, force: true });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(['--home', cliHome, ...argv], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('bitbench device', () => {
  it('adds a device only with the right fingerprint, then lists, probes, measures and removes it', async () => {
    const base = ['device', 'add', 'lab', '--host', '127.0.0.1', '--port', String(lab.sshd.port), '--user', lab.sshd.user, '--key', lab.sshd.userKey, '--work-dir', join(lab.remote, 'cli')];
    const unknown = await cli('--json', ...base);
    expect(unknown.code).toBe(1);
    const error = JSON.parse(unknown.err).error;
    expect(error.code).toBe('HOST_KEY_UNKNOWN');
    expect(error.message).toContain(lab.sshd.fingerprint());

    const added = await cli('--json', ...base, '--trust-fingerprint', lab.sshd.fingerprint());
    expect(added.code).toBe(0);
    expect(JSON.parse(added.out).fingerprint).toBe(lab.sshd.fingerprint());
    expect(readFileSync(join(cliHome, 'devices.json'), 'utf8')).not.toContain('BEGIN OPENSSH PRIVATE KEY');

    const list = JSON.parse((await cli('--json', 'device', 'list')).out);
    expect(list.devices.map((d: { name: string }) => d.name)).toEqual(['this computer', 'lab']);

    const probe = ProbeResult.parse(JSON.parse((await cli('--json', 'device', 'probe', 'lab')).out));
    expect(probe.arch).toBe('x86_64');

    const tablePath = join(cliHome, 'table.json');
    const measured = await cli('--json', 'device', 'measure', 'lab', RESNET20, '--runs', '20', '--warmup', '3', '--latency-table', tablePath);
    expect(measured.err).toBe('');
    expect(measured.code).toBe(0);
    const result = MeasureResult.parse(JSON.parse(measured.out));
    expect(result.runs).toBe(20);
    expect(Object.keys(result.latencyMs)).toEqual(expect.arrayContaining(['min', 'median', 'mean', 'p90', 'p99']));
    expect(result.precisions).toEqual(['FP32']);
    const table = JSON.parse(readFileSync(tablePath, 'utf8'));
    expect(Object.keys(table.layers)).toHaveLength(22);
    expect(table.layers['/layers/layers.0/c1/Conv'].FP32).toBeGreaterThan(0);
    expect(table.modelSha256).toBe(result.modelSha256);

    const human = await cli('device', 'probe', 'lab');
    expect(human.out).toMatch(/onnxruntime-node\s+FP32\s+fast/);

    expect((await cli('device', 'remove', 'lab')).code).toBe(0);
    const gone = await cli('--json', 'device', 'probe', 'lab');
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.err).error.code).toBe('NOT_FOUND');
    expect((await cli('device', 'remove', 'this computer')).code).toBe(1);
  });

  it('reports an unreachable device with exit 1 and DEVICE_UNREACHABLE', async () => {
    const r = await cli('--json', 'device', 'add', 'nowhere', '--host', '127.0.0.1', '--port', '1', '--key', lab.sshd.userKey);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err).error.code).toBe('DEVICE_UNREACHABLE');
  });
});

describe('hostile names', () => {
  it('never execute anything remotely: quotes, ;, $(), backticks, newlines and spaces in paths and names', async () => {
    const sentinel = join(lab.remote, 'PWNED');
    const evil = `it's "a" dir; touch ${sentinel}; $(touch ${sentinel}) \`touch ${sentinel}\`\nnext line`;
    const workDir = join(lab.remote, evil);
    const local = mkdtempSync(join(tmpdir(), 'bitbench-evil-'));
    // File names cannot hold '/', so this one touches a relative name (in the remote cwd if it ever ran).
    const relativeSentinel = 'PWNED-bitbench-test';
    const model = join(local, `model $(touch ${relativeSentinel}); 'x'.onnx`);
    copyFileSync(RESNET20, model);
    const device = new SshDevice(lab.record({ name: `dev'; touch ${sentinel}`, workDir }), lab.pool());
    const probe = await new LocalDevice().probe();
    const r = await measureLatency(device, model, { probe, runs: 5, warmup: 1 });
    expect(r.runs).toBe(5);
    expect(r.model).toBe(`model $(touch ${relativeSentinel}); 'x'.onnx`);
    expect(existsSync(sentinel)).toBe(false);
    expect(existsSync(join(homedir(), relativeSentinel))).toBe(false);
    expect(readdirSync(lab.remote, { recursive: true }).map(String).filter((f) => f.includes(relativeSentinel))).toEqual([]);
    expect(existsSync(join(workDir, 'blobs', r.modelSha256))).toBe(true);
    expect(readdirSync(join(workDir, 'runs'))).toEqual([]);
    rmSync(local, { recursive: true, force: true });
  });
});
