import { z } from 'zod';
import { ROLES } from '../enums.js';
import { zUnitCode } from './common.js';

export const zLoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof zLoginBody>;

export const zRoleGrant = z.object({ role: z.enum(ROLES), unitCode: zUnitCode });
export type RoleGrantInput = z.infer<typeof zRoleGrant>;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  roles: { role: (typeof ROLES)[number]; unitCode: string }[];
  createdAt: string;
  disabledAt?: string | null;
  /** Present (true) after an administrator's password reset until the user changes it (docs/api/accounts.md). */
  mustChangePassword?: true;
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: UserView;
  /** Present (true) when the user must change the password before using the UI. */
  mustChangePassword?: true;
}
