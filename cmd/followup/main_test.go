package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata scripts")

func TestMain(m *testing.M) {
	testscript.Main(cleanup{m}, map[string]func(){"followup": main})
}

// cleanup removes, after the tests and benchmarks, the vaults the
// benchmarks generated: on tmpfs they take memory.
type cleanup struct{ *testing.M }

func (c cleanup) Run() int {
	code := c.M.Run()
	benchVaults.Range(func(_, v any) bool {
		_ = os.RemoveAll(v.(*benchVault).dir)
		return true
	})
	return code
}

// TestScripts runs the end-to-end tests in testdata/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "testdata",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("TZ", "America/New_York")
			// No clock: scripts run at noon UTC on 18 November 2026
			// unless they pass --now.
			env.Setenv("SOURCE_DATE_EPOCH", "1795003200")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"bignote": bigNote,
		},
	})
}

// bigNote writes an interview note of the given size in MiB: bignote FILE MIB.
func bigNote(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bignote FILE MIB")
	}
	mib, err := strconv.Atoi(args[1])
	ts.Check(err)
	body := bytes.Repeat([]byte("x"), mib<<20)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), append([]byte("---\ninterviewers: [Jane]\n---\n"), body...), 0o644))
}

// TestExampleVault checks that the example vault of the README passes
// check with neither error nor warning.
func TestExampleVault(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--vault", "../../example-vault", "--now", "2026-11-20T17:00:00-05:00", "check", "--strict"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("check: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "0 errors, 0 warnings") {
		t.Errorf("stderr = %q, want a clean summary", stderr.String())
	}
}

// TestExitCodes checks the exit statuses of SPEC "Commands".
func TestExitCodes(t *testing.T) {
	good := "---\ncompany: Acme Corp\ndate: 2026-11-18\ninterviewers: [Jane Doe]\n---\n"
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  int
	}{
		{"clean", map[string]string{"a.md": good}, []string{"check"}, 0},
		{"clean build", map[string]string{"a.md": good}, []string{"build"}, 0},
		{"error in a note", map[string]string{"a.md": good, "b.md": "---\ninterviewers: 3\n---\n"}, []string{"check"}, 1},
		{"build with an error", map[string]string{"a.md": good, "b.md": "---\ninterviewers: 3\n---\n"}, []string{"build"}, 1},
		{"warning", map[string]string{"a.md": strings.Replace(good, "date:", "decison_date: 2026-11-19\ndate:", 1)}, []string{"check"}, 0},
		{"warning strict", map[string]string{"a.md": strings.Replace(good, "date:", "decison_date: 2026-11-19\ndate:", 1)}, []string{"check", "--strict"}, 1},
		{"config", map[string]string{"followup.yaml": "timezon: UTC\n", "a.md": good}, []string{"check"}, 2},
		{"config build", map[string]string{"followup.yaml": "outbox: /tmp\n"}, []string{"build"}, 2},
		{"unknown command", nil, []string{"chek"}, 2},
		{"no command", nil, nil, 2},
		{"unknown flag", nil, []string{"check", "--jsn"}, 2},
		{"extra argument", nil, []string{"check", "notes"}, 2},
		{"bad --now", nil, []string{"--now", "tomorrow", "check"}, 2},
		{"help", nil, []string{"check", "--help"}, 0},
		{"version", nil, []string{"version"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"--vault", dir, "--now", "2026-11-18T12:00:00Z"}, tt.args...)
			err := run(context.Background(), args, nil, &stdout, &stderr)
			if got := exitCode(err, &stderr); got != tt.want {
				t.Errorf("exit %d, want %d\nstderr:\n%s", got, tt.want, stderr.String())
			}
		})
	}
}

func TestMissingVault(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"--vault", filepath.Join(t.TempDir(), "nope"), "check"}, nil, &bytes.Buffer{}, &stderr)
	if got := exitCode(err, &stderr); got != 2 || !strings.Contains(stderr.String(), "does not exist") {
		t.Errorf("exit %d, stderr %q; want 2 and a clear message", got, stderr.String())
	}
}

func TestVersionLine(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	for _, tc := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{nil, "followup (devel) go1.26.8"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "followup v1.2.0 go1.26.8"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261130124400-63499e5abcde+dirty"},
			Settings: settings("vcs", "git", "vcs.revision", "63499e5abcdef0123456789", "vcs.time", "2026-11-30T12:44:00Z", "vcs.modified", "true")},
			"followup v0.0.0-20261130124400-63499e5abcde+dirty (commit 63499e5abcde of 2026-11-30T12:44:00Z, with changes not committed) go1.26.8"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: settings("vcs.revision", "abc", "vcs.modified", "false")},
			"followup (devel) (commit abc) go1.26.8"},
	} {
		if got := versionLine(tc.info, "go1.26.8"); got != tc.want {
			t.Errorf("versionLine = %q\nwant %q", got, tc.want)
		}
	}
}
