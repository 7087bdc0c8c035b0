import type { OutboundDeliveryPort } from "./outbound-delivery.port";

/**
 * The default: the message stays recorded with delivery status QUEUED, for an SMS provider
 * integration to pick up (and mark SENT or FAILED).
 */
export class QueuedDeliveryAdapter implements OutboundDeliveryPort {
  async handOff(): Promise<void> {}
}
