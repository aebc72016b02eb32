package memrel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/memrel/memrel/internal/engine"
	"github.com/memrel/memrel/internal/meta"

	"github.com/memrel/memrel/internal/errs"
)

// Snapshot format, version 2 (all integers unsigned varints unless noted;
// a name is a length and its bytes):
//
//	magic "memrel-snapshot\n", version (2)
//	schema: model count; per model its name, column count, per column
//	    its name, kind (meta.Kind), size (integers, floats), fixed length
//	    ([N]byte), flags (1 nullable, 2 primary key, 4 unique); then the
//	    count of composite unique constraints, each a column count and
//	    the columns' positions
//	per model, in the schema's order: sequence (signed varint), row
//	    count, rows: per column a presence byte (0 NULL, 1 value) and
//	    the value
//	trailer: CRC-32C of everything before it (4 bytes, big-endian)
//
// Values: signed integers as signed varints, unsigned as varints, floats as
// 8 bytes of IEEE bits, bools as one byte, strings and []byte as length and
// bytes, times as length and time.MarshalBinary, then the location's name
// (empty for UTC, Local and unnamed zones).
//
// Version 1, which Load still reads, had a schema fingerprint (a length
// and a string: models, columns, types, keys) where version 2 has the
// schema, and no location names.
//
// Every part is self-delimiting, so both ends stream: Save writes the row
// count before the rows (it walks each table twice in its one read
// transaction) and the checksum last; Load decodes rows as they arrive
// and knows where the trailer is once the last model is read.

const snapMagic = "memrel-snapshot\n"

// snapVersion is the version Save writes; snapVersion1 the older one
// Load still reads.
const (
	snapVersion  = 2
	snapVersion1 = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// snapChunk is the size of Save's and Load's buffers: what either holds of
// the stream at a time, besides one value longer than it.
const snapChunk = 32 << 10

// Save writes a consistent snapshot of the store to w. It reads from one
// read transaction, so writers go on meanwhile and the snapshot is the state
// when Save began. Load rebuilds a store from it, in this schema or a
// later one (see [Schema.Load]): the snapshot records the schema by name.
//
// Times keep their instant, their zone offset and, unless the location
// is UTC or time.Local, the location's name (time.Location.String()).
// Load restores the location named when time.LoadLocation finds it with
// the stored offset at that instant, and otherwise a time.FixedZone of
// that name and offset; so a time in an IANA zone the loading machine
// knows, or in a time.FixedZone, reloads reflect.DeepEqual to what was
// saved. What does not: a time in time.Local (it reloads in the loading
// machine's Local when the offset agrees there, else in an unnamed fixed
// zone), a time.FixedZone named like an IANA zone of the same offset
// ("EST" reloads as the zone database's EST), and a zone the loading
// machine's database lacks or disagrees on (a fixed zone of that name and
// offset: the zone's other offsets are lost).
//
// Save streams: it holds about 32 KiB of the snapshot at a time (or one
// value, when a value is longer), never the whole image. A failing w makes
// Save stop at once and return a *SnapshotError whose Err is w's error
// (errors.Is finds it; it does not wrap ErrBadSnapshot), Reason "writing
// snapshot" and Offset the bytes w accepted; a short write without an
// error counts as io.ErrShortWrite. w may then hold part of a snapshot,
// which Load refuses. A nil or zero Store fails with ErrWrongStore.
func (s *Store) Save(w io.Writer) error {
	if err := s.check(); err != nil {
		return err
	}
	e := &encoder{w: w, buf: make([]byte, 0, snapChunk)}
	e.buf = append(e.buf, snapMagic...)
	e.buf = binary.AppendUvarint(e.buf, snapVersion)
	e.buf = appendSchema(e.buf, s.schema.m.Tables)
	tx, err := s.begin(context.Background(), false)
	if err != nil { // closed meanwhile
		return err
	}
	defer tx.Abort()
	for _, t := range s.schema.m.Tables {
		if e.err != nil {
			break // w failed: nothing more is written
		}
		e.buf = binary.AppendVarint(e.buf, tx.r.Reader().Sequence(t))
		n := uint64(0)
		it := tx.r.All(t)
		for row := it.Next(); row != nil; row = it.Next() {
			n++
		}
		e.buf = binary.AppendUvarint(e.buf, n)
		// The same read transaction walks the same rows again.
		it = tx.r.All(t)
		for row := it.Next(); row != nil && e.err == nil; row = it.Next() {
			p := t.Ptr(row)
			for _, f := range t.Fields {
				e.value(f, f.Get(p))
			}
			e.spill(false)
		}
	}
	e.spill(true)
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], e.crc)
	e.write(sum[:])
	if e.err != nil {
		return errs.SnapshotIO(e.off, "writing snapshot", e.err)
	}
	return nil
}

