package keychain

import "sync"

// Memory is a keychain that keeps its entries in memory, for tests and for
// programs that embed a vault but keep its key themselves. It behaves like
// System: Get and Delete of a missing entry return ErrNotFound. Its zero
// value is an empty keychain ready to use; it is safe for concurrent use.
type Memory struct {
	mu  sync.Mutex
	m   map[string]string
	err error
}

// Get returns the secret stored for vaultID.
func (k *Memory) Get(vaultID string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return "", k.err
	}
	s, ok := k.m[vaultID]
	if !ok {
		return "", ErrNotFound
	}
	return s, nil
}

// Set stores secret for vaultID, replacing any previous one.
func (k *Memory) Set(vaultID, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[vaultID] = secret
	return nil
}

// Delete removes the secret of vaultID. Deleting a missing entry returns
// ErrNotFound.
func (k *Memory) Delete(vaultID string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	if _, ok := k.m[vaultID]; !ok {
		return ErrNotFound
	}
	delete(k.m, vaultID)
	return nil
}

// Fail makes every later call return err, as a keychain that does not
// answer would (wrap ErrUnavailable to look like System); Fail(nil) makes it
// answer again. The entries are kept.
func (k *Memory) Fail(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.err = err
}
