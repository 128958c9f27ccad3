/**
 * Types for the pure encoder of the `qrcode` package. Only `lib/core/qrcode.js` is imported: the
 * package's main entry pulls in pngjs, zlib and fs (for PNG output), which the Workers build (no
 * nodejs_compat) cannot load. The core is plain JavaScript (and dijkstrajs), safe on both targets.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  export interface QrModules {
    /** Modules per side. */
    size: number;
    /** Row-major, `size * size` entries, 1 for a dark module. */
    data: Uint8Array;
  }
  export interface QrSymbol {
    modules: QrModules;
    version: number;
  }
  export function create(
    text: string,
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number; maskPattern?: number },
  ): QrSymbol;
}
