package main

import (
	"os"
	"strings"
)

// Fyne reads the user's language from LC_ALL, LC_MESSAGES or LANG, and
// LANGUAGE; it takes "C.UTF-8" (Debian's and many containers' default) for
// the language "C" and logs "Error parsing user locale C" at every start.
// init sets LANGUAGE=en for such a locale, before Fyne looks: gettext and
// libc ignore LANGUAGE under the C locale, so nothing else changes.
func init() { defaultLanguage(os.Getenv, os.Setenv) }

// defaultLanguage sets LANGUAGE to "en" when the locale in force is C or
// POSIX with a codeset ("C.UTF-8") and LANGUAGE is empty.
func defaultLanguage(getenv func(string) string, setenv func(string, string) error) {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	if (base == "C" || base == "POSIX") && loc != base && getenv("LANGUAGE") == "" {
		_ = setenv("LANGUAGE", "en")
	}
}
