/**
 * The account lifecycle after creation (docs/api/accounts.md): changing one's own password, an
 * administrator's edit of a user, and a user's own sessions.
 */
import { z } from 'zod';
import { zRoleGrant } from './auth.js';
import { zPassword } from './users.js';

/** POST /api/v1/auth/password. The new password follows the same rule as creation. */
export const zPasswordChange = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: zPassword,
});
export type PasswordChange = z.infer<typeof zPasswordChange>;

/**
 * PATCH /api/v1/users/:id. Strict: a misspelt key is refused (422) rather than silently ignored, so
 * "I renamed the user" never quietly does nothing. `roles` replaces the whole set.
 */
export const zUserUpdate = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    /** An administrator's reset; the user is sent to change it at next sign-in unless `mustChangePassword: false`. */
    password: zPassword.optional(),
    mustChangePassword: z.boolean().optional(),
    disabled: z.boolean().optional(),
    roles: z.array(zRoleGrant).max(50).optional(),
  })
  .strict();
export type UserUpdate = z.infer<typeof zUserUpdate>;

/** One of the caller's own live sessions (never the token or its hash). */
export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session this request was made with. */
  current: boolean;
}
