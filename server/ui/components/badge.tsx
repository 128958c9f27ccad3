/**
 * Badges for statuses, severities, roles and levels: a word (never colour alone) on a tinted pill.
 * The tone of each value is decided here once, so every page colours the same thing the same way.
 */
import type { DeviceStatus, Role, TicketStatus } from '../../../shared/enums.js';
import type { TokenState } from '../../services/enrollment-list.js';
import { type Dict, labelOf } from '../i18n/index.js';

export type Tone = 'ok' | 'warn' | 'danger' | 'info' | 'neutral';

export function Badge({ tone, label, title }: { tone: Tone; label: string; title?: string }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {label}
    </span>
  );
}

const TICKET_TONE: Record<TicketStatus, Tone> = {
  open: 'danger',
  acknowledged: 'warn',
  in_progress: 'info',
  awaiting_approval: 'warn',
  approved: 'info',
  rejected: 'neutral',
  resolved: 'ok',
  closed: 'neutral',
  waiting_parts: 'warn',
};

const DEVICE_TONE: Record<DeviceStatus, Tone> = {
  ok: 'ok',
  degraded: 'warn',
  silent: 'danger',
  maintenance: 'neutral',
};

const SEVERITY_TONE: Record<string, Tone> = { critical: 'danger', major: 'warn', minor: 'info' };

const TOKEN_TONE: Record<TokenState, Tone> = {
  active: 'ok',
  expired: 'neutral',
  usedUp: 'neutral',
  revoked: 'danger',
};

export function TicketStatusBadge({ t, status }: { t: Dict; status: TicketStatus }) {
  return <Badge tone={TICKET_TONE[status]} label={t.ticketStatus[status]} />;
}

export function DeviceStatusBadge({ t, status }: { t: Dict; status: DeviceStatus }) {
  return <Badge tone={DEVICE_TONE[status]} label={t.deviceStatus[status]} />;
}

export function SeverityBadge({ t, severity }: { t: Dict; severity: string }) {
  return <Badge tone={SEVERITY_TONE[severity] ?? 'neutral'} label={labelOf(t.severity, severity)} />;
}

export function TokenStateBadge({ t, state }: { t: Dict; state: TokenState }) {
  return <Badge tone={TOKEN_TONE[state]} label={t.enrollment.state[state]} />;
}

export function RoleBadge({ t, role, unitCode }: { t: Dict; role: Role; unitCode?: string }) {
  const label = unitCode ? `${t.roles[role]} · ${unitCode}` : t.roles[role];
  return <Badge tone={role === 'admin' ? 'info' : 'neutral'} label={label} />;
}

export function LevelBadge({ t, level }: { t: Dict; level: string }) {
  return <Badge tone="neutral" label={labelOf(t.levels, level)} title={level} />;
}
