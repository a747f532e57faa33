/** Shared helpers for the J2735 tests: the real samples and a path-reporting comparison. */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const V2X = new URL('../../../shared/data/v2x/', import.meta.url);

/** Text of a file under ../shared/data/v2x/ (never copied into the repository). */
export function sampleText(path: string): string {
  return readFileSync(new URL(path, V2X), 'utf8');
}

export function sampleJson(path: string): unknown {
  return JSON.parse(sampleText(path));
}

export function sampleGunzip(path: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(new URL(path, V2X))));
}

/** The named hex payloads of j2735decoder/SampleHexPayloads.txt (BSM_1, SPaT_1, MAP_1, …). */
export function j2735decoderPayloads(): Map<string, string> {
  const payloads = new Map<string, string>();
  for (const match of sampleText('j2735decoder/SampleHexPayloads.txt').matchAll(/(\w+) = "([0-9a-fA-F]+)"/g)) {
    payloads.set(match[1]!, match[2]!);
  }
  return payloads;
}

/**
 * Walks `expected` and `actual` together and describes the first place they
 * differ (`$.intersections[0].states[3].stateTimeSpeed[0].timing.maxEndTime:
 * expected 22121, got 22120`), or returns undefined when they are equal.
 * Keys are compared both ways, so a field present on only one side counts.
 */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (expected instanceof Uint8Array || actual instanceof Uint8Array) {
    const same =
      expected instanceof Uint8Array &&
      actual instanceof Uint8Array &&
      expected.length === actual.length &&
      expected.every((byte, i) => actual[i] === byte);
    return same ? undefined : `${path}: byte strings differ`;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    if (expected.length !== actual.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const difference = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (isObject(expected) && isObject(actual)) {
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) return `${path}.${key}: expected ${show(expected[key])}, missing`;
      const difference = firstDifference(expected[key], actual[key], `${path}.${key}`);
      if (difference) return difference;
    }
    for (const key of Object.keys(actual)) {
      if (!(key in expected)) return `${path}.${key}: not expected, got ${show(actual[key])}`;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
