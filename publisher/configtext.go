package publisher

import "wirefeed/config"

// The text an editor writes in the config (section titles and
// descriptions, partner names and attributions) is published beside the
// partners' text and in the same fields, so it is made safe the same way:
// plain text, as partner titles are (see plainText), whatever markup it
// holds. A feed reader that takes those fields for HTML finds no tag.

// plainSection returns s with its title and description made plain text.
func plainSection(s config.Section) config.Section {
	s.Title, s.Description = plainText(s.Title), plainText(s.Description)
	return s
}

// plainSource returns s with its name and attribution made plain text.
func plainSource(s config.Source) config.Source {
	s.Name, s.Attribution = plainText(s.Name), plainText(s.Attribution)
	return s
}

// WebLink returns raw if it is an absolute http or https URL, else "": the
// links the feeds publish, for the other pages that show one (/story).
func WebLink(raw string) string { return webURL(raw, nil) }
