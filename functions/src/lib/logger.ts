import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Residents' ID numbers, phone numbers, addresses and names never reach a log. Handlers do not log
 * records, and as a second line this replacer masks sensitive keys (a whole applicant or subject
 * with them) and anything shaped like an ID or mobile number wherever it appears. (`name` alone is
 * kept: an error's name is what an operator reads first.)
 */
const SENSITIVE_KEYS = new Set(['idNumber', 'phone', 'address', 'detail', 'authorization', 'Authorization', 'applicant', 'subject', 'subjectName', 'applicantName']);
const ID_NUMBER = /\b\d{17}[\dXx]\b/g;
const MOBILE = /\b1[3-9]\d{9}\b/g;

export function redact(key: string, value: unknown): unknown {
  if (SENSITIVE_KEYS.has(key) && value !== undefined && value !== null) return '[REDACTED]';
  // A home's coordinates are an address; the logger's own `location` (file:line of an error) is not.
  if (key === 'location' && typeof value === 'object' && value !== null) return '[REDACTED]';
  if (typeof value === 'string') return value.replace(ID_NUMBER, '[ID]').replace(MOBILE, '[PHONE]');
  return value;
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'huimin', jsonReplacerFn: redact });
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Huimin', serviceName: 'huimin' });
