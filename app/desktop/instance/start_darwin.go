package instance

import (
	"os"
	"path/filepath"
)

// Start claims r's vault, or hands r's action to the instance that holds
// it (handed: this process is done), over unix sockets in a folder of the
// user's cache dir. Without one it claims nothing and returns a nil Server:
// Authdesk then runs on its own.
func Start(r Request) (s *Server, handed bool, err error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, false, nil
	}
	ch, err := newSocketChannel(filepath.Join(cache, AppID, "instances"))
	if err != nil {
		return nil, false, nil
	}
	return startStream(ch, r)
}
