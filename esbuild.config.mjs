// Builds the two command-line programs into dist/ (not committed). The server keeps node_modules
// external (libSQL is native); the agent is two self-contained files to copy onto a counter PC
// (agent/bundle.mjs: the agent, and its inventory collector kept apart).
import { build } from 'esbuild';
import { buildAgent } from './agent/bundle.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
  banner: {
    js: '#!/usr/bin/env node\nimport { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
  },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['server/node.ts'],
    outfile: 'dist/onestop-server.mjs',
    packages: 'external',
  }),
  buildAgent({ outdir: 'dist', sourcemap: true }),
]);
