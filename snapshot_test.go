package memrel_test

import (
	"bytes"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// Local shape: the crafted snapshots below (snapCraft) and the fingerprint
// tests are laid out for exactly these columns (sql.Null key, uint16, time).
type snAuthor struct {
	ID    int64
	Name  string `memrel:"name,unique"`
	Books []snBook
}

type snBook struct {
	ID       int64
	Title    *string
	AuthorID sql.Null[int64]
	Score    float64
	Cover    []byte `memrel:"cover,null"`
	Printed  time.Time
	Pages    uint16
	Done     bool
}

type snEnv struct {
	s       *memrel.Schema
	authors *memrel.Model[snAuthor]
	books   *memrel.Model[snBook]
}

func snSchema(constraints bool) snEnv {
	s := memrel.NewSchema()
	a := memrel.Define[snAuthor](s, "Author")
	b := memrel.Define[snBook](s, "Book")
	memrel.NewHasMany(a, b, memrel.HasManyOptions{NoConstraints: !constraints})
	return snEnv{s, a, b}
}

func snFill(t *testing.T, e snEnv, db *memrel.Store) {
	t.Helper()
	title := "Go\x00in memory"
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		a, err := e.authors.Create(tx, snAuthor{Name: "ann"})
		require.NoError(t, err)
		_, err = e.authors.Create(tx, snAuthor{Name: "bob"})
		require.NoError(t, err)
		for i := 0; i < 5; i++ {
			b := snBook{Title: &title, Score: -1.5 * float64(i), Cover: []byte{0, byte(i), 255},
				Printed: time.Date(1969+i, 7, 20, 20, 17, 0, 0, time.FixedZone("X", 3600*i)), Pages: uint16(100 * i), Done: i%2 == 0}
			if i%2 == 1 {
				b.AuthorID = sql.Null[int64]{V: a.ID, Valid: true}
				b.Title = nil
				b.Cover = nil
			}
			_, err := e.books.Create(tx, b)
			require.NoError(t, err)
		}
		return e.authors.DestroyKey(tx, int64(2)) // the sequence stays at 2
	}))
}

func snSave(t *testing.T, db *memrel.Store) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, db.Save(&buf))
	return buf.Bytes()
}

func TestSnapshot_SaveLoad_RoundTrip(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	data := snSave(t, db)

	db2, err := e.s.Load(bytes.NewReader(data))
	require.NoError(t, err)
	require.Equal(t, data, snSave(t, db2), "a loaded store saves to the same bytes")

	require.NoError(t, db2.View(func(tx *memrel.Txn) error {
		books, err := e.books.FindAll(tx, nil)
		require.NoError(t, err)
		require.Len(t, books, 5)
		require.Equal(t, "Go\x00in memory", *books[0].Title)
		require.Equal(t, []byte{0, 0, 255}, books[0].Cover)
		require.Nil(t, books[1].Cover)
		require.True(t, books[1].AuthorID.Valid)
		require.True(t, books[3].Printed.Equal(time.Date(1972, 7, 20, 20, 17, 0, 0, time.FixedZone("X", 3*3600))))
		require.Equal(t, uint16(400), books[4].Pages)
		return nil
	}))
	// Sequences survive: id 2 was deleted and is not handed out again.
	require.NoError(t, db2.Update(func(tx *memrel.Txn) error {
		a, err := e.authors.Create(tx, snAuthor{Name: "cy"})
		require.NoError(t, err)
		require.Equal(t, int64(3), a.ID)
		return nil
	}))
}

func TestSnapshot_SaveFile_Atomic(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	path := filepath.Join(t.TempDir(), "store.snap")
	require.NoError(t, db.SaveFile(path))
	require.NoError(t, db.SaveFile(path)) // replaces the old file
	db2, err := e.s.LoadFile(path)
	require.NoError(t, err)
	require.Equal(t, snSave(t, db), snSave(t, db2))
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*"))
	require.NoError(t, err)
	require.Empty(t, matches, "no temporary file is left behind")
}

func TestSnapshot_Load_RejectsDamage(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	data := snSave(t, db)
	for n := 0; n < len(data); n++ {
		_, err := e.s.Load(bytes.NewReader(data[:n]))
		require.ErrorIs(t, err, memrel.ErrBadSnapshot, "truncated at %d", n)
	}
	for i := 0; i < len(data); i++ {
		bad := bytes.Clone(data)
		bad[i] ^= 0x5a
		_, err := e.s.Load(bytes.NewReader(bad))
		require.ErrorIs(t, err, memrel.ErrBadSnapshot, "byte %d flipped", i)
	}
}

