package query

import (
	"strings"
	"unicode/utf8"
)

// likeToken is one piece of a compiled LIKE pattern.
type likeToken struct {
	any  bool   // % : any run of characters
	one  bool   // _ : exactly one character
	text string // literal text
}

// compileLike splits a LIKE pattern into tokens; a backslash makes the next
// character literal, as PostgreSQL's default escape does.
func compileLike(p string) []likeToken {
	var toks []likeToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, likeToken{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch r {
		case '\\':
			if i < len(p) {
				r2, n2 := utf8.DecodeRuneInString(p[i:])
				i += n2
				lit.WriteRune(r2)
			}
		case '%':
			flush()
			if len(toks) == 0 || !toks[len(toks)-1].any {
				toks = append(toks, likeToken{any: true})
			}
		case '_':
			flush()
			toks = append(toks, likeToken{one: true})
		default:
			lit.WriteRune(r)
		}
	}
	flush()
	return toks
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
				if strings.HasPrefix(s[si:], t.text) {
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

// escapeLike quotes the LIKE metacharacters of a literal.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
