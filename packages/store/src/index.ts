export * from './access';
export * from './client';
export * from './entities';
export * from './model';
export * from './outbox';
export * from './page-tokens';
export * from './store';
export * from './table';