func TestSnapshot_Load_RejectsOtherSchema(t *testing.T) {
	type other struct{ ID int64 }
	s := memrel.NewSchema()
	memrel.Define[other](s, "Other")
	db, err := s.Open()
	require.NoError(t, err)
	_, err = snSchema(true).s.Load(bytes.NewReader(snSave(t, db)))
	var se *memrel.SnapshotError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), "different schema")
}

func TestSnapshot_Load_ValidatesConstraints(t *testing.T) {
	loose := snSchema(false)
	db, err := loose.s.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := loose.books.Create(tx, snBook{AuthorID: sql.Null[int64]{V: 42, Valid: true}})
		return err
	}))
	// Same tables, but with the foreign key constraint: the dangling
	// reference is refused and no store comes back.
	st, err := snSchema(true).s.Load(bytes.NewReader(snSave(t, db)))
	require.Nil(t, st)
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	var fk *memrel.ForeignKeyConstraintError
	require.ErrorAs(t, err, &fk)
	require.Equal(t, "authorId", fk.ForeignKey)
}

func TestSnapshot_Save_WhileWriting(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			_ = db.Update(func(tx *memrel.Txn) error {
				_, err := e.books.Create(tx, snBook{Pages: uint16(i)})
				return err
			})
		}
	}()
	for i := 0; i < 20; i++ {
		st, err := e.s.Load(bytes.NewReader(snSave(t, db)))
		require.NoError(t, err)
		require.NoError(t, st.View(func(tx *memrel.Txn) error {
			books, err := e.books.FindAll(tx, nil)
			require.NoError(t, err)
			for j, b := range books {
				require.Equal(t, int64(j+1), b.ID, "a snapshot is a prefix of the writes, without holes")
			}
			return nil
		}))
	}
	wg.Wait()
}

// snapCraft writes a snapshot by hand, for a schema whose empty store's
// snapshot gives the header, and seals it with a valid CRC-32C: crafted
// damage reaches the decoder behind the checksum.
type snapCraft struct{ b []byte }

// newSnapCraft starts a snapshot of s, which has the given number of
// models, after its header.
func newSnapCraft(t *testing.T, s *memrel.Schema, models int) *snapCraft {
	t.Helper()
	db, err := s.Open()
	require.NoError(t, err)
	empty := snSave(t, db) // header, then a zero sequence and count per model
	require.Equal(t, models, snapModels(empty))
	return &snapCraft{b: bytes.Clone(empty[:len(empty)-4-2*models])}
}

// snapModels counts the models of the snapshot of an empty store: after
// the header (magic, version, schema: first its model count), two bytes per model (a zero
// sequence and a zero count), then the 4-byte CRC.
func snapModels(empty []byte) int {
	b := empty[len("memrel-snapshot\n"):]
	_, n := binary.Uvarint(b) // version
	models, _ := binary.Uvarint(b[n:])
	return int(models)
}

func (c *snapCraft) varint(v int64) *snapCraft {
	c.b = binary.AppendVarint(c.b, v)
	return c
}

func (c *snapCraft) uvarint(v uint64) *snapCraft {
	c.b = binary.AppendUvarint(c.b, v)
	return c
}

// model starts a model's part: its sequence and row count.
func (c *snapCraft) model(seq int64, rows uint64) *snapCraft { return c.varint(seq).uvarint(rows) }

func (c *snapCraft) null() *snapCraft { c.b = append(c.b, 0); return c }

func (c *snapCraft) int(v int64) *snapCraft { c.b = append(c.b, 1); return c.varint(v) }

func (c *snapCraft) uint(v uint64) *snapCraft { c.b = append(c.b, 1); return c.uvarint(v) }

func (c *snapCraft) str(s string) *snapCraft {
	c.b = append(c.uvarint(uint64(len(s))).b, s...)
	return c
}

func (c *snapCraft) text(s string) *snapCraft { c.b = append(c.b, 1); return c.str(s) }

func (c *snapCraft) float(f float64) *snapCraft {
	c.b = binary.BigEndian.AppendUint64(append(c.b, 1), math.Float64bits(f))
	return c
}

