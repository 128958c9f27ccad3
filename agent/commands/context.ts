/** What every command receives, and the error that ends a command with a given exit code. */
import type { DataDir } from '../data-dir.js';
import type { Lang } from '../i18n.js';
import type { AgentSettings } from '../settings.js';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export interface CommandContext {
  lang: Lang;
  io: Io;
  env: Record<string, string | undefined>;
  settings: AgentSettings;
  data: DataDir;
  /** ` --data-dir X` when the user gave one, so suggested commands can be pasted as they are. */
  dataDirHint: string;
  values: {
    server?: string;
    token?: string;
    'hardware-id'?: string;
    'dry-run'?: boolean;
    print?: boolean;
    user?: string;
    'unit-dir'?: string;
    proxy?: string;
    json?: boolean;
  };
}

/** Ends the command: the message goes to stderr, `code` becomes the exit code. */
export class ExitError extends Error {
  constructor(
    readonly code: 1 | 2,
    message: string,
  ) {
    super(message);
  }
}
