package icons

import (
	"sort"
	"strings"
	"unicode"
)

// minKeyLen is the shortest normalised issuer matched: "HP", "X" or "EA"
// are too short to tell one brand from another, so they keep initials.
const minKeyLen = 3

// Set is a collection of icons with the index Match uses.
type Set struct {
	icons  []Icon
	bySlug map[string]int
	byKey  map[string]int
}

// NewSet indexes icons by slug, title and aliases. When two icons share a
// name, a title wins over a slug, a slug over an alias, and an earlier icon
// over a later one.
func NewSet(icons []Icon) *Set {
	s := &Set{icons: icons, bySlug: make(map[string]int, len(icons)), byKey: make(map[string]int, 2*len(icons))}
	add := func(name string, i int) {
		if k := squash(name); len(k) >= minKeyLen {
			if _, taken := s.byKey[k]; !taken {
				s.byKey[k] = i
			}
		}
	}
	for i, ic := range icons {
		if _, taken := s.bySlug[ic.Slug]; !taken {
			s.bySlug[ic.Slug] = i
		}
		add(ic.Title, i)
	}
	for i, ic := range icons {
		add(ic.Slug, i)
	}
	for i, ic := range icons {
		for _, a := range ic.Aliases {
			add(a, i)
		}
	}
	return s
}

// Len is the number of icons in s.
func (s *Set) Len() int { return len(s.icons) }

// Lookup is the icon named slug.
func (s *Set) Lookup(slug string) (Icon, bool) {
	if i, ok := s.bySlug[slug]; ok {
		return s.icons[i], true
	}
	return Icon{}, false
}

// Match is the icon of the service issuer names, if s holds one. The issuer
// is compared whole ("Booking.com"), then cut at its first "." or "("
// ("github.com", "Google (work)"), each lower case without spaces or
// punctuation, with titles, slugs and aliases. Issuers shorter than three
// letters never match.
func (s *Set) Match(issuer string) (Icon, bool) {
	for _, k := range []string{squash(issuer), Normalize(issuer)} {
		if len(k) < minKeyLen {
			continue
		}
		if i, ok := s.byKey[k]; ok {
			return s.icons[i], true
		}
	}
	return Icon{}, false
}

// Search lists up to max icons whose title, slug or alias contains query
// (normalised), those that start with it first, then by title.
func (s *Set) Search(query string, max int) []Icon {
	q := squash(query)
	type hit struct {
		i      int
		prefix bool
	}
	var hits []hit
	for i, ic := range s.icons {
		names := append([]string{ic.Title, ic.Slug}, ic.Aliases...)
		best := -1
		for _, n := range names {
			if k := squash(n); strings.HasPrefix(k, q) {
				best = 1
				break
			} else if strings.Contains(k, q) {
				best = 0
			}
		}
		if best >= 0 {
			hits = append(hits, hit{i, best == 1})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].prefix != hits[b].prefix {
			return hits[a].prefix
		}
		return strings.ToLower(s.icons[hits[a].i].Title) < strings.ToLower(s.icons[hits[b].i].Title)
	})
	out := make([]Icon, 0, min(max, len(hits)))
	for _, h := range hits[:min(max, len(hits))] {
		out = append(out, s.icons[h.i])
	}
	return out
}

// Normalize is the key an issuer is matched by: cut at the first "." or
// "(", lower case, letters and digits only. "GitHub.com" and "GitHub
// (work)" are both "github".
func Normalize(issuer string) string {
	if i := strings.IndexAny(issuer, ".("); i >= 0 {
		issuer = issuer[:i]
	}
	return squash(issuer)
}

// squash lower-cases s and keeps its letters and digits.
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
