export enum SmsSender {
  USER = "USER",
  AGENT = "AGENT",
}
