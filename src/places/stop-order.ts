/**
 * The order of a trip's intermediate stops that minimises driving time, with
 * the start fixed first and the destination fixed last: a shortest
 * Hamiltonian path on an asymmetric travel-time table (one-way streets make
 * A → B differ from B → A).
 */
import { seededRandom } from '../map/index.ts';

/**
 * Travel times for ordering `stopCount` intermediate stops, as
 * `Router.travelTable([start, ...stops], [...stops, destination])` returns
 * them: row 0 is the start, row 1 + i is stop i; column i is stop i, column
 * `stopCount` is the destination; row-major, milliseconds, Infinity where a
 * pair is unreachable.
 */
export interface StopTable {
  stopCount: number;
  travelMs: Float64Array;
}

export interface StopOrder {
  /** Indices of the intermediate stops in driving order. */
  order: number[];
  /** Driving time of that order in ms; Infinity when some leg is unreachable. */
  costMs: number;
  /** Whether the order is proven optimal (dynamic programming) rather than found by local search. */
  exact: boolean;
}

export interface StopOrderOptions {
  /** Largest number of intermediate stops ordered exactly. Default 8. */
  exactUpTo?: number;
}

/** Held–Karp keeps 2^n × n costs; past this it is the wrong tool, whatever the caller asks. */
const EXACT_LIMIT = 16;

/**
 * An unreachable pair costs this instead of Infinity while searching, so
 * orders still compare (fewest unreachable legs first) and sums never turn
 * into NaN. 1e12 ms is 31 years: no real leg comes near it, and sums of a few
 * hundred of them stay exact to well under a millisecond in a double.
 */
const UNREACHABLE_MS = 1e12;

/** Improvements smaller than this (floating-point noise in ms) do not count, so local search cannot cycle. */
const GAIN_EPSILON_MS = 1e-6;

/** Driving time in ms of visiting the intermediate stops in `order` between start and destination; Infinity if a leg is unreachable. */
export function orderCostMs(table: StopTable, order: readonly number[]): number {
  const cost = searchCost(table, order);
  return cost >= UNREACHABLE_MS ? Infinity : cost;
}

/**
 * The fastest order of the intermediate stops: exact by Held–Karp dynamic
 * programming for up to `exactUpTo` stops, else the best of several starting
 * orders (the current one, nearest neighbour, cheapest insertion) improved by
 * 2-opt and or-opt until no move gains, then by iterated local search. Never
 * slower than the current order (0, 1, …, n − 1).
 */
export function bestStopOrder(table: StopTable, options: StopOrderOptions = {}): StopOrder {
  checkTable(table);
  const exactUpTo = Math.min(options.exactUpTo ?? 8, EXACT_LIMIT);
  const { order, exact } =
    table.stopCount <= exactUpTo ? { order: heldKarp(table), exact: true } : { order: localSearchOrder(table), exact: false };
  return { order, costMs: orderCostMs(table, order), exact };
}

/** The optimal order by Held–Karp ("A dynamic programming approach to sequencing problems", 1962): O(2^n · n²). */
export function exactStopOrder(table: StopTable): StopOrder {
  checkTable(table);
  if (table.stopCount > EXACT_LIMIT) {
    throw new RangeError(`exactStopOrder: ${table.stopCount} stops is more than the ${EXACT_LIMIT} it can order in reasonable time`);
  }
  const order = heldKarp(table);
  return { order, costMs: orderCostMs(table, order), exact: true };
}

/** A good order by local search, for any number of stops; never slower than the current order. */
export function heuristicStopOrder(table: StopTable): StopOrder {
  checkTable(table);
  const order = localSearchOrder(table);
  return { order, costMs: orderCostMs(table, order), exact: false };
}

function checkTable(table: StopTable): void {
  const width = table.stopCount + 1;
  if (!Number.isInteger(table.stopCount) || table.stopCount < 0 || table.travelMs.length !== width * width) {
    throw new RangeError(
      `stop table: ${table.stopCount} stops need a ${width} × ${width} travel table (${width * width} entries), got ${table.travelMs.length}`,
    );
  }
}

