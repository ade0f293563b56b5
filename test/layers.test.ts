import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs dependency-cruiser with the project's rules; returns its exit code and output. */
function cruise(...paths: string[]): { code: number; output: string } {
  try {
    const output = execFileSync('npx', ['--no-install', 'depcruise', ...paths, '--config', '.dependency-cruiser.cjs'], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { code: e.status, output: e.stdout + e.stderr };
  }
}

describe('layer rule', () => {
  it('fails on planted wrong-way imports', () => {
    const result = cruise('test/fixtures/layers');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('electron-only-in-app');
    expect(result.output).toContain('layer-engine');
    expect(result.output).toContain('importsJobs.ts');
  });

  it('passes on the real source tree', () => {
    const result = cruise('src-main', 'src-renderer/src');
    expect(result.output).toContain('no dependency violations');
    expect(result.code).toBe(0);
  });
});
