import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareHome, resolveHomeDir } from './home.js';

describe('home folder', () => {
  it('prefers --home, then BITBENCH_HOME, then the per-user folder', () => {
    expect(resolveHomeDir('/a/b', { BITBENCH_HOME: '/c' })).toBe('/a/b');
    expect(resolveHomeDir(undefined, { BITBENCH_HOME: '/c' })).toBe('/c');
    expect(resolveHomeDir(undefined, { XDG_DATA_HOME: '/x' })).toBe(process.platform === 'linux' ? '/x/bitbench' : resolveHomeDir(undefined, { XDG_DATA_HOME: '/x' }));
  });

  it('creates the folders readable by the owner only', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'bb-home-')), 'home');
    const layout = prepareHome(root);
    expect(statSync(layout.artifacts).isDirectory()).toBe(true);
    expect(statSync(root).mode & 0o077).toBe(0);
  });
});
