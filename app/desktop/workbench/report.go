package workbench

import (
	"context"
	"fmt"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"authdesk/app/desktop/dialogs"
	"authdesk/app/journey"
	"authdesk/app/wording"
)

// saveReport asks for a folder and writes report.json, report.md and
// junit.xml into it.
func (t *Workbench) saveReport() {
	if t.report == nil {
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		t.confirmSave(dir.Path())
	}, t.win)
	d.Show()
}

// confirmSave saves into dir, asking first when that replaces a report.
func (t *Workbench) confirmSave(dir string) {
	old := journey.ExistingReports(dir)
	if len(old) == 0 {
		t.saveReportTo(dir)
		return
	}
	msg := widget.NewLabel(fmt.Sprintf("%s already in %s. Replace %s with this run's report?",
		wording.And(old)+wording.Plural(len(old), " is", " are"), dir, wording.Plural(len(old), "it", "them")))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm("Replace the saved report?", "Replace", "Cancel", container.New(&dialogs.Width{W: 380}, msg), func(ok bool) {
		if ok {
			t.saveReportTo(dir)
		}
	}, t.win)
	d.Show()
}

// saveReportTo writes the reports off the UI goroutine and says where.
func (t *Workbench) saveReportTo(dir string) {
	rep := t.report
	background(t.cfg, func() error { return rep.Save(dir) }, func(err error) {
		if err != nil {
			t.summary.SetText("The report could not be saved: " + err.Error())
			return
		}
		t.summary.SetText("Report saved in " + dir + " (report.json, report.md, junit.xml).")
	})
}

// refreshOutbox lists the platform's outgoing mail, newest first.
func (t *Workbench) refreshOutbox() {
	if t.url == "" {
		return
	}
	base := t.url
	type mail struct{ to, subject, link string }
	type result struct {
		msgs []mail
		err  error
	}
	background(t.cfg, func() result {
		msgs, err := journey.ReadOutbox(context.Background(), base)
		if err != nil {
			return result{err: err}
		}
		out := make([]mail, len(msgs))
		for i, m := range msgs {
			out[i] = mail{m.To, m.Subject, m.Link}
		}
		return result{msgs: out}
	}, func(r result) {
		t.outbox.RemoveAll()
		if r.err != nil {
			t.outbox.Add(widget.NewLabel("The outbox could not be read: " + r.err.Error()))
			return
		}
		if len(r.msgs) == 0 {
			t.outbox.Add(widget.NewLabel("No mail yet."))
			return
		}
		for _, m := range r.msgs {
			row := container.NewVBox(widget.NewLabelWithStyle(m.subject, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
				widget.NewLabel("To "+m.to))
			if u, err := url.Parse(m.link); err == nil && m.link != "" {
				row.Add(widget.NewHyperlink(m.link, u))
			}
			t.outbox.Add(row)
		}
	})
}
