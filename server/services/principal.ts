/** Who is calling: a signed-in user with role grants, resolved once per request by the auth middleware. */
import type { Grant } from '../domain/scope.js';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  username: string;
  displayName: string;
  grants: Grant[];
  sessionId: string;
  /** How the session token arrived: the cookie needs CSRF protection, a bearer header does not. */
  via: 'cookie' | 'bearer';
  ip?: string;
  /** After an administrator's password reset: the UI sends the user to change it first. */
  mustChangePassword?: boolean;
}

export interface RequestMeta {
  ip?: string;
  userAgent?: string;
}
