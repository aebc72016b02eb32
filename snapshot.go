package memrel

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Snapshot format, version 1 (all integers unsigned varints unless noted):
//
//	magic "memrel-snapshot\n", version
//	schema fingerprint: length, bytes (models, columns, types, keys)
//	per model, in definition order: sequence (signed varint), row count,
//	    rows: per column a presence byte (0 NULL, 1 value) and the value
//	trailer: CRC-32C of everything before it (4 bytes, big-endian)
//
// Values: signed integers as signed varints, unsigned as varints, floats as
// 8 bytes of IEEE bits, bools as one byte, strings and []byte as length and
// bytes, times as length and time.MarshalBinary.

const snapMagic = "memrel-snapshot\n"

const snapVersion = 1

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Save writes a consistent snapshot of the store to w. It reads from one
// read transaction, so writers go on meanwhile and the snapshot is the state
// when Save began. Load rebuilds a store from it. A nil or zero Store
// fails with ErrWrongStore.
func (s *Store) Save(w io.Writer) error {
	if err := s.check(); err != nil {
		return err
	}
	var buf []byte
	buf = append(buf, snapMagic...)
	buf = binary.AppendUvarint(buf, snapVersion)
	fp := s.schema.fingerprint()
	buf = binary.AppendUvarint(buf, uint64(len(fp)))
	buf = append(buf, fp...)
	tx := s.Begin(false)
	defer tx.Abort()
	for i, t := range s.schema.tables {
		buf = binary.AppendVarint(buf, s.seqs[i].Load())
		var rows []any
		it := tx.all(t)
		for row := it.Next(); row != nil; row = it.Next() {
			rows = append(rows, row)
		}
		buf = binary.AppendUvarint(buf, uint64(len(rows)))
		for _, row := range rows {
			p := t.ptr(row)
			for _, f := range t.fields {
				buf = appendValue(buf, f, f.get(p))
			}
		}
	}
	buf = binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, crcTable))
	_, err := w.Write(buf)
	return err
}

