package main

import (
	"os"

	"authdesk/app/desktop/instance"
)

// claim makes this process the Authdesk of its vault (package instance), or
// hands the request (show the window, or the quick popup) to the one already
// running: then handed is true and this process should exit.
func claim(vaultFlag string, quick bool) (req instance.Request, srv *instance.Server, handed bool, err error) {
	action := instance.Activate
	if quick {
		action = instance.Quick
	}
	if req, err = instance.NewRequest(vaultFlag, action, os.Getenv); err != nil {
		return req, nil, false, err
	}
	srv, handed, err = instance.Start(req)
	return req, srv, handed, err
}
