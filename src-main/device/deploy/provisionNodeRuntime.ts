/**
 * Provisioning: a device with Node but without onnxruntime-node gets the npm package's files for its
 * architecture (the package ships linux x64 and arm64 builds) uploaded once, by content hash, and
 * assembled under `<workDir>/ort/<version>-linux-<arch>/node_modules`. A `.complete` marker written
 * last makes a half-assembled tree count as absent.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import { BitbenchError } from '../../api/index.js';
import { shellCommand } from '../ssh/shellQuote.js';
import type { SshSession } from '../ssh/sshSession.js';
import type { RemoteWorkspace } from './remoteWorkspace.js';
import { checkFinishedUploads, finishUploadsCommand, transferArtifact, type PendingUpload } from './uploadArtifact.js';

const require = createRequire(import.meta.url);

/** Folder of a locally installed package. */
export function localPackageDir(name: string): string {
  // Resolve the entry point and walk up: onnxruntime-common's "exports" hide its package.json.
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || basename(dir) !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}

function walk(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? walk(full, keep) : keep(full) ? [full] : [];
  });
}

/** The files the runner needs from onnxruntime-node and onnxruntime-common for one Linux arch. */
export function nodeRuntimeFiles(arch: 'x64' | 'arm64'): Array<{ local: string; relative: string }> {
  const node = localPackageDir('onnxruntime-node');
  const common = localPackageDir('onnxruntime-common');
  const js = (p: string): boolean => p.endsWith('.js') || p.endsWith('package.json');
  const files = [
    { root: node, name: 'onnxruntime-node', paths: [join(node, 'package.json'), ...walk(join(node, 'dist'), js), ...walk(join(node, 'bin', 'napi-v6', 'linux', arch), () => true)] },
    { root: common, name: 'onnxruntime-common', paths: [join(common, 'package.json'), ...walk(join(common, 'dist', 'cjs'), js)] },
  ];
  return files.flatMap(({ root, name, paths }) => paths.map((p) => ({ local: p, relative: posix.join('node_modules', name, relative(root, p).split(sep).join('/')) })));
}

/** Node's arch name for `uname -m`, or null when the npm package has no build for it. */
export function nodeArchOf(unameM: string): 'x64' | 'arm64' | null {
  if (/^(x86_64|amd64)$/.test(unameM)) return 'x64';
  if (/^(aarch64|arm64)$/.test(unameM)) return 'arm64';
  return null;
}

export interface NodeRuntime {
  /** Folder to pass to the runner as --ort, or null when the device's own install is used. */
  ortPackageDir: string | null;
  uploadedBytes: number;
}

/**
 * Makes sure the device can run the Node runner; uploads onnxruntime-node when it lacks it. Costs
 * two remote commands at most (each one pays the remote shell's start-up, which is slow on some
 * boards): one to look, one to finish the uploads and assemble the tree.
 */
export async function provisionNodeRuntime(session: SshSession, workspace: RemoteWorkspace): Promise<NodeRuntime> {
  const device = session.target.device;
  const version = require('onnxruntime-node/package.json').version as string;
  await workspace.prepare(session);
  const complete = (arch: string): string => shellCommand(posix.join(workspace.ortDir(version, arch), '.complete'));
  const check = await session.exec(
    `command -v node >/dev/null 2>&1 || { echo nonode; exit 0; }; uname -m; node -p 'require("onnxruntime-node/package.json").version' 2>/dev/null || echo none; ` +
      `for f in ${complete('x64')} ${complete('arm64')}; do [ -f "$f" ] && echo "complete $f"; done; true`,
    { what: 'checking for Node' },
  );
  const lines = check.stdout.trim().split('\n');
  if (lines[0] === 'nonode') {
    throw new BitbenchError('DEVICE_ERROR', `${device} has no Node.js, which the Node runner needs.`, 'Install Node.js (18 or newer) on the device, or measure with another runner.');
  }
  if (lines[1] && lines[1] !== 'none') return { ortPackageDir: null, uploadedBytes: 0 };
  const arch = nodeArchOf(lines[0]);
  if (!arch) throw new BitbenchError('DEVICE_ERROR', `onnxruntime-node has no Linux build for ${lines[0]} (${device}).`, 'Use a device with an x86_64 or aarch64 CPU.');
  const target = workspace.ortDir(version, arch);
  const ortPackageDir = posix.join(target, 'node_modules', 'onnxruntime-node');
  if (lines.includes(`complete ${posix.join(target, '.complete')}`)) return { ortPackageDir, uploadedBytes: 0 };

  const uploads: PendingUpload[] = [];
  const links: string[] = [];
  const dirs = new Set<string>();
  for (const file of nodeRuntimeFiles(arch)) {
    const up = await transferArtifact(session, workspace, file.local, `onnxruntime-node (${file.relative})`);
    uploads.push(up);
    const dest = posix.join(target, file.relative);
    dirs.add(posix.dirname(dest));
    links.push(`{ ln -f -- ${shellCommand(up.remotePath, dest)} 2>/dev/null || cp -f -- ${shellCommand(up.remotePath, dest)}; }`);
  }
  const script = [finishUploadsCommand(uploads), [shellCommand('mkdir', '-p', '--', ...dirs), ...links, shellCommand('touch', posix.join(target, '.complete'))].join(' && ')].join('\n');
  const r = await session.exec(script, { what: 'installing onnxruntime-node' });
  checkFinishedUploads(uploads, r, device);
  return { ortPackageDir, uploadedBytes: uploads.reduce((s, u) => s + u.uploadedBytes, 0) };
}
