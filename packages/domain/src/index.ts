export * from './divisions';
export * from './errors';
export * from './geo';
export * from './id-number';
export * from './json-schema';
export * from './programmes';
export * from './schemas';
export * from './status';
