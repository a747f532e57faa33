/**
 * A small client of SUMO's TraCI protocol over TCP (an adapter: it owns a
 * socket). Written from the protocol description at
 * https://sumo.dlr.de/docs/TraCI/Protocol.html and the variable tables of
 * the TraCI pages (traffic lights 0xa2, lanes 0xa3, vehicles 0xa4/0xc4,
 * simulation 0xab), checked against SUMO 1.15 (TraCI API version 20).
 *
 * Wire format, all big-endian: a message is an int32 total length (itself
 * included) followed by commands; a command is a length (one byte, or a zero
 * byte then an int32 when it is longer than 255, the length field included),
 * the command id and its payload. SUMO answers every command with a status
 * (command id, result byte, description) and, for get commands, a response
 * command (id + 0x10, variable, object id, type byte, value).
 *
 * Requests are plain values (`TraciRequest<T>`) so that many of them travel
 * in one message: `client.send([vehicle.getSpeed('a'), vehicle.getSpeed('b')])`
 * costs one round trip. `client.vehicle.getSpeed('a')` is the one-off form.
 */
import { connect as connectSocket, type Socket } from 'node:net';

// Command ids (TraCI/Protocol, "Command identifiers").
const CMD_GETVERSION = 0x00;
const CMD_SIMSTEP = 0x02;
const CMD_SETORDER = 0x03;
const CMD_CLOSE = 0x7f;
const CMD_GET_TL_VARIABLE = 0xa2;
const CMD_GET_LANE_VARIABLE = 0xa3;
const CMD_GET_VEHICLE_VARIABLE = 0xa4;
const CMD_GET_SIM_VARIABLE = 0xab;
const CMD_SET_VEHICLE_VARIABLE = 0xc4;
/** A get command's response command id is the request id plus this. */
const RESPONSE_OFFSET = 0x10;

// Data types (TraCI/Protocol, "Data types").
const POSITION_2D = 0x01;
const POSITION_ROADMAP = 0x04;
const TYPE_UBYTE = 0x07;
const TYPE_BYTE = 0x08;
const TYPE_INTEGER = 0x09;
const TYPE_DOUBLE = 0x0b;
const TYPE_STRING = 0x0c;
const TYPE_STRINGLIST = 0x0e;
const TYPE_COMPOUND = 0x0f;

const TYPE_NAMES: Record<number, string> = {
  [POSITION_2D]: 'position2D',
  [POSITION_ROADMAP]: 'roadMapPosition',
  [TYPE_UBYTE]: 'ubyte',
  [TYPE_BYTE]: 'byte',
  [TYPE_INTEGER]: 'int',
  [TYPE_DOUBLE]: 'double',
  [TYPE_STRING]: 'string',
  [TYPE_STRINGLIST]: 'stringList',
  [TYPE_COMPOUND]: 'compound',
};

// Status results (TraCI/Protocol, "Status Response").
const RTYPE_OK = 0x00;
const RTYPE_NOTIMPLEMENTED = 0x01;

/** SUMO's "no value" marker for doubles (libsumo::INVALID_DOUBLE_VALUE). */
export const INVALID_DOUBLE = -1073741824;

/** SUMO refused a command (status ERR or NOT_IMPLEMENTED): names the command and carries SUMO's description. */
export class TraciError extends Error {
  override readonly name = 'TraciError';
  constructor(
    readonly command: string,
    readonly status: 'error' | 'not-implemented',
    readonly description: string,
  ) {
    super(`TraCI ${command}: SUMO answered ${status}${description ? `: ${description}` : ''}`);
  }
}

/** The bytes from SUMO do not follow the protocol (or the connection broke); names the command being read. */
export class TraciProtocolError extends Error {
  override readonly name = 'TraciProtocolError';
}

