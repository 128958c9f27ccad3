// Builds the two command-line programs into dist/ (not committed). The server keeps node_modules
// external (libSQL is native); the agent is one self-contained file to copy onto a counter PC.
import { build } from 'esbuild';

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
  build({ ...common, entryPoints: ['agent/cli.ts'], outfile: 'dist/onestop-agent.mjs' }),
]);
