package vault

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The merge properties are checked over random edit histories: replicas
// (two or three) that add, edit, star, tag, reorder, advance and delete
// accounts with skewed clocks and merge with each other now and then.
// A history is a byte string, so the fuzzer (FuzzMergeHistories) explores
// histories too; TestMergeProperties runs a few hundred random ones.

// simReplica is one copy of the vault in a history: its snapshot and the
// clock it stamps its edits with.
type simReplica struct {
	snap  Snapshot
	clk   clock
	wall  time.Time
	added []string // IDs of the accounts it added
}

// edit is one stamped change, for checking that the newest edit wins.
type edit struct {
	id, group string
	stamp     Stamp
	value     string
}

type history struct {
	reps    []*simReplica
	edits   []edit
	deletes map[string]Stamp // newest deletion per account
	nextID  int
}

func newHistory(n int) *history {
	h := &history{deletes: map[string]Stamp{}}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		r := &simReplica{wall: base.Add(time.Duration(-i*5) * time.Minute)} // skewed clocks
		r.clk = clock{device: fmt.Sprintf("dev%d", i), now: func() time.Time { return r.wall }}
		h.reps = append(h.reps, r)
	}
	return h
}

func (r *simReplica) sync(o Snapshot) {
	r.snap, _ = Merge(r.snap, o)
	for _, a := range r.snap.Accounts {
		r.clk.observe(a.Stamps.Latest())
	}
	for _, t := range r.snap.Tombstones {
		r.clk.observe(t.Stamp)
	}
}

// step applies one operation read from op and arg to replica r.
func (h *history) step(r *simReplica, op, arg byte) {
	r.wall = r.wall.Add(time.Duration(arg%7) * time.Millisecond * 300)
	accts := r.snap.Accounts
	if op%9 == 0 || len(accts) == 0 {
		h.nextID++
		id := fmt.Sprintf("acct%03d", h.nextID)
		last := ""
		if len(accts) > 0 {
			last = accts[len(accts)-1].SortKey
		}
		s := r.clk.next()
		a := Account{ID: id, Issuer: "Issuer", Name: id, Secret: []byte{arg}, Type: TOTP, Algorithm: SHA1,
			Digits: 6, Period: 30, SortKey: midpoint(last, ""), Stamps: allStamps(s)}
		r.snap.Accounts = append(r.snap.Accounts, a)
		r.added = append(r.added, id)
		for _, g := range []string{"secret", "labels", "order", "fav", "tags"} {
			h.edits = append(h.edits, edit{id, g, s, groupValue(a, g)})
		}
		return
	}
	i := int(arg) % len(accts)
	a := &r.snap.Accounts[i]
	var group string
	switch op % 9 {
	case 1:
		a.Name, a.Stamps.Labels, group = fmt.Sprintf("%s-%d", a.ID, arg), r.clk.next(), "labels"
	case 2:
		a.Secret, a.Digits, a.Stamps.Secret, group = []byte{arg, op}, 6+int(arg%3), r.clk.next(), "secret"
	case 3:
		a.Favorite, a.Stamps.Favorite, group = !a.Favorite, r.clk.next(), "fav"
	case 4:
		a.Tags, a.Stamps.Tags, group = []string{fmt.Sprint(arg % 4)}, r.clk.next(), "tags"
	case 5:
		prev := ""
		if j := (i + int(op)) % len(accts); j != i {
			prev = accts[j].SortKey
		}
		a.SortKey, a.Stamps.Order = midpoint(prev, ""), r.clk.next()
		h.edits = append(h.edits, edit{a.ID, "order", a.Stamps.Order, a.SortKey})
		sortAccounts(r.snap.Accounts) // a moves
		return
	case 6:
		a.Counter++
		return
	case 7:
		s := r.clk.next()
		gone := cloneAccount(*a)
		r.snap.Accounts = slices.Delete(r.snap.Accounts, i, i+1)
		r.snap.Tombstones = append(r.snap.Tombstones, Tombstone{ID: gone.ID, Stamp: s, Account: &gone})
		r.snap, _ = Merge(r.snap, Snapshot{}) // normal form: tombstones sorted, one per ID
		h.deletes[gone.ID] = maxStamp(h.deletes[gone.ID], s)
		return
	case 8:
		o := h.reps[int(arg)%len(h.reps)]
		r.sync(o.snap)
		return
	}
	h.edits = append(h.edits, edit{a.ID, group, groupStamp(a.Stamps, group), groupValue(*a, group)})
}