func (c *snapCraft) sealed() []byte {
	return binary.BigEndian.AppendUint32(bytes.Clone(c.b), crc32.Checksum(c.b, crc32.MakeTable(crc32.Castagnoli)))
}

// snKeys has an auto-increment key of every integer kind and size.
type (
	snI8  struct{ ID int8 }
	snI16 struct{ ID int16 }
	snI32 struct{ ID int32 }
	snI64 struct{ ID int64 }
	snU8  struct{ ID uint8 }
	snU16 struct{ ID uint16 }
	snU32 struct{ ID uint32 }
	snU64 struct{ ID uint64 }
	snU   struct {
		ID   uint
		Name string `memrel:"name,unique"`
	}
)

// snKeyCase is one model of the integer-key schema, driven through any.
type snKeyCase struct {
	name   string
	create func(tx *memrel.Txn) (uint64, error)
	keys   func(tx *memrel.Txn) []uint64
}

func snKeyModel[T any](s *memrel.Schema, name string, id func(T) uint64, zero T) snKeyCase {
	m := memrel.Define[T](s, name)
	return snKeyCase{name: name,
		create: func(tx *memrel.Txn) (uint64, error) {
			v, err := m.Create(tx, zero)
			return id(v), err
		},
		keys: func(tx *memrel.Txn) []uint64 {
			rows, err := m.FindAll(tx, nil)
			if err != nil {
				panic(err)
			}
			ids := make([]uint64, len(rows))
			for i, r := range rows {
				ids[i] = id(r)
			}
			return ids
		}}
}

func snKeySchema() (*memrel.Schema, []snKeyCase) {
	s := memrel.NewSchema()
	return s, []snKeyCase{
		snKeyModel(s, "I8", func(v snI8) uint64 { return uint64(v.ID) }, snI8{}),
		snKeyModel(s, "I16", func(v snI16) uint64 { return uint64(v.ID) }, snI16{}),
		snKeyModel(s, "I32", func(v snI32) uint64 { return uint64(v.ID) }, snI32{}),
		snKeyModel(s, "I64", func(v snI64) uint64 { return uint64(v.ID) }, snI64{}),
		snKeyModel(s, "U8", func(v snU8) uint64 { return uint64(v.ID) }, snU8{}),
		snKeyModel(s, "U16", func(v snU16) uint64 { return uint64(v.ID) }, snU16{}),
		snKeyModel(s, "U32", func(v snU32) uint64 { return uint64(v.ID) }, snU32{}),
		snKeyModel(s, "U64", func(v snU64) uint64 { return v.ID }, snU64{}),
		snKeyModel(s, "U", func(v snU) uint64 { return uint64(v.ID) }, snU{Name: "new"}),
	}
}

// TestSnapshot_Load_SequenceBehindRows: a snapshot whose sequences are
// behind their rows (ids 1..3, sequence 1) loads with every sequence
// moved past its largest key, for every integer kind and size, so the
// next Create draws 4 and no stored row is replaced.
func TestSnapshot_Load_SequenceBehindRows(t *testing.T) {
	s, cases := snKeySchema()
	c := newSnapCraft(t, s, len(cases))
	for _, kc := range cases {
		c.model(1, 3)
		for id := range uint64(3) {
			if kc.name[0] == 'I' {
				c.int(int64(id + 1))
			} else {
				c.uint(id + 1)
			}
			if kc.name == "U" {
				c.text(fmt.Sprint("row ", id+1))
			}
		}
	}
	db, err := s.Load(bytes.NewReader(c.sealed()))
	require.NoError(t, err)
	for _, kc := range cases {
		t.Run(kc.name, func(t *testing.T) {
			require.NoError(t, db.Update(func(tx *memrel.Txn) error {
				id, err := kc.create(tx)
				require.NoError(t, err)
				require.Equal(t, uint64(4), id, "the sequence was not moved past the stored keys")
				return nil
			}))
			require.NoError(t, db.View(func(tx *memrel.Txn) error {
				require.Equal(t, []uint64{1, 2, 3, 4}, kc.keys(tx))
				return nil
			}))
		})
	}
}

type snNoSeq struct {
	Code string `memrel:"code,pk"`
}

type snSeq struct {
	ID   uint8
	Name string
}

