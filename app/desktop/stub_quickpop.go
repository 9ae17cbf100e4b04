package desktop

// openQuick shows the quick popup; the real one comes with the quick popup's
// branch, whose merge deletes this stub.
func (u *UI) openQuick() { /* show the window */ }
