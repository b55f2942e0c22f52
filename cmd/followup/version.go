package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func runVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usagef("version: unexpected argument %q", args[0])
	}
	version := "(devel)"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		version = info.Main.Version
	}
	fmt.Fprintf(stdout, "followup %s %s\n", version, runtime.Version())
	return nil
}
