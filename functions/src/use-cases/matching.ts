import { randomUUID } from 'node:crypto';
import { type Diet, haversineMetres, mealPolicyOn } from '@huimin/domain';
import { ApplicationWaitlisted, AssignmentOffered } from '@huimin/events';
import { type ApplicationRecord, Applications, type AssignmentRecord, Assignments, type ProviderRecord, TransactionConflictError } from '@huimin/store';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import { commitOnce, type Outcome } from './consume';
import { moveApplication } from './history';

export interface Candidate {
  provider: ProviderRecord;
  distanceMetres: number;
}

/** Admissible providers for an application, nearest first: in range, a place left, serving every diet. */
export function rankCandidates(app: ApplicationRecord, providers: readonly ProviderRecord[], radiusMetres: number): Candidate[] {
  const diets: readonly Diet[] = app.needs.diets ?? [];
  const excluded = new Set(app.excludedProviderIds);
  return providers
    .filter((p) => !excluded.has(p.id) && p.reserved < p.capacity && diets.every((d) => p.diets.includes(d)))
    .map((provider) => ({ provider, distanceMetres: Math.round(haversineMetres(app.subject.address.location, provider.location)) }))
    .filter((c) => c.distanceMetres <= radiusMetres)
    .sort((a, b) => a.distanceMetres - b.distanceMetres || a.provider.id.localeCompare(b.provider.id));
}

export function radiusFor(app: ApplicationRecord, on: Date): number {
  return app.needs.maxDistanceMetres ?? mealPolicyOn(on).defaultMaxDistanceMetres;
}

/**
 * Offers the nearest admissible place. The reservation is a conditional write inside the offer's
 * transaction: when another offer took the last place first, the next candidate is tried.
 */
export async function matchApplication(deps: Deps, applicationId: string, eventId: string, cause: Cause): Promise<Outcome> {
  const { store, now } = deps;
  const app = await store.getApplication(applicationId);
  if (app?.status !== 'MATCHING') return 'stale';
  const at = now();
  const policy = mealPolicyOn(at);
  const providers = await store.listAllProvidersByDistrict(app.district, app.type);
  const candidates = rankCandidates(app, providers, radiusFor(app, at));
  for (const { provider, distanceMetres } of candidates) {
    const iso = at.toISOString();
    const assignment: AssignmentRecord = {
      id: randomUUID(),
      applicationId: app.id,
      providerId: provider.id,
      providerName: provider.name,
      district: app.district,
      street: app.street,
      subjectName: app.subject.name,
      diets: app.needs.diets ?? [],
      status: 'OFFERED',
      distanceMetres,
      expiresAt: new Date(at.getTime() + policy.offerResponseHours * 3600_000).toISOString(),
      createdAt: iso,
      updatedAt: iso,
      version: 1,
    };
    const next = moveApplication(
      app,
      'OFFERED',
      at,
      {
        assignment: {
          id: assignment.id,
          providerId: provider.id,
          providerName: provider.name,
          status: 'OFFERED',
          expiresAt: assignment.expiresAt,
          distanceMetres,
        },
      },
      { note: `Offered to ${provider.name} (${distanceMetres} m away)`, noteZh: `已派单至${provider.name}（距离约${distanceMetres}米），等待确认` },
    );
    const event = newEvent(
      AssignmentOffered,
      {
        assignmentId: assignment.id,
        applicationId: app.id,
        providerId: provider.id,
        district: app.district,
        expiresAt: assignment.expiresAt,
        distanceMetres,
        applicationStatus: 'OFFERED',
      },
      cause,
      `${app.id}:${app.version + 1}`,
      at,
    );
    try {
      return await commitOnce(
        deps,
        'matchApplication',
        eventId,
        [store.replace('application', Applications, next, app.version), store.reservePlace(provider.id), store.create('assignment', Assignments, assignment)],
        [event],
      );
    } catch (err) {
      // Only a lost race for this provider's last place moves on to the next candidate.
      if (err instanceof TransactionConflictError && err.failed.every((f) => f.startsWith('reserve:'))) continue;
      throw err;
    }
  }
  const waitlisted = moveApplication(app, 'WAITLISTED', at, {}, {
    note: 'No meal point within reach has a place now; waiting for one to free up',
    noteZh: '附近助餐点暂无空位，已进入排队，有空位时将自动匹配',
  });
  const event = newEvent(
    ApplicationWaitlisted,
    { applicationId: app.id, type: app.type, district: app.district, applicationStatus: 'WAITLISTED' },
    cause,
    `${app.id}:${app.version + 1}`,
    at,
  );
  return commitOnce(deps, 'matchApplication', eventId, [store.replace('application', Applications, waitlisted, app.version)], [event]);
}
