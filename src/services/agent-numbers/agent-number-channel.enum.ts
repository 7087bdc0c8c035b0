/** Which config of an agent number a change applies to. */
export enum AgentNumberChannel {
  SMS = "SMS",
  WHATSAPP = "WHATSAPP",
}
