package render

import "testing"

func TestUnwrap(t *testing.T) {
	tests := []struct{ in, want string }{
		{"one\ntwo\nthree", "one two three"},
		{"para one\nstill\n\npara two\nend", "para one still\n\npara two end"},
		{"text\n- item one\n  more\n- item two", "text\n- item one\n  more\n- item two"},
		{"hard break  \nnext", "hard break  \nnext"},
		{"```\ncode\nlines\n```\nafter\nthis", "```\ncode\nlines\n```\nafter this"},
		{"> quote\n> more", "> quote\n> more"},
		{"text\n1. first\n2. second", "text\n1. first\n2. second"},
		{"a\n    code", "a\n    code"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := unwrap(tt.in); got != tt.want {
			t.Errorf("unwrap(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