// encoder writes a snapshot in chunks and checksums what it writes; the
// first write error sticks.
type encoder struct {
	w   io.Writer
	buf []byte // encoded, not yet written
	crc uint32
	off int // bytes w accepted
	err error
}

// spill writes the buffer once it is full, or always when force is set.
func (e *encoder) spill(force bool) {
	if len(e.buf) >= snapChunk || (force && len(e.buf) > 0) {
		e.crc = crc32.Update(e.crc, crcTable, e.buf)
		e.write(e.buf)
		e.buf = e.buf[:0]
	}
}

// write writes b to w unless w failed before; a short write is an error
// even if w returned none.
func (e *encoder) write(b []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	e.off += max(0, min(n, len(b)))
	e.err = err
}

// long appends a length-prefixed value; one longer than the buffer goes
// out directly instead of through it.
func (e *encoder) long(b []byte) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(b)))
	if len(b) < snapChunk {
		e.buf = append(e.buf, b...)
		return
	}
	e.spill(true)
	e.crc = crc32.Update(e.crc, crcTable, b)
	e.write(b)
}

// value appends one column value: a presence byte, then the value.
func (e *encoder) value(f *meta.Field, v any) {
	if v == nil {
		e.buf = append(e.buf, 0)
		return
	}
	e.buf = append(e.buf, 1)
	switch x := v.(type) {
	case int64:
		e.buf = binary.AppendVarint(e.buf, x)
	case uint64:
		e.buf = binary.AppendUvarint(e.buf, x)
	case float64:
		e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(x))
	case bool:
		if x {
			e.buf = append(e.buf, 1)
		} else {
			e.buf = append(e.buf, 0)
		}
	case string:
		// The string's own bytes, not a copy: they are only checksummed
		// and written, and an io.Writer may not modify what it is given.
		e.long(unsafe.Slice(unsafe.StringData(x), len(x)))
	case []byte:
		e.long(x)
	case time.Time:
		var tb [16]byte // a time's encoding is at most 16 bytes
		b := appendTime(tb[:0], x)
		e.buf = append(binary.AppendUvarint(e.buf, uint64(len(b))), b...)
		name := ""
		if loc := x.Location(); loc != time.UTC && loc != time.Local {
			name = loc.String()
		}
		e.long(unsafe.Slice(unsafe.StringData(name), len(name)))
	default:
		panic(fmt.Sprintf("memrel: internal error: value %T of %s", v, f.Name))
	}
}

// appendTime appends time.MarshalBinary's encoding of t, but for a zone
// offset that is negative and not whole minutes: MarshalBinary writes its
// seconds as a negative byte, which UnmarshalBinary reads as positive
// (America/New_York before 1883, -4:56:02, would come back as -4:51:46
// and drift on every save). Such an offset is written as the whole
// minutes below it and the seconds above them, which UnmarshalBinary
// reads back exactly. An offset no encoding holds is dropped for UTC; the
// instant is always kept.
func appendTime(dst []byte, t time.Time) []byte {
	b, err := t.AppendBinary(dst)
	if err != nil {
		b, _ = t.UTC().AppendBinary(dst)
		return b
	}
	if _, off := t.Zone(); off < 0 && off%60 != 0 && len(b)-len(dst) == 16 && b[len(dst)] == 2 {
		mins := off/60 - 1 // the whole minutes below off
		if mins < math.MinInt16 {
			b, _ = t.UTC().AppendBinary(dst)
			return b
		}
		binary.BigEndian.PutUint16(b[len(dst)+13:], uint16(int16(mins)))
		b[len(dst)+15] = byte(off - mins*60)
	}
	return b
}

