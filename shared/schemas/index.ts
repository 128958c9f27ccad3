export * from './agent.js';
export * from './auth.js';
export * from './common.js';
export * from './enrollment.js';
export * from './policy.js';
export * from './tickets.js';
export * from './units.js';
export * from './users.js';