/** Cost of one leg for the search: row is start (-1) or a stop, column is a stop or the destination (stopCount). */
function legMs(table: StopTable, from: number, to: number): number {
  const ms = table.travelMs[(from + 1) * (table.stopCount + 1) + to]!;
  return ms === Infinity ? UNREACHABLE_MS : ms;
}

function searchCost(table: StopTable, order: ArrayLike<number>): number {
  let cost = 0;
  let from = -1;
  for (let k = 0; k < order.length; k++) {
    const to = order[k]!;
    cost += legMs(table, from, to);
    from = to;
  }
  return cost + legMs(table, from, table.stopCount);
}

function heldKarp(table: StopTable): number[] {
  const n = table.stopCount;
  if (n === 0) return [];
  const full = (1 << n) - 1;
  // best[mask * n + j]: fastest way from the start through exactly the stops in `mask`, ending at stop j.
  const best = new Float64Array((full + 1) * n).fill(Infinity);
  const previous = new Int8Array((full + 1) * n).fill(-1);
  for (let j = 0; j < n; j++) best[(1 << j) * n + j] = legMs(table, -1, j);
  for (let mask = 1; mask <= full; mask++) {
    for (let j = 0; j < n; j++) {
      if (!(mask & (1 << j))) continue;
      const here = best[mask * n + j]!;
      if (here === Infinity) continue;
      for (let k = 0; k < n; k++) {
        if (mask & (1 << k)) continue;
        const next = mask | (1 << k);
        const cost = here + legMs(table, j, k);
        if (cost < best[next * n + k]!) {
          best[next * n + k] = cost;
          previous[next * n + k] = j;
        }
      }
    }
  }
  let last = 0;
  let bestCost = Infinity;
  for (let j = 0; j < n; j++) {
    const cost = best[full * n + j]! + legMs(table, j, n);
    if (cost < bestCost) {
      bestCost = cost;
      last = j;
    }
  }
  const order: number[] = [];
  let mask = full;
  for (let j = last; j !== -1; ) {
    order.push(j);
    const before = previous[mask * n + j]!;
    mask &= ~(1 << j);
    j = before;
  }
  return order.reverse();
}

/**
 * Iterated local search (Lourenço, Martin & Stützle, "Iterated Local Search",
 * 2003): the best local optimum of the three starting orders, then repeated
 * double-bridge kicks, each followed by local search and kept only if it
 * gains. The kicks come from a fixed seed, so the same table always gives the
 * same order, and their number shrinks with n² to bound the work (each local
 * search is about n³).
 */
function localSearchOrder(table: StopTable): number[] {
  const n = table.stopCount;
  const current = Array.from({ length: n }, (_, i) => i);
  let best = improve(table, current);
  let bestCost = searchCost(table, best);
  for (const seed of [nearestNeighbourOrder(table), cheapestInsertionOrder(table)]) {
    const improved = improve(table, seed);
    const cost = searchCost(table, improved);
    if (cost < bestCost - GAIN_EPSILON_MS) {
      best = improved;
      bestCost = cost;
    }
  }
  if (n < 4) return best;
  const kicks = Math.min(MAX_KICKS, Math.max(MIN_KICKS, Math.floor(KICK_BUDGET / (n * n))));
  const random = seededRandom(KICK_SEED);
  const below = (limit: number): number => random() * limit;
  for (let kick = 0; kick < kicks; kick++) {
    // Cut into A B C D (B and C non-empty) and drive A C B D.
    const a = Math.floor(below(n - 1));
    const b = a + 1 + Math.floor(below(n - 1 - a));
    const c = b + 1 + Math.floor(below(n - b));
    const kicked = [...best.slice(0, a), ...best.slice(b, c), ...best.slice(a, b), ...best.slice(c)];
    const improved = improve(table, kicked);
    const cost = searchCost(table, improved);
    if (cost < bestCost - GAIN_EPSILON_MS) {
      best = improved;
      bestCost = cost;
    }
  }
  return best;
}

