package memrel_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/memrel/memrel"
	"github.com/stretchr/testify/require"
)

// A snapshot that could not be read or written is a *SnapshotError whose
// Err is the I/O error, never ErrBadSnapshot: these tests force each I/O
// failure Save, SaveFile, Load and LoadFile can meet.

// snRequireIOError requires err to be the *SnapshotError of an I/O
// failure matching cause, with a message starting prefix, and returns it.
func snRequireIOError(t *testing.T, err, cause error, prefix string) *memrel.SnapshotError {
	t.Helper()
	require.Error(t, err)
	if cause != nil {
		require.ErrorIs(t, err, cause)
	}
	var se *memrel.SnapshotError
	require.ErrorAs(t, err, &se)
	require.NotErrorIs(t, err, memrel.ErrBadSnapshot)
	require.NotNil(t, se.Err)
	if cause != nil {
		require.ErrorIs(t, se.Err, cause, "Err is the I/O error")
	}
	require.True(t, strings.HasPrefix(err.Error(), prefix), "%q does not start with %q", err.Error(), prefix)
	return se
}

// snIOStore is a store holding more than one of Save's 32 KiB chunks.
func snIOStore(t *testing.T) (snEnv, *memrel.Store) {
	t.Helper()
	e := snSchema(true)
	db, err := e.s.Open()
	require.NoError(t, err)
	snFill(t, e, db)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		for i := range 2000 {
			title := fmt.Sprintf("book %04d %s", i, strings.Repeat("x", 40))
			if _, err := e.books.Create(tx, snBook{Title: &title}); err != nil {
				return err
			}
		}
		return nil
	}))
	return e, db
}

// snWriter accepts its first ok writes and fails every later one with err;
// short makes it return one byte less than given, and no error, instead.
type snWriter struct {
	ok       int
	err      error
	short    bool
	accepted int
}

func (w *snWriter) Write(p []byte) (int, error) {
	if w.short {
		w.accepted += len(p) - 1
		return len(p) - 1, nil
	}
	if w.ok == 0 {
		return 0, w.err
	}
	w.ok--
	w.accepted += len(p)
	return len(p), nil
}

func TestStore_Save_WriterFailsAtFirstWrite(t *testing.T) {
	_, db := snIOStore(t)
	boom := errors.New("disk full")
	err := db.Save(&snWriter{err: boom})
	se := snRequireIOError(t, err, boom, "memrel: writing snapshot: ")
	require.Equal(t, "memrel: writing snapshot: disk full", err.Error())
	require.Equal(t, "writing snapshot", se.Reason)
	require.Zero(t, se.Offset)
}

func TestStore_Save_WriterFailsAtLaterWrite(t *testing.T) {
	_, db := snIOStore(t)
	boom := errors.New("disk full")
	w := &snWriter{ok: 1, err: boom}
	err := db.Save(w)
	se := snRequireIOError(t, err, boom, "memrel: writing snapshot at byte ")
	require.Positive(t, w.accepted)
	require.Equal(t, w.accepted, se.Offset, "Offset is what w accepted")
	require.Equal(t, fmt.Sprintf("memrel: writing snapshot at byte %d: disk full", w.accepted), err.Error())
}

// TestStore_Save_ShortWriteWithoutError: a writer that takes less than it
// is given without saying so breaks io.Writer's contract; Save reports
// io.ErrShortWrite instead of returning a snapshot with holes.
func TestStore_Save_ShortWriteWithoutError(t *testing.T) {
	_, db := snIOStore(t)
	w := &snWriter{short: true}
	err := db.Save(w)
	se := snRequireIOError(t, err, io.ErrShortWrite, "memrel: writing snapshot at byte ")
	require.Equal(t, w.accepted, se.Offset)
}

// TestStore_Save_DeviceFull: a real file system error comes back typed.
func TestStore_Save_DeviceFull(t *testing.T) {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer f.Close()
	_, db := snIOStore(t)
	err = db.Save(f)
	snRequireIOError(t, err, syscall.ENOSPC, "memrel: writing snapshot: ")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
}

