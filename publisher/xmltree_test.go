package publisher

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xmlNS is the namespace of the xml: prefix, as encoding/xml reports it.
const xmlNS = "http://www.w3.org/XML/1998/namespace"

// xnode is an element of a parsed XML document, for the validators.
type xnode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xnode
	text     string // character data directly inside, CDATA included
}

// parseXMLTree parses doc into a tree of elements with namespaces
// resolved.
func parseXMLTree(doc string) (*xnode, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var root *xnode
	var stack []*xnode
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tok.Name, attrs: tok.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// attr returns the value of the attribute in namespace space (""
// for none) named local.
func (n *xnode) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// all returns the children in namespace space named local.
func (n *xnode) all(space, local string) []*xnode {
	var out []*xnode
	for _, c := range n.children {
		if c.name.Space == space && c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// first returns the first child in namespace space named local, or nil.
func (n *xnode) first(space, local string) *xnode {
	for _, c := range n.children {
		if c.name.Space == space && c.name.Local == local {
			return c
		}
	}
	return nil
}

// childText returns the text of the first such child, "" if none.
func (n *xnode) childText(space, local string) string {
	if c := n.first(space, local); c != nil {
		return c.text
	}
	return ""
}

// walk calls fn on n and every element below it.
func (n *xnode) walk(fn func(*xnode)) {
	fn(n)
	for _, c := range n.children {
		c.walk(fn)
	}
}