// SaveFile writes a snapshot to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, so a crash leaves either
// the old file or the new one, never a torn one. A nil or zero Store fails
// with ErrWrongStore and writes nothing.
func (s *Store) SaveFile(path string) (err error) {
	if err := s.check(); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = s.Save(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// LoadFile opens a store from a snapshot file written by SaveFile. A nil
// Schema fails with ErrWrongStore.
func (sch *Schema) LoadFile(path string) (*Store, error) {
	if err := sch.check(); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sch.Load(f)
}

// Load opens a new store holding the rows of a snapshot written by
// [Store.Save] from a store of the same schema. Every row is checked as an
// insert would be (NOT NULL, unique keys, foreign keys). A truncated,
// corrupted or foreign snapshot fails with *SnapshotError (wrapping
// ErrBadSnapshot) and no store is returned. A nil Schema fails with
// ErrWrongStore before anything is read.
func (sch *Schema) Load(r io.Reader) (*Store, error) {
	if err := sch.check(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	st, err := sch.Open()
	if err != nil {
		return nil, err
	}
	if len(data) < len(snapMagic)+4 || string(data[:len(snapMagic)]) != snapMagic {
		return nil, &SnapshotError{Reason: "not a memrel snapshot"}
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, crcTable) != binary.BigEndian.Uint32(data[len(data)-4:]) {
		return nil, &SnapshotError{Reason: "checksum mismatch: the snapshot is truncated or corrupted"}
	}
	d := &decoder{buf: body, off: len(snapMagic)}
	if v := d.uvarint(); v != snapVersion {
		return nil, d.fail(fmt.Sprintf("unsupported version %d", v))
	}
	fp := d.bytes()
	if d.err == nil && string(fp) != sch.fingerprint() {
		return nil, &SnapshotError{Reason: "the snapshot was saved from a different schema"}
	}
	tx := st.Begin(true)
	defer tx.Abort()
	var loaded []change
	for i, t := range sch.tables {
		seq := d.varint()
		n := d.uvarint()
		if d.err != nil {
			return nil, d.err
		}
		if n > uint64(len(d.buf)) {
			return nil, d.fail("row count exceeds the data")
		}
		st.seqs[i].Store(seq)
		for j := uint64(0); j < n; j++ {
			row := t.newRow()
			p := t.ptr(row)
			for _, f := range t.fields {
				v := d.value(f)
				if d.err != nil {
					return nil, d.err
				}
				f.set(p, v)
			}
			if err := tx.insertUnchecked(t, row, false); err != nil {
				return nil, &SnapshotError{Reason: "invalid row", Err: err}
			}
			loaded = append(loaded, change{t: t, after: row})
			if t.pk.autoInc {
				if id, ok := t.pk.get(p).(int64); ok && id > st.seqs[i].Load() {
					st.seqs[i].Store(id)
				}
			}
		}
	}
	if d.off != len(d.buf) {
		return nil, d.fail("trailing data")
	}
	// References are checked once every row is in, so order does not matter.
	for _, c := range loaded {
		if err := tx.checkParents(c.t, nil, c.after); err != nil {
			return nil, &SnapshotError{Reason: "invalid row", Err: err}
		}
	}
	tx.w.undo = tx.w.undo[:0]
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return st, nil
}

// fingerprint describes the stored shape of the schema: a snapshot only
// loads into a schema with the same one.
func (sch *Schema) fingerprint() string {
	var b strings.Builder
	for _, t := range sch.tables {
		fmt.Fprintf(&b, "%s(", t.name)
		for _, f := range t.fields {
			fmt.Fprintf(&b, "%s:%d/%d/%v/%v;", f.name, f.kind, f.size, f.nullable(), f.pk)
		}
		b.WriteString(")")
	}
	return b.String()
}

func appendValue(buf []byte, f *field, v any) []byte {
	if v == nil {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	switch x := v.(type) {
	case int64:
		return binary.AppendVarint(buf, x)
	case uint64:
		return binary.AppendUvarint(buf, x)
	case float64:
		return binary.BigEndian.AppendUint64(buf, math.Float64bits(x))
	case bool:
		if x {
			return append(buf, 1)
		}
		return append(buf, 0)
	case string:
		buf = binary.AppendUvarint(buf, uint64(len(x)))
		return append(buf, x...)
	case []byte:
		buf = binary.AppendUvarint(buf, uint64(len(x)))
		return append(buf, x...)
	case time.Time:
		tb, err := x.MarshalBinary()
		if err != nil {
			// Only offsets that are not whole minutes fail; keep the instant.
			tb, _ = x.UTC().MarshalBinary()
		}
		buf = binary.AppendUvarint(buf, uint64(len(tb)))
		return append(buf, tb...)
	}
	panic(fmt.Sprintf("memrel: internal error: value %T of %s", v, f.name))
}

// decoder reads a snapshot body; the first error sticks.
type decoder struct {
	buf []byte
	off int
	err error
}

func (d *decoder) fail(reason string) error {
	if d.err == nil {
		d.err = &SnapshotError{Offset: d.off, Reason: reason}
	}
	return d.err
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) take(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)-d.off) {
		d.fail("value runs past the end")
		return nil
	}
	b := d.buf[d.off : d.off+int(n)]
	d.off += int(n)
	return b
}

func (d *decoder) bytes() []byte { return d.take(d.uvarint()) }

// value reads one column value and checks it fits the field.
func (d *decoder) value(f *field) any {
	tag := d.take(1)
	if d.err != nil {
		return nil
	}
	switch tag[0] {
	case 0:
		return nil
	case 1:
	default:
		d.fail("bad presence byte")
		return nil
	}
	var v any
	switch f.kind {
	case kInt:
		v = d.varint()
	case kUint:
		v = d.uvarint()
	case kFloat:
		if b := d.take(8); b != nil {
			v = math.Float64frombits(binary.BigEndian.Uint64(b))
		}
	case kBool:
		if b := d.take(1); b != nil {
			if b[0] > 1 {
				d.fail("bad bool")
			}
			v = b[0] == 1
		}
	case kString:
		v = string(d.bytes())
	case kBytes:
		v = bytes.Clone(d.bytes())
	case kTime:
		var t time.Time
		if err := t.UnmarshalBinary(d.bytes()); err != nil && d.err == nil {
			d.fail("bad time: " + err.Error())
		}
		v = t
	}
	if d.err != nil {
		return nil
	}
	// Converted as a written value is: a float32 column's value is rounded
	// to float32, and one beyond its range refused.
	c, err := f.conv(v)
	if err != nil {
		d.fail(fmt.Sprintf("value of %s out of range", f.name))
		return nil
	}
	return c
}
