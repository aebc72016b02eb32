package memrel_test

import (
	"testing"

	"github.com/memrel/memrel"
	"github.com/memrel/memrel/internal/fixture"
	"github.com/memrel/memrel/query"
	"github.com/stretchr/testify/require"
)

// The profile schema of SPEC N2: User hasOne Profile (nullable foreign
// key: SET NULL, Set nulls the previous) and hasOne Passport (NOT NULL:
// CASCADE, Set deletes the previous), neither unique.
type hoUser struct {
	ID       int64
	Name     string
	Profile  *hoProfile
	Passport *hoPassport
}

type hoProfile struct {
	ID     int64
	Bio    string
	UserID *int64
	User   *hoUser
}

type hoPassport struct {
	ID     int64
	Number string `memrel:"number,unique"`
	UserID int64
	Holder *hoUser
}

type hoBlog struct {
	db        *memrel.Store
	users     *memrel.Model[hoUser]
	profiles  *memrel.Model[hoProfile]
	passports *memrel.Model[hoPassport]
	profile   *memrel.HasOne[hoUser, hoProfile]
	passport  *memrel.HasOne[hoUser, hoPassport]
}

func hoOpen(t *testing.T, profile memrel.HasOneOptions) *hoBlog {
	t.Helper()
	s := memrel.NewSchema()
	b := &hoBlog{users: memrel.Define[hoUser](s, "User"), profiles: memrel.Define[hoProfile](s, "Profile"),
		passports: memrel.Define[hoPassport](s, "Passport")}
	b.profile = memrel.NewHasOne(b.users, b.profiles, profile)
	b.passport = memrel.NewHasOne(b.users, b.passports, memrel.HasOneOptions{Inverse: "holder"})
	b.db = fixture.MustOpen(t, s)
	return b
}

// seed stores users 1–3, profiles 1 (user 1), 2 (user 2), 3 (none) and
// passports 1 (user 1), 2 (user 2).
func (b *hoBlog) seed(t *testing.T) {
	t.Helper()
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		for _, n := range []string{"u1", "u2", "u3"} {
			_, err := b.users.Create(tx, hoUser{Name: n})
			require.NoError(t, err)
		}
		for _, p := range []hoProfile{{Bio: "b1", UserID: fixture.I64(1)}, {Bio: "b2", UserID: fixture.I64(2)}, {Bio: "b3"}} {
			_, err := b.profiles.Create(tx, p)
			require.NoError(t, err)
		}
		for _, p := range []hoPassport{{Number: "A1", UserID: 1}, {Number: "B2", UserID: 2}} {
			_, err := b.passports.Create(tx, p)
			require.NoError(t, err)
		}
		return nil
	}))
}

// hoAll returns every row of m, committed.
func hoAll[T any](t *testing.T, db *memrel.Store, m *memrel.Model[T]) []T {
	t.Helper()
	var out []T
	require.NoError(t, db.View(func(tx *memrel.Txn) error {
		var err error
		out, err = m.FindAll(tx, nil)
		return err
	}))
	return out
}

func (b *hoBlog) profilesNow(t *testing.T) []hoProfile { return hoAll(t, b.db, b.profiles) }

func (b *hoBlog) passportsNow(t *testing.T) []hoPassport { return hoAll(t, b.db, b.passports) }

var (
	hoU1 = hoUser{ID: 1, Name: "u1"}
	hoU2 = hoUser{ID: 2, Name: "u2"}
	hoU3 = hoUser{ID: 3, Name: "u3"}
)

func TestHasOne_Info_DefaultsToTheSingularTargetName(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	in := b.profile.Info()
	require.Equal(t, "HasOne", in.Type)
	require.Equal(t, "profile", in.As)
	require.Equal(t, "profile", in.Singular)
	require.Equal(t, "userId", in.ForeignKey)
	require.Equal(t, memrel.SetNull, in.OnDelete)
	require.Equal(t, memrel.Cascade, b.passport.Info().OnDelete, "NOT NULL foreign key")
	require.Equal(t, "BelongsTo", b.profile.Inverse().Info().Type)
	require.Equal(t, "user", b.profile.Inverse().Info().As)
}

