// Command genphotos writes the scanner's photo corpus (package
// scanner/internal/photocorpus): camera-like JPEGs of printed QR codes and
// their manifest.json.
//
//	go run ./scanner/internal/cmd/genphotos                             # the committed corpus
//	go run ./scanner/internal/cmd/genphotos -out /tmp/photos -seed 7 -n 500   # a bigger one
package main

import (
	"flag"
	"log"

	"authdesk/scanner/internal/photocorpus"
)

func main() {
	out := flag.String("out", "scanner/testdata/photos", "output directory")
	seed := flag.Uint64("seed", photocorpus.DefaultSeed, "random seed")
	n := flag.Int("n", photocorpus.DefaultCount, "number of photos")
	flag.Parse()
	fs, err := photocorpus.Generate(*seed, *n)
	if err != nil {
		log.Fatal(err)
	}
	if err := photocorpus.Write(*out, fs); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d photos in %s", len(fs), *out)
}
