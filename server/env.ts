/**
 * The server's environment (PROTOCOL.md "Configuration of a server process"), parsed once at the
 * runtime entry. A bad value stops the process with a message naming the variable.
 */
import { z } from 'zod';
import type { AppConfig } from './deps.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const zEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .min(1)
    .refine(
      (u) => u === ':memory:' || /^(file|libsql|https?|wss?):/i.test(u),
      'use file:PATH, :memory:, or a libsql://, http(s):// or ws(s):// URL of a libSQL server',
    )
    .default('file:./data/onestop.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  ROOT_UNIT_CODE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/)
    .default('ROOT'),
  ROOT_UNIT_NAME: z.string().min(1).max(200).default('Root unit'),
  ORG_LEVELS: z
    .string()
    .default('city,commune')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[a-z][a-z0-9_]*$/))
        .min(1)
        .max(6)
        .refine((a) => new Set(a).size === a.length, 'levels must be distinct'),
    ),
  AGENT_INTERVAL_SEC: z.coerce.number().int().min(1).max(3600).default(60),
  METRICS_TOKEN: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must have at least 8 characters').optional(),
  // Beyond the contract's table (documented in the README):
  PASSWORD_ITERATIONS: z.coerce.number().int().min(1000).max(5_000_000).default(600_000),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  TRUST_PROXY: bool.default(false),
  REPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(400).default(7),
  ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SCHEDULER: z.enum(['on', 'off']).default('on'),
});
export type Env = z.infer<typeof zEnv>;

/** Empty strings count as unset, as shells and .env files often produce them. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const r = zEnv.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return r.data;
}

export function configFromEnv(env: Env, runtime: AppConfig['runtime']): AppConfig {
  return {
    rootUnitCode: env.ROOT_UNIT_CODE,
    rootUnitName: env.ROOT_UNIT_NAME,
    orgLevels: env.ORG_LEVELS,
    agentIntervalSec: env.AGENT_INTERVAL_SEC,
    metricsToken: env.METRICS_TOKEN,
    adminPassword: env.ADMIN_PASSWORD,
    passwordIterations:
      runtime === 'workers' ? Math.min(env.PASSWORD_ITERATIONS, 100_000) : env.PASSWORD_ITERATIONS,
    sessionTtlHours: env.SESSION_TTL_HOURS,
    trustProxy: env.TRUST_PROXY,
    maxBodyBytes: 256 * 1024,
    reportRetentionDays: env.REPORT_RETENTION_DAYS,
    rollupRetentionDays: env.ROLLUP_RETENTION_DAYS,
    runtime,
  };
}