func TestHasOne_Get_NoneFirstOrLowestKey(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		got, ok, err := b.profile.Get(tx, hoU1, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, hoProfile{ID: 1, Bio: "b1", UserID: fixture.I64(1)}, got)

		_, ok, err = b.profile.Get(tx, hoU3, nil)
		require.NoError(t, err)
		require.False(t, ok, "u3 has no profile")

		// Two targets: the lowest primary key, whatever was written last.
		_, err = b.profiles.UpdateKey(tx, 3, hoProfile{ID: 3, Bio: "b3", UserID: fixture.I64(2)})
		require.NoError(t, err)
		got, ok, err = b.profile.Get(tx, hoU2, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(2), got.ID)

		// A where narrows the candidates before the first is taken.
		got, ok, err = b.profile.Get(tx, hoU2, &memrel.Options{Where: query.Eq("bio", "b3")})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(3), got.ID)
		_, ok, err = b.profile.Get(tx, hoU2, &memrel.Options{Where: query.Eq("bio", "none")})
		require.NoError(t, err)
		require.False(t, ok)

		_, _, err = b.profile.Get(tx, hoUser{ID: 99}, nil)
		require.ErrorIs(t, err, memrel.ErrNotFound, "an unknown source")
		return nil
	}))
}

func TestHasOne_Set_NullablePreviousIsNulled(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.profile.SetKey(tx, hoU1, 3, nil)
	}))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b1"}, {ID: 2, Bio: "b2", UserID: fixture.I64(2)},
		{ID: 3, Bio: "b3", UserID: fixture.I64(1)}}, b.profilesNow(t))
}

func TestHasOne_Set_NotNullPreviousIsDeleted(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		p, err := b.passports.Create(tx, hoPassport{Number: "C3", UserID: 2})
		require.NoError(t, err)
		return b.passport.Set(tx, hoU1, &p, nil)
	}))
	// Passport 1 (u1's) is deleted; passport 3 moves from u2 to u1, and u2
	// keeps passport 2.
	require.Equal(t, []hoPassport{{ID: 2, Number: "B2", UserID: 2}, {ID: 3, Number: "C3", UserID: 1}}, b.passportsNow(t))
}

func TestHasOne_Set_DestroyPreviousDeletesANullableOne(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		return b.profile.SetKey(tx, hoU1, 3, &memrel.SetOptions{DestroyPrevious: true})
	}))
	require.Equal(t, []hoProfile{{ID: 2, Bio: "b2", UserID: fixture.I64(2)}, {ID: 3, Bio: "b3", UserID: fixture.I64(1)}}, b.profilesNow(t))
}

func TestHasOne_Set_CurrentTargetIsANoOp(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	before := snSave(t, b.db)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		// The NOT NULL one: were it un-associated first, it would be deleted.
		return b.passport.SetKey(tx, hoU1, 1, &memrel.SetOptions{DestroyPrevious: true})
	}))
	require.Equal(t, before, snSave(t, b.db))
}

func TestHasOne_Set_StealsFromAnotherSource(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.profile.SetKey(tx, hoU3, 2, nil))
		_, ok, err := b.profile.Get(tx, hoU2, nil)
		require.NoError(t, err)
		require.False(t, ok, "u2 is left without one")
		return nil
	}))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b1", UserID: fixture.I64(1)}, {ID: 2, Bio: "b2", UserID: fixture.I64(3)},
		{ID: 3, Bio: "b3"}}, b.profilesNow(t))
}

func TestHasOne_Set_NilUnassociatesThePrevious(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.NoError(t, b.profile.Set(tx, hoU1, nil, nil))
		require.NoError(t, b.passport.SetKey(tx, hoU2, nil, nil))
		require.NoError(t, b.passport.Set(tx, hoU3, nil, nil), "no target: nothing to do")
		return nil
	}))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b1"}, {ID: 2, Bio: "b2", UserID: fixture.I64(2)}, {ID: 3, Bio: "b3"}}, b.profilesNow(t))
	require.Equal(t, []hoPassport{{ID: 1, Number: "A1", UserID: 1}}, b.passportsNow(t), "NOT NULL: deleted")
}

