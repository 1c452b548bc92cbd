import { randomUUID } from 'node:crypto';
import { type CapacityInput, ConflictError, ForbiddenError, isKnownStreet, NotFoundError, type ProviderInput, programmeOf, ValidationError } from '@huimin/domain';
import { CapacityDeclared } from '@huimin/events';
import { type ProviderRecord, Providers, TransactionConflictError } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { ProviderView } from '../views';

export async function registerProvider(deps: Deps, actor: Extract<Actor, { role: 'staff' }>, input: ProviderInput, requestId: string): Promise<ProviderView> {
  const programme = programmeOf(input.kind);
  const declaration = programme.declarationSchema.parse(input);
  const issues = [
    ...(isKnownStreet(actor.district, input.street) ? [] : [{ path: 'street', message: `该区没有此街道：${input.street} / No street ${input.street} in district ${actor.district}` }]),
    ...(programme.declarationIssues?.(actor.district, declaration) ?? []),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  const capacity = capacityFrom(programme.capacity.field, input);
  const at = deps.now();
  const provider: ProviderRecord = {
    id: randomUUID(),
    name: input.name,
    kind: input.kind,
    street: input.street,
    location: input.location,
    ...(input.phone ? { phone: input.phone } : {}),
    ...declaration,
    district: actor.district,
    capacity,
    reserved: 0,
    available: capacity,
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

/** The capacity a body gives under the programme's own field (`capacity`, `hoursPerMonth`, …), or 400 naming it. */
function capacityFrom(field: string, body: object): number {
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'number') {
    throw new ValidationError([{ path: field, message: `请填写 ${field}（该服务的容量）/ This provider's capacity is given as ${field}` }]);
  }
  return value;
}

export class CapacityBelowReservedError extends ConflictError {
  override readonly code = 'CAPACITY_BELOW_RESERVED';
}

/**
 * A provider sets its own capacity; staff may set any provider's in their district. The new figure
 * may not fall below the places already held; when places open up, waitlisted applications wake.
 */
export async function declareCapacity(
  deps: Deps,
  actor: Extract<Actor, { role: 'provider' | 'staff' }>,
  providerId: string,
  input: CapacityInput,
  requestId: string,
): Promise<ProviderView> {
  const p = await deps.store.getProvider(providerId);
  if (!p) throw new NotFoundError('Provider', '该服务机构');
  if (actor.role === 'provider' && actor.providerId !== p.id) throw new NotFoundError('Provider', '该服务机构');
  if (actor.role === 'staff' && actor.district !== p.district) throw new ForbiddenError('This provider belongs to another district', '该服务机构属于其他区县');
  const capacity = capacityFrom(programmeOf(p.kind).capacity.field, input);
  if (capacity < p.reserved) {
    throw new CapacityBelowReservedError(
      `Capacity ${capacity} is below the ${p.reserved} ${programmeOf(p.kind).capacity.unit.en} already held`,
      `容量 ${capacity} 小于已占用的 ${p.reserved} ${programmeOf(p.kind).capacity.unit.zh}`,
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
  return { ...p, capacity, available: capacity - p.reserved };
}
