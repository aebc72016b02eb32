package filter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// likeToken is one piece of a compiled LIKE pattern.
type likeToken struct {
	any  bool   // % : any run of characters
	one  bool   // _ : exactly one character
	text string // literal text
}

// compileLike splits a LIKE pattern into tokens; a backslash makes the next
// character literal, as PostgreSQL's default escape does. It reports false
// for a pattern that ends with the escape character, which PostgreSQL
// rejects. Literal bytes are kept as they are, even when not UTF-8.
func compileLike(p string) ([]likeToken, bool) {
	var toks []likeToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, likeToken{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		_, n := utf8.DecodeRuneInString(p[i:])
		c := p[i : i+n]
		i += n
		switch c {
		case `\`:
			if i == len(p) {
				return nil, false
			}
			_, n = utf8.DecodeRuneInString(p[i:])
			lit.WriteString(p[i : i+n])
			i += n
		case "%":
			flush()
			if len(toks) == 0 || !toks[len(toks)-1].any {
				toks = append(toks, likeToken{any: true})
			}
		case "_":
			flush()
			toks = append(toks, likeToken{one: true})
		default:
			lit.WriteString(c)
		}
	}
	flush()
	return toks, true
}

// matchLike reports whether s matches the tokens. Backtracking is bounded by
// remembering only the last %, which is enough for LIKE's grammar.
func matchLike(toks []likeToken, s string) bool {
	ti, si := 0, 0
	starTok, starStr := -1, 0
	for {
		if ti < len(toks) {
			t := toks[ti]
			switch {
			case t.any:
				starTok, starStr = ti, si
				ti++
				continue
			case t.one:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			default:
				if strings.HasPrefix(s[si:], t.text) && endsOnChar(s, si, si+len(t.text)) {
					si += len(t.text)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last % swallow one more character.
		if starTok < 0 || starStr >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starStr:])
		starStr += n
		ti, si = starTok+1, starStr
	}
}

// lowerCase is strings.ToLower except that bytes which are not UTF-8 stay
// as they are, so ILIKE does not equate two different invalid bytes.
func lowerCase(s string) string {
	if utf8.ValidString(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteByte(s[i])
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

// escapeLike quotes the LIKE metacharacters of a literal.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// endsOnChar reports whether walking s by characters from the character
// boundary from lands exactly on to. A literal matches whole characters:
// the lone byte "\xc3" of a pattern is not the first half of an "é".
func endsOnChar(s string, from, to int) bool {
	for from < to {
		_, n := utf8.DecodeRuneInString(s[from:])
		from += n
	}
	return from == to
}