// Load opens a new store holding the rows of a snapshot written by
// [Store.Save], from a store of this schema or an earlier version of it.
//
// Models are matched by model name, columns by column name (not by
// position or Go field name). A column the snapshot lacks loads as NULL
// when it is nullable, as its default when it has one, and as its zero
// value when it is a plain Go value (as Create stores it); a model the snapshot lacks loads empty with a fresh sequence; an
// integer or float column may have widened (int32 to int64, float32 to
// float64). Refused, all together in one *SchemaMismatchError listing
// every difference, returned as the Err of a *SnapshotError (errors.Is
// matches ErrBadSnapshot and ErrSchemaChanged): a dropped column or model
// (unless [DropMissing] is given: then their values are read and
// discarded), any other type change, a changed primary key, a new NOT
// NULL column (a pointer or sql.Null tagged notnull) without a default, a stored NULL in a column that became
// NOT NULL, and stored values colliding in a unique constraint the
// snapshot did not have (these two are found while rows load; when the
// header already shows a difference no row is inserted, so collisions are
// then not looked for). A version-1 snapshot (a schema fingerprint, no
// names) loads only into a schema of exactly its shape, as it always did.
//
// Every row is checked as an
// insert would be (NOT NULL, unique keys, foreign keys, values that fit
// their column), and every sequence: a negative one, or one beyond its
// key's type, is refused; one behind a stored key is moved past the
// largest (an insert with an explicit key moves it so too), so the next
// Create never draws a stored key.
//
// Load streams: it checks the header (magic, version, schema) before
// reading further, decodes rows as they arrive, holds about 32 KiB
// of the stream besides the rows, and never allocates more for a value
// than the data has delivered; the store comes back only once the
// trailing CRC-32C matches, so a corrupted snapshot reports a checksum
// mismatch, not a constraint its damage happens to break (a bad snapshot
// is therefore read to its end, in flat memory). A truncated,
// corrupted or foreign snapshot fails with *SnapshotError (wrapping
// ErrBadSnapshot) and no store is returned. An error from r comes back
// as a *SnapshotError too, with r's error as Err (errors.Is finds it),
// Reason "reading snapshot" and Offset the bytes read, but not wrapping
// ErrBadSnapshot: the snapshot may be sound. A nil Schema fails with
// ErrWrongStore before anything is read. opts are Open's, and
// [DropMissing].
func (sch *Schema) Load(r io.Reader, opts ...StoreOption) (*Store, error) {
	if err := sch.check(); err != nil {
		return nil, err
	}
	st, err := sch.Open(opts...)
	if err != nil {
		return nil, err
	}
	if err := st.load(r, opts); err != nil {
		return nil, err
	}
	return st, nil
}

// LoadSnapshot loads the snapshot r into st, which must hold no rows,
// as [Schema.Load] loads one into a new store, with the same checks and
// errors: in one write transaction, all or nothing, on any engine (so a
// snapshot saved by the memory engine moves into a PostgreSQL database,
// and [Store.Save] of that one moves it back). Of opts, only
// [DropMissing] applies here. A store holding rows fails with
// ErrNotEmpty; st's sequences are set as Load sets them, and stay set
// if the load fails, as sequences do.
func (st *Store) LoadSnapshot(r io.Reader, opts ...StoreOption) error {
	if err := st.check(); err != nil {
		return err
	}
	return st.load(r, opts)
}

