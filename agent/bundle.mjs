// How the agent is bundled (used by esbuild.config.mjs and by the tests that run the real agent):
// two self-contained files. onestop-agent.mjs is the agent; onestop-agent-inventory.mjs holds the
// inventory collector with systeminformation, loaded only by the short-lived `inventory` command,
// so the long-running service never parses or holds it (ADR 0520). Copy both to the counter PC.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

export const INVENTORY_FILE = 'onestop-agent-inventory.mjs';

/** `../inventory/collect.js` imported by the inventory command → the sibling file, at run time. */
const inventorySplit = {
  name: 'inventory-split',
  setup(b) {
    b.onResolve({ filter: /[\\/]inventory[\\/]collect\.js$/ }, (args) =>
      /[\\/]commands[\\/]inventory\.ts$/.test(args.importer)
        ? { path: `./${INVENTORY_FILE}`, external: true }
        : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  banner: {
    js: '#!/usr/bin/env node\nimport { createRequire as __cr } from "node:module"; const require = __cr(import.meta.url);',
  },
};

/** Builds both agent files into `outdir`; returns their paths. */
export async function buildAgent({ outdir, sourcemap = false }) {
  const main = `${outdir}/onestop-agent.mjs`;
  const inventory = `${outdir}/${INVENTORY_FILE}`;
  await Promise.all([
    build({
      ...common,
      sourcemap,
      entryPoints: [`${root}agent/cli.ts`],
      outfile: main,
      plugins: [inventorySplit],
    }),
    build({
      ...common,
      sourcemap,
      entryPoints: [`${root}agent/inventory/collect.ts`],
      outfile: inventory,
      // macOS-only optional sensors systeminformation asks for inside try/catch.
      external: ['osx-temperature-sensor', 'macos-temperature-sensor'],
    }),
  ]);
  return { main, inventory };
}
