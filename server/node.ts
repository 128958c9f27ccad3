/** Node entry (`npm start`, `onestop-server`): start from process.env, stop cleanly on SIGTERM/SIGINT. */
import { startServer } from './start.js';

async function main(): Promise<void> {
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    running = await startServer({ env: process.env });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`onestop-server: ${msg}`);
    process.exit(msg.startsWith('Invalid configuration') ? 2 : 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`onestop-server: ${signal} received, closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