/** Reads TraCI values from a received message. */
export class TraciReader {
  constructor(
    private readonly bytes: Buffer,
    public offset = 0,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new TraciProtocolError(`message ends at byte ${this.bytes.length}, needed ${n} more bytes at ${this.offset}`);
    }
  }
  ubyte(): number {
    this.need(1);
    return this.bytes.readUInt8(this.offset++);
  }
  byte(): number {
    this.need(1);
    return this.bytes.readInt8(this.offset++);
  }
  int(): number {
    this.need(4);
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  double(): number {
    this.need(8);
    const value = this.bytes.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }
  string(): string {
    const length = this.int();
    this.need(length);
    const value = this.bytes.toString('latin1', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  stringList(): string[] {
    const count = this.int();
    const list: string[] = [];
    for (let i = 0; i < count; i++) list.push(this.string());
    return list;
  }
  /** A command or compound length: one byte, or zero then an int32. */
  length(): number {
    const short = this.ubyte();
    return short > 0 ? short : this.int();
  }
  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }
  /** Reads a type byte and checks it. */
  expectType(type: number): void {
    const got = this.ubyte();
    if (got !== type) {
      throw new TraciProtocolError(`expected a ${TYPE_NAMES[type] ?? type} (0x${hex(type)}), got type 0x${hex(got)} at byte ${this.offset - 1}`);
    }
  }
  typedInt(): number {
    this.expectType(TYPE_INTEGER);
    return this.int();
  }
  typedDouble(): number {
    this.expectType(TYPE_DOUBLE);
    return this.double();
  }
  typedString(): string {
    this.expectType(TYPE_STRING);
    return this.string();
  }
  typedStringList(): string[] {
    this.expectType(TYPE_STRINGLIST);
    return this.stringList();
  }
  typedByte(): number {
    this.expectType(TYPE_BYTE);
    return this.byte();
  }
  /** A compound header; returns its item count. */
  compound(): number {
    this.expectType(TYPE_COMPOUND);
    return this.int();
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Builds a command payload. */
class PayloadWriter {
  private parts: Buffer[] = [];
  ubyte(value: number): this {
    const b = Buffer.allocUnsafe(1);
    b.writeUInt8(value);
    this.parts.push(b);
    return this;
  }
  int(value: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(value);
    this.parts.push(b);
    return this;
  }
  double(value: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(value);
    this.parts.push(b);
    return this;
  }
  string(value: string): this {
    const bytes = Buffer.from(value, 'latin1');
    this.int(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  typedInt(value: number): this {
    return this.ubyte(TYPE_INTEGER).int(value);
  }
  typedDouble(value: number): this {
    return this.ubyte(TYPE_DOUBLE).double(value);
  }
  compound(count: number): this {
    return this.ubyte(TYPE_COMPOUND).int(count);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One command to send and how to read SUMO's answer to it (after its status). */
export interface TraciRequest<T> {
  /** The command as errors name it, e.g. `vehicle.getSpeed("veh3")`. */
  readonly name: string;
  readonly command: number;
  /** The bytes after the command id. */
  readonly payload: Buffer;
  /** Reads what follows the status of this command. */
  readonly read: (reader: TraciReader) => T;
}

/** The values a tuple of requests resolves to. */
export type TraciResults<R extends readonly TraciRequest<unknown>[]> = { -readonly [K in keyof R]: R[K] extends TraciRequest<infer T> ? T : never };

function getRequest<T>(domain: string, command: number, variable: number, method: string, objectId: string, readValue: (reader: TraciReader) => T, params?: (w: PayloadWriter) => void): TraciRequest<T> {
  const writer = new PayloadWriter().ubyte(variable).string(objectId);
  params?.(writer);
  const name = `${domain}.${method}(${objectId ? JSON.stringify(objectId) : ''})`;
  return {
    name,
    command,
    payload: writer.bytes(),
    read: (reader) => {
      reader.length();
      const response = reader.ubyte();
      const gotVariable = reader.ubyte();
      const gotObject = reader.string();
      if (response !== command + RESPONSE_OFFSET || gotVariable !== variable || gotObject !== objectId) {
        throw new TraciProtocolError(`${name}: answer is for command 0x${hex(response)} variable 0x${hex(gotVariable)} object ${JSON.stringify(gotObject)}`);
      }
      return readValue(reader);
    },
  };
}

function setRequest(domain: string, command: number, variable: number, method: string, objectId: string, value: (w: PayloadWriter) => void): TraciRequest<void> {
  const writer = new PayloadWriter().ubyte(variable).string(objectId);
  value(writer);
  return { name: `${domain}.${method}(${JSON.stringify(objectId)})`, command, payload: writer.bytes(), read: () => undefined };
}

const readDouble = (r: TraciReader): number => r.typedDouble();
const readInt = (r: TraciReader): number => r.typedInt();
const readString = (r: TraciReader): string => r.typedString();
const readStringList = (r: TraciReader): string[] => r.typedStringList();
function readPosition(r: TraciReader): { x: number; y: number } {
  r.expectType(POSITION_2D);
  return { x: r.double(), y: r.double() };
}

/** One phase of a traffic-light program as SUMO defines it (seconds). */
export interface TlsPhaseDefinition {
  duration: number;
  /** One character per controlled link: r y g G s u o O (see the SUMO docs on tlLogic states). */
  state: string;
  minDur: number;
  maxDur: number;
  next: number[];
  name: string;
}

/** SUMO's traffic-light program types (libsumo::TrafficLightType). */
export type TlsProgramType = 'static' | 'actuated' | 'delay-based' | 'nema' | 'other';

export function tlsProgramType(code: number): TlsProgramType {
  switch (code) {
    case 0:
      return 'static';
    case 3:
      return 'actuated';
    case 4:
      return 'nema';
    case 5:
      return 'delay-based';
    default:
      return 'other';
  }
}

/** A traffic-light program (SUMO "logic"). */
export interface TlsProgram {
  programId: string;
  type: TlsProgramType;
  typeCode: number;
  currentPhaseIndex: number;
  phases: TlsPhaseDefinition[];
  parameters: Record<string, string>;
}

function readPrograms(r: TraciReader): TlsProgram[] {
  const count = r.int();
  const programs: TlsProgram[] = [];
  for (let i = 0; i < count; i++) {
    r.compound();
    const programId = r.typedString();
    const typeCode = r.typedInt();
    const currentPhaseIndex = r.typedInt();
    const phaseCount = r.compound();
    const phases: TlsPhaseDefinition[] = [];
    for (let p = 0; p < phaseCount; p++) {
      r.compound();
      const duration = r.typedDouble();
      const state = r.typedString();
      const minDur = r.typedDouble();
      const maxDur = r.typedDouble();
      const nextCount = r.compound();
      const next: number[] = [];
      for (let n = 0; n < nextCount; n++) next.push(r.typedInt());
      phases.push({ duration, state, minDur, maxDur, next, name: r.typedString() });
    }
    const parameters: Record<string, string> = {};
    const parameterCount = r.compound();
    for (let k = 0; k < parameterCount; k++) {
      const [key, value] = r.typedStringList();
      if (key !== undefined) parameters[key] = value ?? '';
    }
    programs.push({ programId, type: tlsProgramType(typeCode), typeCode, currentPhaseIndex, phases, parameters });
  }
  return programs;
}

/** A link a traffic light controls: from an incoming lane, through the junction (via), to an outgoing lane. */
export interface TlsLink {
  fromLane: string;
  toLane: string;
  viaLane: string;
}

function readControlledLinks(r: TraciReader): TlsLink[][] {
  r.int(); // item count of the compound
  const signalCount = r.typedInt();
  const links: TlsLink[][] = [];
  for (let i = 0; i < signalCount; i++) {
    const n = r.typedInt();
    const group: TlsLink[] = [];
    for (let j = 0; j < n; j++) {
      const [fromLane = '', toLane = '', viaLane = ''] = r.typedStringList();
      group.push({ fromLane, toLane, viaLane });
    }
    links.push(group);
  }
  return links;
}

/** A traffic light on a vehicle's route ahead. */
export interface UpcomingSignal {
  tlsId: string;
  /** The link index (column of the state string) the vehicle will use. */
  linkIndex: number;
  /** Metres to the stop line. */
  distance: number;
  /** The link's current state character. */
  state: string;
}

function readNextSignals(r: TraciReader): UpcomingSignal[] {
  r.int(); // item count of the compound
  const count = r.typedInt();
  const signals: UpcomingSignal[] = [];
  for (let i = 0; i < count; i++) {
    const tlsId = r.typedString();
    const linkIndex = r.typedInt();
    const distance = r.typedDouble();
    const state = String.fromCharCode(r.typedByte() & 0xff);
    signals.push({ tlsId, linkIndex, distance, state });
  }
  return signals;
}

const TL = 'trafficlight';

/** Traffic-light get requests (command 0xa2). */
export const trafficLight = {
  getIDList: () => getRequest(TL, CMD_GET_TL_VARIABLE, 0x00, 'getIDList', '', readStringList),
  getRedYellowGreenState: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x20, 'getRedYellowGreenState', tlsId, readString),
  getPhase: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x28, 'getPhase', tlsId, readInt),
  getProgram: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x29, 'getProgram', tlsId, readString),
  /** Absolute simulation time (s) of the next scheduled switch; for actuated programs only the next re-evaluation. */
  getNextSwitch: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x2d, 'getNextSwitch', tlsId, readDouble),
  /** Total duration of the current phase as scheduled (s). */
  getPhaseDuration: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x24, 'getPhaseDuration', tlsId, readDouble),
  getControlledLanes: (tlsId: string) => getRequest(TL, CMD_GET_TL_VARIABLE, 0x26, 'getControlledLanes', tlsId, readStringList),
  /** Per link index, the links it controls. */
  getControlledLinks: (tlsId: string) =>
    getRequest(TL, CMD_GET_TL_VARIABLE, 0x27, 'getControlledLinks', tlsId, (r) => {
      r.expectType(TYPE_COMPOUND);
      return readControlledLinks(r);
    }),
  /** Every program of the traffic light, with phases, their min/max durations and the program type. */
  getAllProgramLogics: (tlsId: string) =>
    getRequest(TL, CMD_GET_TL_VARIABLE, 0x2b, 'getAllProgramLogics', tlsId, (r) => {
      r.expectType(TYPE_COMPOUND);
      return readPrograms(r);
    }),
};

const VEH = 'vehicle';

/** Vehicle get requests (0xa4) and set requests (0xc4). */
export const vehicle = {
  getIDList: () => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x00, 'getIDList', '', readStringList),
  getPosition: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x42, 'getPosition', vehicleId, readPosition),
  /** m/s. */
  getSpeed: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x40, 'getSpeed', vehicleId, readDouble),
  /** m/s², signed. */
  getAcceleration: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x72, 'getAcceleration', vehicleId, readDouble),
  getLaneID: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x51, 'getLaneID', vehicleId, readString),
  getLanePosition: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x56, 'getLanePosition', vehicleId, readDouble),
  getRoadID: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x50, 'getRoadID', vehicleId, readString),
  getTypeID: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x4f, 'getTypeID', vehicleId, readString),
  /** The speed limit on the current lane for this vehicle (m/s). */
  getAllowedSpeed: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0xb7, 'getAllowedSpeed', vehicleId, readDouble),
  /** Odometer: metres driven since departure. */
  getDistance: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x84, 'getDistance', vehicleId, readDouble),
  /** Metres along the route to a lane position ahead, or INVALID_DOUBLE when it is not ahead. */
  getDrivingDistance: (vehicleId: string, edgeId: string, position: number, laneIndex = 0) =>
    getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x83, 'getDrivingDistance', vehicleId, readDouble, (w) => {
      w.compound(2).ubyte(POSITION_ROADMAP).string(edgeId).double(position).ubyte(laneIndex);
      w.ubyte(0x01); // REQUEST_DRIVINGDIST (a raw byte, no type)
    }),
  /** The traffic lights ahead on the route, nearest first. */
  getNextTLS: (vehicleId: string) =>
    getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x70, 'getNextTLS', vehicleId, (r) => {
      r.expectType(TYPE_COMPOUND);
      return readNextSignals(r);
    }),
  /** Fuel use now, mg/s in SUMO ≥ 1.14 (HBEFA-based emission model of the vehicle's class). */
  getFuelConsumption: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x65, 'getFuelConsumption', vehicleId, readDouble),
  /** CO2 emission now, mg/s. */
  getCO2Emission: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x60, 'getCO2Emission', vehicleId, readDouble),
  /** Seconds spent at speed ≤ 0.1 m/s since the last time the vehicle moved. */
  getWaitingTime: (vehicleId: string) => getRequest(VEH, CMD_GET_VEHICLE_VARIABLE, 0x7a, 'getWaitingTime', vehicleId, readDouble),
  /** Holds the vehicle at this speed (m/s) within its safety limits; -1 hands control back to SUMO. */
  setSpeed: (vehicleId: string, speed: number) => setRequest(VEH, CMD_SET_VEHICLE_VARIABLE, 0x40, 'setSpeed', vehicleId, (w) => w.typedDouble(speed)),
  /** Changes speed linearly to `speed` (m/s) over `duration` seconds. */
  slowDown: (vehicleId: string, speed: number, duration: number) =>
    setRequest(VEH, CMD_SET_VEHICLE_VARIABLE, 0x14, 'slowDown', vehicleId, (w) => w.compound(2).typedDouble(speed).typedDouble(duration)),
  /** Bit set of the checks SUMO applies to speeds set by TraCI (default 31: all). */
  setSpeedMode: (vehicleId: string, mode: number) => setRequest(VEH, CMD_SET_VEHICLE_VARIABLE, 0xb3, 'setSpeedMode', vehicleId, (w) => w.typedInt(mode)),
  setMaxSpeed: (vehicleId: string, speed: number) => setRequest(VEH, CMD_SET_VEHICLE_VARIABLE, 0x41, 'setMaxSpeed', vehicleId, (w) => w.typedDouble(speed)),
};

