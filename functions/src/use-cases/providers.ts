import { randomUUID } from 'node:crypto';
import { type AnyProgramme, bi, type CapacityInput, ConflictError, ForbiddenError, isKnownStreet, type LatLng, locationProblem, NotFoundError, type ProviderInput, programmeOf, ValidationError } from '@huimin/domain';
import { CapacityDeclared } from '@huimin/events';
import { type ProviderRecord, Providers, TransactionConflictError } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import { newEvent } from '../lib/events';
import type { ProviderView } from '../views';

function locationIssues(district: string, street: string, location: LatLng): { path: string; message: string }[] {
  const problem = locationProblem(district, street, location);
  return problem ? [{ path: 'location', message: bi(problem.zh, problem.en) }] : [];
}

export async function registerProvider(deps: Deps, actor: Extract<Actor, { role: 'staff' }>, input: ProviderInput, requestId: string): Promise<ProviderView> {
  const programme = programmeOf(input.kind);
  const declaration = programme.declarationSchema.parse(input);
  const issues = [
    ...(isKnownStreet(actor.district, input.street) ? locationIssues(actor.district, input.street, input.location) : [{ path: 'street', message: `该区没有此街道：${input.street} / No street ${input.street} in district ${actor.district}` }]),
    ...(programme.declarationIssues?.(actor.district, declaration) ?? []),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  const { capacity, pools } = capacityFrom(programme, input);
  const at = deps.now();
  const provider: ProviderRecord = {
    id: randomUUID(),
    name: input.name,
    kind: input.kind,
    street: input.street,
    location: input.location,
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.address ? { address: input.address } : {}),
    ...(input.openingHours ? { openingHours: input.openingHours } : {}),
    ...declaration,
    district: actor.district,
    capacity,
    reserved: 0,
    available: capacity,
    ...(pools ? { pools: Object.fromEntries(Object.entries(pools).map(([code, n]) => [code, { capacity: n, reserved: 0, available: n }])) } : {}),
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

/**
 * The capacity a body gives under the programme's own field (`capacity`, `hoursPerMonth`, `places`…),
 * or 400 naming it. A programme with classes gives a count per class; the total is their sum.
 */
function capacityFrom(programme: AnyProgramme, body: object): { capacity: number; pools?: Record<string, number> } {
  const { field, classes } = programme.capacity;
  const value = (body as Record<string, unknown>)[field];
  if (classes) {
    const counts = value as Record<string, number> | undefined;
    const missing = classes.filter((c) => typeof counts?.[c.code] !== 'number');
    if (missing.length > 0) {
      throw new ValidationError(
        missing.map((c) => ({ path: `${field}.${c.code}`, message: `请填写${c.label.zh}的托位数 / Give the places of the ${c.label.en.toLowerCase()}` })),
      );
    }
    const pools = Object.fromEntries(classes.map((c) => [c.code, counts![c.code]!]));
    return { capacity: Object.values(pools).reduce((a, b) => a + b, 0), pools };
  }
  if (typeof value !== 'number') {
    throw new ValidationError([{ path: field, message: `请填写 ${field}（该服务的容量）/ This provider's capacity is given as ${field}` }]);
  }
  return { capacity: value };
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
  const programme = programmeOf(p.kind);
  const { capacity, pools } = capacityFrom(programme, input);
  const unit = programme.capacity.unit;
  const held = Object.entries(pools ?? {}).find(([code, n]) => n < (p.pools?.[code]?.reserved ?? 0));
  if (capacity < p.reserved || held) {
    throw new CapacityBelowReservedError(
      held
        ? `${held[0]}: ${held[1]} is below the ${p.pools?.[held[0]]?.reserved} ${unit.en} already held`
        : `Capacity ${capacity} is below the ${p.reserved} ${unit.en} already held`,
      held ? `${held[0]}：${held[1]} 小于已占用的 ${p.pools?.[held[0]]?.reserved} ${unit.zh}` : `容量 ${capacity} 小于已占用的 ${p.reserved} ${unit.zh}`,
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
    await deps.store.commit([deps.store.setCapacity(p.id, capacity, pools)], [event], at);
  } catch (err) {
    if (err instanceof TransactionConflictError && err.failed.includes(`capacity:${p.id}`)) {
      throw new CapacityBelowReservedError('Places were taken meanwhile; capacity is below them', '名额已被占用，容量低于已占用数');
    }
    throw err;
  }
  const nextPools = pools && Object.fromEntries(Object.entries(pools).map(([code, n]) => {
    const reserved = p.pools?.[code]?.reserved ?? 0;
    return [code, { capacity: n, reserved, available: n - reserved }];
  }));
  return { ...p, capacity, available: capacity - p.reserved, ...(nextPools ? { pools: nextPools } : {}) };
}
