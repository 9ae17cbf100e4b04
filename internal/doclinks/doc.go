// Package doclinks holds the test that keeps README.md and docs/*.md
// linked: every relative link names a file of the repository, and every
// #fragment names a heading of its file, slugged as GitHub does.
package doclinks
