import type { Context, EventBridgeEvent, ScheduledEvent } from 'aws-lambda';

/** The little of a Lambda context that middy and the handlers read. */
export function fakeContext(functionName = 'huimin-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws-cn:lambda:cn-northwest-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'lambda-request-1',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type BusEvent = EventBridgeEvent<string, unknown>;

/** An EventBridge fixture (a JSON file under test-support/events/) as the consumer receives it. */
export function busEvent(fixture: BusEvent): BusEvent {
  return structuredClone(fixture);
}

type ScheduledFixture = Omit<ScheduledEvent, 'detail-type' | 'source'> & { 'detail-type': string; source: string };

/** A schedule fixture as the sweep receives it (EventBridge fixes its detail-type and source). */
export function scheduledEvent(fixture: ScheduledFixture): ScheduledEvent {
  if (fixture['detail-type'] !== 'Scheduled Event' || fixture.source !== 'aws.events') throw new Error('Not a scheduled-event fixture');
  return { ...structuredClone(fixture), 'detail-type': 'Scheduled Event', source: 'aws.events' };
}
