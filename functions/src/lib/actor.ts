import { ForbiddenError, UnauthorizedError } from '@huimin/domain';
import type { Role } from '../wiring';

export type Actor =
  | { role: 'family'; sub: string }
  | { role: 'provider'; sub: string; providerId: string }
  | { role: 'staff'; sub: string; district: string }
  /** 网格员: applies on residents' behalf within one street of one district. */
  | { role: 'grid'; sub: string; district: string; street: string };

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway's JWT authorizer hands over claims with arrays flattened to text ("[family staff]");
 * the local stack passes arrays. Both are read here.
 */
function groupsOf(claim: Claims[string]): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** Turns verified claims into who is calling, refusing roles the route does not admit. */
export function actorFrom(claims: Claims | undefined, allowed: readonly Role[]): Actor {
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || !sub) throw new UnauthorizedError();
  const groups = groupsOf(claims['cognito:groups']);
  const role = allowed.find((r) => groups.includes(r));
  if (!role) throw new ForbiddenError();
  if (role === 'provider') {
    const providerId = claims['custom:providerId'];
    if (typeof providerId !== 'string' || !providerId) throw new ForbiddenError('Token names no provider', '令牌未指明服务机构');
    return { role, sub, providerId };
  }
  if (role === 'staff') {
    const district = claims['custom:district'];
    if (typeof district !== 'string' || !/^\d{6}$/.test(district)) throw new ForbiddenError('Token names no district', '令牌未指明所属区县');
    return { role, sub, district };
  }
  if (role === 'grid') {
    const district = claims['custom:district'];
    const street = claims['custom:street'];
    if (typeof district !== 'string' || !/^\d{6}$/.test(district) || typeof street !== 'string' || !street) {
      throw new ForbiddenError('Token names no district and street', '令牌未指明所属区县和街道');
    }
    return { role, sub, district, street };
  }
  return { role, sub };
}
