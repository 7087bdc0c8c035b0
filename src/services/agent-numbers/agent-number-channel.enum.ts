/** A channel: which config of an agent number a change applies to, and the channel of a conversation. */
export enum AgentNumberChannel {
  SMS = "SMS",
  WHATSAPP = "WHATSAPP",
}
