package pg

import (
	"fmt"
	"hash/fnv"
	"strings"
)

// maxIdent is PostgreSQL's identifier length (NAMEDATALEN - 1): a longer
// name is cut silently by the server, so two long names could become one.
const maxIdent = 63

// quote quotes an identifier, doubling its quotes: model and column names
// keep their case and may be SQL keywords ("User", "order").
func quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// constraintName is the deterministic name of a constraint or index:
// table, columns and suffix joined by underscores, as PostgreSQL names
// its own ("Comment_postId_fkey"). A name longer than PostgreSQL keeps is
// cut and given eight hex digits of a hash of the whole, so it stays
// unique and the same on every run.
func constraintName(table string, cols []string, suffix string) string {
	name := table + "_" + suffix
	if len(cols) > 0 {
		name = table + "_" + strings.Join(cols, "_") + "_" + suffix
	}
	if len(name) <= maxIdent {
		return name
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	cut := maxIdent - 9
	for cut > 0 && !validCut(name, cut) {
		cut-- // never split a UTF-8 sequence
	}
	return fmt.Sprintf("%s_%08x", name[:cut], h.Sum32())
}

// validCut reports whether name[:n] ends on a character boundary.
func validCut(name string, n int) bool {
	return n == len(name) || name[n]&0xC0 != 0x80
}
