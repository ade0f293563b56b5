/** Public surface of the API layer: the contract, its validation and its errors. */
export * from './contract.js';
export * from './errors.js';
export * from './dispatch.js';
export * from './security.js';
export * from './quant.js';
export * from './history.js';
export * from './device.js';
export * from './report.js';
export * from './studio.js';
