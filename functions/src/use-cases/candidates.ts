import { type AnyProgramme, programmeOf } from '@huimin/domain';
import { createSpatialIndex, type SpatialIndex } from '@huimin/matching';
import type { ApplicationRecord, ProviderRecord } from '@huimin/store';

export interface Candidate {
  provider: ProviderRecord;
  distanceMetres: number;
}

/** Units an offer for this application reserves (one place; the monthly hours). Records before programmes: 1. */
export function demandOf(app: ApplicationRecord): number {
  return app.eligibility?.demand ?? 1;
}

/**
 * Which providers can serve an application: within its programme's reach, admitted by its programme
 * (diets served; street covered and services offered), not one that declined it — nearest first.
 * One spatial index over a district's providers answers this for one application (the matcher) or
 * for thousands (allocation, report).
 */
export class CandidateFinder {
  private readonly index: SpatialIndex<number>;

  constructor(readonly providers: readonly ProviderRecord[]) {
    this.index = createSpatialIndex(providers.map((p, i) => ({ id: i, lat: p.location.lat, lng: p.location.lng })));
  }

  /** `freeOnly`: only providers with the application's demand still available now. */
  find(app: ApplicationRecord, opts: { freeOnly: boolean; at: Date }): Candidate[] {
    const programme: AnyProgramme = programmeOf(app.type);
    const now = opts.at.toISOString();
    const excluded = new Set(app.exclusions.filter((e) => e.until > now).map((e) => e.providerId));
    const demand = demandOf(app);
    const { lat, lng } = app.subject.address.location;
    const out: Candidate[] = [];
    for (const c of this.index.withinRadius(lat, lng, programme.reachMetres(app.needs, opts.at))) {
      const provider = this.providers[c.id]!;
      if (excluded.has(provider.id) || !programme.admits(app.needs, app.street, { id: provider.id, street: provider.street, declaration: provider })) continue;
      if (opts.freeOnly && provider.available < demand) continue;
      out.push({ provider, distanceMetres: Math.round(c.distanceMetres) });
    }
    return out;
  }
}
