/**
 * A small line chart as server-rendered SVG (attributes only: the CSP forbids inline styles and
 * scripts): one series of (time, value) points, optional min–max band (hourly rollups), optional
 * threshold lines, bad readings marked. Readable without colour: bad points are also larger and the
 * figures are listed in a table next to it by the pages that use it.
 */
import { formatDateTime, formatNumber } from '../format.js';
import type { Lang } from '../i18n/index.js';

export interface ChartPoint {
  at: Date;
  value: number;
  /** Lowest and highest value in the period (rollups); drawn as a band. */
  min?: number;
  max?: number;
  bad?: boolean;
}

export interface ChartLine {
  value: number;
  label: string;
  tone: 'warn' | 'danger';
}

const W = 640;
const H = 180;
const PAD = { left: 52, right: 12, top: 12, bottom: 28 };
const COLORS = {
  line: '#0b57a4',
  band: '#cfe0f5',
  bad: '#a4161a',
  warn: '#b35c00',
  danger: '#a4161a',
  grid: '#d5dbe3',
  text: '#4a5565',
};

export function LineChart(props: {
  points: ChartPoint[];
  lang: Lang;
  /** Accessible name: what is plotted. */
  title: string;
  unit?: string;
  lines?: ChartLine[];
  /** Force the value axis to include these (e.g. 0 and 100 for percentages). */
  domain?: [number, number];
}) {
  const pts = [...props.points].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (pts.length === 0) return null;
  const values = pts.flatMap((p) => [p.value, p.min ?? p.value, p.max ?? p.value]);
  for (const l of props.lines ?? []) values.push(l.value);
  let lo = Math.min(...values, ...(props.domain ? [props.domain[0]] : []));
  let hi = Math.max(...values, ...(props.domain ? [props.domain[1]] : []));
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const t0 = pts[0]!.at.getTime();
  const t1 = pts[pts.length - 1]!.at.getTime();
  const span = t1 - t0 || 1;
  const x = (d: Date) =>
    pts.length === 1
      ? (PAD.left + W - PAD.right) / 2
      : PAD.left + ((d.getTime() - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const fmt = (v: number) => `${formatNumber(Math.round(v * 10) / 10, props.lang)}${props.unit ?? ''}`;
  const path = pts
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ');
  const band = pts.some((p) => p.min !== undefined && p.max !== undefined)
    ? [
        ...pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.max ?? p.value).toFixed(1)}`),
        ...[...pts].reverse().map((p) => `L${x(p.at).toFixed(1)},${y(p.min ?? p.value).toFixed(1)}`),
        'Z',
      ].join(' ')
    : undefined;
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={props.title}
      preserveAspectRatio="none"
      width="100%"
      height={H}
    >
      <title>{props.title}</title>
      {[hi, (hi + lo) / 2, lo].map((v) => (
        <>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke={COLORS.grid} stroke-width="1" />
          <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" font-size="11" fill={COLORS.text}>
            {fmt(v)}
          </text>
        </>
      ))}
      {band && <path d={band} fill={COLORS.band} stroke="none" />}
      {(props.lines ?? []).map((l) => (
        <>
          <line
            x1={PAD.left}
            x2={W - PAD.right}
            y1={y(l.value)}
            y2={y(l.value)}
            stroke={COLORS[l.tone]}
            stroke-width="1.5"
            stroke-dasharray="6 4"
          />
          {/* Warning above its line, critical below, at the left: two close lines keep legible labels. */}
          <text
            x={PAD.left + 6}
            y={l.tone === 'danger' ? y(l.value) + 13 : y(l.value) - 4}
            text-anchor="start"
            font-size="11"
            fill={COLORS[l.tone]}
          >
            {l.label}
          </text>
        </>
      ))}
      <path d={path} fill="none" stroke={COLORS.line} stroke-width="2" vector-effect="non-scaling-stroke" />
      {pts.map((p) => (
        <circle
          cx={x(p.at)}
          cy={y(p.value)}
          r={p.bad ? 4.5 : 2.5}
          fill={p.bad ? COLORS.bad : COLORS.line}
          vector-effect="non-scaling-stroke"
        >
          <title>{`${formatDateTime(p.at, props.lang)}: ${fmt(p.value)}`}</title>
        </circle>
      ))}
      <text x={PAD.left} y={H - 8} font-size="11" fill={COLORS.text}>
        {formatDateTime(pts[0]!.at, props.lang)}
      </text>
      {pts.length > 1 && (
        <text x={W - PAD.right} y={H - 8} font-size="11" text-anchor="end" fill={COLORS.text}>
          {formatDateTime(pts[pts.length - 1]!.at, props.lang)}
        </text>
      )}
    </svg>
  );
}