const LANE = 'lane';

/** Lane get requests (0xa3). */
export const lane = {
  getLength: (laneId: string) => getRequest(LANE, CMD_GET_LANE_VARIABLE, 0x44, 'getLength', laneId, readDouble),
  getMaxSpeed: (laneId: string) => getRequest(LANE, CMD_GET_LANE_VARIABLE, 0x41, 'getMaxSpeed', laneId, readDouble),
  getEdgeID: (laneId: string) => getRequest(LANE, CMD_GET_LANE_VARIABLE, 0x31, 'getEdgeID', laneId, readString),
};

const SIM = 'simulation';

/** Simulation get requests (0xab). */
export const simulation = {
  /** Current simulation time (s). */
  getTime: () => getRequest(SIM, CMD_GET_SIM_VARIABLE, 0x66, 'getTime', '', readDouble),
  /** Step length (s). */
  getDeltaT: () => getRequest(SIM, CMD_GET_SIM_VARIABLE, 0x7b, 'getDeltaT', '', readDouble),
  /** Vehicles that entered the network in the last step. */
  getDepartedIDList: () => getRequest(SIM, CMD_GET_SIM_VARIABLE, 0x74, 'getDepartedIDList', '', readStringList),
  /** Vehicles that reached their destination in the last step. */
  getArrivedIDList: () => getRequest(SIM, CMD_GET_SIM_VARIABLE, 0x7a, 'getArrivedIDList', '', readStringList),
  /** Vehicles in the network plus those still waiting to depart. */
  getMinExpectedNumber: () => getRequest(SIM, CMD_GET_SIM_VARIABLE, 0x7d, 'getMinExpectedNumber', '', readInt),
};

