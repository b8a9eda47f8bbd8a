// `istio-autopilot get-istioctl`: install a verified istioctl into the local cache and print its path.
import { EXIT, type Command } from '../command.js';
import { installIstioctlForCli } from './istioctl-binary.js';

export const getIstioctlCommand: Command = {
  name: 'get-istioctl',
  summary: 'Download, verify (SHA-256) and cache istioctl; print its path',
  usage:
    'istio-autopilot get-istioctl [--version <v|range>] [--os linux|osx|win] [--arch amd64|arm64|armv7] [--checksum <sha256>]',
  options: {
    version: { type: 'string' },
    'include-prereleases': { type: 'boolean' },
    os: { type: 'string' },
    arch: { type: 'string' },
    checksum: { type: 'string' },
    'download-base-url': { type: 'string' },
    'github-token': { type: 'string' },
    'github-api-url': { type: 'string' },
    offline: { type: 'boolean' },
  },
  async run(values, context) {
    const installed = await installIstioctlForCli(values, context);
    if (context.json) {
      context.stdout(
        JSON.stringify(
          { version: installed.version, istioctl: installed.path, cacheHit: installed.cacheHit },
          null,
          2,
        ),
      );
    } else {
      context.stdout(installed.path);
    }
    return EXIT.ok;
  },
};
