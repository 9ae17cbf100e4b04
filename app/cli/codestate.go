//go:build !front

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"authdesk/internal/atomicfile"
)

// codeStateSuffix names the file beside the vault that remembers, per
// account, the newest time step whose code "code --next-unused" printed.
const codeStateSuffix = ".codes-used.json"

// maxCodeState bounds the state file we read.
const maxCodeState = 1 << 20

// codeState is the --next-unused memory. It holds no secrets: accounts are
// named by vault ID or by a hash.
type codeState struct {
	path  string
	Steps map[string]int64 `json:"steps"`
}

// loadCodeState reads path; a missing file is an empty state.
func loadCodeState(path string) (*codeState, error) {
	s := &codeState{path: path, Steps: map[string]int64{}}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCodeState+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxCodeState {
		return nil, fmt.Errorf("%s is larger than %d bytes: remove it to start afresh", path, maxCodeState)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v): remove it to start afresh", path, err)
	}
	if s.Steps == nil {
		s.Steps = map[string]int64{}
	}
	return s, nil
}

// last is the newest printed step of key, -1 when none (or no state).
func (s *codeState) last(key string) int64 {
	if s == nil {
		return -1
	}
	if v, ok := s.Steps[key]; ok {
		return v
	}
	return -1
}

// record remembers step for key and writes the file atomically, 0600.
func (s *codeState) record(key string, step int64) error {
	if old, ok := s.Steps[key]; ok && old >= step {
		return nil
	}
	s.Steps[key] = step
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("save %s: %w", s.path, err)
	}
	return atomicfile.WriteFile(s.path, b)
}
