//go:build !windows

package atomicfile

import "os"

// SyncDir makes a rename or link in dir durable: on Unix the rename is in the
// folder's data, which fsync writes.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