// load is Load and LoadSnapshot: the snapshot r into st, which must be
// empty.
func (st *Store) load(r io.Reader, opts []StoreOption) (err error) {
	sch := st.schema
	drop := false
	for _, o := range opts {
		drop = drop || o.dropMissing
	}
	d := &decoder{src: r, buf: make([]byte, snapChunk)}
	plans, diffs := d.header(sch, drop)
	if d.err != nil {
		return d.err
	}
	tx, err := st.begin(context.Background(), true)
	if err != nil {
		return err
	}
	defer tx.Abort()
	defer func() { // an engine that failed: the load's error (Abort follows)
		if p := recover(); p != nil {
			f, ok := engine.Failed(p)
			if !ok {
				panic(p)
			}
			err = f
		}
	}()
	for _, t := range sch.m.Tables {
		if tx.r.All(t).Next() != nil {
			return fmt.Errorf("%w: loading a snapshot into a store whose %s holds rows", ErrNotEmpty, t.Name)
		}
	}
	type loadedRow struct {
		t   *meta.Table
		row any
	}
	var loaded []loadedRow
	var found diffSet // the differences only rows show
	for i := range plans {
		p := &plans[i]
		t := p.t
		if len(diffs) > 0 {
			t = nil // refused already: rows are only read, for the checksum and the NULLs
		}
		d.sequence(p.t)
		n := d.uvarint()
		var top int64 // the largest auto-increment key loaded
		// n only bounds a loop that reads at least a byte per row.
		for j := uint64(0); j < n && d.err == nil; j++ {
			at := d.offset()
			var row any
			var ptr unsafe.Pointer
			if t != nil {
				row = t.NewRow()
				ptr = t.Ptr(row)
			}
			skip := false
			for k := range p.cols {
				c := &p.cols[k]
				v, ok := d.value(p.model.name, c)
				switch {
				case !ok || d.err != nil || d.rowErr != nil:
				case v == nil && c.narrowed:
					found.add(SchemaDifference{Kind: NullInNotNull, Model: p.model.name, Column: c.src.name, Old: "NULL", New: "NOT NULL"})
					skip = true
				case ptr != nil && c.dst != nil:
					c.dst.Set(ptr, v)
				}
			}
			if t == nil || skip || d.err != nil || d.rowErr != nil {
				continue // decode the rest for the checksum, insert nothing
			}
			for _, f := range p.defaults {
				f.Set(ptr, f.Default)
			}
			if err := tx.r.InsertUnchecked(t, row, false); err != nil {
				if diff, ok := p.rowDifference(err); ok {
					found.add(diff)
				} else {
					d.rowErr = &SnapshotError{Offset: at, Reason: "invalid row", Err: err}
				}
				continue
			}
			if len(t.Parents) > 0 {
				loaded = append(loaded, loadedRow{t, row})
			}
			if t.PK.AutoInc {
				// The sequence is past every stored key, of any integer
				// kind, or a Create could draw one: moved once the
				// table's rows are in (one statement on a SQL engine).
				top = max(top, t.PK.SeqValue(ptr))
			}
		}
		if t != nil && (d.seqOK || top > 0) {
			seq := max(top, tx.r.Reader().Sequence(t))
			if d.seqOK {
				seq = max(seq, d.seq)
			}
			tx.r.Writer().SetSequence(t, seq)
		}
	}
	d.trailer()
	if d.err != nil {
		return d.err
	}
	if diffs = append(diffs, found.list...); len(diffs) > 0 {
		return &SnapshotError{Reason: "the snapshot was saved from a different schema",
			Err: &SchemaMismatchError{Differences: diffs}}
	}
	if d.rowErr != nil {
		return d.rowErr
	}
	// References are checked once every row is in, so order does not matter.
	for _, c := range loaded {
		if err := tx.r.CheckParents(c.t, nil, c.row, nil); err != nil {
			return &SnapshotError{Reason: "invalid row", Err: err}
		}
	}
	tx.r.Writer().Settle(false) // nothing to undo: a failed Load drops the store
	return tx.Commit()
}

// fingerprint describes the stored shape of the schema: a snapshot only
// loads into a schema with the same one. Names are escaped (fpName), so
// two schemas of different shapes never share a fingerprint.
func (sch *Schema) fingerprint() string {
	var b strings.Builder
	for _, t := range sch.m.Tables {
		fmt.Fprintf(&b, "%s(", fpName(t.Name))
		for _, f := range t.Fields {
			fmt.Fprintf(&b, "%s:%d/%d/%v/%v;", fpName(f.Name), f.Kind, f.Size, f.Nullable(), f.PK)
		}
		b.WriteString(")")
	}
	return b.String()
}

