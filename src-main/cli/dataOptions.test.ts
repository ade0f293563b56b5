import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { BitbenchError } from '../api/errors.js';
import { addPreprocessOptions, preprocessFromOptions, type PreprocessFlags } from './dataOptions.js';

function parse(...argv: string[]): { flags?: PreprocessFlags; error?: string } {
  let error = '';
  const cmd = addPreprocessOptions(new Command('x'))
    .exitOverride()
    .configureOutput({ writeErr: (s) => (error += s), writeOut: () => undefined });
  try {
    cmd.parse(argv, { from: 'user' });
    return { flags: cmd.opts<PreprocessFlags>() };
  } catch {
    return { error };
  }
}

function preset(json: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bb-pre-')), 'p.json');
  writeFileSync(file, json);
  return file;
}

describe('preprocessing flags', () => {
  it('parses every flag into a Preprocess', () => {
    const { flags } = parse('--scale', '1/255', '--mean', '0.485, 0.456,0.406', '--std', '0.229,0.224,0.225', '--layout', 'NHWC', '--channels', 'bgr', '--resize', '224x200');
    expect(preprocessFromOptions(flags!)).toEqual({ scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], layout: 'nhwc', channels: 'bgr', resize: [224, 200] });
    expect(preprocessFromOptions(parse('--resize', '28').flags!)).toEqual({ resize: [28, 28] });
    expect(preprocessFromOptions(parse().flags!)).toEqual({});
  });

  it('refuses bad values naming the flag', () => {
    expect(parse('--scale', 'abc').error).toMatch(/--scale.*non-zero number/s);
    expect(parse('--mean', '0.1,,0.2').error).toMatch(/--mean.*numbers separated by commas/s);
    expect(parse('--layout', 'chw').error).toMatch(/nchw, nhwc/);
    expect(parse('--channels', 'rgba').error).toMatch(/gray, rgb, bgr/);
    expect(parse('--resize', '0x5').error).toMatch(/HEIGHTxWIDTH/);
  });

  it('reads a preset file and lets flags override it', () => {
    const file = preset('{"mean": 0.286, "std": [0.353], "resize": [32, 32], "layout": "nchw"}');
    expect(preprocessFromOptions(parse('--preprocess', file, '--resize', '28x28').flags!)).toEqual({ mean: [0.286], std: [0.353], resize: [28, 28], layout: 'nchw' });
    const typo = preset('{"means": [0.1]}');
    expect(() => preprocessFromOptions(parse('--preprocess', typo).flags!)).toThrow(BitbenchError);
    expect(() => preprocessFromOptions(parse('--preprocess', preset('{not json')).flags!)).toThrow(/Cannot read the preprocessing preset/);
    expect(() => preprocessFromOptions(parse('--preprocess', preset('{"layout": "chw"}')).flags!)).toThrow(/layout/);
  });
});
