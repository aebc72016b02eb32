package filter

import (
	"github.com/memrel/memrel/query"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// likeMatches runs one LIKE-family condition through Compile on a one-row
// table.
func likeMatches(t require.TestingT, c query.Cond, s string) bool {
	f, err := Compile(fakePosts, c)
	require.NoError(t, err)
	return f.Match(fakeRow{"id": int64(1), "s": s})
}

func TestCompile_Like(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"%", "", true},
		{"%%", "abc", true},
		{"%%%a", "ba", true},
		{"_", "", false},
		{"_", "a", true},
		{"_", "ab", false},
		{"_", "é", true},
		{"__", "é", false},
		{"_", "日", true},
		{"a_c", "a日c", true},
		{"a_c", "ac", false},
		{"a%", "a", true},
		{"a%", "ba", false},
		{"%a", "ba", true},
		{"%a", "ab", false},
		{"%a%b%", "xaxbx", true},
		{"%a%b%", "xbxax", false},
		{"a%bc", "abcbc", true},
		{"%aab", "aaab", true},
		{"%aab", "aaba", false},
		{"%ab%ab", "aabab", true},
		{"%a_b", "aaxb", true},
		{"%_", "", false},
		{"%_%", "x", true},
		{"_%_", "x", false},
		{"_%_", "xy", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"abc", "ABC", false},
		{"a%", "a\nb", true},
		{"a_b", "a\nb", true},
		{"%é%", "caféine", true},
		{"caf_ine", "caféine", true},
		{`\%`, "%", true},
		{`\%`, "a", false},
		{`\_`, "_", true},
		{`\_`, "a", false},
		{`\\`, `\`, true},
		{`\\%`, `\abc`, true},
		{`\\%`, `abc`, false},
		{`\a`, "a", true},
		{`\é`, "é", true},
		{`100\%`, "100%", true},
		{`100\%`, "1000", false},
		{`%\%%`, "50% off", true},
		{`%\%%`, "50 off", false},
		{"\xff", "\xff", true},
		{"\xff", "\xfe", false},
		{"\xff", "\uFFFD", false},
		{"_", "\xff", true},
		{"a%", "a\xff\xfe", true},
		{"%\xfe", "a\xff\xfe", true},
		{"\\\xff", "\xff", true},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+" ~ "+tc.s, func(t *testing.T) {
			require.Equal(t, tc.want, likeMatches(t, query.Like("s", tc.pattern), tc.s))
		})
	}
}

func TestCompile_ILike(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "ABC", true},
		{"ABC", "abc", true},
		{"a%C", "AbC", true},
		{"_B_", "abc", true},
		{"école", "ÉCOLE", true},
		{"ÉCO%", "écossais", true},
		{"straße", "STRASSE", false}, // no full case folding, as PostgreSQL's lower()
		{"Σ%", "σοφία", true},
		{`\A`, "a", true},
		{`\%`, "%", true},
		{`\%`, "a", false},
		{"\xff", "\xfe", false}, // distinct invalid bytes stay distinct
		{"A\xff", "a\xff", true},
		{"x", "y", false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+" ~* "+tc.s, func(t *testing.T) {
			require.Equal(t, tc.want, likeMatches(t, query.ILike("s", tc.pattern), tc.s))
		})
	}
}

func TestCompile_StartsWith(t *testing.T) {
	tests := []struct {
		prefix, s string
		want      bool
	}{
		{"", "", true},
		{"", "x", true},
		{"ab", "abc", true},
		{"ab", "ab", true},
		{"ab", "a", false},
		{"ab", "Abc", false},
		{"50%", "50% off", true},
		{"50%", "500", false},
		{"%", "x", false},
		{"%", "%x", true},
		{"a_", "a_b", true},
		{"a_", "ab", false},
		{"_", "x", false},
		{`a\`, `a\b`, true},
		{`a\`, "ab", false},
		{`\%`, `\%x`, true},
		{`\%`, "%x", false},
		{"é", "école", true},
		{"\xff", "\xff\x00", true},
	}
	for _, tc := range tests {
		t.Run(tc.prefix+" ^ "+tc.s, func(t *testing.T) {
			require.Equal(t, tc.want, likeMatches(t, query.StartsWith("s", tc.prefix), tc.s))
			require.Equal(t, strings.HasPrefix(tc.s, tc.prefix), tc.want)
		})
	}
}

// likeRegexp is an independent model of LIKE: a regular expression with
// % as .* and _ as one character.
func likeRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch r {
		case '\\':
			r, n = utf8.DecodeRuneInString(p[i:])
			i += n
			b.WriteString(regexp.QuoteMeta(string(r)))
		case '%':
			b.WriteString(`.*`)
		case '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// likePattern draws valid patterns from pieces that stress the matcher.
var likePattern = rapid.Custom(func(t *rapid.T) string {
	pieces := rapid.SliceOfN(rapid.SampledFrom([]string{
		"a", "b", "A", "é", "É", "ab", "%", "%", "_", `\%`, `\_`, `\\`, `\a`,
	}), 0, 6).Draw(t, "pieces")
	return strings.Join(pieces, "")
})

var likeString = rapid.StringOfN(rapid.SampledFrom([]rune{'a', 'b', 'A', 'é', 'É', '%', '_', '\\'}), 0, 10, -1)

func TestCompile_Like_MatchesRegexp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := likePattern.Draw(t, "pattern")
		s := likeString.Draw(t, "s")
		require.Equal(t, likeRegexp(p).MatchString(s), likeMatches(t, query.Like("s", p), s), "LIKE")
		lp, ls := strings.ToLower(p), strings.ToLower(s)
		require.Equal(t, likeRegexp(lp).MatchString(ls), likeMatches(t, query.ILike("s", p), s), "ILIKE")
		require.Equal(t, strings.HasPrefix(s, p), likeMatches(t, query.StartsWith("s", p), s), "startsWith")
	})
}

// TestCompile_Like_EscapedMatchesItself: a string, escaped, matches itself and nothing else.
func TestCompile_Like_EscapedMatchesItself(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(likeString, rapid.String()).Draw(t, "s")
		other := rapid.OneOf(likeString, rapid.String()).Draw(t, "other")
		require.True(t, likeMatches(t, query.Like("s", escapeLike(s)), s))
		require.Equal(t, s == other, likeMatches(t, query.Like("s", escapeLike(s)), other))
	})
}

func TestCompile_Like_MatchesWholeCharacters(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"\xc3%", "é", false},     // a lone lead byte is not half of é
		{"\xc3%", "\xc3a", true},  // but it is itself as an invalid character
		{"\xc3\xa9%", "éa", true}, // the two bytes together are é
		{"a\xc3", "aé", false},
		{"%\xa9", "é", false}, // nor the second half
		{"_", "é", true},
		{"__", "é", false},
	} {
		toks, ok := compileLike(tc.pattern)
		require.True(t, ok)
		require.Equal(t, tc.want, matchLike(toks, tc.s), "%q LIKE %q", tc.s, tc.pattern)
	}
}