func snBadSchema() *memrel.Schema {
	s := memrel.NewSchema()
	memrel.Define[snSeq](s, "Seq")
	memrel.Define[snNoSeq](s, "NoSeq")
	return s
}

// TestSnapshot_Load_RefusesInvalidValues: a snapshot with a valid CRC but
// a value no insert could store (NULL in a column that cannot hold one, a
// float32 column's float64, a sequence out of range) fails with a
// *SnapshotError that names the model and field and the byte offset, and
// no store comes back.
func TestSnapshot_Load_RefusesInvalidValues(t *testing.T) {
	s := snBadSchema()
	row := func(seq int64, id func(c *snapCraft), name func(c *snapCraft)) []byte {
		c := newSnapCraft(t, s, 2).model(seq, 1)
		id(c)
		name(c)
		return c.model(0, 0).sealed()
	}
	id1 := func(c *snapCraft) { c.uint(1) }
	ann := func(c *snapCraft) { c.text("ann") }
	for _, tc := range []struct {
		name string
		data []byte
		msg  []string
		as   any
	}{
		{"NULL plain key", row(1, (*snapCraft).nullFn, ann), []string{"Seq.id cannot be null", "at byte"}, rlAs[*memrel.ValidationError]()},
		{"NULL plain field", row(1, id1, (*snapCraft).nullFn), []string{"Seq.name cannot be null", "at byte"}, rlAs[*memrel.ValidationError]()},
		{"negative sequence", row(-9, id1, ann), []string{"negative sequence -9 of Seq", "at byte"}, nil},
		{"sequence beyond the key type", row(256, id1, ann), []string{"sequence 256 of Seq", "at byte"}, nil},
		{"key beyond its type", row(1, func(c *snapCraft) { c.uint(256) }, ann), []string{"Seq.id out of range", "at byte"}, nil},
		{"sequence without auto-increment", newSnapCraft(t, s, 2).model(0, 0).model(3, 0).sealed(), []string{"sequence 3 of NoSeq", "at byte"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := s.Load(bytes.NewReader(tc.data))
			require.Nil(t, st)
			require.ErrorIs(t, err, memrel.ErrBadSnapshot)
			var se *memrel.SnapshotError
			require.ErrorAs(t, err, &se)
			require.Positive(t, se.Offset)
			if tc.as != nil {
				require.ErrorAs(t, err, tc.as)
			}
			for _, m := range tc.msg {
				require.Contains(t, err.Error(), m)
			}
		})
	}
}

func (c *snapCraft) nullFn() { c.null() }

// TestSnapshot_Load_RefusesInexactFloat32: a float32 column holds only
// values a float32 represents; Save never writes another.
func TestSnapshot_Load_RefusesInexactFloat32(t *testing.T) {
	type f32 struct {
		ID    int64
		Ratio float32
	}
	s := memrel.NewSchema()
	memrel.Define[f32](s, "F")
	for _, v := range []float64{0.1, 1e300} {
		_, err := s.Load(bytes.NewReader(newSnapCraft(t, s, 1).model(1, 1).int(1).float(v).sealed()))
		require.ErrorIs(t, err, memrel.ErrBadSnapshot, "%v", v)
		require.Contains(t, err.Error(), "F.ratio")
	}
	db, err := s.Load(bytes.NewReader(newSnapCraft(t, s, 1).model(1, 1).int(1).float(float64(float32(0.1))).sealed()))
	require.NoError(t, err)
	require.NotNil(t, db)
}

// TestSnapshot_Load_CorruptionBeforeConstraint: damage that happens to
// break a constraint (here a duplicate key) is reported as the checksum
// mismatch it is, since the trailer is checked before any row error.
func TestSnapshot_Load_CorruptionBeforeConstraint(t *testing.T) {
	s := snBadSchema()
	data := newSnapCraft(t, s, 2).model(2, 2).uint(1).text("a").uint(1).text("b").model(0, 0).sealed()
	_, err := s.Load(bytes.NewReader(data))
	var ue *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &ue, "with a valid CRC, the duplicate is the reason")
	data[len(data)-1] ^= 1
	_, err = s.Load(bytes.NewReader(data))
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	require.Contains(t, err.Error(), "checksum mismatch")
	require.False(t, errors.As(err, &ue))
}

// snCounting counts the bytes Load reads from an endless source; it
// ends the source after limit bytes so a Load that reads everything
// still finishes.
type snCounting struct {
	src   io.Reader
	n     int64
	limit int64
}

