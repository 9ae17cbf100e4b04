//go:build nojpegluma

package scanner

// jpegGrey, built with -tags nojpegluma, leaves every JPEG to image/jpeg:
// the comparison benchmark (scanner/internal/cmd/benchscan -tags) measures
// what internal/jpegluma buys.
func jpegGrey([]byte, int64) *grey { return nil }
