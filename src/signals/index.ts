// Traffic lights: the model, decoders (SAE J2735, T/CSAE 53), the store, matching, countdown and speed advice.
// Feeds (MQTT, HTTP/WebSocket push, replay) and the SUMO harness are adapters: import them from their folders.
export * from './model.ts';
export { decodeJ2735, encodeJ2735, decodeSignalMessage, fromOdeJson, fromXer, toModel as j2735ToModel } from './j2735/index.ts';
export { decodeCsaeFrame, encodeCsaeFrame } from './csae53/index.ts';
export { SignalStore, STALE_AFTER_MS, DROP_REASONS } from './store.ts';
export { SignalMatcher, INITIAL_MATCH_STATE, mainSignalGroup, maneuverForTurn } from './matching.ts';
export type { VehicleFix, MatcherOptions, MatchState, MatchContext, SignalMatch, MatchResult } from './matching.ts';
export {
  SignalHistory,
  countdown,
  countdownText,
  estimateChange,
  predictPhases,
  nextGreen,
  lightOf,
  HIDE_FINAL_GO_S,
  HIDE_FINAL_RED_S,
  HIDE_NEAR_STOP_LINE_M,
} from './countdown.ts';
export type { Light, CountdownDisplay, CountdownMemory, CountdownInput, ChangeEstimate, PhaseSpan, SpeakableText } from './countdown.ts';
export {
  adviseSpeed,
  greenWindows,
  greenReminder,
  redLightWarning,
  speedText,
  PREPARE_TO_STOP,
  LIGHT_TURNED_GREEN,
  BRAKE_NOW,
  CANNOT_STOP,
} from './advice.ts';
export type { SpeedAdvice, SpeedAdviceInput, GreenReminderInput, RedLightWarning, RedLightWarningInput } from './advice.ts';
export { createSignalSimulator } from './simulator.ts';
