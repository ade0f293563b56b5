import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteShellArg, shellCommand } from './shellQuote.js';

/** Round-trips through a real /bin/sh: printf prints each argument back between NUL separators. */
function echoThroughShell(args: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${args.map(quoteShellArg).join(' ')}`]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

const hostile = [
  "it's",
  'two words',
  '$(touch /tmp/pwned)',
  '`id`',
  'a;rm -rf /',
  'line1\nline2',
  '"double" and \'single\'',
  '$HOME ${PATH}',
  '',
  '-n',
  '*',
  '~',
  "''''",
  'tab\there',
  'ünïcødé ✓',
];

describe('quoteShellArg', () => {
  it('returns each hostile argument unchanged after a real shell parses it', () => {
    expect(echoThroughShell(hostile)).toEqual(hostile);
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(quoteShellArg('model-1.onnx')).toBe('model-1.onnx');
    expect(quoteShellArg("it's")).toBe(`'it'\\''s'`);
    expect(quoteShellArg('')).toBe(`''`);
  });

  it('refuses NUL bytes', () => {
    expect(() => quoteShellArg('a\0b')).toThrow(/NUL/);
  });

  it('builds commands whose arguments cannot inject', () => {
    const out = execFileSync('/bin/sh', ['-c', shellCommand('printf', '%s|', 'a b', '$(echo x)', ';echo y')]).toString();
    expect(out).toBe('a b|$(echo x)|;echo y|');
  });
});
