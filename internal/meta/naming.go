package meta

import (
	"strings"
	"unicode"
)

// LowerCamel turns a Go field name into Sequelize's attribute spelling:
// ID → id, PostID → postId, URLPath → urlPath.
func LowerCamel(name string) string {
	words := splitWords(name)
	var b strings.Builder
	for i, w := range words {
		w = strings.ToLower(w)
		if i > 0 {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			w = string(r)
		}
		b.WriteString(w)
	}
	return b.String()
}

// splitWords splits at lower→upper changes and before the last capital of
// an acronym followed by a lower-case letter.
func splitWords(s string) []string {
	r := []rune(s)
	var words []string
	start := 0
	for i := 1; i < len(r); i++ {
		lowerToUpper := unicode.IsUpper(r[i]) && !unicode.IsUpper(r[i-1])
		acronymEnd := unicode.IsUpper(r[i]) && unicode.IsUpper(r[i-1]) && i+1 < len(r) && unicode.IsLower(r[i+1])
		if lowerToUpper || acronymEnd {
			words = append(words, string(r[start:i]))
			start = i
		}
	}
	return append(words, string(r[start:]))
}

// UpperFirst returns s with its first letter upper case (comments -> Comments).
func UpperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// Plural is a small English pluralizer for default association names.
func Plural(s string) string {
	low := strings.ToLower(s)
	switch {
	case strings.HasSuffix(low, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(low[len(low)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(low, "s"), strings.HasSuffix(low, "x"), strings.HasSuffix(low, "z"),
		strings.HasSuffix(low, "ch"), strings.HasSuffix(low, "sh"):
		return s + "es"
	}
	return s + "s"
}

// irregular plurals that association names commonly use.
var irregular = map[string]string{"children": "child", "people": "person", "men": "man",
	"women": "woman", "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot"}

// Singular inverts plural.
func Singular(s string) string {
	low := strings.ToLower(s)
	for pl, sg := range irregular {
		if strings.HasSuffix(low, pl) {
			// Keep the caller's case of the word's first letter.
			i := len(s) - len(pl)
			return s[:i+1] + sg[1:]
		}
	}
	switch {
	case strings.HasSuffix(low, "ies") && len(s) > 3:
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(low, "sses"), strings.HasSuffix(low, "xes"), strings.HasSuffix(low, "zes"),
		strings.HasSuffix(low, "ches"), strings.HasSuffix(low, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(low, "s") && !strings.HasSuffix(low, "ss"):
		return s[:len(s)-1]
	}
	return s
}
