/**
 * A small ASN.1 schema language over the UPER primitives in `../uper.ts`:
 * each constructor (`integer`, `enumerated`, `bitString`, `sequence`,
 * `sequenceOf`, `choice`, …) builds a codec that both decodes and encodes its
 * type, and the TypeScript type of a decoded value is inferred from the
 * codec (`Decoded<typeof X>`). The CSAE 53 message set in `schema.ts` is
 * written with it, so the ASN.1 there is the single source of truth for the
 * decoder, the encoder and the types.
 *
 * Extension markers (X.691 §19, §23, §14): an extensible SEQUENCE whose
 * extension bit is set has its additions skipped (they are open types); an
 * extensible CHOICE that selects an unknown alternative keeps the open type's
 * octets, so it round-trips; an extensible ENUMERATED beyond its root reads as
 * `rootCount + index`.
 */
import type { BitReader, BitWriter } from '../uper.ts';

/** Where the decoder is in the value (field names and list indices), for error messages. */
export type Path = (string | number)[];

/** Decodes and encodes one ASN.1 type; `shape` describes the type (for generators and tools). */
export interface Codec<T> {
  readonly shape: Shape;
  decode(reader: BitReader, path: Path): T;
  encode(writer: BitWriter, value: T): void;
}

/** The ASN.1 type a codec implements. */
export type Shape =
  | { kind: 'integer'; lower: number; upper: number }
  | { kind: 'enumerated'; rootCount: number; extensible: boolean }
  | { kind: 'bitString'; size: number }
  | { kind: 'extensibleBitString'; rootSize: number }
  | { kind: 'ia5String'; lower: number; upper: number }
  | { kind: 'sequence'; extensible: boolean; fields: { name: string; optional: boolean; codec: Codec<unknown> }[] }
  | { kind: 'sequenceOf'; item: Codec<unknown>; lower: number; upper: number }
  | { kind: 'choice'; extensible: boolean; alternatives: { name: string; codec: Codec<unknown> }[] };

/** The decoded type of a codec. */
export type Decoded<C> = C extends Codec<infer T> ? T : never;

/** Marks a SEQUENCE component as OPTIONAL. */
export interface Optional<T> {
  readonly optional: Codec<T>;
}

type Fields = Record<string, Codec<unknown> | Optional<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? never : K }[keyof F];
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends Optional<unknown> ? K : never }[keyof F];
type FieldType<C> = C extends Optional<infer T> ? T : C extends Codec<infer T> ? T : never;

/** The value of a SEQUENCE with components `F`. */
export type SequenceValue<F extends Fields> = Simplify<
  { [K in RequiredKeys<F>]: FieldType<F[K]> } & { [K in OptionalKeys<F>]?: FieldType<F[K]> }
>;

/** An alternative of an extensible CHOICE that this schema does not know: its index among the additions and its encoding. */
export interface UnknownAlternative {
  type: 'extension';
  index: number;
  encoded: Uint8Array;
}

type Alternatives = Record<string, Codec<unknown>>;

/** The value of a CHOICE with alternatives `A`: `{ type, value }`. */
export type ChoiceValue<A extends Alternatives> = { [K in keyof A & string]: { type: K; value: Decoded<A[K]> } }[keyof A &
  string];

/** INTEGER (lower..upper). */
export function integer(lower: number, upper: number): Codec<number> {
  return {
    shape: { kind: 'integer', lower, upper },
    decode: (reader) => reader.readConstrained(lower, upper),
    encode: (writer, value) => writer.writeConstrained(value, lower, upper),
  };
}

/**
 * ENUMERATED with values 0..rootCount-1 (every CSAE 53 enumeration numbers
 * its items 0, 1, 2, …), extensible or not.
 */
export function enumerated(rootCount: number, extensible: boolean): Codec<number> {
  return {
    shape: { kind: 'enumerated', rootCount, extensible },
    decode(reader) {
      if (extensible && reader.readBit()) return rootCount + reader.readNormallySmall();
      return reader.readConstrained(0, rootCount - 1);
    },
    encode(writer, value) {
      if (extensible) {
        const extended = value >= rootCount;
        writer.writeBit(extended);
        if (extended) {
          writer.writeNormallySmall(value - rootCount);
          return;
        }
      }
      writer.writeConstrained(value, 0, rootCount - 1);
    },
  };
}

/** BIT STRING (SIZE(size)), size ≤ 32, as an unsigned number whose most significant bit is bit 0. */
export function bitString(size: number): Codec<number> {
  return {
    shape: { kind: 'bitString', size },
    decode: (reader) => reader.readBitString(size),
    encode: (writer, value) => writer.writeBitString(value, size),
  };
}

/**
 * BIT STRING (SIZE(rootSize, ...)) as a string of '0'/'1' characters, bit 0
 * first; an extended size is a length determinant and then the bits.
 */
export function extensibleBitString(rootSize: number): Codec<string> {
  return {
    shape: { kind: 'extensibleBitString', rootSize },
    decode(reader) {
      const size = reader.readBit() ? reader.readLength() : rootSize;
      if (size > reader.bitsLeft) reader.fail(`bit string of ${size} bits, only ${reader.bitsLeft} left`);
      let bits = '';
      for (let k = 0; k < size; k++) bits += reader.readBit() ? '1' : '0';
      return bits;
    },
    encode(writer, bits) {
      if (!/^[01]*$/.test(bits)) throw new RangeError(`extensibleBitString: '${bits}' is not a string of bits`);
      const extended = bits.length !== rootSize;
      writer.writeBit(extended);
      if (extended) writer.writeLength(bits.length);
      for (let k = 0; k < bits.length; k++) writer.writeBit(bits.charCodeAt(k) === 49);
    },
  };
}

