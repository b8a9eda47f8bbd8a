// Every CLI command, in the order `--help` lists them.
import type { Command } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { bumpCommand } from './bump.js';
import { checkCommand } from './check.js';
import { getIstioctlCommand } from './get-istioctl.js';
import { injectCommand } from './inject.js';
import { planCommand } from './plan.js';

export const commands: Command[] = [
  planCommand,
  checkCommand,
  getIstioctlCommand,
  bumpCommand,
  injectCommand,
  analyzeCommand,
];
