/**
 * Voice: offline speech in and out around the assistant. See docs/voice.md.
 */
export { createVoicePipeline, VoicePipeline } from './pipeline.ts';
export type { AudioPlayer, TurnTaker, VoicePipelineEvents, VoicePipelineOptions, VoiceTimings, VoiceTurn } from './pipeline.ts';
export { detectSpeech, frameFeatures, VoiceActivityDetector, DEFAULT_VAD_OPTIONS } from './vad.ts';
export type { FrameFeatures, SpeechSegment, VadEvent, VadOptions } from './vad.ts';
export { decodeWav, encodeWav, readWav, resample, writeWav } from './wav.ts';
export type { Pcm } from './wav.ts';
export { APT_INSTALL_HINT, EngineUnavailableError } from './engines.ts';
export type { SpeechRecognizer, SpeechSynthesizer, Transcription } from './engines.ts';
export { DEBIAN_EN_US_MODEL, PocketsphinxRecognizer, parsePocketsphinxOutput } from './pocketsphinx.ts';
export type { PocketsphinxOptions } from './pocketsphinx.ts';
export { EspeakSynthesizer } from './espeak.ts';
export type { EspeakOptions } from './espeak.ts';
export {
  buildCarLanguageModel,
  carPhrases,
  englishLetterToSound,
  logProbability,
  mapVocabulary,
  numberWords,
  parseArpa,
  parseCmudict,
  pinyinToPhones,
  pronunciationDictionary,
  spokenWords,
  toArpa,
  trainNgramModel,
} from './language-model.ts';
export type { CarLanguageModel, CarLanguageModelOptions, MapVocabulary, NgramModel, WeightedSentence } from './language-model.ts';
export { SherpaOnnxRecognizer } from './sherpa-onnx.ts';
export type { SherpaOnnxOptions } from './sherpa-onnx.ts';
export { OpenAiCompatibleRecognizer, OpenAiCompatibleSynthesizer, openAiVoiceConfigFromEnv } from './openai-compatible.ts';
export type { OpenAiVoiceConfig } from './openai-compatible.ts';
export { createCarRecognizer } from './setup.ts';
export type { CarRecognizerOptions } from './setup.ts';
