// Command followup turns interview notes into thank-you drafts and a
// calendar of follow-ups. See README.md and docs/ for the vault format.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones on machines without /usr/share/zoneinfo

	"followup/build"
)

func main() {
	// A soft limit on memory: the collector works harder as the heap nears
	// it, rather than letting it double past what is live. A build of
	// 10,000 notes then peaks at 270 MB instead of 350 MB, for a few per
	// cent more time. GOMEMLIMIT still decides when it is set.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errProblems says that notes had problems, already reported: exit 1.
var errProblems = errors.New("problems in notes")

// A usageError is a mistake on the command line: exit 2, with a hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCode prints err, if any, and returns the exit status of SPEC
// "Commands": 0 fine, 1 problems in notes, 2 usage, configuration or
// failing to write.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errProblems):
		return 1
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "followup: error: %v\n", err)
		fmt.Fprintf(stderr, "followup: hint: run \"followup help\" for usage\n")
		return 2
	default:
		fmt.Fprintf(stderr, "followup: error: %v\n", err)
		return 2
	}
}

const usage = `followup turns interview notes into thank-you drafts and a calendar of follow-ups.

Usage:

	followup [--vault DIR] [--now TIME] COMMAND [ARGS]

Commands:

	init        make a new vault
	new         start the note of an interview you just had
	check       report problems in the notes (--json, --strict)
	build       check, then write the outbox and the calendar
	watch       build, then rebuild on every change (--poll D)
	serve       watch, and serve the calendar over HTTP (--addr, --token)
	status      what is overdue, due today and coming up (--days N, --json)
	push        put the drafts that are due into your mailbox's Drafts folder, and
	            the events into your CalDAV calendar (--dry-run)
	completion  print a completion script for bash, zsh or fish
	version     print the version

Run "followup help COMMAND" or "followup COMMAND --help" for a command's flags.

Global flags (also accepted after the command):

	--vault DIR   the vault (default $FOLLOWUP_VAULT, else the current folder)
	--now TIME    the current time, RFC 3339 or a date (default $SOURCE_DATE_EPOCH, else the clock)

Examples:

	followup --vault ~/job-search check
	followup --vault example-vault build
`

// globals are the flags every command accepts.
type globals struct {
	vault string
	now   string
	hooks hooks
}

// hooks are what tests change of a run; a user never sets them.
type hooks struct {
	lockWait time.Duration // how long a build waits for the lock; 0 is lockWait
	build    build.Options
	cacheHit func() // called when a build finds nothing changed
}

// lockWait is how long a build waits for another to finish writing the
// outbox.
const lockWait = 3 * time.Second

func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.vault, "vault", g.vault, "the vault `DIR`")
	fs.StringVar(&g.now, "now", g.now, "the current `TIME`, RFC 3339 or a date")
}

// run is the whole command: main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runWith(ctx, hooks{}, args, stdin, stdout, stderr)
}

// runWith is run with the hooks of a test.
func runWith(ctx context.Context, h hooks, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	g := &globals{vault: os.Getenv("FOLLOWUP_VAULT"), hooks: h}
	top := flag.NewFlagSet("followup", flag.ContinueOnError)
	top.SetOutput(io.Discard)
	g.register(top)
	if err := top.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil
		}
		return usageError{err.Error()}
	}
	if top.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := top.Arg(0), top.Args()[1:]
	switch cmd {
	case "check":
		return runCheck(ctx, g, rest, stdout, stderr)
	case "build":
		return runBuild(ctx, g, rest, stdout, stderr)
	case "version":
		return runVersion(g, rest, stdout)
	case "init":
		return runInit(g, rest, stdout)
	case "new":
		return runNew(g, rest, stdout, stderr)
	case "status":
		return runStatus(g, rest, stdout, stderr)
	case "watch":
		return runWatch(ctx, g, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, g, rest, stdout, stderr)
	case "push":
		return runPush(ctx, g, rest, stdout, stderr)
	case "completion":
		return runCompletion(rest, stdout)
	case "help":
		return runHelp(rest, stdout)
	default:
		return usagef("unknown command %q", cmd)
	}
}

// helps is the help of each command, for `followup help COMMAND`.
var helps = map[string]string{"check": checkHelp, "build": buildHelp, "version": versionHelp, "init": initHelp, "new": newHelp, "status": statusHelp, "watch": watchHelp, "serve": serveHelp, "push": pushHelp, "completion": completionHelp}

func runHelp(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	help, ok := helps[args[0]]
	if !ok {
		return usagef("help: unknown command %q", args[0])
	}
	fmt.Fprint(stdout, help)
	return nil
}

// parseFlags parses a command's flags, which include the global ones, and
// allows no other argument.
func parseFlags(fs *flag.FlagSet, g *globals, args []string, stdout io.Writer, help string) error {
	return parseFlagsArgs(fs, g, args, stdout, help, 0)
}

// parseFlagsArgs parses a command's flags and allows up to maxArgs other
// arguments, which fs.Args then holds.
func parseFlagsArgs(fs *flag.FlagSet, g *globals, args []string, stdout io.Writer, help string, maxArgs int) error {
	g.register(fs)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, help)
			return err
		}
		return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	if fs.NArg() > maxArgs {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(maxArgs))
	}
	return nil
}