func TestHasOne_Set_OnlyTheLowestOfTwoTargetsIsUnassociated(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		c, err := b.profile.Create(tx, hoU2, hoProfile{Bio: "x"})
		require.NoError(t, err)
		require.Equal(t, int64(4), c.ID)
		require.NoError(t, b.profile.Set(tx, hoU2, nil, nil))
		got, ok, err := b.profile.Get(tx, hoU2, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(4), got.ID, "the second target stays")
		return nil
	}))
}

func TestHasOne_Set_UnknownTargetIsNotFoundAndChangesNothing(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	before := snSave(t, b.db)
	err := b.db.Update(func(tx *memrel.Txn) error {
		return b.passport.SetKey(tx, hoU1, 99, nil)
	})
	require.ErrorIs(t, err, memrel.ErrNotFound)
	var nf *memrel.NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Equal(t, "Passport", nf.Model)
	require.Equal(t, before, snSave(t, b.db), "the previous passport is not deleted")

	// Inside a transaction that goes on: the call alone is undone.
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		require.ErrorIs(t, b.profile.SetKey(tx, hoU1, 99, nil), memrel.ErrNotFound)
		got, ok, err := b.profile.Get(tx, hoU1, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, int64(1), got.ID)
		return nil
	}))
	require.Equal(t, before, snSave(t, b.db))
}

func TestHasOne_Create_KeepsThePrevious(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		c, err := b.profile.Create(tx, hoU1, hoProfile{Bio: "new", UserID: fixture.I64(2)})
		require.NoError(t, err)
		require.Equal(t, hoProfile{ID: 4, Bio: "new", UserID: fixture.I64(1)}, c, "the foreign key is the association's")
		got, _, err := b.profile.Get(tx, hoU1, nil)
		require.NoError(t, err)
		require.Equal(t, int64(1), got.ID, "two targets now; Get sees the lowest")
		_, err = b.profile.Create(tx, hoUser{ID: 99}, hoProfile{Bio: "x"})
		require.ErrorIs(t, err, memrel.ErrNotFound)
		return nil
	}))
	require.Len(t, b.profilesNow(t), 4)
}

func TestHasOne_Unique_SecondTargetIsADuplicate(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{Unique: true})
	b.seed(t)
	before := snSave(t, b.db)
	err := b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.profile.Create(tx, hoU1, hoProfile{Bio: "second"})
		return err
	})
	var uc *memrel.UniqueConstraintError
	require.ErrorAs(t, err, &uc)
	require.Equal(t, "Profile", uc.Model)
	require.Equal(t, []string{"userId"}, uc.Fields)
	require.Equal(t, before, snSave(t, b.db))

	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		// Set moves the previous target off the key first: no collision,
		// and NULL never collides.
		require.NoError(t, b.profile.SetKey(tx, hoU1, 3, nil))
		_, err := b.profiles.Create(tx, hoProfile{Bio: "free"})
		return err
	}))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b1"}, {ID: 2, Bio: "b2", UserID: fixture.I64(2)},
		{ID: 3, Bio: "b3", UserID: fixture.I64(1)}, {ID: 4, Bio: "free"}}, b.profilesNow(t))
}

