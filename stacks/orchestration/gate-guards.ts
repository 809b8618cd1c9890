// Reachability in a state machine definition: which states can run when the edges that leave a
// gate's Choice on "passed" are cut. The pipeline is correct when cutting the trusted gate's pass
// edges makes every curated job and publish unreachable, and cutting the curated gate's makes
// publish unreachable: they then run only through a passing gate.
import type { AslDefinition, AslState } from './pipeline-definition';

export interface Edge {
  readonly from: string;
  readonly to: string;
  /** Which field of the state the edge comes from: `Next`, `Default`, `Choices[i]` or `Catch[i]`. */
  readonly via: string;
}

/** Every edge out of a state, each with the field it comes from. */
export function edgesOf(name: string, state: AslState): Edge[] {
  const out: Edge[] = [];
  if (typeof state.Next === 'string') out.push({ from: name, to: state.Next, via: 'Next' });
  if (typeof state.Default === 'string') out.push({ from: name, to: state.Default, via: 'Default' });
  ((state.Choices as { Next: string }[] | undefined) ?? []).forEach((c, i) => out.push({ from: name, to: c.Next, via: `Choices[${i}]` }));
  ((state.Catch as { Next: string }[] | undefined) ?? []).forEach((c, i) => out.push({ from: name, to: c.Next, via: `Catch[${i}]` }));
  return out;
}

type States = Record<string, AslState>;

/** The Choice edges taken when `$.gates.<zone>.passed` is true. */
export function passEdges(def: { States: States }, zone: string): Edge[] {
  const edges: Edge[] = [];
  for (const [name, state] of Object.entries(def.States)) {
    if (state.Type !== 'Choice') continue;
    ((state.Choices as Record<string, unknown>[] | undefined) ?? []).forEach((c, i) => {
      if (c.Variable === `$.gates.${zone}.passed` && c.BooleanEquals === true) edges.push({ from: name, to: String(c.Next), via: `Choices[${i}]` });
    });
  }
  return edges;
}

/** Every state (nested states of Map and Parallel included) reachable from StartAt without the cut edges. */
export function reachableStates(def: { StartAt: string; States: States }, cut: readonly Edge[] = []): Set<string> {
  const seen = new Set<string>();
  const visit = (states: States, start: string) => {
    const queue = [start];
    while (queue.length) {
      const name = queue.shift()!;
      if (seen.has(name) || !states[name]) continue;
      seen.add(name);
      const state = states[name];
      for (const inner of innerDefinitions(state)) visit(inner.States, inner.StartAt);
      for (const e of edgesOf(name, state)) if (!cut.some((c) => c.from === e.from && c.via === e.via)) queue.push(e.to);
    }
  };
  visit(def.States, def.StartAt);
  return seen;
}

/** Every state of a definition, nested ones included. */
export function allStates(def: { States: States }): Record<string, AslState> {
  const out: Record<string, AslState> = {};
  const walk = (states: States) => {
    for (const [name, state] of Object.entries(states)) {
      out[name] = state;
      for (const inner of innerDefinitions(state)) walk(inner.States);
    }
  };
  walk(def.States);
  return out;
}

function innerDefinitions(state: AslState): { StartAt: string; States: States }[] {
  const inner: { StartAt: string; States: States }[] = [];
  const processor = (state.ItemProcessor ?? state.Iterator) as { StartAt: string; States: States } | undefined;
  if (processor) inner.push(processor);
  for (const b of (state.Branches as { StartAt: string; States: States }[] | undefined) ?? []) inner.push(b);
  return inner;
}

export interface GuardViolation {
  readonly problem: string;
}

/**
 * Checks that `guarded(zone)` states run only through a passing gate of that zone: each zone
 * must have pass edges, and with them cut, none of its guarded states may be reachable.
 */
export function gateGuardViolations(def: AslDefinition | { StartAt: string; States: States }, guarded: Readonly<Record<string, readonly string[]>>): GuardViolation[] {
  const out: GuardViolation[] = [];
  const everything = reachableStates(def);
  for (const [zone, states] of Object.entries(guarded)) {
    const edges = passEdges(def, zone);
    if (!edges.length) {
      out.push({ problem: `no Choice continues on $.gates.${zone}.passed == true` });
      continue;
    }
    const without = reachableStates(def, edges);
    for (const s of states) {
      if (!everything.has(s)) out.push({ problem: `${s} is never reached` });
      else if (without.has(s)) out.push({ problem: `${s} is reachable without passing the ${zone} gate` });
    }
  }
  return out;
}
