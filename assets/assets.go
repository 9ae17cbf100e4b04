// Package assets holds the files bundled into Authdesk: the application icon
// (also named by FyneApp.toml for `fyne package`) and the few icons Fyne's
// theme lacks. It knows nothing of Fyne; package app wraps the bytes.
package assets

import _ "embed"

//go:generate go run gen_icon.go icon.png 512
//go:generate go run gen_icon.go icon-128.png 128

// IconPNG is the 512×512 application icon: a white padlock on a blue shield.
//
//go:embed icon.png
var IconPNG []byte

// Icon128PNG is the same icon at 128×128, for the window and the tray: the
// 512 px one would cost a megabyte of X11 property and decoded copies.
//
//go:embed icon-128.png
var Icon128PNG []byte

// LockSVG is a padlock icon (Material Design "lock"), drawn in black so a
// themed resource can recolour it.
//
//go:embed lock.svg
var LockSVG []byte

// StarSVG is the star on the rows of favourite accounts: gold with a white
// edge, so that it stands out on any avatar colour.
//
//go:embed star.svg
var StarSVG []byte
