// Seeded pseudo-random numbers (sfc32): the generator's only source of randomness, so that a seed
// and the options fix every byte it writes. Never Math.random, never the clock.

/** splitmix32's finaliser: spreads the bits of a 32-bit integer. */
function mix32(x: number): number {
  let t = (x + 0x9e3779b9) | 0;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/** FNV-1a of a stream name, so streams are named in code, not numbered. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function streamKey(seed: number, stream: string, index: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x100000000) | 0;
  let h = mix32(hashName(stream));
  h = mix32(h ^ lo);
  h = mix32(h ^ hi);
  return mix32(h ^ index);
}

/**
 * A uniform number in [0, 1) for every position, without state: position j can be asked for in any
 * order and any number of times, so a plan can know in advance what a stream decides at j.
 */
export class KeyedDraw {
  private readonly key: number;

  constructor(seed: number, stream: string, index = 0) {
    this.key = streamKey(seed, stream, index);
  }

  at(position: number): number {
    return mix32(this.key ^ mix32(position)) / 0x100000000;
  }
}

/**
 * One independent stream of numbers per (seed, stream name, index): the readings of customer 7 come
 * from `new Prng(seed, 'readings', 7)` whatever else was drawn before, so a part of the data can be
 * drawn again (a colliding customer replays another's clock) without holding it in memory.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string, index = 0) {
    const h = streamKey(seed, stream, index);
    this.a = h;
    this.b = mix32(h ^ 0x1b873593);
    this.c = mix32(h ^ 0x85ebca6b);
    this.d = mix32(h ^ 0xc2b2ae35);
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** sfc32: a uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / 0x100000000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** A version-4 UUID, lower case. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const a = hex(this.uint32());
    const b = hex(this.uint32());
    const c = hex(this.uint32());
    const d = hex(this.uint32());
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[this.int(4)]}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
  }
}
