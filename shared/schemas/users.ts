import { z } from 'zod';
import { zRoleGrant } from './auth.js';

export const zUsername = z
  .string()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits, ".", "_", "@" or "-"');

/** NIST SP 800-63B: at least 8 characters, no composition rules, long passphrases allowed. */
export const zPassword = z.string().min(8).max(256);

export const zUserCreate = z.object({
  username: zUsername,
  password: zPassword,
  displayName: z.string().trim().min(1).max(200).optional(),
  /** Required by the contract (an empty list is allowed: roles can be granted later). */
  roles: z.array(zRoleGrant).max(50),
  /** Addition to the contract: send the user to change this initial password at first sign-in. */
  mustChangePassword: z.boolean().optional(),
});
export type UserCreate = z.infer<typeof zUserCreate>;
