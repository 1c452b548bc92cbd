import {
  type AnyProgramme,
  APPLICATION_MACHINE,
  APPLICATION_STATUSES,
  type ApplicationType,
  DISTRICTS,
  isTerminal,
  PROGRAMMES,
  policyOn,
  policyVersionOf,
  programmeOf,
  RELATIONSHIP_LABELS,
  STATUS_SHORT_LABELS,
} from '@huimin/domain';
import type { Deps } from '../lib/config';
import type { ProgrammeList, ProgrammeView, ProviderDirectory } from '../views';

function visitsOf(p: AnyProgramme, at: Date): ProgrammeView['visits'] {
  const rules = p.visitRules?.(at);
  return rules ? { radiusMetres: rules.radiusMetres, maxVisitHours: rules.maxVisitHours, recordingDays: rules.recordingDays } : null;
}

/** GET /programmes: the registry's public part, with the policy in force today. */
export function programmeViews(at: Date): ProgrammeView[] {
  return PROGRAMMES.map((p) => {
    const policy = policyOn(p.policies, at);
    return {
      type: p.type,
      name: p.name.en,
      nameZh: p.name.zh,
      open: p.open,
      rounds: p.rounds !== false,
      roundMechanism: p.rounds === false ? null : p.rounds,
      offersBy: p.offersBy,
      offerAnsweredBy: p.offerAnsweredBy,
      policyVersion: policyVersionOf(policy),
      policyName: p.policyName,
      subjectNoun: p.subjectNoun,
      effectiveFrom: policy.effectiveFrom,
      providerNoun: p.providerNoun,
      capacity: { field: p.capacity.field, unit: p.capacity.unit, free: p.capacity.free, ...(p.capacity.classes ? { classes: p.capacity.classes.map((c) => ({ ...c })) } : {}) },
      subsidyUnit: p.subsidyUnit,
      visits: visitsOf(p, at),
      needsFields: p.needsFields.map((f) => ({ ...f })),
      figures: p.publicFigures(at),
    };
  });
}

const codes = (table: Record<string, { zh: string; en: string }>) => Object.entries(table).map(([code, l]) => ({ code, ...l }));

export function vocabulary(): ProgrammeList['vocabulary'] {
  return {
    applicationStatuses: APPLICATION_STATUSES.map((code) => ({ code, ...STATUS_SHORT_LABELS.application[code], terminal: isTerminal(APPLICATION_MACHINE, code) })),
    assignmentStatuses: codes(STATUS_SHORT_LABELS.assignment),
    subsidyStatuses: codes(STATUS_SHORT_LABELS.subsidy),
    relationships: codes(RELATIONSHIP_LABELS),
    districts: DISTRICTS.map((d) => ({
      code: d.code,
      zh: d.name,
      en: d.nameEn,
      streets: (d.streets ?? []).map((s) => ({ name: s.name, nameEn: s.nameEn, location: { lat: s.lat, lng: s.lng } })),
    })),
  };
}

/**
 * GET /programmes/{type}/providers?district=: what a family needs to choose providers by name (ranked
 * nurseries): name, street, position and declared places — never what is free or who holds it.
 */
export async function directoryOf(deps: Deps, type: ApplicationType, district: string): Promise<ProviderDirectory['items']> {
  const classes = programmeOf(type).capacity.classes;
  const providers = await deps.store.listAllProvidersByDistrict(district, type);
  return providers.map((p) => ({
    id: p.id,
    name: p.name,
    street: p.street,
    location: p.location,
    capacity: p.capacity,
    ...(classes ? { classes: classes.map((c) => ({ code: c.code, label: c.label, capacity: p.pools?.[c.code]?.capacity ?? 0 })) } : {}),
  }));
}
