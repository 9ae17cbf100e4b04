package transfer

import "authdesk/internal/atomicfile"

// WriteFile replaces path with an export b, mode 0600, atomically (see
// internal/atomicfile): a crash leaves the old file or the new one, and the
// secrets in it are never readable by others.
func WriteFile(path string, b []byte) error { return atomicfile.WriteFile(path, b) }