func TestHasOne_Scope_GetSetCreate(t *testing.T) {
	type photo struct {
		ID      int64
		URL     string
		Kind    *string
		OwnerID *int64
	}
	type account struct {
		ID     int64
		Avatar *photo
	}
	s := memrel.NewSchema()
	accounts := memrel.Define[account](s, "Account")
	photos := memrel.Define[photo](s, "Photo")
	avatar := memrel.NewHasOne(accounts, photos, memrel.HasOneOptions{As: "avatar", ForeignKey: "ownerId",
		Scope: map[string]any{"kind": "avatar"}, Inverse: "owner"})
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		a, err := accounts.Create(tx, account{})
		require.NoError(t, err)
		plain, err := photos.Create(tx, photo{URL: "p", OwnerID: &a.ID})
		require.NoError(t, err)
		_, ok, err := avatar.Get(tx, a, nil)
		require.NoError(t, err)
		require.False(t, ok, "an unscoped photo is not the avatar")

		require.NoError(t, avatar.Set(tx, a, &plain, nil))
		got, ok, err := avatar.Get(tx, a, nil)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, photo{ID: plain.ID, URL: "p", Kind: fixture.Str("avatar"), OwnerID: &a.ID}, got, "Set wrote the scope")

		c, err := avatar.Create(tx, a, photo{URL: "c", Kind: fixture.Str("banner")})
		require.NoError(t, err)
		require.Equal(t, "avatar", *c.Kind)

		withAvatar, err := accounts.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: avatar}}})
		require.NoError(t, err)
		require.Len(t, withAvatar, 2, "Create kept the previous avatar: the account comes once per avatar")
		require.Equal(t, &got, withAvatar[0].Avatar, "in key order among the scoped")
		require.Equal(t, &c, withAvatar[1].Avatar)
		return nil
	}))
}

func TestHasOne_Include_OneNodeOrNil(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		users, err := b.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.profile}, {Assoc: b.passport}}})
		require.NoError(t, err)
		require.Equal(t, []hoUser{
			{ID: 1, Name: "u1", Profile: &hoProfile{ID: 1, Bio: "b1", UserID: fixture.I64(1)}, Passport: &hoPassport{ID: 1, Number: "A1", UserID: 1}},
			{ID: 2, Name: "u2", Profile: &hoProfile{ID: 2, Bio: "b2", UserID: fixture.I64(2)}, Passport: &hoPassport{ID: 2, Number: "B2", UserID: 2}},
			{ID: 3, Name: "u3"},
		}, users)

		// A where makes it required, unless Optional.
		users, err = b.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.profile, Where: query.Eq("bio", "b2")}}})
		require.NoError(t, err)
		require.Equal(t, []hoUser{{ID: 2, Name: "u2", Profile: &hoProfile{ID: 2, Bio: "b2", UserID: fixture.I64(2)}}}, users)
		users, err = b.users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: b.profile, Where: query.Eq("bio", "b2"), Required: memrel.Optional}}})
		require.NoError(t, err)
		require.Len(t, users, 3)
		require.Nil(t, users[0].Profile)

		// The inverse, and nesting through it.
		ps, err := b.profiles.FindAll(tx, &memrel.Options{Where: query.Eq("id", 1),
			Include: []memrel.Include{{Assoc: b.profile.Inverse(), Include: []memrel.Include{{Assoc: b.passport}}}}})
		require.NoError(t, err)
		require.Equal(t, []hoProfile{{ID: 1, Bio: "b1", UserID: fixture.I64(1),
			User: &hoUser{ID: 1, Name: "u1", Passport: &hoPassport{ID: 1, Number: "A1", UserID: 1}}}}, ps)
		return nil
	}))
}

