// Command genpack makes Authdesk's built-in icon pack from the simple-icons
// npm package (the .tgz `npm pack` downloads): it keeps the icons whose
// entry names no licence (the package's own, CC0-1.0) or CC0-1.0, MIT or
// Apache-2.0, and writes icons.PackFile and icons.NoticeFile (the version
// and each icon's licence) into the output folder.
//
//	go run ./vault/icons/internal/genpack -o .cache/icons .cache/simple-icons-16.37.0.tgz
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	log.SetFlags(0)
	out := flag.String("o", ".cache/icons", "output `folder`")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: genpack [-o folder] simple-icons-VERSION.tgz")
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	pkg, err := readPackage(f)
	if err != nil {
		log.Fatalf("%s: %v", flag.Arg(0), err)
	}
	kept, excluded := pkg.filter()
	if err := write(*out, pkg, kept, excluded); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("icons: simple-icons %s: kept %d, excluded %d (licence not CC0-1.0, MIT or Apache-2.0) → %s\n",
		pkg.Version, len(kept), len(excluded), *out)
}
