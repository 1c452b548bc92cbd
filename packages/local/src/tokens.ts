import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { findDistrict, isKnownStreet } from '@huimin/domain';
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

/**
 * The local stack's stand-in for Cognito: it signs JWTs with the claims a Cognito user pool would
 * issue (`cognito:groups`, `custom:providerId`, `custom:district`) and checks them on every request,
 * as the HTTP API's JWT authorizer does in AWS.
 */
const ISSUER = 'huimin-local';
const AUDIENCE = 'huimin-local-web';

export const tokenRequestSchema = z
  .object({
    role: z.enum(['family', 'provider', 'staff', 'grid']),
    sub: z.string().trim().min(1).max(128),
    providerId: z.string().trim().min(1).max(64).optional(),
    district: z.string().regex(/^\d{6}$/).optional(),
    street: z.string().trim().min(1).max(50).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.role === 'provider' && !r.providerId) ctx.addIssue({ code: 'custom', path: ['providerId'], message: '服务机构令牌需要 providerId / A provider token needs providerId' });
    if (r.role === 'staff' && !r.district) ctx.addIssue({ code: 'custom', path: ['district'], message: '工作人员令牌需要 district / A staff token needs district' });
    if (r.role === 'grid' && !r.district) ctx.addIssue({ code: 'custom', path: ['district'], message: '网格员令牌需要 district / A grid worker token needs district' });
    if (r.role === 'grid' && !r.street) ctx.addIssue({ code: 'custom', path: ['street'], message: '网格员令牌需要 street / A grid worker token needs street' });
    if (r.district && r.street && !isKnownStreet(r.district, r.street)) ctx.addIssue({ code: 'custom', path: ['street'], message: `该区没有此街道：${r.street} / Unknown street` });
    if (r.district && !findDistrict(r.district)) ctx.addIssue({ code: 'custom', path: ['district'], message: `未开通的区县：${r.district} / Unknown district` });
  });
export type TokenRequest = z.infer<typeof tokenRequestSchema>;

export type Claims = Record<string, string | string[] | number>;

/** A random secret (base64), or the one kept in `file` so it survives a persisted restart. */
export function localSecret(file?: string): string {
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64');
  if (file) writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export class LocalTokens {
  private constructor(private readonly secret: Uint8Array) {}

  /** A fresh key per run, or one kept in the data folder so tokens survive a persisted restart. */
  static create(keyFile?: string): LocalTokens {
    return new LocalTokens(Buffer.from(localSecret(keyFile), 'base64'));
  }

  /** A token for `r`, as the stage's identity provider would issue it; `extra` adds claims (a `name`, an OIDC `nonce`). */
  async sign(r: TokenRequest, ttlSeconds = 12 * 3600, extra: Claims = {}): Promise<string> {
    const claims: Claims = { ...extra, 'cognito:groups': [r.role], token_use: 'id' };
    if (r.providerId) claims['custom:providerId'] = r.providerId;
    if (r.district) claims['custom:district'] = r.district;
    if (r.street) claims['custom:street'] = r.street;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(r.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(this.secret);
  }

  /** The claims of a valid token; undefined for a missing, forged or expired one. */
  async verify(authorization: string | undefined): Promise<Claims | undefined> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m?.[1]) return undefined;
    try {
      const { payload } = await jwtVerify(m[1], this.secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      return payload as Claims;
    } catch {
      return undefined;
    }
  }
}
