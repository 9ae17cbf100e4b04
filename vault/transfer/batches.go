package transfer

import "slices"

// BatchTracker remembers the Google export batches seen across scans (the
// desktop app keeps one for its whole session): a Google export of many
// accounts is several QR codes, scanned one at a time. The zero value is
// ready to use; it is not safe for concurrent use.
type BatchTracker struct {
	exports map[int32]*exportBatches
	order   []int32
}

type exportBatches struct {
	size int
	seen map[int]bool
}

// BatchProgress is how far the scan of one Google export has got.
type BatchProgress struct {
	ID      int32
	Size    int   // the export's number of QR codes
	Missing []int // the codes not scanned yet, counted from 1
}

// Add records batches and returns the progress of each export they belong
// to, in the order of batches. Single-code exports are not tracked.
func (t *BatchTracker) Add(batches []Batch) []BatchProgress {
	if t.exports == nil {
		t.exports = map[int32]*exportBatches{}
	}
	var out []BatchProgress
	for _, b := range batches {
		if b.Size <= 1 {
			continue
		}
		e := t.exports[b.ID]
		if e == nil {
			e = &exportBatches{size: b.Size, seen: map[int]bool{}}
			t.exports[b.ID] = e
			t.order = append(t.order, b.ID)
		}
		e.seen[b.Index] = true
		if !slices.ContainsFunc(out, func(p BatchProgress) bool { return p.ID == b.ID }) {
			out = append(out, BatchProgress{ID: b.ID, Size: e.size})
		}
	}
	for i := range out {
		out[i].Missing = t.missing(out[i].ID)
	}
	return out
}

// missing lists the codes of export id not seen, from 1.
func (t *BatchTracker) missing(id int32) []int {
	var m []int
	for _, mb := range MissingBatches(id, t.exports[id].size, t.exports[id].seen) {
		m = append(m, mb.Index+1)
	}
	return m
}

// Missing lists every batch not seen yet, export by export.
func (t *BatchTracker) Missing() []MissingBatch {
	var m []MissingBatch
	for _, id := range t.order {
		e := t.exports[id]
		m = append(m, MissingBatches(id, e.size, e.seen)...)
	}
	return m
}
