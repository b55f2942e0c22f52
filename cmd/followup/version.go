package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

const versionHelp = `usage: followup version

Version prints the version of followup, the commit it was built from when
known, and the Go it was built with.

Example:

	followup version
`

func runVersion(g *globals, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseFlags(fs, g, args, stdout, versionHelp); err != nil {
		return err
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(info, runtime.Version()))
	return nil
}

// versionLine says which followup this is: the module's version, and the
// commit it was built from when the build recorded it (go build and go
// install in a clone do), with "modified" when the clone had changes.
func versionLine(info *debug.BuildInfo, goVersion string) string {
	version := "(devel)"
	if info != nil && info.Main.Version != "" {
		version = info.Main.Version
	}
	var rev, at string
	modified := false
	if info != nil {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(len(s.Value), 12)]
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	line := "followup " + version
	if rev != "" {
		line += " (commit " + rev
		if at != "" {
			line += " of " + at
		}
		if modified {
			line += ", with changes not committed"
		}
		line += ")"
	}
	return line + " " + goVersion
}