func (c *snCounting) Read(p []byte) (int, error) {
	if c.n >= c.limit {
		return 0, io.EOF
	}
	if int64(len(p)) > c.limit-c.n {
		p = p[:c.limit-c.n]
	}
	n, err := c.src.Read(p)
	c.n += int64(n)
	return n, err
}

type snZeros struct{}

func (snZeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestSnapshot_Load_BoundedRead: Load checks the header before reading
// on, so an endless stream of zeros or of junk after "GIF89a" fails with
// ErrBadSnapshot after a few bytes, and a valid header followed by zeros
// fails at the trailer, with no more read than one buffer beyond it.
func TestSnapshot_Load_BoundedRead(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	header := snSave(t, db)
	header = header[:len(header)-4-2*2]
	const limit = 64 << 20
	for _, tc := range []struct {
		name string
		src  io.Reader
		max  int64
	}{
		{"zeros", snZeros{}, 64},
		{"junk after GIF89a", io.MultiReader(strings.NewReader("GIF89a"), snZeros{}), 64},
		{"header then zeros", io.MultiReader(bytes.NewReader(header), snZeros{}), int64(len(header)) + 64<<10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &snCounting{src: tc.src, limit: limit}
			_, err := e.s.Load(c)
			require.ErrorIs(t, err, memrel.ErrBadSnapshot)
			require.LessOrEqual(t, c.n, tc.max, "Load read %d bytes of an endless stream", c.n)
		})
	}
}

// TestSnapshot_Load_HugeLengthAllocatesLittle: a value claiming 2^60
// bytes, of which the data holds a few, fails as truncated without
// allocating anything like its claim.
func TestSnapshot_Load_HugeLengthAllocatesLittle(t *testing.T) {
	s := snBadSchema()
	c := newSnapCraft(t, s, 2).model(1, 1).uint(1)
	c.b = append(c.b, 1)
	data := c.uvarint(1 << 60).b
	data = append(data, "only a few bytes"...)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"short", data},
		{"4 MiB delivered", append(bytes.Clone(data), make([]byte, 4<<20)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := s.Load(bytes.NewReader(tc.data))
			runtime.ReadMemStats(&after)
			require.ErrorIs(t, err, memrel.ErrBadSnapshot)
			require.Contains(t, err.Error(), "truncated")
			alloc := after.TotalAlloc - before.TotalAlloc
			require.Less(t, alloc, uint64(4*len(tc.data)+1<<20), "Load allocated %d bytes for %d delivered", alloc, len(tc.data))
		})
	}
}

// snCountingFailWriter fails every Write and counts the calls.
type snCountingFailWriter struct {
	err   error
	calls *int
}

func (w snCountingFailWriter) Write([]byte) (int, error) { *w.calls++; return 0, w.err }

// TestSnapshot_Save_StopsAtFirstWriteError: once w fails, Save writes
// nothing more, not even a value too long for its buffer (a string or a
// []byte of more than 32 KiB goes out directly).
func TestSnapshot_Save_StopsAtFirstWriteError(t *testing.T) {
	e := snSchema(false)
	db, err := e.s.Open()
	require.NoError(t, err)
	long := strings.Repeat("x", 100<<10)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := e.books.Create(tx, snBook{Title: &long})
		return err
	}))
	calls := 0
	boom := errors.New("disk full")
	err = db.Save(snCountingFailWriter{boom, &calls})
	require.ErrorIs(t, err, boom)
	require.Equal(t, 1, calls, "Save wrote on after its writer failed")
}

// TestSnapshot_Save_Streams: Save writes in chunks as it goes, never the
// whole image in one Write, and a large store round-trips through it.
func TestSnapshot_Save_Streams(t *testing.T) {
	e := snSchema(false)
	db, err := e.s.Open()
	require.NoError(t, err)
	long := strings.Repeat("x", 100<<10)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for i := range 3000 {
			b := snBook{Score: float64(i)}
			if i == 7 {
				b.Title = &long
			}
			if _, err := e.books.Create(tx, b); err != nil {
				return err
			}
		}
		return nil
	}))
	w := &snChunks{}
	require.NoError(t, db.Save(w))
	require.Greater(t, len(w.sizes), 3)
	for _, n := range w.sizes {
		if n > 64<<10 {
			require.Equal(t, len(long), n, "only a value longer than the buffer is written in one piece")
		}
	}
	db2, err := e.s.Load(bytes.NewReader(w.buf.Bytes()))
	require.NoError(t, err)
	require.Equal(t, w.buf.Bytes(), snSave(t, db2))
}

