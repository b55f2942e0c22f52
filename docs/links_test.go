// Package docs holds followup's reference pages. Its only code is this
// test: every Markdown link of the repository's pages must lead to a file
// of the repository, and every #anchor to a heading of its page, so that a
// clone explains itself and no link leads outside it.
package docs

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// root is the repository, seen from this package's folder.
const root = ".."

// checkedPages are the globs of the pages whose links are checked: the
// pages at the repository's root (README.md, SECURITY.md, BENCHMARKS.md)
// and the reference in docs/.
var checkedPages = []string{"*.md", "docs/*.md"}

// gfm parses Markdown as GitHub shows it: a bare URL or e-mail address in
// the text is a link there too.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// TestLinks checks every link of every page: inline, reference-style,
// autolinks and the URLs GitHub links by itself. A link must name a file
// or folder of the repository by a relative path that stays inside it,
// optionally with an #anchor that a heading of that page makes; or an
// #anchor of its own page. Nothing else is allowed: no http(s), mailto: or
// file: link, no absolute path, no path that climbs out of the
// repository. What a reader of a clone cannot open does not belong here.
func TestLinks(t *testing.T) {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the repository's root is not %s: %v", root, err)
	}
	var names []string
	for _, g := range checkedPages {
		matches, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(g)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			rel, err := filepath.Rel(root, m)
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, filepath.ToSlash(rel))
		}
	}
	for _, must := range []string{"README.md", "SECURITY.md", "BENCHMARKS.md", "docs/README.md"} {
		if !slices.Contains(names, must) {
			t.Errorf("%s is not among the pages checked: was it moved?", must)
		}
	}
	c := newChecker(root)
	for _, name := range names {
		problems, err := c.problems(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
}

// A page is a Markdown file, parsed.
type page struct {
	anchors   map[string]bool
	links     []link
	undefined []int // lines of [text][label] whose label is not defined
}

// A link is a link's destination as written, and its line.
type link struct {
	dest string
	line int
}

// A checker checks the links of the pages of the repository at root,
// reading each page once.
type checker struct {
	root  string
	pages map[string]*page
}

func newChecker(root string) *checker { return &checker{root: root, pages: map[string]*page{}} }

// problems lists what is wrong with the links of the page name, one
// "PATH:LINE: …" each.
func (c *checker) problems(name string) ([]string, error) {
	p, err := c.page(name)
	if err != nil {
		return nil, err
	}
	var out []string
	// A target is reported once a page: a reference link and its
	// definition are one link.
	said := map[string]bool{}
	for _, l := range p.links {
		if said[l.dest] {
			continue
		}
		if err := c.check(name, l.dest); err != nil {
			said[l.dest] = true
			out = append(out, fmt.Sprintf("%s:%d: link %q: %v", name, l.line, l.dest, err))
		}
	}
	for _, line := range p.undefined {
		out = append(out, fmt.Sprintf("%s:%d: a reference link whose label has no definition", name, line))
	}
	return out, nil
}

// page returns the page at the repository path name, parsed.
func (c *checker) page(name string) (*page, error) {
	if p, ok := c.pages[name]; ok {
		return p, nil
	}
	src, err := os.ReadFile(filepath.Join(c.root, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	p := parsePage(src)
	c.pages[name] = p
	return p, nil
}

var (
	scheme    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
	htmlLink  = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*["']?([^"'\s>]+)`)
	labelled  = regexp.MustCompile(`\[[^\[\]]+\]\[[^\[\]]*\]`)
	defLabels = regexp.MustCompile(`(?m)^ {0,3}\[([^\[\]]+)\]:`)
)

// check reports what is wrong with the link dest of the page from.
func (c *checker) check(from, dest string) error {
	switch {
	case dest == "":
		return fmt.Errorf("the link leads nowhere")
	case scheme.MatchString(dest) || strings.HasPrefix(dest, "//"):
		return fmt.Errorf("it leads outside the repository: link to a page of the repository instead, or write the address as code")
	case strings.ContainsAny(dest, "?"):
		return fmt.Errorf("a link to a file of the repository has no query")
	}
	rawPath, anchor, _ := strings.Cut(dest, "#")
	p, err := url.PathUnescape(rawPath)
	if err != nil {
		return err
	}
	if strings.HasPrefix(p, "/") {
		return fmt.Errorf("an absolute path: write it relative to %s", from)
	}
	target := from
	if p != "" {
		target = path.Join(path.Dir(from), p)
	}
	if target == ".." || strings.HasPrefix(target, "../") {
		return fmt.Errorf("it leads outside the repository (to %s)", target)
	}
	info, err := os.Stat(filepath.Join(c.root, filepath.FromSlash(target)))
	if err != nil {
		return fmt.Errorf("%s does not exist in the repository", target)
	}
	if anchor == "" {
		return nil
	}
	if info.IsDir() || !strings.EqualFold(path.Ext(target), ".md") {
		return fmt.Errorf("an anchor into %s, which is not a Markdown page", target)
	}
	want, err := url.PathUnescape(anchor)
	if err != nil {
		return err
	}
	tp, err := c.page(target)
	if err != nil {
		return err
	}
	if !tp.anchors[want] {
		return fmt.Errorf("no heading of %s has the anchor #%s (GitHub's: lower case, spaces as -, punctuation dropped)", target, want)
	}
	return nil
}

// parsePage finds the anchors, the links and the undefined reference
// links of the Markdown src.
func parsePage(src []byte) *page {
	p := &page{anchors: map[string]bool{}}
	pc := parser.NewContext()
	doc := gfm.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	lines := newLineIndex(src)
	seen := map[string]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			p.anchors[anchorOf(plainText(n, src), seen)] = true
		case *ast.Link:
			p.links = append(p.links, link{string(n.Destination), lineOf(n, src, lines)})
		case *ast.Image:
			p.links = append(p.links, link{string(n.Destination), lineOf(n, src, lines)})
		case *ast.AutoLink:
			dest := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
				dest = "mailto:" + dest
			}
			p.links = append(p.links, link{dest, lineOf(n, src, lines)})
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				s := n.Segments.At(i)
				p.addHTML(s.Value(src), lines.line(s.Start))
			}
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				p.addHTML(s.Value(src), lines.line(s.Start))
			}
		case *ast.CodeSpan:
			return ast.WalkSkipChildren, nil
		}
		// An undefined reference stays text, brackets and all.
		if n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
			if labelled.Match(inlineText(n, src)) {
				p.undefined = append(p.undefined, lineOf(n, src, lines))
			}
		}
		return ast.WalkContinue, nil
	})
	// Every definition counts, used or not: its target is a link of the
	// page all the same.
	for _, ref := range pc.References() {
		line := 1
		for _, m := range defLabels.FindAllSubmatchIndex(src, -1) {
			if strings.EqualFold(string(src[m[2]:m[3]]), string(ref.Label())) {
				line = lines.line(m[0])
				break
			}
		}
		p.links = append(p.links, link{string(ref.Destination()), line})
	}
	return p
}

