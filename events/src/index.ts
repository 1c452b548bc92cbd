import { AllocationRoundRequested } from './catalogue/allocation-round-requested';
import { ApplicationCancelled, ApplicationRequeued, ApplicationWaitlisted } from './catalogue/application-events';
import { ApplicationSubmitted } from './catalogue/application-submitted';
import {
  AssignmentAccepted,
  AssignmentCompleted,
  AssignmentDeclined,
  AssignmentExpired,
  AssignmentOffered,
  VisitRecorded,
} from './catalogue/assignment-events';
import { CapacityDeclared } from './catalogue/capacity-declared';
import { EligibilityAssessed } from './catalogue/eligibility-assessed';
import { JobStepRecorded, SettlementApproved } from './catalogue/job-and-settlement-events';
import { SubsidyApproved, SubsidyRejected } from './catalogue/subsidy-decided';
import type { EventDefinition } from './define';

export * from './define';
export {
  AllocationRoundRequested,
  ApplicationCancelled,
  ApplicationRequeued,
  ApplicationSubmitted,
  ApplicationWaitlisted,
  AssignmentAccepted,
  AssignmentCompleted,
  AssignmentDeclined,
  AssignmentExpired,
  AssignmentOffered,
  CapacityDeclared,
  EligibilityAssessed,
  JobStepRecorded,
  SettlementApproved,
  SubsidyApproved,
  SubsidyRejected,
  VisitRecorded,
};

/** The catalogue: every detail-type this system publishes. */
export const EVENT_CATALOGUE: readonly EventDefinition[] = [
  ApplicationSubmitted,
  EligibilityAssessed,
  SubsidyApproved,
  SubsidyRejected,
  AssignmentOffered,
  AssignmentAccepted,
  AssignmentDeclined,
  AssignmentCompleted,
  AssignmentExpired,
  ApplicationWaitlisted,
  ApplicationRequeued,
  ApplicationCancelled,
  CapacityDeclared,
  AllocationRoundRequested,
  VisitRecorded,
  JobStepRecorded,
  SettlementApproved,
];

export function findEventDefinition(detailType: string): EventDefinition | undefined {
  return EVENT_CATALOGUE.find((e) => e.detailType === detailType);
}