type snChunks struct {
	buf   bytes.Buffer
	sizes []int
}

func (w *snChunks) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.buf.Write(p)
}

// TestSnapshot_Fingerprint_Unambiguous: names holding the fingerprint's
// delimiters cannot make two schemas of different stored shapes look the
// same: here one string column named "s:1/8/false/false;t" against an
// integer "s" and a string "t".
func TestSnapshot_Fingerprint_Unambiguous(t *testing.T) {
	type two struct {
		ID int64
		S  string `memrel:"s:1/8/false/false;t"`
	}
	type three struct {
		ID int64
		S  int64  `memrel:"s"`
		T  string `memrel:"t"`
	}
	s2, s3 := memrel.NewSchema(), memrel.NewSchema()
	memrel.Define[two](s2, "M")
	m3 := memrel.Define[three](s3, "M")
	db, err := s3.Open()
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		_, err := m3.Create(tx, three{S: 5, T: "tee"})
		return err
	}))
	_, err = s2.Load(bytes.NewReader(snSave(t, db)))
	require.ErrorIs(t, err, memrel.ErrBadSnapshot)
	require.Contains(t, err.Error(), "different schema")
}

// TestSnapshot_Load_TimeZones: times with extreme zone offsets load
// without panicking and keep their instant and offset, including a
// negative offset with seconds (New York's before 1883), which
// time.MarshalBinary alone does not read back as written.
func TestSnapshot_Load_TimeZones(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	zones := []*time.Location{time.FixedZone("", -32767*60), time.FixedZone("far", 32767*60), time.FixedZone("s", 59), time.FixedZone("m", -60), time.FixedZone("LMT", -(4*3600 + 56*60 + 2)), time.FixedZone("", -32767*60-1), time.Local}
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for _, z := range zones {
			if _, err := e.books.Create(tx, snBook{Printed: time.Date(2001, 2, 3, 4, 5, 6, 7, z)}); err != nil {
				return err
			}
		}
		return nil
	}))
	db2, err := e.s.Load(bytes.NewReader(snSave(t, db)))
	require.NoError(t, err)
	require.NoError(t, db2.View(func(tx *memrel.Txn) error {
		books, err := e.books.FindAll(tx, nil)
		require.NoError(t, err)
		for i, b := range books {
			want := time.Date(2001, 2, 3, 4, 5, 6, 7, zones[i])
			require.True(t, b.Printed.Equal(want), "zone %d", i)
			_, got := b.Printed.Zone()
			if _, off := want.Zone(); off != -60 { // -1 minute is UTC's mark in the encoding
				require.Equal(t, off, got, "zone %d", i)
			}
		}
		return nil
	}))
}

// TestSnapshot_SaveFile_KeepsMode: SaveFile keeps the permissions of the
// file it replaces, and gives a new file what os.Create would.
func TestSnapshot_SaveFile_KeepsMode(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	dir := t.TempDir()
	for _, mode := range []fs.FileMode{0o644, 0o640, 0o600, 0o664} {
		path := filepath.Join(dir, fmt.Sprintf("m%o.snap", mode))
		require.NoError(t, os.WriteFile(path, nil, 0o600))
		require.NoError(t, os.Chmod(path, mode))
		require.NoError(t, db.SaveFile(path))
		fi, err := os.Stat(path)
		require.NoError(t, err)
		require.Equal(t, mode, fi.Mode().Perm())
	}
	probe, err := os.Create(filepath.Join(dir, "probe"))
	require.NoError(t, err)
	want, err := probe.Stat()
	require.NoError(t, err)
	require.NoError(t, probe.Close())
	path := filepath.Join(dir, "new.snap")
	require.NoError(t, db.SaveFile(path))
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, want.Mode().Perm(), fi.Mode().Perm(), "a new file gets 0666 less the umask")
}