/** Control requests: version, step, order, close. */
export const control = {
  getVersion: (): TraciRequest<{ apiVersion: number; sumoVersion: string }> => ({
    name: 'getVersion()',
    command: CMD_GETVERSION,
    payload: Buffer.alloc(0),
    read: (r) => {
      r.length();
      const id = r.ubyte();
      if (id !== CMD_GETVERSION) throw new TraciProtocolError(`getVersion(): answer is for command 0x${hex(id)}`);
      return { apiVersion: r.int(), sumoVersion: r.string() };
    },
  }),
  /** Advances to `targetTime` seconds, or by one step when it is 0. */
  simulationStep: (targetTime = 0): TraciRequest<void> => ({
    name: `simulationStep(${targetTime})`,
    command: CMD_SIMSTEP,
    payload: new PayloadWriter().double(targetTime).bytes(),
    read: (r) => {
      const subscriptionResults = r.int();
      // This client makes no subscriptions, so SUMO must send none.
      if (subscriptionResults !== 0) throw new TraciProtocolError(`simulationStep: ${subscriptionResults} subscription results, but this client subscribes to nothing`);
    },
  }),
  setOrder: (order: number): TraciRequest<void> => ({ name: `setOrder(${order})`, command: CMD_SETORDER, payload: new PayloadWriter().int(order).bytes(), read: () => undefined }),
  close: (): TraciRequest<void> => ({ name: 'close()', command: CMD_CLOSE, payload: Buffer.alloc(0), read: () => undefined }),
};