// A source with several targets of a hasOne (Create keeps the previous
// one) comes once per target, as the rows of Sequelize's JOIN do
// (nrnd-profile-keyed-20270043); with several such includes, once per
// combination.
func TestHasOne_Include_RepeatsSourcePerTarget(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		_, err := b.profile.Create(tx, hoU2, hoProfile{Bio: "second"})
		require.NoError(t, err)
		_, err = b.passport.Create(tx, hoU2, hoPassport{Number: "C2"})
		require.NoError(t, err)
		return nil
	}))
	p2 := func(id int64, bio string) *hoProfile { return &hoProfile{ID: id, Bio: bio, UserID: fixture.I64(2)} }
	pp2 := func(id int64, n string) *hoPassport { return &hoPassport{ID: id, Number: n, UserID: 2} }
	u1 := hoUser{ID: 1, Name: "u1", Profile: &hoProfile{ID: 1, Bio: "b1", UserID: fixture.I64(1)}, Passport: &hoPassport{ID: 1, Number: "A1", UserID: 1}}
	both := []memrel.Include{{Assoc: b.profile}, {Assoc: b.passport}}
	require.NoError(t, b.db.View(func(tx *memrel.Txn) error {
		users, err := b.users.FindAll(tx, &memrel.Options{Include: both})
		require.NoError(t, err)
		require.Equal(t, []hoUser{u1,
			{ID: 2, Name: "u2", Profile: p2(2, "b2"), Passport: pp2(2, "B2")},
			{ID: 2, Name: "u2", Profile: p2(2, "b2"), Passport: pp2(3, "C2")},
			{ID: 2, Name: "u2", Profile: p2(4, "second"), Passport: pp2(2, "B2")},
			{ID: 2, Name: "u2", Profile: p2(4, "second"), Passport: pp2(3, "C2")},
			{ID: 3, Name: "u3"},
		}, users, "the first include varies slowest, each in key order")
		users[1].Profile.Bio = "changed"
		users[1].Passport.Number = "changed"
		require.Equal(t, "b2", users[2].Profile.Bio, "no two copies share a target")
		require.Equal(t, "B2", users[3].Passport.Number)
		// Nor when the targets are copies already (Fields, nested includes).
		users, err = b.users.FindAll(tx, &memrel.Options{Where: query.Eq("id", 2), Include: []memrel.Include{
			{Assoc: b.profile, Fields: []string{"id", "bio"}}, {Assoc: b.passport, Fields: []string{"id"}}}})
		require.NoError(t, err)
		require.Len(t, users, 4)
		require.Equal(t, &hoProfile{ID: 2, Bio: "b2"}, users[1].Profile)
		users[0].Profile.Bio, users[0].Passport.ID = "changed", 9
		require.Equal(t, &hoProfile{ID: 2, Bio: "b2"}, users[1].Profile, "no two copies share a target")
		require.Equal(t, &hoPassport{ID: 2}, users[2].Passport)

		// Limit and Offset count the rows the repeat makes, as SQL's
		// LIMIT does on the joined rows; a required include drops first.
		users, err = b.users.FindAll(tx, &memrel.Options{Include: both, Offset: 1, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []hoUser{
			{ID: 2, Name: "u2", Profile: p2(2, "b2"), Passport: pp2(2, "B2")},
			{ID: 2, Name: "u2", Profile: p2(2, "b2"), Passport: pp2(3, "C2")},
		}, users)
		users, err = b.users.FindAll(tx, &memrel.Options{Limit: 2, Include: []memrel.Include{
			{Assoc: b.profile, Where: query.Gt("id", 1)}}})
		require.NoError(t, err)
		require.Equal(t, []hoUser{{ID: 2, Name: "u2", Profile: p2(2, "b2")}, {ID: 2, Name: "u2", Profile: p2(4, "second")}}, users)

		// The include's own Order orders the copies; its Limit caps them.
		users, err = b.users.FindAll(tx, &memrel.Options{Where: query.Eq("id", 2), Include: []memrel.Include{
			{Assoc: b.profile, Order: []query.Order{query.Desc("id")}}}})
		require.NoError(t, err)
		require.Equal(t, []hoUser{{ID: 2, Name: "u2", Profile: p2(4, "second")}, {ID: 2, Name: "u2", Profile: p2(2, "b2")}}, users)
		users, err = b.users.FindAll(tx, &memrel.Options{Where: query.Eq("id", 2), Include: []memrel.Include{
			{Assoc: b.profile, Order: []query.Order{query.Desc("id")}, Limit: 1}}})
		require.NoError(t, err)
		require.Equal(t, []hoUser{{ID: 2, Name: "u2", Profile: p2(4, "second")}}, users)

		// Through a belongsTo: the child comes once per target of its parent.
		ps, err := b.profiles.FindAll(tx, &memrel.Options{Where: query.Eq("id", 2),
			Include: []memrel.Include{{Assoc: b.profile.Inverse(), Include: []memrel.Include{{Assoc: b.passport}}}}})
		require.NoError(t, err)
		require.Equal(t, []hoProfile{
			{ID: 2, Bio: "b2", UserID: fixture.I64(2), User: &hoUser{ID: 2, Name: "u2", Passport: pp2(2, "B2")}},
			{ID: 2, Bio: "b2", UserID: fixture.I64(2), User: &hoUser{ID: 2, Name: "u2", Passport: pp2(3, "C2")}},
		}, ps)

		// Count counts the rows of the join, as Sequelize's COUNT does.
		n, err := b.users.Count(tx, &memrel.Options{Include: both})
		require.NoError(t, err)
		require.Equal(t, 6, n)
		return nil
	}))
}

