/**
 * `npm run bench`: runs every section in test/bench/sections/ (or only those named on the command
 * line: `npm run bench -- ingest matrix`) and prints its figures. Sections measure; they never assert.
 * The machine is shared and noisy: sections report medians of repeated runs and ratios to peers.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./sections/', import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')));

for (const f of files) {
  const mod = (await import(new URL(`./sections/${f}`, import.meta.url).href)) as {
    run: () => Promise<void>;
  };
  console.log(`\n## ${f.replace(/\.ts$/, '')}`);
  const t0 = performance.now();
  await mod.run();
  console.log(`(section took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
