//go:build !race

package photocorpus

const raceEnabled = false
