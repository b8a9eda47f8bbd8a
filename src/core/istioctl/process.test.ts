import { describe, expect, it } from 'vitest';
import { IstioctlError } from '../errors.js';
import { runIstioctlProcess } from './process.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('runIstioctlProcess', () => {
  it('fails at once for a binary that does not exist, leaving no timer to keep the process alive', async () => {
    const before = timers();
    await expect(runIstioctlProcess('/no/such/istioctl', ['version'])).rejects.toThrow(IstioctlError);
    // The 5-minute timeout is cleared: the CLI can exit as soon as it printed the error.
    expect(timers()).toBe(before);
  });
});
