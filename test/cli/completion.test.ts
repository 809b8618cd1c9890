// `stedi completion bash|zsh`: the script is derived from the command tree and completes in real shells.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completionScript } from '../../src/cli/completion-command';
import { buildProgram } from '../../src/cli/main';
import { tempDir } from '../support/tmp';

const program = buildProgram();
const dir = tempDir();
const bashFile = join(dir, 'stedi.bash');
const zshFile = join(dir, 'stedi.zsh');
writeFileSync(bashFile, completionScript(program, 'bash'));
writeFileSync(zshFile, completionScript(program, 'zsh'));

/** What the shell offers after `words` (the last one is the word being completed). */
function offered(shell: 'bash' | 'zsh', words: string[]): string[] {
  const arr = words.map((w) => `'${w}'`).join(' ');
  const call = `COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _stedi; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const script =
    shell === 'bash'
      ? `source ${bashFile}; ${call}`
      : `autoload -U +X compinit && compinit -u; source ${zshFile}; setopt ksharrays; ${call}`;
  const out = execFileSync(shell, ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
  // zsh's compgen (bashcompinit) hands every word over and matches them against the typed prefix itself.
  return shell === 'zsh' ? out.filter((w) => w.startsWith(words[words.length - 1])) : out;
}

const commands = program.commands.map((c) => c.name());

describe.each(['bash', 'zsh'] as const)('stedi completion %s', (shell) => {
  it('offers every command of the program', () => {
    expect(offered(shell, ['stedi', ''])).toEqual(commands);
    expect(commands).toEqual(expect.arrayContaining(['run', 'gate', 'report', 'completion']));
  });

  it("offers a command's options, an option's choices, subcommands and argument choices", () => {
    expect(offered(shell, ['stedi', 'gate', '--e'])).toEqual(['--engine', '--env']);
    expect(offered(shell, ['stedi', 'gate', '--engine', ''])).toEqual(['duckdb', 'athena']);
    expect(offered(shell, ['stedi', 'gate', '--lake', 'x', '--format', ''])).toEqual(['text', 'json', 'md']);
    expect(offered(shell, ['stedi', 'grants', ''])).toEqual(['diff', 'check']);
    expect(offered(shell, ['stedi', '--debug', 'grants', 'check', '--'])).toEqual(['--out', '--help']);
    expect(offered(shell, ['stedi', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('leaves a free value (a folder) to the shell\'s file completion', () => {
    expect(offered(shell, ['stedi', 'run', '--lake', ''])).toEqual([]);
  });
});

describe('the scripts', () => {
  it('bash registers _stedi with file completion as the fallback; zsh through bashcompinit', () => {
    expect(execFileSync('bash', ['-c', `source ${bashFile}; complete -p stedi`], { encoding: 'utf8' }).trim()).toBe('complete -o default -F _stedi stedi');
    expect(execFileSync('zsh', ['-c', `autoload -U +X compinit && compinit -u; source ${zshFile}; print -r -- $_comps[stedi]`], { encoding: 'utf8' }).trim()).toBe('_bash_complete -o default -F _stedi');
  });
});
