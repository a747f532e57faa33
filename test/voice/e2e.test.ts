/**
 * Spoken commands through the real voice pipeline, end to end: espeak-ng
 * speaks them, road noise at 10 dB SNR is mixed in, the car-biased
 * pocketsphinx model hears them, the agent acts, espeak-ng answers. A dozen
 * commands across the intents; the whole corpus is bench/voice.ts's job.
 *
 * Debian's English acoustic model mishears espeak-ng's voice often (task
 * success about a third at 10 dB, far from the 90% the project wants; see
 * bench/voice.ts), so this test does not claim accuracy. It checks what must
 * hold whatever the recogniser hears: every command goes through the whole
 * pipeline to a turn and reply audio, and every command the recogniser heard
 * word for word leads to the right tool call.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { loadCorpus, createVoiceHarness, normaliseWords, type SpokenCommand, type SpokenRun } from './corpus.ts';
import { commandAudio, installHint, missingAudioTools } from './audio.ts';

const SUBSET = [
  'nav-01', // Take me to People's Square
  'nav-04', // I need to go to Zhongshan Park
  'nav-street-02', // take me to Maple Road
  'nav-street-16', // take me to Century Avenue and avoid the highways
  'parking-05', // find parking under 10 yuan an hour
  'parking-08', // I need parking for less than 8 yuan an hour
  'food-02', // I want Sichuan food
  'food-route-01', // find a noodle place on the way
  'light-01', // what is the traffic light doing
  'status-01', // when will we arrive
  'pref-05', // always avoid highways
  'cancel-01', // cancel the navigation
] as const;

const corpus = loadCorpus();
const chosen = SUBSET.map((id) => {
  const index = corpus.findIndex((c) => c.id === id);
  if (index < 0) throw new Error(`test/voice/corpus.json has no command ${id}`);
  return { command: corpus[index]!, index };
});

let harness: ReturnType<typeof createVoiceHarness>;

before(async () => {
  const missing = await missingAudioTools();
  if (missing.length > 0) assert.fail(installHint(missing));
  harness = createVoiceHarness();
});

async function hear(command: SpokenCommand, index: number, snrDb: number | null): Promise<SpokenRun> {
  const audio = await commandAudio(command, index, snrDb);
  return harness.run(command, audio, 'biased');
}

function explain(command: SpokenCommand, run: SpokenRun): string {
  return `"${command.text}" was heard as "${run.transcript}" and led to ${run.got}; expected ${command.expect.tool} ${JSON.stringify(command.expect.slots)}`;
}

for (const [snrDb, label] of [[null, 'clean'], [10, 'with road noise at 10 dB SNR']] as const) {
  test(`spoken commands go through the whole pipeline, and those heard word for word reach the right tool, ${label}`, async () => {
    const failures: string[] = [];
    let heardExactly = 0;
    for (const { command, index } of chosen) {
      const run = await hear(command, index, snrDb);
      assert.ok(Number.isFinite(run.speechEndToFirstAudioMs) && run.speechEndToFirstAudioMs > 0, `"${command.text}": no reply audio`);
      if (normaliseWords(run.transcript).join(' ') === normaliseWords(command.text).join(' ')) {
        heardExactly++;
        if (!run.success) failures.push(explain(command, run));
      }
    }
    assert.deepEqual(failures, [], `${heardExactly} of ${chosen.length} heard word for word`);
  });
}
