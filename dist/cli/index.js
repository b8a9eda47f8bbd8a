#!/usr/bin/env node
import { createRequire as __autopilotCreateRequire } from 'node:module'; const require = __autopilotCreateRequire(import.meta.url);

// src/cli/main.ts
console.log("istio-autopilot: commands arrive with the pipeline issue");
