package icons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// EnvDir is the environment variable that points the app and the CLI at a
// pack folder, before the data directories and the executable's folder.
const EnvDir = "AUTHDESK_ICONS"

// Library is the built-in pack, read from the first folder of Dirs that
// holds one, the first time it is needed. A missing pack is no error: every
// account then shows its initials.
type Library struct {
	dirs    []string
	userDir string // the user's Aegis icon packs; "" for none
	mu      sync.Mutex
	user    *UserPacks
	once    sync.Once
	started sync.Once
	read    atomic.Bool
	set     *Set
	dir     string
	err     error
}

// NewLibrary is a library that looks for PackFile in dirs, in order.
func NewLibrary(dirs []string) *Library { return &Library{dirs: dirs} }

// WithUserPacks makes l also read the Aegis icon packs kept in dir (see
// AddPack), matched before the built-in set; it returns l.
func (l *Library) WithUserPacks(dir string) *Library {
	l.userDir = dir
	return l
}

// UserMatch is the icon the user's packs have for issuer. The packs are
// read with the built-in set (Set, Ready).
func (l *Library) UserMatch(issuer string) (Picture, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.user.Match(issuer)
}

// UserPacks lists the user's packs as read.
func (l *Library) UserPacks() []*UserPack {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.user == nil {
		return nil
	}
	return l.user.Packs
}

// AddPack checks an Aegis icon pack, keeps it (AddAegisPack) and reads the
// user's packs again.
func (l *Library) AddPack(data []byte) (*UserPack, error) {
	if l.userDir == "" {
		return nil, errors.New("no data directory to keep icon packs in")
	}
	p, err := AddAegisPack(l.userDir, data)
	if err != nil {
		return nil, err
	}
	l.loadUser()
	return p, nil
}

// loadUser reads the user's packs; one that no longer reads is left out.
func (l *Library) loadUser() {
	if l.userDir == "" {
		return
	}
	ps, _ := LoadUserPacks(l.userDir)
	l.mu.Lock()
	l.user = ps
	l.mu.Unlock()
}

// Set is the pack, read on the first call; it is an empty set when no
// folder holds a pack, and err says why a pack that exists could not be
// read.
func (l *Library) Set() (s *Set, err error) {
	l.once.Do(func() {
		l.loadUser()
		l.set = NewSet(nil)
		for _, d := range l.dirs {
			s, err := readPackFile(filepath.Join(d, PackFile))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				l.err = err
				return
			}
			l.set, l.dir = s, d
			return
		}
	})
	l.read.Store(true)
	return l.set, l.err
}

// Ready is the set if it has been read, without waiting. Otherwise it
// starts reading it on the goroutine spawn makes (the first time only),
// calls done there once it is read, and returns false. A UI calls it
// when it draws a row, and draws initials meanwhile.
func (l *Library) Ready(spawn func(func()), done func()) (*Set, bool) {
	if l.read.Load() {
		return l.set, true
	}
	l.started.Do(func() {
		spawn(func() {
			l.Set()
			done()
		})
	})
	return nil, false
}

// Dir is the folder the pack was read from, "" when none was.
func (l *Library) Dir() string {
	l.Set()
	return l.dir
}

func readPackFile(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s, err := ReadPack(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Dirs lists the folders a pack is looked for in: $AUTHDESK_ICONS alone
// when it is set; otherwise authdesk/icons under the data directories
// ($XDG_DATA_HOME, then $XDG_DATA_DIRS, on Linux and the BSDs), then
// beside the executable exe: its own folder's icons/ and
// ../share/authdesk/icons (where `make package` installs it).
func Dirs(getenv func(string) string, exe string) []string {
	if d := getenv(EnvDir); d != "" {
		return []string{d}
	}
	var dirs []string
	for _, d := range dataDirs(getenv) {
		dirs = append(dirs, filepath.Join(d, "authdesk", "icons"))
	}
	if exe != "" {
		bin := filepath.Dir(exe)
		dirs = append(dirs, filepath.Join(bin, "icons"), filepath.Join(bin, "..", "share", "authdesk", "icons"))
	}
	return dirs
}

// dataDirs are the XDG data directories, or the system's equivalent.
func dataDirs(getenv func(string) string) []string {
	switch runtime.GOOS {
	case "windows":
		return nonEmpty(getenv("LOCALAPPDATA"), getenv("ProgramData"))
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return []string{filepath.Join(h, "Library", "Application Support")}
		}
		return nil
	}
	home := getenv("XDG_DATA_HOME")
	if home == "" && getenv("HOME") != "" {
		home = filepath.Join(getenv("HOME"), ".local", "share")
	}
	sys := getenv("XDG_DATA_DIRS")
	if sys == "" {
		sys = "/usr/local/share:/usr/share"
	}
	return nonEmpty(append([]string{home}, filepath.SplitList(sys)...)...)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" && filepath.IsAbs(s) {
			out = append(out, s)
		}
	}
	return out
}

// Default is the library for this process: Dirs of its environment and
// executable.
func Default() *Library {
	exe, _ := os.Executable()
	return NewLibrary(Dirs(os.Getenv, exe)).WithUserPacks(UserPacksDir(os.Getenv))
}
