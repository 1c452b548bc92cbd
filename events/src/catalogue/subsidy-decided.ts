import { z } from 'zod';
import { applicationStatusField, defineEvent } from '../define';

const data = z.object({
  subsidyId: z.string(),
  applicationId: z.string(),
  district: z.string(),
  decidedBy: z.string(),
  applicationStatus: applicationStatusField,
});

export const SubsidyApproved = defineEvent({
  detailType: 'SubsidyApproved',
  version: 1,
  description: 'Staff approved a subsidy; the application goes on to matching.',
  data,
  exampleData: { subsidyId: 's1', applicationId: 'a1b2c3', district: '320113', decidedBy: 'staff-1', applicationStatus: 'MATCHING' },
});

export const SubsidyRejected = defineEvent({
  detailType: 'SubsidyRejected',
  version: 1,
  description: 'Staff rejected a subsidy; the application ends as REJECTED.',
  data: data.extend({ reason: z.string() }),
  exampleData: {
    subsidyId: 's1',
    applicationId: 'a1b2c3',
    district: '320113',
    decidedBy: 'staff-1',
    reason: '户籍核查未通过',
    applicationStatus: 'REJECTED',
  },
});