type RequestFactories = Record<string, (...args: never[]) => TraciRequest<unknown>>;
/** A request factory table turned into methods that send at once. */
export type BoundRequests<D extends RequestFactories> = {
  [K in keyof D]: D[K] extends (...args: infer A) => TraciRequest<infer T> ? (...args: A) => Promise<T> : never;
};

export interface ConnectOptions {
  host?: string;
  /** Give up after this long (ms) of refused connections. Default 30 000. */
  timeoutMs?: number;
  /** Stops retrying, e.g. when the SUMO process has exited. */
  signal?: AbortSignal;
}

interface Pending {
  requests: readonly TraciRequest<unknown>[];
  resolve: (values: unknown[]) => void;
  reject: (error: Error) => void;
}

/** A TraCI connection to one SUMO instance. */
export class TraciClient {
  readonly trafficLight: BoundRequests<typeof trafficLight>;
  readonly vehicle: BoundRequests<typeof vehicle>;
  readonly lane: BoundRequests<typeof lane>;
  readonly simulation: BoundRequests<typeof simulation>;
  /** TraCI API version and SUMO version, as SUMO stated them on connect. */
  version = { apiVersion: 0, sumoVersion: '' };

  private readonly pending: Pending[] = [];
  private received: Buffer = Buffer.alloc(0);
  private closed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(new TraciProtocolError(`connection to SUMO failed: ${error.message}`)));
    socket.on('close', () => this.fail(new TraciProtocolError('connection closed by SUMO')));
    this.trafficLight = this.bind(trafficLight);
    this.vehicle = this.bind(vehicle);
    this.lane = this.bind(lane);
    this.simulation = this.bind(simulation);
  }

  /**
   * Connects to SUMO started with `--remote-port <port>`, retrying while the
   * port refuses (SUMO opens it only after loading the network), then asks
   * for the versions (`version`). Written against TraCI API 20 (SUMO 1.15).
   */
  static async connect(port: number, options: ConnectOptions = {}): Promise<TraciClient> {
    const host = options.host ?? '127.0.0.1';
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let delayMs = 20;
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      let socket: Socket | undefined;
      try {
        socket = await openSocket(host, port);
        const client = new TraciClient(socket);
        client.version = await client.send([control.getVersion()]).then(([v]) => v);
        return client;
      } catch (error) {
        socket?.destroy();
        const code = (error as NodeJS.ErrnoException).code;
        const retriable = code === 'ECONNREFUSED' || code === 'ECONNRESET';
        if (!retriable || Date.now() + delayMs > deadline) {
          throw new Error(`TraCI: cannot connect to SUMO at ${host}:${port} after ${attempt} attempts: ${(error as Error).message}`, { cause: error });
        }
        await abortableDelay(delayMs, options.signal);
        delayMs = Math.min(delayMs * 2, 500);
      }
    }
  }

  /** Sends the requests as one message and resolves to their values in order; the first refused command rejects with a TraciError. */
  send<const R extends readonly TraciRequest<unknown>[]>(requests: R): Promise<TraciResults<R>> {
    if (this.closed) return Promise.reject(this.closed);
    if (requests.length === 0) return Promise.resolve([] as unknown as TraciResults<R>);
    if (requests.length > 1 && requests.some((r) => r.command === CMD_SIMSTEP)) {
      // SUMO 1.15 answers the other commands of the message first and runs the step after them: send it alone.
      return Promise.reject(new Error(`TraCI: simulationStep must be sent on its own, not with ${requests.length - 1} other commands`));
    }
    const parts: Buffer[] = [Buffer.alloc(4)];
    let total = 4;
    for (const request of requests) {
      const bodyLength = 1 + request.payload.length; // command id + payload
      let header: Buffer;
      if (bodyLength + 1 <= 255) {
        header = Buffer.allocUnsafe(1);
        header.writeUInt8(bodyLength + 1);
      } else {
        header = Buffer.allocUnsafe(5);
        header.writeUInt8(0);
        header.writeInt32BE(bodyLength + 5, 1);
      }
      const id = Buffer.allocUnsafe(1);
      id.writeUInt8(request.command);
      parts.push(header, id, request.payload);
      total += header.length + bodyLength;
    }
    parts[0]!.writeInt32BE(total);
    return new Promise((resolve, reject) => {
      this.pending.push({ requests, resolve: resolve as (values: unknown[]) => void, reject });
      this.socket.write(Buffer.concat(parts, total));
    });
  }

  /** Sends one request. */
  async get<T>(request: TraciRequest<T>): Promise<T> {
    const [value] = await this.send([request] as const);
    return value as T;
  }

  /** Advances the simulation by one step, or up to `targetTime` seconds. */
  async simulationStep(targetTime = 0): Promise<void> {
    await this.get(control.simulationStep(targetTime));
  }

  /** Current simulation time in seconds. */
  getTime(): Promise<number> {
    return this.get(simulation.getTime());
  }

  /** Asks SUMO to end the simulation and closes the socket. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.get(control.close());
    this.fail(new TraciProtocolError('connection closed by the client'));
    await new Promise<void>((resolve) => {
      if (this.socket.closed) resolve();
      else this.socket.end(() => resolve());
    });
  }

  private bind<D extends RequestFactories>(factories: D): BoundRequests<D> {
    const bound: Record<string, (...args: never[]) => Promise<unknown>> = {};
    for (const [key, factory] of Object.entries(factories)) bound[key] = (...args) => this.get(factory(...args));
    return bound as BoundRequests<D>;
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    while (this.received.length >= 4) {
      const length = this.received.readInt32BE(0);
      if (length < 4) {
        this.fail(new TraciProtocolError(`message length ${length} is shorter than its own header`));
        this.socket.destroy();
        return;
      }
      if (this.received.length < length) return;
      const message = this.received.subarray(4, length);
      this.received = this.received.subarray(length);
      const pending = this.pending.shift();
      if (!pending) {
        this.fail(new TraciProtocolError('SUMO sent a message nobody asked for'));
        this.socket.destroy();
        return;
      }
      this.answer(pending, message);
    }
  }

  private answer(pending: Pending, message: Buffer): void {
    const reader = new TraciReader(message);
    const values: unknown[] = [];
    let request: TraciRequest<unknown> | undefined;
    try {
      for (request of pending.requests) {
        reader.length();
        const command = reader.ubyte();
        const result = reader.ubyte();
        const description = reader.string();
        if (command !== request.command) throw new TraciProtocolError(`status is for command 0x${hex(command)}, expected 0x${hex(request.command)}`);
        if (result !== RTYPE_OK) throw new TraciError(request.name, result === RTYPE_NOTIMPLEMENTED ? 'not-implemented' : 'error', description);
        values.push(request.read(reader));
      }
      // Every byte must belong to an answer: leftovers mean a value was read with the wrong layout.
      if (reader.remaining !== 0) throw new TraciProtocolError(`${reader.remaining} bytes left unread after the last answer`);
    } catch (error) {
      if (error instanceof TraciProtocolError && request) error.message = `TraCI ${request.name}: ${error.message}`;
      pending.reject(error as Error);
      return;
    }
    pending.resolve(values);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const pending of this.pending.splice(0)) {
      pending.reject(new TraciProtocolError(`${error.message} while waiting for ${pending.requests.map((r) => r.name).join(', ')}`));
    }
  }
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host, port });
    const onError = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
