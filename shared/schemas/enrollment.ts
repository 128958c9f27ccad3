import { z } from 'zod';

export const zEnrollmentTokenCreate = z.object({
  expiresInHours: z.number().int().min(1).max(720).default(72),
  maxUses: z.number().int().min(1).max(10_000).default(50),
});
export type EnrollmentTokenCreate = z.infer<typeof zEnrollmentTokenCreate>;

export interface EnrollmentTokenView {
  id: string;
  token: string;
  unitCode: string;
  expiresAt: string;
  maxUses: number;
}
