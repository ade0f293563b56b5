import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('bitbench CLI', () => {
  it('prints the version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(pkg.version);
  });

  it('lists commands in --help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('web');
    expect(r.out).toContain('--home');
  });

  it('prints JSON with --json and honours --home', async () => {
    const home = mkdtempSync(join(tmpdir(), 'bb-cli-'));
    const r = await cli('--home', home, '--json', 'info');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.out) as { home: string; version: string };
    expect(info.home).toBe(home);
    expect(info.version).toBe(pkg.version);
  });

  it('rejects an unknown command with a message and exit 2', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown command 'frobnicate'");
  });

  it('rejects a bad flag value with a message and exit 2', async () => {
    const r = await cli('web', '--port', 'seventy');
    expect(r.code).toBe(2);
    expect(r.err).toContain('port');
  });

  it('rejects an unknown option', async () => {
    const r = await cli('--frob');
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--frob'");
  });
});
