export * from './bus';
export * from './dynamo';
export * from './event-pattern';
export * from './seed';
export * from './stack';
export * from './tokens';
