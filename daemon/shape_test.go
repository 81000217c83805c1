package daemon

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines bounds the functions of the daemon and of the HTTP surface:
// a longer one is doing several things and should say so with names.
const maxFuncLines = 80

func TestFunctionsStayShort(t *testing.T) {
	for _, dir := range []string{".", "../web", "../site"} {
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			{
				for _, decl := range file.Decls {
					fn, ok := decl.(*ast.FuncDecl)
					if !ok {
						continue
					}
					start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
					if n := end.Line - start.Line + 1; n > maxFuncLines {
						t.Errorf("%s: %s is %d lines, over %d", start, fn.Name.Name, n, maxFuncLines)
					}
				}
			}
		}
	}
}
