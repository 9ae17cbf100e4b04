package vault

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestClockSkew: machine A's clock is 10 minutes behind B's. A's edit made
// after it has seen B's wins over B's edit, and A's later edit wins over
// its own earlier one even when A's clock is set back between them.
func TestClockSkew(t *testing.T) {
	real := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	clkA, clkB := &fakeClock{t: real.Add(-10 * time.Minute)}, &fakeClock{t: real}
	dir := t.TempDir()
	a, err := Create(filepath.Join(dir, "a", "vault.age"), password, Options{WorkFactor: testWF, Now: clkA.now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	added, err := a.Add(testAccount(1))
	if err != nil {
		t.Fatal(err)
	}
	id := added[0].ID
	b, err := Join(filepath.Join(dir, "b", "vault.age"), a.Path(), password, Options{WorkFactor: testWF, Now: clkB.now})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	rename := func(v *Vault, name string) {
		t.Helper()
		acct, _ := v.Account(id)
		acct.Name = name
		if err := v.Update(acct); err != nil {
			t.Fatal(err)
		}
	}
	exchange := func() {
		t.Helper()
		if _, err := a.MergeSnapshot(b.Snapshot()); err != nil {
			t.Fatal(err)
		}
		if _, err := b.MergeSnapshot(a.Snapshot()); err != nil {
			t.Fatal(err)
		}
	}

	clkB.add(time.Minute)
	rename(b, "by B")
	exchange()
	clkA.add(2 * time.Minute) // still 9 minutes before B's edit by A's clock
	rename(a, "by A, later")
	exchange()
	for name, v := range map[string]*Vault{"A": a, "B": b} {
		if got, _ := v.Account(id); got.Name != "by A, later" {
			t.Errorf("%s shows %q: the slow machine's later edit lost", name, got.Name)
		}
	}

	clkA.add(-10 * time.Minute) // A's clock is set back
	rename(a, "by A, after the clock went back")
	exchange()
	for name, v := range map[string]*Vault{"A": a, "B": b} {
		if got, _ := v.Account(id); got.Name != "by A, after the clock went back" {
			t.Errorf("%s shows %q: A's later edit lost to its earlier one", name, got.Name)
		}
	}
}

// mergeFixture is two 1,000-account snapshots that differ in 100
// accounts: 40 edited on each side, 10 added on each side.
func mergeFixture() (Snapshot, Snapshot) {
	var base Snapshot
	keys := spreadSortKeys(1000)
	for i := range 1000 {
		a := testAccount(i)
		a = a.WithDefaults()
		a.ID, a.SortKey, a.Stamps = fmt.Sprintf("%032x", i), keys[i], allStamps(Stamp{Wall: 1000, Device: "a"})
		base.Accounts = append(base.Accounts, a)
	}
	x, y := localless(base), localless(base)
	for i := range 40 {
		x.Accounts[i].Name, x.Accounts[i].Stamps.Labels = "x", Stamp{Wall: 2000, Device: "x"}
		y.Accounts[500+i].Tags, y.Accounts[500+i].Stamps.Tags = []string{"y"}, Stamp{Wall: 2000, Device: "y"}
	}
	for i := range 10 {
		ax, ay := testAccount(2000+i).WithDefaults(), testAccount(3000+i).WithDefaults()
		ax.ID, ax.SortKey, ax.Stamps = fmt.Sprintf("x%031x", i), "zz", allStamps(Stamp{Wall: 2000, Device: "x"})
		ay.ID, ay.SortKey, ay.Stamps = fmt.Sprintf("y%031x", i), "zz", allStamps(Stamp{Wall: 2000, Device: "y"})
		x.Accounts = append(x.Accounts, ax)
		y.Accounts = append(y.Accounts, ay)
	}
	return x, y
}

// BenchmarkMerge1000: Merge of two 1,000-account vaults that differ in
// 100 accounts.
func BenchmarkMerge1000(b *testing.B) {
	x, y := mergeFixture()
	for b.Loop() {
		m, rep := Merge(x, y)
		if len(m.Accounts) != 1020 || len(rep.Added) != 10 || len(rep.Changed) != 40 {
			b.Fatalf("%d accounts, report %d added %d changed", len(m.Accounts), len(rep.Added), len(rep.Changed))
		}
	}
}

// BenchmarkMergeIntoVault1000: the same merge into an open vault, with the
// save (encryption, fsync, rename, backup) but no key derivation.
func BenchmarkMergeIntoVault1000(b *testing.B) {
	x, y := mergeFixture()
	v, err := Create(filepath.Join(b.TempDir(), "vault.age"), password, Options{WorkFactor: testWF})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	for b.Loop() {
		b.StopTimer()
		if err := v.locked(func() error { v.tombs = nil; return v.save(cloneAccounts(x.Accounts), false) }); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := v.MergeSnapshot(y); err != nil {
			b.Fatal(err)
		}
	}
}
