//go:build race

package photocorpus

const raceEnabled = true
