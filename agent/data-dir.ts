/**
 * The agent's data folder: identity, token, last config, status and the spool. Owner-only on
 * POSIX (0700 folder, 0600 files); on Windows an explicit ACL (SYSTEM, Administrators and the
 * service account only, inheritance cut) set with icacls — see agent/README.md.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig, Inventory } from '../shared/schemas/agent.js';
import { checkAgentConfig } from './config-check.js';
import { normalizeInventory } from './inventory/normalize.js';
import { type AgentFileSettings, checkFileSettings } from './net/proxy.js';
import { writeFileAtomic } from './spool/atomic-file.js';

export interface Identity {
  version: 1;
  server: string;
  deviceId: string;
  hostname: string;
  hardwareId: string;
  enrolledAt: string;
  agentVersion: string;
}

export interface AgentStatus {
  lastSuccessAt?: string;
  lastAttemptAt?: string;
  lastError?: string;
  /** Set when the server answered 401/403 to this agent's token; cleared by a new enrollment. */
  authRejectedAt?: string;
  authRejectedDetail?: string;
  /** Stamp (mtime:size) of the inventory.json last put into a report. */
  inventorySent?: string;
}

/** Well-known SIDs: names differ by Windows language, SIDs do not. */
export const WINDOWS_SIDS = {
  system: 'S-1-5-18',
  administrators: 'S-1-5-32-544',
  localService: 'S-1-5-19',
} as const;

export function defaultDataDir(platform: NodeJS.Platform, env: Record<string, string | undefined>): string {
  if (env.ONESTOP_AGENT_DATA_DIR) return env.ONESTOP_AGENT_DATA_DIR;
  if (platform === 'win32')
    return `${env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData'}\\onestop-agent`;
  if (platform === 'darwin') return '/Library/Application Support/onestop-agent';
  return '/var/lib/onestop-agent';
}

/**
 * icacls arguments that leave only SYSTEM and Administrators (full control) and the service
 * account (modify) on the folder, inherited by everything created in it.
 */
export function windowsAclArgs(dir: string, serviceSid: string = WINDOWS_SIDS.localService): string[] {
  return [
    dir,
    '/inheritance:r',
    '/grant:r',
    `*${WINDOWS_SIDS.system}:(OI)(CI)F`,
    `*${WINDOWS_SIDS.administrators}:(OI)(CI)F`,
    `*${serviceSid}:(OI)(CI)M`,
    '/Q',
  ];
}

/** What an agent folder may contain (see agent/README.md). */
const AGENT_FILES =
  /^(identity\.json|token|config\.json|status\.json|settings\.json|inventory\.json|hardware-id|agent\.lock|spool(\..+)?|[^/]*\.tmp)$/;

/** inventory.json is a few KiB; anything far larger is not ours. */
const MAX_INVENTORY_FILE = 1024 * 1024;

export class DataDir {
  constructor(readonly dir: string) {}

  get identityFile() {
    return join(this.dir, 'identity.json');
  }
  get tokenFile() {
    return join(this.dir, 'token');
  }
  get configFile() {
    return join(this.dir, 'config.json');
  }
  get statusFile() {
    return join(this.dir, 'status.json');
  }
  get spoolDir() {
    return join(this.dir, 'spool');
  }
  get lockFile() {
    return join(this.dir, 'agent.lock');
  }
  get inventoryFile() {
    return join(this.dir, 'inventory.json');
  }
  get settingsFile() {
    return join(this.dir, 'settings.json');
  }

  /**
   * Creates the folder owner-only (or fixes its permissions). An existing folder must be empty or
   * already an agent folder: `--data-dir /tmp` must not make /tmp private.
   */
  ensure(opts: { windowsServiceSid?: string } = {}): void {
    if (existsSync(this.dir)) {
      const foreign = readdirSync(this.dir).filter((f) => !AGENT_FILES.test(f));
      if (foreign.length > 0)
        throw new Error(
          `it already holds other files (${foreign.slice(0, 3).join(', ')}): use an empty folder`,
        );
    }
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform === 'win32') {
      const r = spawnSync('icacls', windowsAclArgs(this.dir, opts.windowsServiceSid), {
        windowsHide: true,
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`icacls failed: ${(r.stderr || r.stdout || '').trim()}`);
    } else {
      chmodSync(this.dir, 0o700);
    }
  }