func groupStamp(s Stamps, g string) Stamp {
	return map[string]Stamp{"secret": s.Secret, "labels": s.Labels, "order": s.Order, "fav": s.Favorite, "tags": s.Tags}[g]
}

func groupValue(a Account, g string) string {
	switch g {
	case "secret":
		return string(secretContent(a))
	case "labels":
		return string(labelsContent(a))
	case "order":
		return a.SortKey
	case "fav":
		return fmt.Sprint(a.Favorite)
	}
	return fmt.Sprint(a.Tags)
}

func snapJSON(s Snapshot) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// checkHistory runs the history in data and checks every property.
func checkHistory(t *testing.T, data []byte) {
	if len(data) < 1 {
		return
	}
	h := newHistory(2 + int(data[0])%2)
	data = data[1:]
	for len(data) >= 3 && len(h.edits) < 2000 {
		h.step(h.reps[int(data[0])%len(h.reps)], data[1], data[2])
		data = data[3:]
	}
	snaps := make([]Snapshot, len(h.reps))
	for i, r := range h.reps {
		snaps[i] = r.snap
	}
	checkAlgebra(t, snaps)

	// Exchange in two different orders: both converge to the same vault.
	all := snaps[0]
	for _, s := range snaps[1:] {
		all, _ = Merge(all, s)
	}
	rev := snaps[len(snaps)-1]
	for i := len(snaps) - 2; i >= 0; i-- {
		rev, _ = Merge(snaps[i], rev)
	}
	if snapJSON(all) != snapJSON(rev) {
		t.Fatalf("merging in two orders diverges:\n%s\n%s", snapJSON(all), snapJSON(rev))
	}
	checkNothingLost(t, h, all)
}

// checkAlgebra: commutative, associative, idempotent.
func checkAlgebra(t *testing.T, s []Snapshot) {
	a, b, c := s[0], s[1], s[len(s)-1]
	ab, _ := Merge(a, b)
	ba, _ := Merge(b, a)
	if snapJSON(ab) != snapJSON(ba) {
		t.Fatalf("Merge is not commutative:\n%s\n%s", snapJSON(ab), snapJSON(ba))
	}
	abc, _ := Merge(ab, c)
	bc, _ := Merge(b, c)
	abc2, _ := Merge(a, bc)
	if snapJSON(abc) != snapJSON(abc2) {
		t.Fatalf("Merge is not associative:\n%s\n%s", snapJSON(abc), snapJSON(abc2))
	}
	again, rep := Merge(ab, b)
	if snapJSON(again) != snapJSON(ab) || !rep.Empty() {
		t.Fatalf("Merge is not idempotent: report %+v", rep)
	}
}

// checkNothingLost: every account added is there unless a deletion newer
// than all its edits covers it, and each of its groups holds the newest
// edit's value.
func checkNothingLost(t *testing.T, h *history, all Snapshot) {
	newest := map[[2]string]edit{}
	latest := map[string]Stamp{}
	for _, e := range h.edits {
		k := [2]string{e.id, e.group}
		if old, ok := newest[k]; !ok || e.stamp.Compare(old.stamp) > 0 {
			newest[k] = e
		}
		latest[e.id] = maxStamp(latest[e.id], e.stamp)
	}
	visible := map[string]Account{}
	for _, a := range all.Accounts {
		visible[a.ID] = a
	}
	for _, r := range h.reps {
		for _, id := range r.added {
			a, ok := visible[id]
			del, deleted := h.deletes[id]
			switch {
			case !ok && !(deleted && del.Compare(latest[id]) > 0):
				t.Fatalf("account %s was lost: latest edit %+v, deletion %+v", id, latest[id], del)
			case ok && deleted && del.Compare(latest[id]) > 0:
				t.Fatalf("account %s survived a newer deletion", id)
			case !ok:
				continue
			}
			for _, g := range []string{"secret", "labels", "order", "fav", "tags"} {
				e := newest[[2]string{id, g}]
				if got := groupValue(a, g); groupStamp(a.Stamps, g) != e.stamp || got != e.value {
					t.Fatalf("account %s group %s: %q at %+v, want the newest edit %q at %+v", id, g, got, groupStamp(a.Stamps, g), e.value, e.stamp)
				}
			}
		}
	}
}

func TestMergeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	for i := range 300 {
		data := make([]byte, 1+3*(10+rng.IntN(120)))
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkHistory(t, data) })
	}
}

func FuzzMergeHistories(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 0, 1, 8, 0, 0, 7, 0, 1, 8, 1})
	f.Add([]byte{1, 0, 0, 0, 1, 0, 5, 2, 9, 3, 0, 1, 4, 1, 8, 2, 2, 7, 0, 0, 8, 1})
	f.Fuzz(checkHistory)
}

// TestMergeTombstoneBeatsOnlyOlder: a deletion hides the account edited
// before it, and an edit made after it (where the deletion was not yet
// known) brings the whole account back.
func TestMergeTombstoneBeatsOnlyOlder(t *testing.T) {
	a := Account{ID: "x", Name: "x", Secret: []byte("k"), Type: TOTP, Stamps: allStamps(Stamp{Wall: 1})}
	del := Snapshot{Tombstones: []Tombstone{{ID: "x", Stamp: Stamp{Wall: 5}}}}
	got, rep := Merge(Snapshot{Accounts: []Account{a}}, del)
	if len(got.Accounts) != 0 || len(rep.Removed) != 1 {
		t.Fatalf("an older account survived the deletion: %+v, %+v", got, rep)
	}
	later := a
	later.Name, later.Stamps.Labels = "renamed", Stamp{Wall: 9}
	got, rep = Merge(del, Snapshot{Accounts: []Account{later}})
	if len(got.Accounts) != 1 || string(got.Accounts[0].Secret) != "k" || len(rep.Added) != 1 {
		t.Fatalf("an edit newer than the deletion did not bring the account back: %+v", got)
	}
}

// TestMergeCounterNeverGoesBack: the HOTP counter is the larger one,
// whatever the stamps.
func TestMergeCounterNeverGoesBack(t *testing.T) {
	a := Account{ID: "h", Type: HOTP, Counter: 7, Stamps: allStamps(Stamp{Wall: 1})}
	b := a
	b.Counter, b.Stamps = 3, allStamps(Stamp{Wall: 100})
	for _, m := range [][2]Snapshot{{{Accounts: []Account{a}}, {Accounts: []Account{b}}}, {{Accounts: []Account{b}}, {Accounts: []Account{a}}}} {
		got, _ := Merge(m[0], m[1])
		if got.Accounts[0].Counter != 7 {
			t.Errorf("counter %d, want 7", got.Accounts[0].Counter)
		}
	}
}

// TestMergeReportNames: the report names the accounts added, changed and
// removed in the first snapshot.
func TestMergeReportNames(t *testing.T) {
	acct := func(id string, wall int64) Account {
		return Account{ID: id, Issuer: "I", Name: id, Secret: []byte(id), Type: TOTP, Stamps: allStamps(Stamp{Wall: wall})}
	}
	local := Snapshot{Accounts: []Account{acct("keep", 1), acct("edit", 1), acct("gone", 1)}}
	edited := acct("edit", 1)
	edited.Name, edited.Stamps.Labels = "edited", Stamp{Wall: 2}
	other := Snapshot{Accounts: []Account{acct("keep", 1), edited, acct("new", 2)},
		Tombstones: []Tombstone{{ID: "gone", Stamp: Stamp{Wall: 3}}}}
	_, rep := Merge(local, other)
	want := MergeReport{Added: []string{"I (new)"}, Changed: []string{"I (edited)"}, Removed: []string{"I (gone)"}}
	if fmt.Sprint(rep) != fmt.Sprint(want) {
		t.Errorf("report %+v, want %+v", rep, want)
	}
}