// fpName escapes the characters that delimit a fingerprint, and the
// escape itself, as %XX. Every other name is written as it is, so the
// fingerprint of a schema without such names is the one version 1 always
// had.
func fpName(name string) string {
	if !strings.ContainsAny(name, "():;/%") {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if c := name[i]; strings.IndexByte("():;/%", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// decoder reads a snapshot from a stream through a buffer of its own,
// checksumming what it consumes. A malformed stream, a read error or the
// end of the data sets err, which sticks and stops the decoding. A value
// or row that is well-formed but invalid sets rowErr instead: decoding
// goes on to the trailer, so a corrupted snapshot is reported as one
// rather than by the constraint its damage breaks.
type decoder struct {
	src    io.Reader
	buf    []byte // buf[r:w] is read but not consumed
	r, w   int
	crcAt  int    // buf[crcAt:r] is consumed but not yet checksummed
	base   int    // stream offset of buf[0]
	crc    uint32 // of the stream up to buf[crcAt]
	lim    int    // reads fill buf[:lim]
	eof    bool
	err    error
	rowErr error
	seq    int64 // the sequence of the model being read
	seqOK  bool  // and it is valid
	// version is the snapshot's format version.
	version uint64
	// locs caches time.LoadLocation per zone name for one Load; nil for
	// a name that does not load.
	locs map[zoneKey]*time.Location
}

// offset is the stream offset of the next byte to consume.
func (d *decoder) offset() int { return d.base + d.r }

func (d *decoder) fail(reason string) {
	if d.err == nil {
		d.err = &SnapshotError{Offset: d.offset(), Reason: reason}
	}
}

// invalid records the first well-formed but invalid value or row.
func (d *decoder) invalid(at int, reason string, err error) {
	if d.rowErr == nil {
		d.rowErr = &SnapshotError{Offset: at, Reason: reason, Err: err}
	}
}

// more reads from the stream into the buffer, first moving the unread
// bytes to its front; false when nothing more came.
func (d *decoder) more() bool {
	if d.err != nil || d.eof {
		return false
	}
	if d.r > 0 {
		d.crc = crc32.Update(d.crc, crcTable, d.buf[d.crcAt:d.r])
		n := copy(d.buf, d.buf[d.r:d.w])
		d.base += d.r
		d.r, d.w, d.crcAt = 0, n, 0
	}
	if d.w >= d.lim {
		return false // unreachable: need and take never ask for more than fits
	}
	for range 100 {
		n, err := d.src.Read(d.buf[d.w:d.lim])
		d.w += n
		switch {
		case errors.Is(err, io.EOF):
			d.eof = true
		case err != nil:
			d.err = errs.SnapshotIO(d.base+d.w, "reading snapshot", err)
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
	d.err = errs.SnapshotIO(d.base+d.w, "reading snapshot", io.ErrNoProgress)
	return false
}

// need makes at least n (at most len(buf)) bytes unread; false at the end
// of the data, which then is an error.
func (d *decoder) need(n int) bool {
	for d.w-d.r < n {
		if !d.more() {
			if d.err == nil {
				d.fail(reasonTruncated)
			}
			return false
		}
	}
	return d.err == nil
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	// A varint is at most 10 bytes; fewer are left only at the end.
	for d.w-d.r < binary.MaxVarintLen64 && d.more() {
	}
	v, n := binary.Uvarint(d.buf[d.r:d.w])
	switch {
	case d.err != nil:
		return 0
	case n == 0:
		d.fail(reasonTruncated)
		return 0
	case n < 0:
		d.fail("bad varint")
		return 0
	}
	d.r += n
	return v
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	// binary.Varint's zig-zag decoding, on a value read as unsigned.
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// take consumes n bytes. The slice is valid until the next read unless
// n exceeds the buffer: then it is a fresh one, grown as the data
// arrives, so a length the data never delivers allocates nothing close
// to it.
func (d *decoder) take(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n <= uint64(len(d.buf)) {
		if !d.need(int(n)) {
			return nil
		}
		b := d.buf[d.r : d.r+int(n) : d.r+int(n)]
		d.r += int(n)
		return b
	}
	var out []byte
	for uint64(len(out)) < n {
		if d.r == d.w && !d.need(1) {
			return nil
		}
		k := int(min(uint64(d.w-d.r), n-uint64(len(out))))
		if len(out)+k > cap(out) {
			// Double what arrived, never past n: all the copies
			// together stay within twice the data.
			grown := make([]byte, len(out), min(n, uint64(max(2*cap(out), len(out)+k))))
			copy(grown, out)
			out = grown
		}
		out = append(out, d.buf[d.r:d.r+k]...)
		d.r += k
	}
	return out
}

func (d *decoder) bytes() []byte { return d.take(d.uvarint()) }

// header checks magic and version, then reads the schema and maps it
// onto sch (see plans), or for version 1 checks the fingerprint and maps
// column by column. Until the version is known, and for version 1 the
// fingerprint's length to be this schema's, reads ask for no more than
// headRead bytes: a stream that is not a snapshot fails after a few bytes.
func (d *decoder) header(sch *Schema, drop bool) ([]loadPlan, []SchemaDifference) {
	d.lim = headRead
	if m := d.take(uint64(len(snapMagic))); d.err == nil && string(m) != snapMagic || isTruncated(d.err) {
		d.err = &SnapshotError{Reason: "not a memrel snapshot"}
		return nil, nil
	}
	v := d.uvarint()
	switch {
	case d.err != nil:
		return nil, nil
	case v == snapVersion:
		d.version = v
		d.lim = len(d.buf)
		models := d.schema()
		if d.err != nil {
			return nil, nil
		}
		return plans(&sch.m, models, drop)
	case v != snapVersion1:
		d.fail(fmt.Sprintf("unsupported version %d", v))
		return nil, nil
	}
	d.version = v
	fp := sch.fingerprint()
	if n := d.uvarint(); d.err == nil && n != uint64(len(fp)) {
		d.err = &SnapshotError{Reason: "the snapshot was saved from a different schema"}
		return nil, nil
	}
	d.lim = len(d.buf)
	if b := d.take(uint64(len(fp))); d.err == nil && string(b) != fp {
		d.err = &SnapshotError{Reason: "the snapshot was saved from a different schema"}
	}
	return identityPlans(sch.m.Tables), nil
}

// headRead bounds the reads of a header not yet known to be a snapshot's:
// the magic, a version and a length fit it.
const headRead = 64

// isTruncated reports whether err is the decoder's end-of-data error.
func isTruncated(err error) bool {
	var se *SnapshotError
	return errors.As(err, &se) && se.Reason == reasonTruncated
}

const reasonTruncated = "unexpected end: the snapshot is truncated"

// sequence reads t's sequence (nil t: a dropped model's); a negative one, one beyond the largest key
// of its type, or one of a table without an auto-increment key (Save
// writes 0) is invalid; seqOK says it is valid.
func (d *decoder) sequence(t *meta.Table) {
	at := d.offset()
	seq := d.varint()
	d.seq, d.seqOK = seq, false
	switch {
	case d.err != nil || t == nil: // a dropped model's sequence goes with it
	case seq < 0:
		d.invalid(at, fmt.Sprintf("negative sequence %d of %s", seq, t.Name), nil)
	case !t.PK.AutoInc && seq != 0:
		d.invalid(at, fmt.Sprintf("sequence %d of %s, whose key %s is not auto-increment", seq, t.Name, t.PK.Name), nil)
	case t.PK.AutoInc && seq > t.PK.MaxID():
		d.invalid(at, fmt.Sprintf("sequence %d of %s beyond the largest %s %s holds", seq, t.Name, t.PK.Base, t.PK.Name), nil)
	default:
		d.seqOK = true
	}
}

// trailer checks the checksum of everything consumed so far and that
// nothing follows it.
func (d *decoder) trailer() {
	if d.err != nil {
		return
	}
	d.crc = crc32.Update(d.crc, crcTable, d.buf[d.crcAt:d.r])
	d.crcAt = d.r
	sum := d.take(4)
	if d.err != nil {
		return
	}
	if binary.BigEndian.Uint32(sum) != d.crc {
		d.err = &SnapshotError{Reason: "checksum mismatch: the snapshot is truncated or corrupted"}
		return
	}
	if d.r < d.w || d.more() {
		d.fail("trailing data")
	}
}

// value reads one value of column c of the model named model, as the
// snapshot stored it, and checks it fits the field it loads into. ok is
// false for a value that does not fit, which is recorded as the row's
// error; the stream stays in step. A NULL in a column that became NOT
// NULL comes back as nil and ok: the caller records the difference.
func (d *decoder) value(model string, c *planCol) (v any, ok bool) {
	at := d.offset()
	tag := d.take(1)
	if d.err != nil {
		return nil, false
	}
	f := c.dst
	switch tag[0] {
	case 0:
		if !c.src.nullable {
			// A plain field would store it as its zero value; a pointer
			// one would break NOT NULL. An insert refuses both.
			d.invalid(at, "invalid row", &ValidationError{Model: model,
				Items: []ValidationErrorItem{{Field: c.src.name, Message: "cannot be null"}}})
			return nil, false
		}
		return nil, true
	case 1:
	default:
		d.fail("bad presence byte")
		return nil, false
	}
	at = d.offset()
	size := c.src.size
	if f != nil {
		size = uint64(f.Size)
	}
	switch c.src.kind {
	case meta.Int:
		v = d.varint()
	case meta.Uint:
		v = d.uvarint()
	case meta.Float:
		if b := d.take(8); b != nil {
			x := math.Float64frombits(binary.BigEndian.Uint64(b))
			if size == 4 && !math.IsNaN(x) && float64(float32(x)) != x {
				d.invalid(at, fmt.Sprintf("value %v of %s.%s is not a float32", x, model, c.src.name), nil)
				return nil, false
			}
			v = x
		}
	case meta.Bool:
		if b := d.take(1); b != nil {
			if b[0] > 1 {
				d.invalid(at, fmt.Sprintf("bad bool of %s.%s", model, c.src.name), nil)
				return nil, false
			}
			v = b[0] == 1
		}
	case meta.String:
		v = string(d.bytes())
	case meta.Bytes:
		b := d.bytes()
		if b != nil && len(b) <= len(d.buf) {
			b = append(make([]byte, 0, len(b)), b...) // the buffer is reused
		}
		v = b
	case meta.Time:
		var tm time.Time
		if b := d.bytes(); d.err == nil {
			if err := tm.UnmarshalBinary(b); err != nil {
				d.invalid(at, fmt.Sprintf("bad time of %s.%s: %v", model, c.src.name, err), nil)
				return nil, false
			}
		}
		if d.version >= snapVersion {
			tm = d.zone(tm, d.bytes())
		}
		v = tm
	}
	if d.err != nil || f == nil {
		return v, d.err == nil
	}
	if _, err := f.ConvOperand(v); err != nil {
		d.invalid(at, fmt.Sprintf("value of %s.%s out of range", model, c.src.name), nil)
		return nil, false
	}
	return v, true
}

// maxZoneName bounds the zone names Load looks up: IANA names are far
// shorter, and a corrupted one must not reach the file system.
const maxZoneName = 64

// zoneKey is a stored zone: its name and the offset of the time at hand.
type zoneKey struct {
	name string
	off  int
}

// zone gives tm the location named name when time.LoadLocation finds it
// and it has tm's offset at tm's instant; otherwise a fixed zone of that
// name and offset, which is what a time.FixedZone was. Locations are
// cached for the Load, so a zone costs one LoadLocation, not one per row.
func (d *decoder) zone(tm time.Time, name []byte) time.Time {
	if len(name) == 0 || len(name) > maxZoneName || d.err != nil {
		return tm
	}
	_, off := tm.Zone()
	if d.locs == nil {
		d.locs = map[zoneKey]*time.Location{}
	}
	// The zone database's location is cached under no offset, a fixed
	// zone under its own.
	named := zoneKey{name: string(name), off: math.MinInt}
	loc, ok := d.locs[named]
	if !ok {
		loc, _ = time.LoadLocation(named.name)
		d.locs[named] = loc
	}
	if loc != nil {
		if in := tm.In(loc); tmOffset(in) == off {
			return in
		}
	}
	fixed := zoneKey{name: named.name, off: off}
	if d.locs[fixed] == nil {
		d.locs[fixed] = time.FixedZone(fixed.name, off)
	}
	return tm.In(d.locs[fixed])
}

// tmOffset is tm's zone offset in seconds east of UTC.
func tmOffset(tm time.Time) int {
	_, off := tm.Zone()
	return off
}