/** Kicks of iterated local search: about KICK_BUDGET / n² of them, within these bounds. */
const KICK_BUDGET = 20_000;
const MIN_KICKS = 5;
const MAX_KICKS = 100;
const KICK_SEED = 0x5eed;

function nearestNeighbourOrder(table: StopTable): number[] {
  const n = table.stopCount;
  const visited = new Uint8Array(n);
  const order: number[] = [];
  let from = -1;
  for (let step = 0; step < n; step++) {
    let next = -1;
    let nextMs = Infinity;
    for (let k = 0; k < n; k++) {
      if (visited[k]) continue;
      const ms = legMs(table, from, k);
      if (ms < nextMs) {
        nextMs = ms;
        next = k;
      }
    }
    visited[next] = 1;
    order.push(next);
    from = next;
  }
  return order;
}

/** Repeatedly inserts the stop that lengthens the path least, where it lengthens it least (Rosenkrantz, Stearns & Lewis, 1977). */
function cheapestInsertionOrder(table: StopTable): number[] {
  const n = table.stopCount;
  const order: number[] = [];
  const placed = new Uint8Array(n);
  for (let step = 0; step < n; step++) {
    let bestStop = -1;
    let bestAt = 0;
    let bestExtra = Infinity;
    for (let k = 0; k < n; k++) {
      if (placed[k]) continue;
      for (let at = 0; at <= order.length; at++) {
        const before = at === 0 ? -1 : order[at - 1]!;
        const after = at === order.length ? n : order[at]!;
        const extra = legMs(table, before, k) + legMs(table, k, after) - legMs(table, before, after);
        if (extra < bestExtra) {
          bestExtra = extra;
          bestStop = k;
          bestAt = at;
        }
      }
    }
    placed[bestStop] = 1;
    order.splice(bestAt, 0, bestStop);
  }
  return order;
}

/**
 * 2-opt (reverse a run of stops) and or-opt (move a run of up to three stops
 * elsewhere, either way round) until neither gains. Costs are asymmetric, so
 * a reversed run is re-costed in full rather than by the symmetric delta.
 */
function improve(table: StopTable, start: readonly number[]): number[] {
  const n = start.length;
  let order = Int32Array.from(start);
  let cost = searchCost(table, order);
  const candidate = new Int32Array(n);
  for (let improved = true; improved; ) {
    improved = false;
    for (let i = 0; i < n - 1 && !improved; i++) {
      for (let j = i + 1; j < n && !improved; j++) {
        candidate.set(order);
        for (let a = i, b = j; a < b; a++, b--) {
          candidate[a] = order[b]!;
          candidate[b] = order[a]!;
        }
        const candidateCost = searchCost(table, candidate);
        if (candidateCost < cost - GAIN_EPSILON_MS) {
          [order, cost, improved] = [Int32Array.from(candidate), candidateCost, true];
        }
      }
    }
    for (let length = 1; length <= 3 && !improved; length++) {
      for (let i = 0; i + length <= n && !improved; i++) {
        for (let at = 0; at + length <= n && !improved; at++) {
          if (at === i) continue;
          for (const reversed of [false, true]) {
            if (reversed && length === 1) continue;
            moveRun(order, i, length, at, reversed, candidate);
            const candidateCost = searchCost(table, candidate);
            if (candidateCost < cost - GAIN_EPSILON_MS) {
              [order, cost, improved] = [Int32Array.from(candidate), candidateCost, true];
              break;
            }
          }
        }
      }
    }
  }
  return Array.from(order);
}

/** Writes into `out` the order with the run order[i .. i + length) taken out and put back starting at index `at` of the result. */
function moveRun(order: Int32Array, i: number, length: number, at: number, reversed: boolean, out: Int32Array): void {
  let w = 0;
  let r = 0;
  const rest = order.length - length;
  for (let slot = 0; slot <= rest; slot++) {
    if (slot === at) {
      for (let k = 0; k < length; k++) out[w++] = order[reversed ? i + length - 1 - k : i + k]!;
    }
    if (slot === rest) break;
    if (r === i) r += length;
    out[w++] = order[r++]!;
  }
}
