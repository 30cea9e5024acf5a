/**
 * Messages for units, as the unit tree delivers them: each unit in its own group, or, without
 * one, in its nearest ancestor's group with the text saying for whom. One row per chat.
 */
import type { Trx } from '../../db/types';
import { tree } from '../../messages/vi';
import type { OutboundMessage } from '../channel';
import { enqueue, type EnqueueOptions } from '../outbox/enqueue';
import { deliveries, type Delivery } from './targets';

/** The text as a chat reads it: prefixed "Thay mặt …" when it relays for units below it. */
export function forDelivery(text: string, d: Delivery): string {
  if (d.onBehalf.length === 0) return text;
  const names = d.onBehalf.map((u) => u.name);
  return d.own ? `${text}\n\n${tree.alsoFor(names)}` : `${tree.onBehalfOf(names)}\n${text}`;
}

/**
 * Enqueues a message for these units, one row per chat (chats with the same text share an
 * insert). `text` may depend on the delivery (a digest of the units it relays for). Returns
 * where it went and the units no chat reaches.
 */
export async function sendToUnits(
  trx: Trx,
  unitIds: number[],
  text: string | ((d: Delivery) => string),
  options: EnqueueOptions,
  /** What else the message carries (an urgent broadcast). */
  extra: Omit<OutboundMessage, 'text'> = {},
): Promise<{ reached: Delivery[]; unreachable: number[] }> {
  const { deliveries: reached, unreachable } = await deliveries(trx, unitIds);
  const byText = new Map<string, Delivery[]>();
  for (const d of reached) {
    const t = typeof text === 'string' ? forDelivery(text, d) : text(d);
    byText.set(t, [...(byText.get(t) ?? []), d]);
  }
  for (const [t, targets] of byText) await enqueue(trx, targets, { ...extra, text: t }, options);
  return { reached, unreachable };
}
