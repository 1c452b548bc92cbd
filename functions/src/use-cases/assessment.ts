import { randomUUID } from 'node:crypto';
import { programmeOf, recordedEligibility } from '@huimin/domain';
import { EligibilityAssessed } from '@huimin/events';
import { Subsidies, type SubsidyRecord, type TxOp } from '@huimin/store';
import type { Deps } from '../lib/config';
import { type Cause, newEvent } from '../lib/events';
import { commitOnce, type Outcome } from './consume';
import { applicationWrites, moveApplication } from './history';

/**
 * Applies the policy in force of the application's programme. A subsidy above zero waits for staff
 * unless the resident is on the district's low-income registry (免申即享).
 */
export async function assessEligibility(deps: Deps, applicationId: string, eventId: string, cause: Cause): Promise<Outcome> {
  const { store, now } = deps;
  const app = await store.getApplication(applicationId);
  if (app?.status !== 'SUBMITTED') return 'stale';
  const at = now();
  const lowIncome = await store.isOnLowIncomeRegistry(app.district, app.subject.idNumber);
  const programme = programmeOf(app.type);
  const decision = programme.assess({ birthDate: app.subject.birthDate, district: app.district, street: app.street, lowIncome, needs: app.needs }, at);
  const eligibility = recordedEligibility(decision, lowIncome);
  const ops: TxOp[] = [];
  let subsidy: SubsidyRecord | undefined;
  if (decision.eligible && decision.subsidyStatus) {
    const iso = at.toISOString();
    subsidy = {
      id: randomUUID(),
      applicationId: app.id,
      type: app.type,
      district: app.district,
      street: app.street,
      subjectName: app.subject.name,
      status: decision.subsidyStatus,
      amount: decision.subsidyPerUnit,
      currency: 'CNY',
      unit: programme.subsidyUnit.code,
      policyVersion: decision.policyVersion,
      createdAt: iso,
      updatedAt: iso,
      version: 1,
      ...(decision.subsidyStatus === 'APPROVED' ? { decidedBy: 'policy:autoApproveLowIncome' } : {}),
    };
    ops.push(store.create('subsidy', Subsidies, subsidy));
  }
  const to = !decision.eligible ? 'INELIGIBLE' : decision.subsidyStatus === 'PENDING' ? 'AWAITING_APPROVAL' : 'MATCHING';
  const firstFailure = decision.reasons.find((r) => r.field);
  const next = moveApplication(
    app,
    to,
    at,
    { eligibility, ...(subsidy ? { subsidy: { id: subsidy.id, status: subsidy.status, amount: subsidy.amount } } : {}) },
    firstFailure ? { note: firstFailure.message, noteZh: firstFailure.messageZh } : undefined,
  );
  ops.unshift(...applicationWrites(store, app, next));
  const event = newEvent(
    EligibilityAssessed,
    {
      applicationId: app.id,
      type: app.type,
      district: app.district,
      eligible: decision.eligible,
      policyVersion: decision.policyVersion,
      ...(subsidy ? { subsidyId: subsidy.id } : {}),
      subsidyAmount: subsidy?.amount ?? 0,
      applicationStatus: to,
    },
    cause,
    `${app.id}:${app.version + 1}`,
    at,
  );
  return commitOnce(deps, 'assessEligibility', eventId, ops, [event]);
}