/** IA5String (SIZE(lower..upper)). */
export function ia5String(lower: number, upper: number): Codec<string> {
  return {
    shape: { kind: 'ia5String', lower, upper },
    decode: (reader) => reader.readString(lower, upper, 7),
    encode(writer, text) {
      if (!/^[\x00-\x7f]*$/.test(text)) throw new RangeError(`ia5String: '${text}' has characters outside IA5`);
      writer.writeString(text, lower, upper, 7);
    },
  };
}

/** Marks a SEQUENCE component OPTIONAL. */
export function optional<T>(codec: Codec<T>): Optional<T> {
  return { optional: codec };
}

/** SEQUENCE { fields } in the order given, with an extension marker when `extensible`. */
export function sequence<F extends Fields>(fields: F, extensible: boolean): Codec<SequenceValue<F>> {
  const entries = Object.entries(fields).map(([name, field]) =>
    'optional' in field
      ? { name, codec: field.optional, isOptional: true }
      : { name, codec: field as Codec<unknown>, isOptional: false },
  );
  const optionalCount = entries.filter((entry) => entry.isOptional).length;
  return {
    shape: {
      kind: 'sequence',
      extensible,
      fields: entries.map((entry) => ({ name: entry.name, optional: entry.isOptional, codec: entry.codec })),
    },
    decode(reader, path) {
      const extended = extensible && reader.readBit();
      const present = optionalCount === 0 ? 0 : reader.readBits(optionalCount);
      let bit = optionalCount;
      const value: Record<string, unknown> = {};
      for (const entry of entries) {
        if (entry.isOptional && ((present >>> --bit) & 1) === 0) continue;
        path.push(entry.name);
        value[entry.name] = entry.codec.decode(reader, path);
        path.pop();
      }
      // Additions from a later edition are open types: skipped, never misread.
      if (extended) reader.skipExtensionAdditions();
      return value as SequenceValue<F>;
    },
    encode(writer, value) {
      const record = value as Record<string, unknown>;
      if (extensible) writer.writeBit(false);
      for (const entry of entries) if (entry.isOptional) writer.writeBit(record[entry.name] !== undefined);
      for (const entry of entries) {
        const component = record[entry.name];
        if (component === undefined) {
          if (!entry.isOptional) throw new RangeError(`sequence: component '${entry.name}' is missing`);
          continue;
        }
        entry.codec.encode(writer, component);
      }
    },
  };
}

/** SEQUENCE (SIZE(lower..upper)) OF item. */
export function sequenceOf<T>(item: Codec<T>, lower: number, upper: number): Codec<T[]> {
  return {
    shape: { kind: 'sequenceOf', item, lower, upper },
    decode(reader, path) {
      const count = reader.readConstrained(lower, upper);
      const items: T[] = [];
      for (let k = 0; k < count; k++) {
        path.push(k);
        items.push(item.decode(reader, path));
        path.pop();
      }
      return items;
    },
    encode(writer, items) {
      writer.writeConstrained(items.length, lower, upper);
      for (const value of items) item.encode(writer, value);
    },
  };
}

/** CHOICE { alternatives } without an extension marker. */
export function choice<A extends Alternatives>(alternatives: A): Codec<ChoiceValue<A>> {
  return choiceCodec(alternatives, false) as Codec<ChoiceValue<A>>;
}

/** CHOICE { alternatives, ... }: an unknown alternative decodes as `{ type: 'extension' }`. */
export function extensibleChoice<A extends Alternatives>(alternatives: A): Codec<ChoiceValue<A> | UnknownAlternative> {
  return choiceCodec(alternatives, true);
}

function choiceCodec<A extends Alternatives>(
  alternatives: A,
  extensible: boolean,
): Codec<ChoiceValue<A> | UnknownAlternative> {
  const names = Object.keys(alternatives);
  const codecs = Object.values(alternatives);
  const indexOf = new Map(names.map((name, index) => [name, index]));
  return {
    shape: { kind: 'choice', extensible, alternatives: names.map((name, index) => ({ name, codec: codecs[index]! })) },
    decode(reader, path) {
      if (extensible && reader.readBit()) {
        const index = reader.readNormallySmall();
        const inner = reader.readOpenType();
        return { type: 'extension', index, encoded: inner.readOctets(inner.bitsLeft >>> 3) };
      }
      const index = reader.readConstrained(0, names.length - 1);
      const name = names[index]!;
      path.push(name);
      const value = codecs[index]!.decode(reader, path);
      path.pop();
      return { type: name, value } as ChoiceValue<A>;
    },
    encode(writer, chosen) {
      if (chosen.type === 'extension' && 'encoded' in chosen) {
        if (!extensible) throw new RangeError('choice: an extension alternative in a choice without extensions');
        writer.writeBit(true);
        writer.writeNormallySmall(chosen.index);
        writer.writeOpenType(chosen.encoded);
        return;
      }
      const index = indexOf.get(chosen.type);
      if (index === undefined) throw new RangeError(`choice: no alternative '${chosen.type}'`);
      if (extensible) writer.writeBit(false);
      writer.writeConstrained(index, 0, names.length - 1);
      codecs[index]!.encode(writer, (chosen as { value: unknown }).value);
    },
  };
}

/** Renders a decoding path as `intersections[0].phases[2].id`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const step of path) text += typeof step === 'number' ? `[${step}]` : text === '' ? step : `.${step}`;
  return text;
}
