package config

import (
	"regexp"
	"strings"
)

// restoreBlankLines puts the blank lines of orig back into out, the same
// document re-encoded (which drops them): a line of out that matches the
// next lines of orig gets the blank lines that preceded it there. A new
// list item gets a blank line before it when items of its indentation were
// separated by blank lines in orig.
//
// The lines of a block scalar ("description: |") are its value: they are
// copied from out as they are, blank ones included, and never get a blank
// line added, so a value with blank lines in it is written as it is.
func restoreBlankLines(orig, out []byte) []byte {
	if len(orig) == 0 {
		return out
	}
	origLines := strings.Split(string(orig), "\n")
	blankBefore := map[int]bool{} // index in origLines -> a blank line precedes it
	spacedItems := map[string]bool{}
	for i := 1; i < len(origLines); i++ {
		if strings.TrimSpace(origLines[i-1]) == "" && strings.TrimSpace(origLines[i]) != "" {
			blankBefore[i] = true
			if p := itemPrefix(origLines[i]); p != "" {
				spacedItems[p] = true
			}
		}
	}
	const lookahead = 200
	var b strings.Builder
	next := 0         // first line of orig not yet matched
	lastBlank := true // the last line written was blank
	blockParent := -1 // inside a block scalar: the column its content must be indented beyond
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		inBlock := blockParent >= 0 && (strings.TrimSpace(line) == "" || indentation(line) > blockParent)
		if !inBlock {
			blockParent = -1
			if strings.TrimSpace(line) == "" {
				continue // the encoder's own, after foot comments: orig decides
			}
		}
		matched := -1
		for j := next; j < len(origLines) && j < next+lookahead; j++ {
			if origLines[j] == line {
				matched = j
				break
			}
		}
		blank := false
		if matched >= 0 {
			blank = blankBefore[matched]
			next = matched + 1
		} else if p := itemPrefix(line); p != "" {
			blank = spacedItems[p]
		}
		if blank && !lastBlank && !inBlock {
			b.WriteByte('\n')
		}
		b.WriteString(line)
		b.WriteByte('\n')
		lastBlank = strings.TrimSpace(line) == ""
		if !inBlock {
			blockParent = blockScalarParent(line)
		}
	}
	return []byte(b.String())
}

// blockHeader matches the end of a line that starts a block scalar: its
// indicator ("|", ">", with chomping and indentation indicators) as the
// whole value, perhaps followed by a comment.
var blockHeader = regexp.MustCompile(`(^|: |- )[|>][1-9+-]{0,2}( +#.*)?$`)

// blockScalarParent returns, for a line that starts a block scalar, the
// column its content is indented beyond (that of its key, or of the dash
// of a list item that is the scalar); -1 for any other line.
func blockScalarParent(line string) int {
	if !blockHeader.MatchString(line) {
		return -1
	}
	col := indentation(line)
	dash := col
	for strings.HasPrefix(line[col:], "- ") {
		dash = col
		col += 2
		for col < len(line) && line[col] == ' ' {
			col++
		}
	}
	if c := line[col]; c == '|' || c == '>' {
		return dash // the list item is the scalar
	}
	if strings.HasPrefix(line[col:], "#") {
		return -1 // a comment ending in "|"
	}
	return col
}

// indentation is the number of spaces a line starts with.
func indentation(line string) int {
	return len(line) - len(strings.TrimLeft(line, " "))
}

// itemPrefix is the indentation and dash of a line starting a list item.
func itemPrefix(line string) string {
	trimmed := strings.TrimLeft(line, " ")
	if strings.HasPrefix(trimmed, "- ") {
		return line[:len(line)-len(trimmed)+2]
	}
	return ""
}
