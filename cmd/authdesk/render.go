package main

import "os"

// Without a GPU driver (virtual machines, remote sessions, Xvfb) Mesa draws
// Fyne's OpenGL frames in software with llvmpipe, which by default starts one
// raster thread per core. Authdesk's window is small and redraws once a
// second while codes are shown: one thread draws such a frame in a few
// milliseconds, saves waking the others every frame, and saves the tile
// memory each extra thread keeps (~4 MiB resident). A value the user set wins;
// hardware drivers ignore the variable.
func init() {
	if _, ok := os.LookupEnv("LP_NUM_THREADS"); !ok {
		os.Setenv("LP_NUM_THREADS", "1")
	}
}
