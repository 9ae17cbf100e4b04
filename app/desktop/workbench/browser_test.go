package workbench

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// "Open in browser" with a browser that does not start says so and offers
// the address to copy (issue #17: it failed silently).
func TestOpenInBrowserFails(t *testing.T) {
	_, tr := openWorkbench(t)
	var opened []string
	tr.openURL = func(u *url.URL) error {
		opened = append(opened, u.String())
		return errors.New("exit status 3")
	}
	test.Tap(tr.open)
	if len(opened) != 1 || opened[0] != tr.url+"/" {
		t.Fatalf("opened %q, want %q", opened, tr.url+"/")
	}
	if tr.browserDlg == nil {
		t.Fatal("the failure shows nothing")
	}
	var texts []string
	var copyB *widget.Button
	for _, o := range test.LaidOutObjects(tr.win.Canvas().Overlays().Top()) {
		switch o := o.(type) {
		case *widget.Label:
			texts = append(texts, o.Text)
		case *widget.Entry:
			texts = append(texts, o.Text)
		case *widget.Button:
			if o.Text == "Copy address" {
				copyB = o
			}
		}
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "did not start") || !strings.Contains(all, "exit status 3") || !slices.Contains(texts, tr.url+"/") {
		t.Errorf("the failure reads %q: want why, and the address %s", all, tr.url+"/")
	}
	if copyB == nil {
		t.Fatal("no Copy address button")
	}
	test.Tap(copyB)
	if got := tr.cfg.App.Clipboard().Content(); got != tr.url+"/" {
		t.Errorf("Copy address copied %q", got)
	}
	if tr.win.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays open after Copy address")
	}
}