  isEnrolled(): boolean {
    return existsSync(this.identityFile) && existsSync(this.tokenFile);
  }

  readIdentity(): Identity {
    const v = JSON.parse(readFileSync(this.identityFile, 'utf8')) as Partial<Identity>;
    for (const k of ['server', 'deviceId', 'hostname', 'hardwareId', 'enrolledAt'] as const)
      if (typeof v[k] !== 'string' || !v[k]) throw new Error(`"${k}" missing`);
    return v as Identity;
  }

  readToken(): string {
    const tok = readFileSync(this.tokenFile, 'utf8').trim();
    if (!tok) throw new Error('empty token');
    return tok;
  }

  /** True when the token file can be read by others (POSIX): `status` warns about it. */
  tokenTooOpen(): boolean {
    if (process.platform === 'win32' || !existsSync(this.tokenFile)) return false;
    return (statSync(this.tokenFile).mode & 0o077) !== 0;
  }

  async writeEnrollment(identity: Identity, token: string, config: AgentConfig): Promise<void> {
    await writeFileAtomic(this.tokenFile, `${token}\n`, { mode: 0o600 });
    await writeFileAtomic(this.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
    // Identity last: its presence is what "enrolled" means.
    await writeFileAtomic(this.identityFile, JSON.stringify(identity, null, 2), { mode: 0o600 });
    if (process.platform !== 'win32')
      for (const f of [this.tokenFile, this.configFile, this.identityFile]) chmodSync(f, 0o600);
  }

  /** The last config received, or undefined when missing or unusable (the agent then asks the server). */
  readConfig(): AgentConfig | undefined {
    try {
      const c = checkAgentConfig(JSON.parse(readFileSync(this.configFile, 'utf8')));
      return c.ok ? c.value : undefined;
    } catch {
      return undefined;
    }
  }

  writeConfig(config: AgentConfig): Promise<void> {
    return writeFileAtomic(this.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  }

  readStatus(): AgentStatus {
    try {
      return JSON.parse(readFileSync(this.statusFile, 'utf8')) as AgentStatus;
    } catch {
      return {};
    }
  }

  /** Status is informative only: written without fsync, at most once per report. */
  writeStatus(s: AgentStatus): Promise<void> {
    return writeFileAtomic(this.statusFile, JSON.stringify(s), { mode: 0o600, durable: false });
  }

  /** Settings given at enrollment (the proxy); {} when there are none. Throws when the file is damaged. */
  readSettings(): AgentFileSettings {
    if (!existsSync(this.settingsFile)) return {};
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.settingsFile, 'utf8'));
    } catch (e) {
      throw new Error(`${this.settingsFile}: ${(e as Error).message}`);
    }
    const v = checkFileSettings(raw);
    if (!v.ok) throw new Error(`${this.settingsFile}: ${v.error}`);
    return v.value;
  }

  async writeSettings(s: AgentFileSettings): Promise<void> {
    await writeFileAtomic(this.settingsFile, JSON.stringify(s, null, 2), { mode: 0o600 });
    if (process.platform !== 'win32') chmodSync(this.settingsFile, 0o600);
  }

  /** Modification time and size of inventory.json (cheap: `run` looks every report), or undefined. */
  inventoryStamp(): string | undefined {
    const st = statSync(this.inventoryFile, { throwIfNoEntry: false });
    return st ? `${st.mtimeMs}:${st.size}` : undefined;
  }

  /** The last inventory taken, cleaned to the contract's bounds; undefined when missing or unusable. */
  readInventory(): Inventory | undefined {
    try {
      if (statSync(this.inventoryFile).size > MAX_INVENTORY_FILE) return undefined;
      return normalizeInventory(JSON.parse(readFileSync(this.inventoryFile, 'utf8'))) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Writes inventory.json atomically under a name of its own (the service and a person running
   * `inventory` may write at once). Run as root on Linux, the file is handed to the folder's owner,
   * so the service account can read what an administrator collected.
   */
  async writeInventory(inv: Inventory): Promise<void> {
    const f = this.inventoryFile;
    await writeFileAtomic(f, JSON.stringify(inv), { mode: 0o600, tmp: `${f}.${process.pid}.tmp` });
    if (process.platform !== 'win32') {
      chmodSync(f, 0o600);
      const owner = statSync(this.dir);
      if (process.getuid?.() === 0 && owner.uid !== 0) chownSync(f, owner.uid, owner.gid);
    }
  }
}
