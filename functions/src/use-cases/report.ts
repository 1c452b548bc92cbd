import { type ApplicationStatus, type ApplicationType, type LatLng, policyVersionOf, programmeOf, ROUND_TYPES } from '@huimin/domain';
import type { ApplicationRecord, ProviderRecord } from '@huimin/store';
import type { Actor } from '../lib/actor';
import type { Deps } from '../lib/config';
import type { SupplyDemandReport } from '../views';
import { demandOf } from './candidates';
import { solveDistrict } from './district';

/** Applications that still want a place (assessed eligible, not finished, not withdrawn). */
export const DEMAND_STATUSES: readonly ApplicationStatus[] = ['AWAITING_APPROVAL', 'MATCHING', 'OFFERED', 'ACTIVE', 'WAITLISTED'];

/**
 * Grids: until the districts' grid (网格) boundaries are loaded, a grid is a cell of 0.01° × 0.01°
 * (about 1.1 × 0.95 km here) inside a street, named by its south-west corner.
 */
export function gridOf(street: string, p: LatLng): string {
  return `${street} ${(Math.floor(p.lat * 100) / 100).toFixed(2)}N ${(Math.floor(p.lng * 100) / 100).toFixed(2)}E`;
}

interface Figures {
  demand: number;
  capacity: number;
  served: number;
  unmet: number;
  spare: number;
  /** What counting applications against places in the same area alone would call unmet. */
  naiveUnmet: number;
}

const zero = (): Figures => ({ demand: 0, capacity: 0, served: 0, unmet: 0, spare: 0, naiveUnmet: 0 });

function finish(f: Figures): Figures {
  return { ...f, unmet: f.demand - f.served, naiveUnmet: Math.max(0, f.demand - f.capacity) };
}

/**
 * Supply and demand of one programme by street and grid, in its capacity unit (places; hours a
 * month), with "served" taken from the best possible district-wide allocation over all capacity
 * (not just what is free): unmet demand is what no allocation could serve within reach, and spare
 * capacity is what no resident in reach needs.
 */
export async function supplyDemand(deps: Deps, actor: Extract<Actor, { role: 'staff' }>, type: ApplicationType) {
  const [lists, providers] = await Promise.all([
    Promise.all(DEMAND_STATUSES.map((s) => deps.store.listAllApplicationsByDistrictTypeStatus(actor.district, type, s))),
    deps.store.listAllProvidersByDistrict(actor.district, type),
  ]);
  return supplyDemandReport(actor.district, latestOfEach(lists.flat()), providers, deps.now(), type);
}

/**
 * The per-status reads run side by side, so an application that moves from one status to another
 * between them (MATCHING → OFFERED) can be read in both: it counts once, as its later version.
 */
export function latestOfEach(apps: readonly ApplicationRecord[]): ApplicationRecord[] {
  const byId = new Map<string, ApplicationRecord>();
  for (const app of apps) {
    const seen = byId.get(app.id);
    if (!seen || app.version > seen.version) byId.set(app.id, app);
  }
  return [...byId.values()];
}

/** The report itself, from the district's open applications and its providers of the programme. */
export function supplyDemandReport(
  district: string,
  apps: ApplicationRecord[],
  providers: ProviderRecord[],
  at: Date,
  type: ApplicationType = ROUND_TYPES[0],
): SupplyDemandReport {
  const solution = solveDistrict(type, apps, providers, (p) => p.capacity, at);
  const programme = programmeOf(type);

  const streets = new Map<string, { figures: Figures; grids: Map<string, Figures> }>();
  const cell = (street: string, grid: string) => {
    const s = streets.get(street) ?? { figures: zero(), grids: new Map<string, Figures>() };
    streets.set(street, s);
    const g = s.grids.get(grid) ?? zero();
    s.grids.set(grid, g);
    return [s.figures, g] as const;
  };
  for (const app of apps) {
    const demand = demandOf(app);
    const served = solution.chosen.get(app.id) ? demand : 0;
    for (const f of cell(app.street, gridOf(app.street, app.subject.address.location))) {
      f.demand += demand;
      f.served += served;
    }
  }
  const spareProviders: { id: string; name: string; street: string; capacity: number; used: number; spare: number }[] = [];
  for (const p of providers) {
    const used = solution.used.get(p.id) ?? 0;
    for (const f of cell(p.street, gridOf(p.street, p.location))) {
      f.capacity += p.capacity;
      f.spare += p.capacity - used;
    }
    if (p.capacity > used) spareProviders.push({ id: p.id, name: p.name, street: p.street, capacity: p.capacity, used, spare: p.capacity - used });
  }

  const streetRows = [...streets.entries()]
    .map(([street, s]) => ({
      street,
      ...finish(s.figures),
      grids: [...s.grids.entries()].map(([grid, g]) => ({ grid, ...finish(g) })).sort((a, b) => b.unmet - a.unmet || a.grid.localeCompare(b.grid)),
    }))
    .sort((a, b) => b.unmet - a.unmet || a.street.localeCompare(b.street, 'zh-CN'));
  const sum = zero();
  for (const r of streetRows) {
    sum.demand += r.demand;
    sum.capacity += r.capacity;
    sum.served += r.served;
    sum.spare += r.spare;
  }
  const totals = finish(sum);
  return {
    district,
    kind: type,
    unit: programme.capacity.unit,
    generatedAt: at.toISOString(),
    policyVersion: policyVersionOf(solution.policy),
    method:
      'served = the allocation that serves the most demand (places; or hours, each resident wholly at one provider) within reach, then the least distance weighted by priority (min-cost flow; for hours, from the exact optimum of the relaxation, which boundServed reports); grids are 0.01° cells until grid boundaries are loaded',
    methodZh:
      '已满足＝在服务范围内满足需求最多（名额；或小时数，每位老人整体由一家机构服务）、再按优先级加权距离最短的全区分配（最小费用流；小时数以松弛问题的精确最优为上界，见 boundServed）；网格暂按0.01°方格划分',
    streets: streetRows,
    totals: { ...totals, naiveUnmet: streetRows.reduce((n, r) => n + r.naiveUnmet, 0) },
    spareProviders: spareProviders.sort((a, b) => b.spare - a.spare).slice(0, 20),
    boundServed: solution.boundUnits,
  };
}
