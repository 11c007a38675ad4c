import type { DeviceKind } from '../../config/kinds/index.js';
import type { KindEmitter } from '../context.js';
import { ledStrip } from './led-strip.js';
import { presenceNode } from './presence-node.js';
import { reminderButton } from './reminder-button.js';

/** kind → emitter. A fourth kind is one new file in this folder plus its line here (the type insists). */
export const EMITTERS: { readonly [K in DeviceKind]: KindEmitter<K> } = {
  'reminder-button': reminderButton,
  'presence-node': presenceNode,
  'led-strip': ledStrip,
};

export function emitterFor<K extends DeviceKind>(kind: K): KindEmitter<K> {
  return EMITTERS[kind];
}
