import { describe, expect, it } from 'vitest';
import { resolveSshTarget } from './sshConfig.js';

const config = `
Host nano
  HostName 192.168.55.1
  Port 2222
  User jetson
  IdentityFile /keys/nano_ed25519

Host *.lab
  User lab

Host *
  ServerAliveInterval 30
`;

describe('ssh config aliases', () => {
  it('resolves an alias to its HostName, Port, User and IdentityFile', () => {
    expect(resolveSshTarget({ host: 'nano' }, config)).toEqual({ hostname: '192.168.55.1', port: 2222, user: 'jetson', identityFiles: ['/keys/nano_ed25519'] });
  });
  it('lets explicit options win and falls back to the host itself', () => {
    expect(resolveSshTarget({ host: 'nano', port: 22, user: 'root', keyFile: '/k' }, config)).toEqual({ hostname: '192.168.55.1', port: 22, user: 'root', identityFiles: ['/k'] });
    expect(resolveSshTarget({ host: 'orin.lab' }, config)).toEqual({ hostname: 'orin.lab', port: 22, user: 'lab', identityFiles: [] });
    expect(resolveSshTarget({ host: '10.0.0.9' }, '')).toEqual({ hostname: '10.0.0.9', port: 22, user: undefined, identityFiles: [] });
  });
});
