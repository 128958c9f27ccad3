export declare const INVENTORY_FILE: string;
export declare function buildAgent(opts: {
  outdir: string;
  sourcemap?: boolean;
}): Promise<{ main: string; inventory: string }>;
