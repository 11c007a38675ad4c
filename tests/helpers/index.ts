export * from './emulator.js';
export * from './ha.js';
export * from './mqtt.js';
export * from './logs.js';
export * from './stack.js';
export { startStack, type Stack, type StackInfo, type StackOptions } from '../stack/stack.js';
