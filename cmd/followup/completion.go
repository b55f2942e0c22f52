package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

const completionHelp = `usage: followup completion bash|zsh|fish

Completion prints a script that completes followup's commands and flags in
your shell. Load it from your shell's start-up file.

Examples:

	echo 'source <(followup completion bash)' >> ~/.bashrc
	followup completion zsh > "${fpath[1]}/_followup"
	followup completion fish > ~/.config/fish/completions/followup.fish
`

// commandFlags lists each command's flags, for completion; every command
// also takes the global ones.
var commandFlags = map[string][]string{
	"init":       nil,
	"new":        {"--role", "--date", "--decision", "--with", "--edit"},
	"check":      {"--json", "--strict"},
	"build":      nil,
	"watch":      {"--poll", "--push"},
	"serve":      {"--addr", "--token", "--poll", "--push"},
	"push":       {"--dry-run"},
	"status":     {"--days", "--json"},
	"version":    nil,
	"help":       nil,
	"completion": nil,
}

var globalFlags = []string{"--vault", "--now", "--help"}

func runCompletion(args []string, stdout io.Writer) error {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprint(stdout, completionHelp)
		return nil
	}
	if len(args) != 1 {
		return usagef("completion: name one shell: bash, zsh or fish")
	}
	commands := slices.Sorted(func(yield func(string) bool) {
		for c := range commandFlags {
			if !yield(c) {
				return
			}
		}
	})
	switch args[0] {
	case "bash":
		fmt.Fprintf(stdout, bashCompletion, strings.Join(commands, " "), strings.Join(globalFlags, " "), bashCases(commands))
	case "zsh":
		fmt.Fprintf(stdout, zshCompletion, strings.Join(commands, " "), strings.Join(globalFlags, " "), bashCases(commands))
	case "fish":
		var b strings.Builder
		fmt.Fprintf(&b, "complete -c followup -f\n")
		fmt.Fprintf(&b, "complete -c followup -n __fish_use_subcommand -a '%s'\n", strings.Join(commands, " "))
		fmt.Fprintf(&b, "complete -c followup -l vault -r -a '(__fish_complete_directories)' -d 'the vault'\n")
		fmt.Fprintf(&b, "complete -c followup -l now -r -d 'the current time'\n")
		for _, c := range commands {
			for _, f := range commandFlags[c] {
				fmt.Fprintf(&b, "complete -c followup -n '__fish_seen_subcommand_from %s' -l %s\n", c, strings.TrimPrefix(f, "--"))
			}
		}
		fmt.Fprintf(&b, "complete -c followup -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
		fmt.Fprintf(&b, "complete -c followup -n '__fish_seen_subcommand_from help' -a '%s'\n", strings.Join(commands, " "))
		fmt.Fprint(stdout, b.String())
	default:
		return usagef("completion: %q is not bash, zsh or fish", args[0])
	}
	return nil
}

func bashCases(commands []string) string {
	var b strings.Builder
	for _, c := range commands {
		words := commandFlags[c]
		switch c {
		case "completion":
			words = []string{"bash", "zsh", "fish"}
		case "help":
			words = commands
		}
		fmt.Fprintf(&b, "    %s) words=\"%s\" ;;\n", c, strings.Join(words, " "))
	}
	return b.String()
}

const bashCompletion = `# bash completion for followup: source <(followup completion bash)
_followup() {
  local cur prev cmd words i
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  if [[ "$prev" == "--vault" ]]; then
    COMPREPLY=($(compgen -d -- "$cur")); return
  fi
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "${COMP_WORDS[i]}" in
      --vault|--now) ((i++)) ;;
      -*) ;;
      *) cmd="${COMP_WORDS[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W "%s %s" -- "$cur")); return
  fi
  case "$cmd" in
%s  esac
  COMPREPLY=($(compgen -W "$words --vault --now --help" -- "$cur"))
}
complete -F _followup followup
`

const zshCompletion = `#compdef followup
# zsh completion for followup: followup completion zsh > "${fpath[1]}/_followup"
_followup() {
  local cmd i
  if [[ "${words[CURRENT-1]}" == "--vault" ]]; then
    _directories; return
  fi
  for ((i = 2; i < CURRENT; i++)); do
    case "${words[i]}" in
      --vault|--now) ((i++)) ;;
      -*) ;;
      *) cmd="${words[i]}"; break ;;
    esac
  done
  if [[ -z "$cmd" ]]; then
    compadd -- %s %s; return
  fi
  local words
  case "$cmd" in
%s  esac
  compadd -- ${=words} --vault --now --help
}
_followup "$@"
`
