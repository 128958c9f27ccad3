/** JSON-lines logger on stderr (one object per line, easy to ship), with a level threshold. */
import type { LogFields, Logger } from './deps.js';

const ORDER = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof ORDER;

export function jsonLogger(
  level: Level = 'info',
  write: (line: string) => void = (l) => console.error(l),
): Logger {
  const at = (lv: Level) => (msg: string, fields?: LogFields) => {
    if (ORDER[lv] < ORDER[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lv, msg, ...fields }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
