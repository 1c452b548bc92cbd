import { type Diet, mealPolicyOn } from '@huimin/domain';
import { createSpatialIndex, type SpatialIndex } from '@huimin/matching';
import type { ApplicationRecord, ProviderRecord } from '@huimin/store';

export interface Candidate {
  provider: ProviderRecord;
  distanceMetres: number;
}

export function radiusFor(app: ApplicationRecord, on: Date): number {
  return app.needs.maxDistanceMetres ?? mealPolicyOn(on).defaultMaxDistanceMetres;
}

/**
 * Which providers can serve an application: within its walking distance, serving every diet it
 * needs, not one that already declined it — nearest first. One spatial index over a district's
 * providers answers this for one application (the matcher) or for thousands (allocation, report).
 */
export class CandidateFinder {
  private readonly index: SpatialIndex<number>;

  constructor(readonly providers: readonly ProviderRecord[]) {
    this.index = createSpatialIndex(providers.map((p, i) => ({ id: i, lat: p.location.lat, lng: p.location.lng })));
  }

  find(app: ApplicationRecord, radiusMetres: number, opts: { freePlaceOnly: boolean; at: Date }): Candidate[] {
    const diets: readonly Diet[] = app.needs.diets ?? [];
    const now = opts.at.toISOString();
    const excluded = new Set(app.exclusions.filter((e) => e.until > now).map((e) => e.providerId));
    const { lat, lng } = app.subject.address.location;
    const out: Candidate[] = [];
    for (const c of this.index.withinRadius(lat, lng, radiusMetres)) {
      const provider = this.providers[c.id]!;
      if (excluded.has(provider.id) || !diets.every((d) => provider.diets.includes(d))) continue;
      if (opts.freePlaceOnly && provider.reserved >= provider.capacity) continue;
      out.push({ provider, distanceMetres: Math.round(c.distanceMetres) });
    }
    return out;
  }
}
