// `stedi completion bash|zsh`: a shell completion script derived from the command tree itself
// (commands, subcommands, options, option choices), so it never lists a command that is gone.
// zsh loads the same script through its bash completion layer (bashcompinit).
import { Argument, Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  /** Command path below the program, space-separated ('' for the program itself). */
  readonly path: string;
  readonly subcommands: readonly string[];
  readonly options: readonly string[];
  /** Options that take a value, with their choices (empty: any value, e.g. a path). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The choices of the command's first argument (`completion <shell>`), if it has any. */
  readonly argChoices: readonly string[];
}

function nodes(cmd: Command, path = ''): Node[] {
  const options = cmd.options as readonly Option[];
  const longs = options.map((o) => o.long).filter((l): l is string => Boolean(l));
  const values = new Map<string, readonly string[]>();
  for (const o of options) if (o.long && (o.required || o.optional)) values.set(o.long, o.argChoices ?? []);
  const subs = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  const argChoices = cmd.registeredArguments[0]?.argChoices ?? [];
  const here: Node = { path, subcommands: subs.map((c) => c.name()), options: [...longs, '--help'], values, argChoices };
  return [here, ...subs.flatMap((c) => nodes(c, path ? `${path} ${c.name()}` : c.name()))];
}

/** A word safe inside a double-quoted bash string (names and choices are ours, but quote anyway). */
const q = (s: string) => s.replace(/[^A-Za-z0-9_.:=/@+-]/g, '');
/** A command path: words separated by one space. */
const qPath = (s: string) => s.split(' ').map(q).join(' ');

function bashScript(program: Command): string {
  const name = q(program.name());
  const fn = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const all = nodes(program);
  const cases = (pick: (n: Node) => string) => all.map((n) => `    "${qPath(n.path)}") echo "${pick(n)}" ;;`).join('\n');
  const valueCases = all
    .flatMap((n) => [...n.values].map(([opt, choices]) => `    "${qPath(n.path)} ${q(opt)}") echo "${choices.map(q).join(' ')}"; return 0 ;;`))
    .join('\n');
  return `# ${name} completion for bash. Load it in this shell:   eval "$(${name} completion bash)"
# or for every shell: ${name} completion bash > ~/.local/share/bash-completion/completions/${name}
${fn}_subcommands() {
  case "$1" in
${cases((n) => [...n.subcommands, ...n.argChoices].map(q).join(' '))}
  esac
}
${fn}_options() {
  case "$1" in
${cases((n) => n.options.map(q).join(' '))}
  esac
}
# Prints the choices of an option that takes a value (nothing for a free value) and succeeds; fails for a flag.
${fn}_value() {
  case "$1 $2" in
${valueCases}
  esac
  return 1
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i=1 w subs
  while [ "$i" -lt "$COMP_CWORD" ]; do
    w="\${COMP_WORDS[i]}"
    case "$w" in
      -*) ${fn}_value "$path" "$w" >/dev/null && i=$((i + 1)) ;;
      *) subs=" $(${fn}_subcommands "$path") "
         case "$subs" in *" $w "*) path="\${path:+$path }$w" ;; esac ;;
    esac
    i=$((i + 1))
  done
  local prev="\${COMP_WORDS[COMP_CWORD-1]}" choices
  if [ "$COMP_CWORD" -gt 1 ] && choices="$(${fn}_value "$path" "$prev")"; then
    # A free value (a folder, a file, SQL): the shell's own file completion (-o default).
    COMPREPLY=()
    [ -n "$choices" ] && COMPREPLY=($(compgen -W "$choices" -- "$cur"))
    return 0
  fi
  case "$cur" in
    -*) COMPREPLY=($(compgen -W "$(${fn}_options "$path")" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$(${fn}_subcommands "$path")" -- "$cur")) ;;
  esac
}
complete -o default -F ${fn} ${name}
`;
}

export function completionScript(program: Command, shell: Shell): string {
  const bash = bashScript(program);
  if (shell === 'bash') return bash;
  const name = q(program.name());
  return `#compdef ${name}
# ${name} completion for zsh. Load it in this shell:   eval "$(${name} completion zsh)"
# It uses zsh's bash completion layer; compinit must have run (it does in most setups).
autoload -U +X bashcompinit && bashcompinit
${bash.split('\n').filter((l) => !l.startsWith('# ')).join('\n')}`;
}

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: eval "$(stedi completion bash)"')
    .addArgument(new Argument('<shell>', 'the shell').choices([...SHELLS]))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(program, shell));
    });
}
