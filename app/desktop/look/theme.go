// Package look is Authdesk's theme: Fyne's default with Authdesk's colours
// (a blue brand colour, darker text and warning colours that reach 4.5:1
// contrast on white), in the light or dark variant the user chose. Every
// Authdesk window (the main one, quick access, the workbench) wears it.
package look

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// New returns the theme for the user's choice: "light" or "dark" forces
// that variant, anything else follows the system.
func New(choice string) fyne.Theme {
	t := &authTheme{}
	switch choice {
	case "light":
		t.variant, t.forced = theme.VariantLight, true
	case "dark":
		t.variant, t.forced = theme.VariantDark, true
	}
	return t
}

// authTheme is Fyne's default theme with Authdesk's colours and an optional
// forced light or dark variant.
type authTheme struct {
	variant fyne.ThemeVariant
	forced  bool
}

var (
	brandLight = color.NRGBA{0x3b, 0x5b, 0xdb, 0xff}
	brandDark  = color.NRGBA{0x5c, 0x7c, 0xfa, 0xff}
)

// Color is the default theme's, with Authdesk's colours.
func (t *authTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	switch n {
	case theme.ColorNamePrimary:
		if v == theme.VariantDark {
			return brandDark
		}
		return brandLight
	case theme.ColorNameSelection:
		if v == theme.VariantDark {
			return color.NRGBA{0x74, 0x8f, 0xfc, 0x30}
		}
		return color.NRGBA{0x3b, 0x5b, 0xdb, 0x1c}
	case theme.ColorNameForeground:
		// Fyne's light text is mid grey (#565656): codes read better darker.
		if v != theme.VariantDark {
			return color.NRGBA{0x24, 0x24, 0x26, 0xff}
		}
	case theme.ColorNameWarning, theme.ColorNameError:
		// Fyne's light orange and red are hard to read as text on white
		// (2.2:1 and 3.7:1); these reach 4.5:1.
		if v != theme.VariantDark {
			if n == theme.ColorNameWarning {
				return color.NRGBA{0xb4, 0x5d, 0x00, 0xff}
			}
			return color.NRGBA{0xc6, 0x28, 0x28, 0xff}
		}
	case theme.ColorNamePlaceHolder:
		// Secondary text (account names, next codes) too: Fyne's #888 on
		// white is below 4.5:1 contrast.
		if v != theme.VariantDark {
			return color.NRGBA{0x6a, 0x6a, 0x6e, 0xff}
		}
	}
	return theme.DefaultTheme().Color(n, v)
}

// Font is the default theme's.
func (t *authTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

// Icon is the default theme's.
func (t *authTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size is the default theme's.
func (t *authTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }
