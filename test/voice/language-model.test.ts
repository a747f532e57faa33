import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  buildCarLanguageModel,
  carPhrases,
  logProbability,
  parseArpa,
  pinyinToPhones,
  PocketsphinxRecognizer,
  spokenWords,
  toArpa,
  trainNgramModel,
} from '../../src/voice/index.ts';
import { requirePocketsphinx, spoken, tempDir } from './support.ts';

const VOCABULARY = { streets: ['Wutong Road', "Yan'an Road", 'Renmin Road', '2nd Oak Street'], places: ["People's Square", 'Willow Road Car Park'] };

test('spells numbers and ordinals out as the recogniser hears them', () => {
  assert.deepEqual(spokenWords('2nd Oak Street'), ['second', 'oak', 'street']);
  assert.deepEqual(spokenWords('under 25 yuan'), ['under', 'twenty', 'five', 'yuan']);
  assert.deepEqual(spokenWords("Yan'an Road"), ["yan'an", 'road']);
});

test('writes ARPA whose header counts match its sections', () => {
  const text = toArpa(trainNgramModel(carPhrases(VOCABULARY)));
  const model = parseArpa(text);
  assert.equal(model.order, 3);
  for (const [i, g] of model.grams.entries()) assert.match(text, new RegExp(`ngram ${i + 1}=${g.size}\\n`));
  assert.ok(model.grams[2]!.has('parking near the'));
});

test('gives every context a probability distribution that sums to one', () => {
  const model = parseArpa(toArpa(trainNgramModel(carPhrases(VOCABULARY))));
  const vocabulary = [...model.grams[0]!.keys()].filter((w) => w !== '<s>');
  for (const history of [['<s>'], ['find', 'parking'], ['near'], ['<s>', 'take'], ['wutong', 'road'], ['yuan'], ['oak', 'unseen']]) {
    let sum = 0;
    for (const w of vocabulary) sum += 10 ** logProbability(model, history, w);
    assert.ok(Math.abs(sum - 1) < 2e-3, `P(·|${history.join(' ')}) sums to ${sum}`);
  }
});

test('prefers the car phrasing to a jumble of the same words', () => {
  const model = parseArpa(toArpa(trainNgramModel(carPhrases(VOCABULARY))));
  const score = (s: string): number => {
    const words = ['<s>', ...s.split(' '), '</s>'];
    let total = 0;
    for (let i = 1; i < words.length; i++) total += logProbability(model, words.slice(0, i), words[i]!);
    return total;
  };
  assert.ok(score('find parking near wutong road') > score('road parking wutong near find') + 5);
});

test('reads pinyin street names as sane CMU phones', () => {
  assert.deepEqual(pinyinToPhones('wutong'), ['W', 'UW', 'T', 'UH', 'NG']);
  assert.deepEqual(pinyinToPhones('renmin'), ['R', 'AH', 'N', 'M', 'IY', 'N']);
  assert.deepEqual(pinyinToPhones("yan'an"), ['Y', 'EH', 'N', 'AA', 'N']);
  assert.deepEqual(pinyinToPhones('xiangzhang'), ['SH', 'Y', 'AA', 'NG', 'JH', 'AA', 'NG']);
  assert.deepEqual(pinyinToPhones('zhongshan'), ['JH', 'UH', 'NG', 'SH', 'AA', 'N']);
  assert.deepEqual(pinyinToPhones('qingyun'), ['CH', 'IY', 'NG', 'Y', 'UW', 'N']);
  assert.equal(pinyinToPhones('street'), undefined);
  assert.equal(pinyinToPhones('parking'), undefined);
});

test('builds a model and dictionary pocketsphinx loads and decodes with', async () => {
  requirePocketsphinx();
  const built = buildCarLanguageModel(VOCABULARY, { cacheDir: tempDir() });
  assert.equal(built.cached, false);
  const dictionary = readFileSync(built.dict, 'utf8');
  assert.match(dictionary, /^wutong W UW T UH NG$/m);
  assert.match(dictionary, /^parking P AA R K IH NG$/m);
  const { pcm } = await spoken('find parking near the destination');
  const heard = await new PocketsphinxRecognizer({ lm: built.lm, dict: built.dict }).transcribe(pcm, 16000);
  assert.equal(heard.text, 'find parking near the destination');
  assert.equal(buildCarLanguageModel(VOCABULARY, { cacheDir: built.lm.replace(/\/[^/]+$/, '') }).cached, true);
});
