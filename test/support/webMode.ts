/**
 * Starts `bitbench web` as a real child process on a free port with a temporary home, the way a
 * user would, and stops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface RunningWebMode {
  url: string;
  home: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export const projectRoot = resolve(import.meta.dirname, '..', '..');

export async function startWebMode(options: { home?: string; extraArgs?: string[] } = {}): Promise<RunningWebMode> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'bb-e2e-home-'));
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'bitbench.js'), '--home', home, '--json', 'web', '--port', '0', ...(options.extraArgs ?? [])], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolveUrl, rejectUrl) => {
    const timer = setTimeout(() => rejectUrl(new Error(`bitbench web did not start in time: ${stderr}`)), 60_000);
    child.stdout?.on('data', (c) => {
      stdout += c;
      try {
        const parsed = JSON.parse(stdout) as { url: string };
        clearTimeout(timer);
        resolveUrl(parsed.url);
      } catch {
        // Not a complete JSON document yet.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectUrl(new Error(`bitbench web exited with ${code}: ${stderr}`));
    });
  });
  return {
    url,
    home,
    process: child,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        // A clean stop is part of what is tested (SIGTERM closes the server and the history); a
        // process that has not exited 15 s later is killed so one bug cannot hang the suite.
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          r();
        });
        child.kill('SIGTERM');
      }),
  };
}
