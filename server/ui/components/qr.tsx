/**
 * A QR code as inline SVG, drawn on the server from the module matrix of the `qrcode` package's pure
 * encoder (`lib/core/qrcode.js`: no canvas, no PNG, no file system — the same code runs on Node and
 * on Workers). One `<path>` of filled runs, attributes only (the CSP forbids inline styles), crisp at
 * any print size; `role="img"` with the encoded text as its accessible name.
 */
import { create } from 'qrcode/lib/core/qrcode.js';

/** Quiet zone around the symbol, in modules (the standard's 4: phones read it reliably off paper). */
export const QR_MARGIN = 4;

export interface QrMatrix {
  size: number;
  /** Row-major, 1 = dark. */
  data: ArrayLike<number>;
}

/** The module matrix for `text` (error correction M: a scuffed label still reads). */
export function qrMatrix(text: string): QrMatrix {
  const m = create(text, { errorCorrectionLevel: 'M' }).modules;
  return { size: m.size, data: m.data };
}

/** The SVG path of the dark modules: one `M x y h n v1 h-n z` rectangle per horizontal run. */
export function qrPath(m: QrMatrix, margin = QR_MARGIN): string {
  let d = '';
  for (let y = 0; y < m.size; y++) {
    let x = 0;
    while (x < m.size) {
      if (!m.data[y * m.size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < m.size && m.data[y * m.size + x]) x++;
      d += `M${start + margin} ${y + margin}h${x - start}v1h-${x - start}z`;
    }
  }
  return d;
}

export function QrCode(props: { text: string; label: string; class?: string }) {
  const m = qrMatrix(props.text);
  const side = m.size + 2 * QR_MARGIN;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class={props.class ?? 'qr'}
      viewBox={`0 0 ${side} ${side}`}
      role="img"
      aria-label={props.label}
      shape-rendering="crispEdges"
      data-qr={props.text}
    >
      <title>{props.label}</title>
      <rect width={side} height={side} fill="#fff" />
      <path d={qrPath(m)} fill="#000" />
    </svg>
  );
}
