/**
 * J2735 SPaT/MAP in the JSON the USDOT ODE emits (`payload.data` of its
 * spatTx/mapTx records, with `payloadType` OdeSpatPayload / OdeMapPayload).
 * Accepts the whole record, its `payload`, or `payload.data`, as an object
 * or as JSON text. Naming differences from the ASN.1 are listed in
 * tree-reader.ts.
 */

import type { DecodeResult } from '../model.ts';
import { readTree } from './tree-reader.ts';
import type { J2735Frame } from './types.ts';

/** Reads the ODE's JSON form into J2735 values; never throws for bad input. */
export function fromOdeJson(input: string | object): DecodeResult<J2735Frame> {
  let tree: unknown = input;
  if (typeof input === 'string') {
    try {
      tree = JSON.parse(input);
    } catch (error) {
      return { ok: false, error: `ODE JSON: not JSON: ${(error as Error).message}` };
    }
  }
  let node = tree as Record<string, unknown> | null;
  if (node && typeof node === 'object' && 'payload' in node) node = node.payload as Record<string, unknown> | null;
  if (node && typeof node === 'object' && 'data' in node && 'dataType' in node) node = node.data as Record<string, unknown> | null;
  if (node && typeof node === 'object' && 'bytes' in node) {
    return { ok: false, error: 'ODE JSON: the record holds undecoded bytes (decode them with decodeJ2735)' };
  }
  return readTree(node, 'ode');
}
