import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendKnownHost, fingerprintSha256, hostFieldMatches, loadKnownHosts, parseKnownHosts, verifyHostKey } from './knownHosts.js';

// Keys and hashed entries come from the real ssh-keygen so the format is OpenSSH's, not ours.
const dir = mkdtempSync(join(tmpdir(), 'bitbench-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function newKey(name: string, type = 'ed25519'): { blob: Buffer; line: string; fingerprint: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path]);
  const line = readFileSync(`${path}.pub`, 'utf8').trim();
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${path}.pub`]).toString().split(' ')[1];
  return { blob: Buffer.from(line.split(' ')[1], 'base64'), line, fingerprint };
}

const a = newKey('a');
const b = newKey('b');
const rsa = newKey('r', 'rsa');

describe('known_hosts', () => {
  it('computes the same SHA256 fingerprint as ssh-keygen -l', () => {
    expect(fingerprintSha256(a.blob)).toBe(a.fingerprint);
    expect(fingerprintSha256(rsa.blob)).toBe(rsa.fingerprint);
  });

  it('trusts a matching plain entry, with [host]:port for non-22 ports', () => {
    const [type, key] = a.line.split(' ');
    const entries = parseKnownHosts(`# comment\n\n[127.0.0.1]:2222 ${type} ${key}\njetson,10.0.0.5 ${type} ${key}\n`);
    expect(verifyHostKey(entries, '127.0.0.1', 2222, a.blob).status).toBe('trusted');
    expect(verifyHostKey(entries, '127.0.0.1', 22, a.blob).status).toBe('unknown');
    expect(verifyHostKey(entries, '10.0.0.5', 22, a.blob).status).toBe('trusted');
  });

  it('reports a different key of the same type as changed, and other types as unknown', () => {
    const [type, key] = a.line.split(' ');
    const entries = parseKnownHosts(`jetson ${type} ${key}\n`);
    expect(verifyHostKey(entries, 'jetson', 22, b.blob).status).toBe('changed');
    const v = verifyHostKey(entries, 'jetson', 22, rsa.blob);
    expect(v).toEqual({ status: 'unknown', knownTypes: ['ssh-ed25519'] });
  });

  it('matches hashed entries written by ssh-keygen -H', () => {
    const file = join(dir, 'hashed_known_hosts');
    const [type, key] = a.line.split(' ');
    writeFileSync(file, `[lab-nano.local]:2200 ${type} ${key}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('|1|')).toBe(true);
    const entries = loadKnownHosts([file, join(dir, 'missing')]);
    expect(verifyHostKey(entries, 'lab-nano.local', 2200, a.blob).status).toBe('trusted');
    expect(verifyHostKey(entries, 'lab-nano.local', 22, a.blob).status).toBe('unknown');
    expect(verifyHostKey(entries, 'lab-nano.local', 2200, b.blob).status).toBe('changed');
  });

  it('honours wildcards, negation and @revoked', () => {
    expect(hostFieldMatches('*.lab,!bad.lab', 'nano.lab')).toBe(true);
    expect(hostFieldMatches('*.lab,!bad.lab', 'bad.lab')).toBe(false);
    const [type, key] = a.line.split(' ');
    const entries = parseKnownHosts(`@revoked * ${type} ${key}\nhost ${type} ${key}\n`);
    expect(verifyHostKey(entries, 'host', 22, a.blob).status).toBe('revoked');
  });

  it('appends entries that ssh-keygen -F can find', () => {
    const file = join(dir, 'appended');
    appendKnownHost(file, '127.0.0.1', 2022, a.blob);
    expect(verifyHostKey(loadKnownHosts([file]), '127.0.0.1', 2022, a.blob).status).toBe('trusted');
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', file]).toString();
    expect(found).toContain(a.line.split(' ')[1]);
  });
});
