import { DISTRICTS, QIXIA_STREETS } from '@huimin/domain';
import { describe, expect, it } from 'vitest';
import { demoIdentities, demoProviders } from './seed';
import { tokenRequestSchema } from './tokens';

describe('the local sign-in page’s demo identities', () => {
  const identities = demoIdentities();

  it('offer every demo provider by its name, staff of every district and a grid worker per street', () => {
    const providers = demoProviders();
    expect(identities.filter((i) => i.role === 'provider').map((i) => [i.providerId, i.name])).toEqual(providers.map((p) => [p.id, p.name]));
    expect(identities.filter((i) => i.role === 'staff').map((i) => i.district)).toEqual(DISTRICTS.map((d) => d.code));
    expect(identities.filter((i) => i.role === 'grid').map((i) => i.street)).toEqual(QIXIA_STREETS.map((s) => s.name));
    expect(identities.filter((i) => i.role === 'family').length).toBeGreaterThanOrEqual(2);
  });

  it('each is a valid token request, under its own sub, with a name people read and a programme name for providers', () => {
    for (const i of identities) {
      const { name: _n, nameEn: _e, kind: _k, kindName: _kn, ...claims } = i;
      expect(tokenRequestSchema.safeParse(claims).success, `${i.sub}`).toBe(true);
      expect(i.name).toMatch(/\p{Script=Han}/u);
      if (i.role === 'provider') expect(i.kindName?.zh).toMatch(/\p{Script=Han}/u);
    }
    expect(new Set(identities.map((i) => i.sub)).size).toBe(identities.length);
  });
});