func TestSchema_Load_ReaderFails(t *testing.T) {
	e, db := snIOStore(t)
	data := snSave(t, db)
	boom := errors.New("disk on fire")
	for _, tc := range []struct {
		name string
		r    io.Reader
		want string
	}{
		{"at the first read", iotest.ErrReader(boom), "memrel: reading snapshot: disk on fire"},
		{"after 100 bytes", io.MultiReader(bytes.NewReader(data[:100]), iotest.ErrReader(boom)),
			"memrel: reading snapshot at byte 100: disk on fire"},
		{"after 40000 bytes", io.MultiReader(bytes.NewReader(data[:40000]), iotest.ErrReader(boom)),
			"memrel: reading snapshot at byte 40000: disk on fire"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := e.s.Load(tc.r)
			require.Nil(t, st)
			se := snRequireIOError(t, err, boom, "memrel: reading snapshot")
			require.Equal(t, "reading snapshot", se.Reason)
			require.Equal(t, tc.want, err.Error())
		})
	}
}

func TestSchema_LoadFile_Missing(t *testing.T) {
	st, err := snSchema(true).s.LoadFile(filepath.Join(t.TempDir(), "none.snap"))
	require.Nil(t, st)
	se := snRequireIOError(t, err, fs.ErrNotExist, "memrel: opening snapshot: ")
	require.Equal(t, "opening snapshot", se.Reason)
}

// TestSchema_LoadFile_Directory: a path that opens but does not read is a
// read error, not a bad snapshot.
func TestSchema_LoadFile_Directory(t *testing.T) {
	st, err := snSchema(true).s.LoadFile(t.TempDir())
	require.Nil(t, st)
	se := snRequireIOError(t, err, nil, "memrel: ")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	require.Contains(t, []string{"opening snapshot", "reading snapshot"}, se.Reason)
}

func TestStore_SaveFile_MissingDirectory(t *testing.T) {
	_, db := snIOStore(t)
	err := db.SaveFile(filepath.Join(t.TempDir(), "no", "such", "dir", "x.snap"))
	snRequireIOError(t, err, fs.ErrNotExist, "memrel: saving snapshot: ")
}

// TestStore_SaveFile_ParentIsAFile fails even for root, which writes into
// any directory.
func TestStore_SaveFile_ParentIsAFile(t *testing.T) {
	_, db := snIOStore(t)
	parent := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(parent, []byte("keep"), 0o644))
	err := db.SaveFile(filepath.Join(parent, "x.snap"))
	snRequireIOError(t, err, nil, "memrel: saving snapshot: ")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	if runtime.GOOS != "windows" {
		require.ErrorIs(t, err, syscall.ENOTDIR)
	}
	got, err := os.ReadFile(parent)
	require.NoError(t, err)
	require.Equal(t, "keep", string(got))
}

func TestStore_SaveFile_UnwritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("directory permissions do not stop writes on Windows")
	}
	if os.Geteuid() == 0 {
		t.Skip("root writes into any directory; TestStore_SaveFile_ParentIsAFile and " +
			"TestStore_SaveFile_OntoADirectory force failures root cannot avoid")
	}
	_, db := snIOStore(t)
	dir := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(dir, 0o500))
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	err := db.SaveFile(filepath.Join(dir, "x.snap"))
	snRequireIOError(t, err, fs.ErrPermission, "memrel: saving snapshot: ")
}

// TestStore_SaveFile_OntoADirectory: the rename over path fails; path is
// as it was and the temporary file is gone.
func TestStore_SaveFile_OntoADirectory(t *testing.T) {
	_, db := snIOStore(t)
	parent := t.TempDir()
	path := filepath.Join(parent, "x.snap")
	require.NoError(t, os.Mkdir(path, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(path, "inside"), nil, 0o644))
	err := db.SaveFile(path)
	snRequireIOError(t, err, nil, "memrel: saving snapshot: ")
	var le *os.LinkError
	require.ErrorAs(t, err, &le)
	require.Equal(t, "rename", le.Op)
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the directory is left: %v", entries)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.True(t, fi.IsDir())
}
