package screening

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/backintake/backintake/intake"
)

// TestLiteralsExistInQuestionnaire guards against typos in the linkIds and
// option codes the rules compare with: a misspelt code would silently never
// match. Every string literal in the package that looks like a linkId must be
// an item of intake.V1, and every one that looks like a code must be an option
// of some item (or one of the few non-answer words listed).
func TestLiteralsExistInQuestionnaire(t *testing.T) {
	codes := map[string]bool{}
	for _, it := range intake.V1.Items() {
		for _, o := range it.Options {
			codes[o] = true
		}
	}
	notAnswers := map[string]bool{"acute": true, "subacute": true, "chronic": true, "design": true,
		"diabetes": true, "pregnancy": true} // one-word message phrases
	linkIDLike := regexp.MustCompile(`^[a-z]+\.[a-z0-9_]+$`)
	codeLike := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "result.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				continue
			}
			ast.Inspect(d, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case linkIDLike.MatchString(s):
					checked++
					if intake.V1.Item(s) == nil {
						t.Errorf("%s: %q is not a linkId of %s", fset.Position(lit.Pos()), s, intake.Canonical)
					}
				case codeLike.MatchString(s):
					checked++
					if !codes[s] && !notAnswers[s] {
						t.Errorf("%s: %q is not an option code of %s", fset.Position(lit.Pos()), s, intake.Canonical)
					}
				}
				return true
			})
		}
	}
	if checked < 100 {
		t.Fatalf("only %d literals checked: is the scan still finding the rules?", checked)
	}
}
