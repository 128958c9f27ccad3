/**
 * Service definitions for running `onestop-agent run` unattended, as text (pure, tested):
 * a hardened systemd unit for Linux and a WinSW configuration for Windows. Both run the agent as
 * a least-privilege account and with a small V8 heap; see agent/README.md and ADR 0505.
 */

/**
 * V8 flags for the service (measured in test/bench/sections/agent.ts, ADR 0504):
 * - `--jitless`: the agent's code runs a few milliseconds a minute, interpreted it costs the same
 *   CPU and saves ~5 MB of RSS (no executable code space; WebAssembly, unused, is off);
 * - `--no-memory-reducer`: V8 otherwise runs a full GC every time the process goes idle after a
 *   burst of work — i.e. after every report — which more than doubled the CPU per report; with it
 *   off, garbage would pile up in the old generation, so `--expose-gc` lets the runner collect it
 *   once the heap has grown by a megabyte (every few hundred reports);
 * - a small young generation and an old-space cap, so a leak ends in a restart, not a swapping PC.
 */
export const NODE_FLAGS = [
  '--jitless',
  '--no-expose-wasm', // said explicitly: --jitless otherwise warns on every start
  '--no-memory-reducer',
  '--expose-gc', // the runner collects garbage itself, every few hundred reports (runner.ts)
  '--max-semi-space-size=1',
  '--max-old-space-size=64',
];

export interface ServiceSpec {
  nodePath: string;
  scriptPath: string;
  dataDir: string;
  /** Linux system user (created by install-service when missing). */
  user: string;
}

const q = (s: string) => (/[\s"\\]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s);

export function systemdUnit(s: ServiceSpec): string {
  const exec = [s.nodePath, ...NODE_FLAGS, s.scriptPath, 'run', '--data-dir', s.dataDir].map(q).join(' ');
  const stateDir = s.dataDir.startsWith('/var/lib/') ? s.dataDir.slice('/var/lib/'.length) : undefined;
  return `# onestop-care counter PC agent — written by "onestop-agent install-service".
# Runs as the unprivileged user ${s.user}; only ${s.dataDir} is writable.
[Unit]
Description=onestop-care counter PC agent (onestop-agent)
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
ExecStart=${exec}
User=${s.user}
Group=${s.user}
${stateDir ? `StateDirectory=${stateDir}\nStateDirectoryMode=0700\n` : `ReadWritePaths=${s.dataDir}\n`}UMask=0077
# Exit 2 = configuration to fix (e.g. the token was revoked: enroll again). Do not loop on it.
Restart=on-failure
RestartSec=30
RestartPreventExitStatus=2
TimeoutStopSec=20
Nice=10
MemoryMax=160M
TasksMax=64

NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
ProtectSystem=strict
# read-only, not "yes": statfs of /home must still see the real filesystem
ProtectHome=read-only
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
`;
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** WinSW 2.x configuration: LocalService account, delayed automatic start, restarts that back off. */
export function winswXml(s: Omit<ServiceSpec, 'user'>): string {
  const args = [...NODE_FLAGS, `"${s.scriptPath}"`, 'run', '--data-dir', `"${s.dataDir}"`].join(' ');
  return `<!-- onestop-care counter PC agent, written by "onestop-agent install-service". See agent/README.md. -->
<service>
  <id>onestop-agent</id>
  <name>onestop-care agent</name>
  <description>Báo cáo tình trạng máy tính bộ phận một cửa về onestop-care / Reports this counter PC's health to onestop-care.</description>
  <executable>${xml(s.nodePath)}</executable>
  <arguments>${xml(args)}</arguments>
  <serviceaccount>
    <domain>NT AUTHORITY</domain>
    <user>LocalService</user>
  </serviceaccount>
  <startmode>Automatic</startmode>
  <delayedAutoStart>true</delayedAutoStart>
  <stoptimeout>20 sec</stoptimeout>
  <onfailure action="restart" delay="30 sec"/>
  <onfailure action="restart" delay="5 min"/>
  <onfailure action="restart" delay="1 hour"/>
  <resetfailure>1 day</resetfailure>
  <priority>belownormal</priority>
  <log mode="roll-by-size">
    <sizeThreshold>1024</sizeThreshold>
    <keepFiles>5</keepFiles>
  </log>
</service>
`;
}
