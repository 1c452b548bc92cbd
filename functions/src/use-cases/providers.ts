import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, isKnownStreet, NotFoundError, type ProviderInput, ValidationError } from '@huimin/domain';
import { CapacityDeclared } from '@huimin/events';
import { type ProviderRecord, Providers, TransactionConflictError } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { ProviderView } from '../views';

export async function registerProvider(deps: Deps, actor: Extract<Actor, { role: 'staff' }>, input: ProviderInput, requestId: string): Promise<ProviderView> {
  if (!isKnownStreet(actor.district, input.street)) {
    throw new ValidationError([{ path: 'street', message: `该区没有此街道：${input.street} / No street ${input.street} in district ${actor.district}` }]);
  }
  const at = deps.now();
  const provider: ProviderRecord = {
    id: randomUUID(),
    ...input,
    district: actor.district,
    reserved: 0,
    createdAt: at.toISOString(),
  };
  const event = newEvent(
    CapacityDeclared,
    { providerId: provider.id, district: provider.district, kind: provider.kind, capacity: provider.capacity, ...(provider.capacity > 0 ? { releasedProviderId: provider.id } : {}) },
    { correlationId: provider.id, causationId: requestId },
    `${provider.id}:capacity:${provider.capacity}`,
    at,
  );
  await deps.store.commit([deps.store.create('provider', Providers, provider)], [event], at);
  return provider;
}

export class CapacityBelowReservedError extends ConflictError {
  override readonly code = 'CAPACITY_BELOW_RESERVED';
}

/**
 * A provider sets its own capacity; staff may set any provider's in their district. The new figure
 * may not fall below the places already held; when places open up, waitlisted applications wake.
 */
export async function declareCapacity(deps: Deps, actor: Actor, providerId: string, capacity: number, requestId: string): Promise<ProviderView> {
  const p = await deps.store.getProvider(providerId);
  if (!p) throw new NotFoundError('Provider', '该服务机构');
  if (actor.role === 'provider' && actor.providerId !== p.id) throw new NotFoundError('Provider', '该服务机构');
  if (actor.role === 'staff' && actor.district !== p.district) throw new ForbiddenError('This provider belongs to another district', '该服务机构属于其他区县');
  if (actor.role === 'family') throw new ForbiddenError();
  if (capacity < p.reserved) {
    throw new CapacityBelowReservedError(
      `Capacity ${capacity} is below the ${p.reserved} places already held`,
      `容量 ${capacity} 小于已占用的 ${p.reserved} 个名额`,
    );
  }
  const at = deps.now();
  const event = newEvent(
    CapacityDeclared,
    { providerId: p.id, district: p.district, kind: p.kind, capacity, ...(capacity > p.reserved ? { releasedProviderId: p.id } : {}) },
    { correlationId: p.id, causationId: requestId },
    `${p.id}:capacity:${capacity}:${at.getTime()}`,
    at,
  );
  try {
    await deps.store.commit([deps.store.setCapacity(p.id, capacity)], [event], at);
  } catch (err) {
    if (err instanceof TransactionConflictError && err.failed.includes(`capacity:${p.id}`)) {
      throw new CapacityBelowReservedError('Places were taken meanwhile; capacity is below them', '名额已被占用，容量低于已占用数');
    }
    throw err;
  }
  return { ...p, capacity };
}