// TestSnapshot_SaveFile_RemovesStaleTemps: the temporary files a crashed
// SaveFile left next to its file are removed by the next one; files of
// other names, even close ones, stay.
func TestSnapshot_SaveFile_RemovesStaleTemps(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no flock: stale temporary files stay")
	}
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "store.snap")
	stale := []string{".store.snap.tmp12345", ".store.snap.tmp0"}
	kept := []string{".store.snap.tmp", ".store.snap.tmpl", ".store.snap.tmp1x", ".other.snap.tmp1", "store.snap.tmp2"}
	for _, n := range append(stale, kept...) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o600))
	}
	require.NoError(t, db.SaveFile(path))
	for _, n := range stale {
		require.NoFileExists(t, filepath.Join(dir, n))
	}
	for _, n := range kept {
		require.FileExists(t, filepath.Join(dir, n))
	}
	_, err = e.s.LoadFile(path)
	require.NoError(t, err)
}

// TestSnapshot_SaveFile_Concurrent: SaveFile calls on one path at once
// never remove one another's temporary file: every call succeeds, none is
// left behind, and the file loads.
func TestSnapshot_SaveFile_Concurrent(t *testing.T) {
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	dir := t.TempDir()
	path := filepath.Join(dir, "store.snap")
	var wg sync.WaitGroup
	errs := make(chan error, 8*10)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				errs <- db.SaveFile(path)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	matches, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	require.NoError(t, err)
	require.Empty(t, matches)
	db2, err := e.s.LoadFile(path)
	require.NoError(t, err)
	require.Equal(t, snSave(t, db), snSave(t, db2))
}

// ExampleSchema_Load saves a store and loads the snapshot into a new one;
// a damaged snapshot is refused, and a failing reader is not mistaken for
// a bad snapshot.
func ExampleSchema_Load() {
	s := memrel.NewSchema()
	type note struct {
		ID   uint32
		Text string
	}
	notes := memrel.Define[note](s, "Note")
	db, err := s.Open()
	if err != nil {
		panic(err)
	}
	_ = db.Update(func(tx *memrel.Txn) error {
		_, err := notes.Create(tx, note{Text: "kept"})
		return err
	})
	var buf bytes.Buffer
	if err := db.Save(&buf); err != nil {
		panic(err)
	}
	snap := buf.Bytes()

	loaded, err := s.Load(bytes.NewReader(snap))
	if err != nil {
		panic(err)
	}
	_ = loaded.Update(func(tx *memrel.Txn) error {
		n, _ := notes.Create(tx, note{Text: "next"})
		fmt.Println("next id:", n.ID)
		return nil
	})

	damaged := bytes.Clone(snap)
	damaged[len(damaged)-5] ^= 1
	_, err = s.Load(bytes.NewReader(damaged))
	fmt.Println(errors.Is(err, memrel.ErrBadSnapshot), err)

	_, err = s.Load(iotest.ErrReader(errors.New("connection reset")))
	fmt.Println(errors.Is(err, memrel.ErrBadSnapshot), err)
	// Output:
	// next id: 2
	// true memrel: bad snapshot: checksum mismatch: the snapshot is truncated or corrupted
	// false memrel: reading snapshot: connection reset
}

func TestStore_LoadSnapshot_IntoAnEmptyStore(t *testing.T) {
	e := snSchema(true)
	src, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, src)
	data := snSave(t, src)

	dst, err := e.s.Open()
	require.NoError(t, err)
	require.NoError(t, dst.LoadSnapshot(bytes.NewReader(data)))
	require.Equal(t, data, snSave(t, dst), "the same rows and sequences as Load gives")

	// A store holding rows is refused and left as it was.
	err = dst.LoadSnapshot(bytes.NewReader(data))
	require.ErrorIs(t, err, memrel.ErrNotEmpty)
	require.Equal(t, data, snSave(t, dst))

	// A bad snapshot leaves the store without rows (its sequences moved,
	// as sequences do) and usable.
	empty, err := e.s.Open()
	require.NoError(t, err)
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 0xff // the checksum
	require.ErrorIs(t, empty.LoadSnapshot(bytes.NewReader(bad)), memrel.ErrBadSnapshot)
	require.NoError(t, empty.View(func(tx *memrel.Txn) error {
		na, err := e.authors.Count(tx, nil)
		require.NoError(t, err)
		nb, err := e.books.Count(tx, nil)
		require.NoError(t, err)
		require.Zero(t, na+nb)
		return nil
	}))
	require.NoError(t, empty.LoadSnapshot(bytes.NewReader(data)))
	require.Equal(t, data, snSave(t, empty))
}