// With an include that loads a list anywhere in the read, Sequelize
// gathers the joined rows per source: one row each, and a hasOne include
// keeps its lowest-key target.
func TestHasOne_Include_WithListIncludeOneRowPerSource(t *testing.T) {
	type note struct {
		ID     int64
		Text   string
		UserID int64
	}
	type profile struct {
		ID     int64
		Bio    string
		UserID *int64
	}
	type user struct {
		ID      int64
		Profile *profile
		Notes   []note
	}
	s := memrel.NewSchema()
	users := memrel.Define[user](s, "User")
	profiles := memrel.Define[profile](s, "Profile")
	notes := memrel.Define[note](s, "Note")
	prof := memrel.NewHasOne(users, profiles, memrel.HasOneOptions{})
	ns := memrel.NewHasMany(users, notes, memrel.HasManyOptions{})
	db := fixture.MustOpen(t, s)
	require.NoError(t, db.Update(func(tx *memrel.Txn) error {
		u, err := users.Create(tx, user{})
		require.NoError(t, err)
		for _, bio := range []string{"a", "b"} {
			_, err = prof.Create(tx, u, profile{Bio: bio})
			require.NoError(t, err)
		}
		_, err = ns.Create(tx, u, note{Text: "n"})
		require.NoError(t, err)
		got, err := users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: prof}, {Assoc: ns}}})
		require.NoError(t, err)
		require.Equal(t, []user{{ID: 1, Profile: &profile{ID: 1, Bio: "a", UserID: fixture.I64(1)},
			Notes: []note{{ID: 1, Text: "n", UserID: 1}}}}, got)
		got, err = users.FindAll(tx, &memrel.Options{Include: []memrel.Include{{Assoc: prof}}})
		require.NoError(t, err)
		require.Len(t, got, 2, "without the list include the read is joined")
		return nil
	}))
}

func TestHasOne_DeleteSource_NullsOrCascades(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error { return b.users.DestroyKey(tx, 1) }))
	require.Equal(t, []hoProfile{{ID: 1, Bio: "b1"}, {ID: 2, Bio: "b2", UserID: fixture.I64(2)}, {ID: 3, Bio: "b3"}}, b.profilesNow(t))
	require.Equal(t, []hoPassport{{ID: 2, Number: "B2", UserID: 2}}, b.passportsNow(t))
}

func TestHasOne_Inverse_GetAndSet(t *testing.T) {
	b := hoOpen(t, memrel.HasOneOptions{})
	b.seed(t)
	require.NoError(t, b.db.Update(func(tx *memrel.Txn) error {
		u, ok, err := b.passport.Inverse().Get(tx, hoPassport{ID: 2})
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, hoU2, u)
		p, err := b.passport.Inverse().Set(tx, hoPassport{ID: 2}, hoU3)
		require.NoError(t, err)
		require.Equal(t, int64(3), p.UserID)
		_, err = b.passport.Inverse().SetKey(tx, hoPassport{ID: 2}, nil)
		var ve *memrel.ValidationError
		require.ErrorAs(t, err, &ve, "a NOT NULL foreign key cannot be cleared")
		return nil
	}))
}

func TestHasOne_Schema_ProblemsNameTheKind(t *testing.T) {
	s := memrel.NewSchema()
	users := memrel.Define[hoUser](s, "User")
	profiles := memrel.Define[hoProfile](s, "Profile")
	memrel.NewHasOne(users, profiles, memrel.HasOneOptions{ForeignKey: "ownerId"})
	_, err := s.Open()
	var se *memrel.SchemaError
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Error(), `hasOne User.profile: unknown foreign key "ownerId"`)
}
