// `istio-autopilot get-istioctl`: install a verified istioctl into the local cache and print its path.
import { GET_ISTIOCTL_OPTIONS } from '../../options/get-istioctl.js';
import { EXIT, flagsOf, readFlags, type Command } from '../command.js';
import { installIstioctlForCli } from './istioctl-binary.js';

export const getIstioctlCommand: Command = {
  name: 'get-istioctl',
  summary: 'Download, verify (SHA-256) and cache istioctl; print its path',
  usage:
    'istio-autopilot get-istioctl [--version <v|range>] [--os linux|osx|win] [--arch amd64|arm64|armv7] [--checksum <sha256>]',
  options: flagsOf(GET_ISTIOCTL_OPTIONS),
  table: GET_ISTIOCTL_OPTIONS,
  async run(values, context) {
    const installed = await installIstioctlForCli(readFlags(GET_ISTIOCTL_OPTIONS, values), context);
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
