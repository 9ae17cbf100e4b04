// Command fyneprobe is the smallest Fyne program, for measuring Fyne itself
// beside Authdesk. "fyneprobe empty" shows an empty 560×720 window: make
// bench-gui's baseline, built with stock Fyne. "fyneprobe loop" shows an
// entry and reports on stdout when input and fyne.Do reach the UI goroutine;
// the idle-loop test (cmd/authdesk/idleloop_test.go) drives it through
// stdin:
//
//	do      fyne.Do from a new goroutine; prints "do NANOSECONDS" (the delay
//	        until the func ran)
//	focus   focuses the entry and prints "focused 0"; "unfocus" unfocuses
//	        it ("unfocused 0")
//	repaint changes a label (one repaint) and prints "repaint UNIXNANO", when
//	        the change was made
//
// and reads "rune UNIXNANO" (a key typed with nothing focused) and "entry
// UNIXNANO" (a key typed into the focused entry) lines.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("io.authdesk.fyneprobe")
	w := a.NewWindow("fyneprobe")
	w.Resize(fyne.NewSize(560, 720))
	if len(os.Args) > 1 && os.Args[1] == "loop" {
		loop(w)
	}
	w.ShowAndRun()
}

func loop(w fyne.Window) {
	out := make(chan string, 64)
	go func() {
		for s := range out {
			fmt.Println(s)
		}
	}()
	entry := widget.NewEntry()
	entry.OnChanged = func(string) { out <- fmt.Sprintf("entry %d", time.Now().UnixNano()) }
	label := widget.NewLabel("0")
	w.SetContent(container.NewVBox(entry, label))
	w.Canvas().SetOnTypedRune(func(rune) { out <- fmt.Sprintf("rune %d", time.Now().UnixNano()) })
	go func() {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			switch in.Text() {
			case "do":
				go func() {
					t0 := time.Now()
					fyne.Do(func() { out <- fmt.Sprintf("do %d", time.Since(t0)) })
				}()
			case "focus":
				fyne.Do(func() { w.Canvas().Focus(entry); out <- "focused 0" })
			case "repaint":
				fyne.Do(func() {
					n, _ := strconv.Atoi(label.Text)
					label.SetText(strconv.Itoa(n + 1))
					out <- fmt.Sprintf("repaint %d", time.Now().UnixNano())
				})
			case "unfocus":
				fyne.Do(func() { w.Canvas().Unfocus(); out <- "unfocused 0" })
			}
		}
	}()
}
