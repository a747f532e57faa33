/**
 * J2735 SPaT/MAP in XER (the XML encoding rules, as the ODE and asn1c emit
 * it): a bare <MessageFrame>, <SPAT> or <MapData>, or one inside an ODE
 * <OdeAsn1Data> record (found under payload/data). Also accepts the same
 * tree already parsed to objects (xmltodict-style JSON, as the j2735decoder
 * samples are written).
 */

import { XMLParser } from 'fast-xml-parser';
import type { DecodeResult } from '../model.ts';
import { readTree } from './tree-reader.ts';
import type { J2735Frame } from './types.ts';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  // Keep every leaf as text: bit strings such as 0010 must not become numbers.
  parseTagValue: false,
  trimValues: true,
});

/** Reads XER text (or its parsed tree) into J2735 values; never throws for bad input. */
export function fromXer(input: string | object): DecodeResult<J2735Frame> {
  let tree: unknown;
  if (typeof input === 'string') {
    try {
      tree = parser.parse(input, true);
    } catch (error) {
      return { ok: false, error: `XER: not well-formed XML: ${(error as Error).message}` };
    }
  } else tree = input;
  return readTree(findMessage(tree), 'xer');
}

/** The node holding MessageFrame / SPAT / MapData, looking through an OdeAsn1Data envelope. */
function findMessage(tree: unknown): unknown {
  if (typeof tree !== 'object' || tree === null) return tree;
  const root = tree as Record<string, unknown>;
  const record = root.OdeAsn1Data as Record<string, unknown> | undefined;
  const payload = record?.payload as Record<string, unknown> | undefined;
  const data = payload?.data;
  return data !== undefined && typeof data === 'object' ? data : tree;
}