func (p *page) addHTML(html []byte, line int) {
	for _, m := range htmlLink.FindAllSubmatch(html, -1) {
		p.links = append(p.links, link{string(m[1]), line})
	}
}

// inlineText is the text of the block n outside links and code: where
// an undefined [text][label] shows as it was written.
func inlineText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Link, *ast.Image, *ast.AutoLink, *ast.CodeSpan, *ast.RawHTML:
			b.WriteByte(' ')
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.Bytes()
}

// plainText is the text of a heading as GitHub shows it: the words of
// its inline children, code included, without the Markdown around them.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// anchorOf returns the anchor GitHub gives a heading of text: lower case,
// each space a dash, every character but letters, digits, marks, - and _
// dropped; the second heading of one text gets -1, the third -2.
func anchorOf(heading string, seen map[string]int) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r):
			b.WriteRune(r)
		}
	}
	base := b.String()
	a := base
	for _, taken := seen[a]; taken; _, taken = seen[a] {
		seen[base]++
		a = fmt.Sprintf("%s-%d", base, seen[base])
	}
	seen[a] = 0
	return a
}

// A lineIndex turns byte offsets into 1-based line numbers.
type lineIndex []int

func newLineIndex(src []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range src {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (idx lineIndex) line(off int) int {
	i, _ := slices.BinarySearch(idx, off+1)
	return i
}

// lineOf is the line of an inline node: that of its first text, else of
// the block it is in.
func lineOf(n ast.Node, src []byte, lines lineIndex) int {
	var at = -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			at = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	for b := n; at < 0 && b != nil; b = b.Parent() {
		if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
			at = b.Lines().At(0).Start
		}
	}
	return lines.line(max(at, 0))
}

// TestChecker shows that the checker catches what it must, and lets pass
// what it may, on a repository of its own.
func TestChecker(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module x\n",
		"a.md": "# Title\n\n## The `followup.yaml` file\n\n## Notes — and more\n\n## Twice\n\n## Twice\n\n" +
			"See [b](docs/b.md#checks) and [self](#twice-1).\n",
		"docs/b.md": "# Checks\n\nBack to [a](../a.md#title).\n",
		"dir/keep":  "",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		page string
		text string
		want string // a part of the one problem reported; "" for none
	}{
		{"ok.md", "[a](a.md) [b](docs/b.md) [dir](dir/) [esc](docs%2Fb.md)", ""},
		{"ok.md", "[h](a.md#the-followupyaml-file) [d](a.md#notes--and-more) [t](a.md#twice) [t1](a.md#twice-1)", ""},
		{"ok.md", "[r][ref]\n\n[ref]: a.md#title", ""},
		{"ok.md", "`[code](https://example.com)` and\n\n    [indented](https://example.com)\n", ""},
		{"docs/ok.md", "[up](../a.md) [sibling](b.md#checks)", ""},
		{"bad.md", "[x](https://example.com)", "leads outside the repository"},
		{"bad.md", "[x](http://127.0.0.1:8765/calendar.ics)", "leads outside the repository"},
		{"bad.md", "[x](mailto:someone@example.com)", "leads outside the repository"},
		{"bad.md", "[x](file:///etc/passwd)", "leads outside the repository"},
		{"bad.md", "[x](//example.com/a.md)", "leads outside the repository"},
		{"bad.md", "<https://example.com>", "leads outside the repository"},
		{"bad.md", "Mail someone@example.com today.", "leads outside the repository"},
		{"bad.md", "Go to www.example.com today.", "leads outside the repository"},
		{"bad.md", `<a href="https://example.com">x</a>`, "leads outside the repository"},
		{"bad.md", "[x][ref]\n\n[ref]: https://example.com", "leads outside the repository"},
		{"bad.md", "[ref]: ../outside.md", "leads outside the repository"},
		{"bad.md", "[x](../shared/SPEC.md)", "leads outside the repository"},
		{"docs/bad.md", "[x](../../a.md)", "leads outside the repository"},
		{"bad.md", "[x](/a.md)", "an absolute path"},
		{"bad.md", "[x](gone.md)", "gone.md does not exist"},
		{"bad.md", "[x](a.md#nothing)", "no heading of a.md has the anchor #nothing"},
		{"bad.md", "[x](a.md#Title)", "no heading of a.md has the anchor #Title"},
		{"bad.md", "[x](#title)", "no heading of bad.md"},
		{"bad.md", "[x](dir/#title)", "not a Markdown page"},
		{"bad.md", "[x][nowhere]", "no definition"},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, filepath.FromSlash(tt.page))
		if err := os.WriteFile(p, []byte(tt.text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := newChecker(dir).problems(tt.page)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tt.want == "" && len(got) > 0:
			t.Errorf("%q: got %q, want no problem", tt.text, got)
		case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
			t.Errorf("%q: got %q, want one problem with %q", tt.text, got, tt.want)
		}
	}
	// The pages of the repository above point at one another.
	got, err := newChecker(dir).problems("a.md")
	if err != nil || len(got) > 0 {
		t.Errorf("a.md: got %q, %v, want no problem", got, err)
	}
}
